import type { ChildProcess } from "node:child_process";
import { createServer } from "node:net";
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
  // Local receivers (a webhook test server on 127.0.0.1) are reachable in development only.
  const devVars = ["--var", "WEBHOOKS_ALLOW_PRIVATE_TARGETS:true", ...realmVar];
  const args = ["dev", "--port", String(port), ...persistFlag(persistTo), ...devVars];
  // Inherit stdin so wrangler's keyboard shortcuts work in a terminal.
  const child = spawnWrangler(root, args, { stdio: "inherit" });

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  return child;
}

/**
 * Fails when something already listens on the port: otherwise the readiness check below would
 * take that other server's answers for ours, and announce a server that never started.
 */
export async function assertPortFree(port: number): Promise<void> {
  const server = createServer();
  const listening = new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, resolve);
  });
  try {
    await listening;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new Error(`Port ${port} is in use; stop what runs there or pick --port <number>`);
    }
    throw error;
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
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
