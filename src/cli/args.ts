import { resolve } from "node:path";
import { parseArgs } from "node:util";

export interface StartOptions {
  port: number;
  /** Absolute directory for local D1/KV/Durable Object data; wrangler's default when undefined. */
  persistTo?: string;
  /** Absolute paths of realm files to import; the demo realm when none was given. */
  realmFiles: string[];
  help: boolean;
}

const summary =
  "Starts Latchkey locally: creates .dev.vars, applies D1 migrations, imports realms, " +
  "runs wrangler dev.";

export const usage = `Usage: npm start -- [options]

${summary}

Options:
  --port <port>            port for wrangler dev (default 8787)
  --persist-to <dir>       where local D1, KV and Durable Object data live (default .wrangler/state)
  --import-realm <file>    a Keycloak-style realm JSON file to import; repeatable
                           (default: src/realm-import/demo-realm.json). Existing realms are skipped.
  -h, --help               show this help
`;

/** Parses the start command's flags; relative paths are taken from the current directory. */
export function parseStartArgs(argv: string[], defaultRealmFile: string): StartOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: "string", default: "8787" },
      "persist-to": { type: "string" },
      "import-realm": { type: "string", multiple: true },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: false,
  });

  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`--port must be a port number, not "${values.port}"`);
  }

  const realmFiles = values["import-realm"] ?? [defaultRealmFile];
  return {
    port,
    persistTo: values["persist-to"] === undefined ? undefined : resolve(values["persist-to"]),
    realmFiles: realmFiles.map((file) => resolve(file)),
    help: values.help ?? false,
  };
}
