import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { ensureDevVars } from "../../src/cli/dev-vars";
import { importRealmFiles } from "../../src/cli/import";
import { keyEncryptionSecretFor } from "../../src/cli/key-encryption-secret";
import { applyMigrations } from "../../src/cli/migrations";
import { freePort } from "../e2e/harness/ports";

const root = join(import.meta.dirname, "..", "..");
const entry = join("test", "bench", "worker", "counting-entry.ts");

export interface StartedLatchkey {
  origin: string;
  stop(): Promise<void>;
}

/**
 * Latchkey the way `npm start` runs it (migrations, realm import, `wrangler dev` with local
 * D1/KV/DO), but with the bench's counting entry in front of the worker.
 */
export async function startCountingLatchkey(
  realmFile: string,
  realm: string,
  persistTo: string,
): Promise<StartedLatchkey> {
  await ensureDevVars(root);
  await applyMigrations(root, persistTo);
  await importRealmFiles(root, persistTo, [realmFile], {
    keyEncryptionSecret: await keyEncryptionSecretFor(root, { kind: "local" }),
  });
  const port = await freePort();
  const origin = `http://127.0.0.1:${port}`;
  await mkdir(join(root, "test-results"), { recursive: true });
  const log = createWriteStream(join(root, "test-results", "bench-latchkey.log"));
  const bin = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
  const args = [bin, "dev", entry, "--ip", "127.0.0.1", "--port", String(port)];
  args.push("--persist-to", persistTo, "--var", `DEFAULT_REALM:${realm}`);
  const child = spawn(process.execPath, args, {
    cwd: root,
    // A process group of its own, so stopping it also stops workerd.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const stop = () => stopGroup(child);
  try {
    await waitForDiscovery(child, `${origin}/realms/${realm}/.well-known/openid-configuration`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { origin, stop };
}

async function waitForDiscovery(child: ChildProcess, url: string) {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error("wrangler dev exited; see bench-latchkey.log");
    const response = await fetch(url).catch(() => undefined);
    if (response?.ok) return;
    await sleep(300);
  }
  throw new Error(`${url} did not answer; see test-results/bench-latchkey.log`);
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-(child.pid as number), name);
    } catch {
      // The group is gone already.
    }
  };
  signal("SIGTERM");
  const timedOut = await Promise.race([exited.then(() => false), sleep(10_000, true)]);
  signal(timedOut ? "SIGKILL" : "SIGTERM");
}
