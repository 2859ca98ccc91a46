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

/** Runs wrangler to the end with its output captured: resolves with stdout, rejects with both. */
export function wranglerOutput(root: string, args: string[], what: string): Promise<string> {
  const child = spawnWrangler(root, args, { stdio: ["ignore", "pipe", "pipe"] });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout?.on("data", (chunk: Buffer) => stdout.push(chunk));
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk));

  return new Promise((resolve, reject) => {
    child.once("error", reject);
    // "close" rather than "exit": it comes after the output has been read to the end.
    child.once("close", (code, signal) => {
      const out = Buffer.concat(stdout).toString().trim();
      if (code === 0) return resolve(out);

      const output = [out, Buffer.concat(stderr).toString().trim()].filter(Boolean).join("\n");
      reject(new Error(`${what} failed (${signal ?? `exit code ${code}`}):\n${output}`));
    });
  });
}

/** The `--persist-to` flag for wrangler, when a directory was given. */
export function persistFlag(persistTo: string | undefined): string[] {
  return persistTo === undefined ? [] : ["--persist-to", persistTo];
}
