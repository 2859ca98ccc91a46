import type { ChildProcess } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { persistFlag, spawnWrangler } from "./wrangler";

/**
 * Starts `wrangler dev` on the port, passing SIGINT and SIGTERM on to it. `/` leads to
 * `defaultRealm` when one is given.
 */
export function startDevServer(
  root: string,
  port: number,
  persistTo: string | undefined,
  defaultRealm?: string,
) {
  const realmVar = defaultRealm ? ["--var", `DEFAULT_REALM:${defaultRealm}`] : [];
  const args = ["dev", "--port", String(port), ...persistFlag(persistTo), ...realmVar];
  // Inherit stdin so wrangler's keyboard shortcuts work in a terminal.
  const child = spawnWrangler(root, args, { stdio: "inherit" });

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  return child;
}

/** Resolves once the server answers HTTP on the port, or rejects if the process exits first. */
export async function waitUntilListening(child: ChildProcess, port: number, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });

  while (Date.now() < deadline) {
    if (exited) throw new Error("wrangler dev exited before it was ready");
    try {
      await fetch(`http://localhost:${port}/`, { redirect: "manual" });
      return;
    } catch {
      await sleep(250);
    }
  }
  throw new Error(`wrangler dev did not answer on port ${port} within ${timeoutMs / 1000} s`);
}
