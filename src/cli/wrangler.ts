import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { join } from "node:path";

/** Runs wrangler's CLI from node_modules on the Node.js that runs this script. */
export function spawnWrangler(root: string, args: string[], options: SpawnOptions = {}) {
  const bin = join(root, "node_modules", "wrangler", "bin", "wrangler.js");
  return spawn(process.execPath, [bin, ...args], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    ...options,
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", ...options.env },
  });
}

/** Resolves when the process exits with 0, rejects otherwise. */
export function succeeded(child: ChildProcess, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${what} failed (${signal ?? `exit code ${code}`})`));
    });
  });
}

/** The `--persist-to` flag for wrangler, when a directory was given. */
export function persistFlag(persistTo: string | undefined): string[] {
  return persistTo === undefined ? [] : ["--persist-to", persistTo];
}
