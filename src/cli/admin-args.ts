import { parseArgs } from "node:util";

/** How the CLI signs in: the master administrator's password, or a client's secret. */
export type AdminCredentials =
  | { kind: "password"; username: string; password: string }
  | { kind: "client"; clientId: string; clientSecret: string }
  | { kind: "none" };

export type AdminCommand =
  | { name: "export"; realm: string; users: boolean; secrets: boolean; output?: string }
  | { name: "import"; file: string; realm?: string; ifExists: "FAIL" | "SKIP" | "OVERWRITE" }
  | { name: "bootstrap" }
  | { name: "help" };

export interface AdminOptions {
  url: string;
  credentials: AdminCredentials;
  command: AdminCommand;
}

export const adminUsage = `Usage: npm run admin -- <command> [options]

Commands:
  export <realm> [--users] [--secrets] [-o file]
      Writes the realm as a Keycloak realm representation (stdout, or the file). Clients,
      roles and groups always; --users adds users; --secrets adds client and webhook secrets
      and password hashes (realm-admin only). Without --secrets secrets read "**********".
  import <file> [--realm name] [--if-exists fail|skip|overwrite]
      Creates the realm (POST /admin/realms) when it is missing, then adds the file's client
      scopes, clients, roles, groups and users (partialImport); prints the report.
      --realm imports under another name; --if-exists says what to do with what the realm
      has already (default fail: nothing is written).
  bootstrap
      Says how the first administrator is made and checks that they can sign in.

Connection (flags, or environment variables):
  --url <url>              LATCHKEY_ADMIN_URL (default http://127.0.0.1:8787)
  --user <name>            LATCHKEY_ADMIN_USER, a master realm administrator (admin-cli)
  --password <password>    LATCHKEY_ADMIN_PASSWORD
  --client-id <id>         LATCHKEY_ADMIN_CLIENT_ID, a master realm client with a service
  --client-secret <secret> LATCHKEY_ADMIN_CLIENT_SECRET   account holding the admin role
  -h, --help               show this help

Prefer the environment variables for passwords and secrets: flags show in the process list.
`;

const POLICIES = { fail: "FAIL", skip: "SKIP", overwrite: "OVERWRITE" } as const;

/** Parses the admin command's arguments, with the environment's defaults. */
export function parseAdminArgs(argv: string[], env: NodeJS.ProcessEnv): AdminOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      url: { type: "string" },
      user: { type: "string" },
      password: { type: "string" },
      "client-id": { type: "string" },
      "client-secret": { type: "string" },
      users: { type: "boolean", default: false },
      secrets: { type: "boolean", default: false },
      output: { type: "string", short: "o" },
      realm: { type: "string" },
      "if-exists": { type: "string", default: "fail" },
      help: { type: "boolean", short: "h", default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  const url = (values.url ?? env.LATCHKEY_ADMIN_URL ?? "http://127.0.0.1:8787").replace(/\/+$/, "");
  if (!URL.canParse(url)) throw new Error(`--url must be a URL such as http://127.0.0.1:8787`);
  const credentials = adminCredentials({
    username: values.user ?? env.LATCHKEY_ADMIN_USER,
    password: values.password ?? env.LATCHKEY_ADMIN_PASSWORD,
    clientId: values["client-id"] ?? env.LATCHKEY_ADMIN_CLIENT_ID,
    clientSecret: values["client-secret"] ?? env.LATCHKEY_ADMIN_CLIENT_SECRET,
  });
  return { url, credentials, command: command(positionals, values) };
}

function adminCredentials(given: {
  username?: string;
  password?: string;
  clientId?: string;
  clientSecret?: string;
}): AdminCredentials {
  const { username, password, clientId, clientSecret } = given;
  if (username && clientId) throw new Error("give --user or --client-id, not both");
  if (username) {
    if (!password) throw new Error("--user needs --password (or LATCHKEY_ADMIN_PASSWORD)");
    return { kind: "password", username, password };
  }
  if (clientId) {
    if (!clientSecret) {
      throw new Error("--client-id needs --client-secret (or LATCHKEY_ADMIN_CLIENT_SECRET)");
    }
    return { kind: "client", clientId, clientSecret };
  }
  return { kind: "none" };
}

function command(
  positionals: string[],
  values: { users?: boolean; secrets?: boolean; output?: string; realm?: string } & {
    "if-exists"?: string;
    help?: boolean;
  },
): AdminCommand {
  const [name, argument, ...extra] = positionals;
  if (values.help || name === undefined || name === "help") return { name: "help" };
  if (extra.length > 0) throw new Error(`unexpected arguments: ${extra.join(" ")}`);
  if (name === "bootstrap") return { name };
  if (name === "export") {
    if (!argument) throw new Error("name the realm to export: export <realm>");
    const { users = false, secrets = false, output } = values;
    return { name, realm: argument, users, secrets, output };
  }
  if (name === "import") {
    if (!argument) throw new Error("name the realm file to import: import <file>");
    const policy = POLICIES[(values["if-exists"] ?? "fail") as keyof typeof POLICIES];
    if (!policy) throw new Error("--if-exists must be fail, skip or overwrite");
    return { name, file: argument, realm: values.realm, ifExists: policy };
  }
  throw new Error(`unknown command "${name}"; use export, import or bootstrap`);
}
