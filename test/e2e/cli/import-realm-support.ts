import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { queryTarget } from "../../../src/cli/d1-target";
import { spawnWrangler } from "../../../src/cli/wrangler";
import { freePort } from "../harness/ports";

export const root = join(import.meta.dirname, "..", "..", "..");

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `npm run import-realm`'s script with the arguments; temporary files go under tmpDir. */
export function runImportRealm(args: string[], tmpDir: string): Promise<CommandResult> {
  const node = join(root, "node_modules", ".bin", "node");
  const child = spawn(node, ["--import", "tsx", "src/cli/import-realm.ts", ...args], {
    cwd: root,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, INIT_CWD: root, TMPDIR: tmpDir, NO_COLOR: "1" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** What the realm tables of a local D1 database hold, read with `wrangler d1 execute --json`. */
export async function snapshot(persistTo: string) {
  const sql = `SELECT
    (SELECT json_group_array(json_array(id, name)) FROM realms) AS realms,
    (SELECT json_group_array(json_array(id, realm_id, client_id)) FROM clients) AS clients,
    (SELECT json_group_array(json_array(id, realm_id, username, email)) FROM users) AS users,
    (SELECT json_group_array(json_array(id, user_id, type, secret_data)) FROM credentials)
      AS credentials`;
  const [row] = await queryTarget(root, { kind: "local", persistTo }, sql);
  const table = (name: string) => JSON.parse(String(row?.[name])) as unknown[][];
  return {
    realms: table("realms"),
    clients: table("clients"),
    users: table("users"),
    credentials: table("credentials"),
  };
}

export interface DevServer {
  origin: string;
  stop(): Promise<void>;
}

/** Runs `wrangler dev` on a free port over the local data in persistTo, until it answers. */
export async function startWranglerDev(persistTo: string): Promise<DevServer> {
  const port = await freePort();
  const args = ["dev", "--port", String(port), "--persist-to", persistTo];
  // A process group of its own, so stopping it also stops workerd.
  const child = spawnWrangler(root, args, { detached: true, stdio: "ignore" });
  const origin = `http://localhost:${port}`;

  const deadline = Date.now() + 100_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const answered = await fetch(origin, { redirect: "manual" }).catch(() => undefined);
    if (answered) return { origin, stop: () => stopGroup(child) };
    await sleep(300);
  }
  await stopGroup(child);
  throw new Error(`wrangler dev did not answer on ${origin}`);
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;

  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(-child.pid, "SIGTERM");
  const timedOut = await Promise.race([exited.then(() => false), sleep(10_000, true)]);
  try {
    // Whatever is left of the group (workerd) goes too.
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // The group is gone already.
  }
  if (timedOut) await exited;
}
