import { join } from "node:path";
import { displayPath } from "./display-path";
import { persistFlag, spawnWrangler, succeeded, wranglerOutput } from "./wrangler";

/** The D1 database realms go into: the deployed one, or a local one as `wrangler dev` uses. */
export type D1Target = { kind: "remote" } | { kind: "local"; persistTo?: string };

// Realm names are limited to these characters by the importer; checked again before quoting.
const realmName = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Wrangler's flags that pick the target database. */
export function targetFlags(target: D1Target): string[] {
  return target.kind === "remote" ? ["--remote"] : ["--local", ...persistFlag(target.persistTo)];
}

/** Names the target database for messages. */
export function describeTarget(root: string, target: D1Target): string {
  if (target.kind === "remote") return "the remote D1 database";

  const dir = target.persistTo ?? join(root, ".wrangler", "state");
  return `the local D1 database in ${displayPath(root, dir)}`;
}

/** Runs one SQL statement on the target with `wrangler d1 execute --json`; returns its rows. */
export async function queryTarget(
  root: string,
  target: D1Target,
  sql: string,
): Promise<Record<string, unknown>[]> {
  const args = ["d1", "execute", "DB", ...targetFlags(target), "--json", "--command", sql];
  const output = await wranglerOutput(root, args, "wrangler d1 execute").catch((error: Error) => {
    throw new Error(explain(error.message));
  });

  const [result] = JSON.parse(output) as Array<{ results: Record<string, unknown>[] }>;
  return result?.results ?? [];
}

/** Which of the realms the target database has already. */
export async function existingRealms(
  root: string,
  target: D1Target,
  names: string[],
): Promise<string[]> {
  if (names.length === 0) return [];

  const bad = names.find((name) => !realmName.test(name));
  if (bad !== undefined) throw new Error(`"${bad}" is not a realm name`);

  const list = names.map((name) => `'${name}'`).join(", ");
  const rows = await queryTarget(root, target, `SELECT name FROM realms WHERE name IN (${list})`);
  return rows.map((row) => String(row.name));
}

/**
 * Runs a SQL file on the target in one go (`wrangler d1 execute --file`). D1 applies such a file
 * as a whole or not at all: locally as one batch, remotely as one import.
 */
export async function applySqlFile(root: string, target: D1Target, file: string): Promise<void> {
  // --yes: the remote import warns that the database pauses while it runs; no one is there to ask.
  const args = ["d1", "execute", "DB", ...targetFlags(target), "--yes", "--file", file];
  const what = "wrangler d1 execute --file";

  // Remotely, wrangler's progress report (upload, rows written) is worth seeing.
  if (target.kind === "remote") await succeeded(spawnWrangler(root, args), what);
  else await wranglerOutput(root, args, what);
}

/** Wrangler's error (`{"error":{"text":...}}` with --json), and what to do about the usual one. */
function explain(message: string): string {
  const quoted = /"text":\s*("(?:[^"\\]|\\.)*")/.exec(message)?.[1];
  const text = quoted === undefined ? message : (JSON.parse(quoted) as string);

  if (!/no such table: realms/.test(text)) return text;
  const fix = "npx wrangler d1 migrations apply DB --remote (or --local)";
  return `${text}\nApply the migrations to that database first: ${fix}`;
}
