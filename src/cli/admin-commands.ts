import { readFile, writeFile } from "node:fs/promises";
import type { AdminCommand } from "./admin-args";
import { type AdminClient, CliError } from "./admin-client";
import { renameRealm } from "./rename-realm";

type Command<N extends AdminCommand["name"]> = Extract<AdminCommand, { name: N }>;
type Print = (line: string) => void;

/** The parts of a realm file partialImport adds; the rest are the realm's settings. */
const RESOURCES = [
  "clientScopes",
  "clients",
  "roles",
  "groups",
  "users",
  "scopeMappings",
  "clientScopeMappings",
  "defaultRoles",
  "defaultGroups",
];

/** `export <realm>`: the realm's representation, to a file or stdout. */
export async function exportCommand(client: AdminClient, command: Command<"export">, print: Print) {
  const query = new URLSearchParams({ exportClients: "true", exportGroupsAndRoles: "true" });
  if (command.users) query.set("includeUsers", "true");
  if (command.secrets) query.set("includeSecrets", "true");
  const path = `/${encodeURIComponent(command.realm)}/partial-export?${query}`;
  const rep = await client.expect("POST", path);
  const text = `${JSON.stringify(rep, null, 2)}\n`;
  if (!command.output) {
    process.stdout.write(text);
    return;
  }
  // An export with secrets or hashes is a secret itself: readable by its owner only.
  await writeFile(command.output, text, { mode: 0o600 });
  print(`exported realm "${command.realm}" to ${command.output}`);
}

/** `import <file>`: creates the realm if needed, then partialImport; prints the report. */
export async function importCommand(client: AdminClient, command: Command<"import">, print: Print) {
  const file = await readRealmFile(command.file);
  const name = command.realm ?? (typeof file.realm === "string" ? file.realm : undefined);
  if (!name) throw new CliError(`${command.file} names no realm; give --realm <name>`);
  const rep = name === file.realm ? file : renameRealm(file, name);
  const path = `/${encodeURIComponent(name)}`;

  const found = await client.call("GET", path);
  const created = found.status === 404;
  if (created) {
    const settings = Object.fromEntries(
      Object.entries(rep).filter(([key]) => !RESOURCES.includes(key)),
    );
    await client.expect("POST", "", settings);
    print(`created realm "${name}"`);
  } else if (!found.ok) {
    await client.expect("GET", path);
  }

  // A realm made just now took the file's webhooks with its settings.
  const { webhooks: _made, ...resources } = rep;
  const body = { ...(created ? resources : rep), ifResourceExists: command.ifExists };
  let report: ImportReport;
  try {
    report = (await client.expect("POST", `${path}/partialImport`, body)) as ImportReport;
  } catch (error) {
    // Nothing half-written: a realm this import created goes again when its import fails.
    if (created && error instanceof CliError) {
      const removed = await client.call("DELETE", path).catch(() => undefined);
      const next = removed?.ok
        ? `realm "${name}" was not kept: nothing was imported`
        : `realm "${name}" was created, but nothing was imported into it; delete it by hand`;
      throw new CliError(`${error.message}\n${next}`);
    }
    throw error;
  }
  for (const line of describe(report)) print(line);
}

interface ImportReport {
  added: number;
  skipped: number;
  overwritten: number;
  results: { action: string; resourceType: string; resourceName: string }[];
  unsupported?: { field: string; count: number }[];
}

function describe(report: ImportReport): string[] {
  const lines = report.results.map(
    (result) =>
      `${result.action.padEnd(11)} ${result.resourceType.padEnd(12)} ${result.resourceName}`,
  );
  lines.push(`added ${report.added}, skipped ${report.skipped}, overwritten ${report.overwritten}`);
  for (const part of report.unsupported ?? []) {
    lines.push(`unsupported, not imported: ${part.field} (${part.count})`);
  }
  return lines;
}

async function readRealmFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code ?? "unreadable";
    throw new CliError(`cannot read ${file} (${code})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError(`${file} is not JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new CliError(`${file} is not a realm representation (a JSON object)`);
  }
  return parsed as Record<string, unknown>;
}

const BOOTSTRAP_HELP = `How the first administrator is made:
  Latchkey creates the master realm, with the admin-cli client and one administrator, on the
  first admin request (or the first request to /realms/master, or the cron) when the master
  realm does not exist yet. The administrator's name and password come from the secrets
  BOOTSTRAP_ADMIN_USERNAME and BOOTSTRAP_ADMIN_PASSWORD:
    deployed:  npx wrangler secret put BOOTSTRAP_ADMIN_USERNAME
               npx wrangler secret put BOOTSTRAP_ADMIN_PASSWORD
    local:     npm start writes admin / admin to .dev.vars when they are missing
  Changing the secrets later changes nothing: the master realm exists by then.`;

/** `bootstrap`: how bootstrap works, and whether the given administrator can sign in. */
export async function bootstrapCommand(client: AdminClient, print: Print) {
  print(BOOTSTRAP_HELP);
  await client.signIn();
  const realms = (await client.expect("GET", "")) as { realm: string }[];
  const names = realms.map((realm) => realm.realm).join(", ");
  print(`signed in at ${client.url}: administers ${realms.length} realm(s): ${names}`);
}
