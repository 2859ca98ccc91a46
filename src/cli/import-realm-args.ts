import { resolve } from "node:path";
import { parseArgs } from "node:util";
import type { D1Target } from "./d1-target";

export interface ImportRealmOptions {
  target: D1Target;
  /** Absolute paths of the realm files, in the order given. */
  realmFiles: string[];
  help: boolean;
}

export const importRealmUsage = `Usage: npm run import-realm -- (--remote | --local) <file.json>...

Imports Keycloak-style realm files into Latchkey's D1 database: checked and imported into a
temporary local database first, then copied over as SQL by wrangler. Realms that the database
has already are skipped. A file with any bad field is refused, and nothing is written.

Options:
  --remote                 the deployed database (wrangler.toml's DB; needs \`wrangler login\`)
  --local                  the local database that \`npm start\` and \`wrangler dev\` use
  --persist-to <dir>       with --local: where the local data lives (default .wrangler/state)
  -h, --help               show this help

Clients with clientAuthenticatorType client-secret-jwt keep their secret sealed with the
worker's KEY_ENCRYPTION_SECRET. --local takes it from .dev.vars (made if missing); --remote takes
it from the KEY_ENCRYPTION_SECRET environment variable, which must hold the deployed secret.
`;

/** Parses the import-realm command's flags; relative paths are taken from `cwd`. */
export function parseImportRealmArgs(argv: string[], cwd: string): ImportRealmOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      remote: { type: "boolean", default: false },
      local: { type: "boolean", default: false },
      "persist-to": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  const help = values.help ?? false;
  const persistTo = values["persist-to"];

  // Say which database on purpose: an import meant for production must not land locally.
  if (!help && values.remote === values.local) {
    throw new Error("say which database to import into: --remote or --local");
  }

  if (values.remote && persistTo !== undefined) {
    throw new Error("--persist-to is for the local database; leave it out with --remote");
  }

  if (!help && positionals.length === 0) throw new Error("name at least one realm file");

  const target: D1Target = values.remote
    ? { kind: "remote" }
    : { kind: "local", persistTo: persistTo === undefined ? undefined : resolve(cwd, persistTo) };
  return { target, realmFiles: positionals.map((file) => resolve(cwd, file)), help };
}
