import { type ChildProcess, spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "./ports";

const root = join(import.meta.dirname, "..", "..", "..");

export interface LatchkeyServer {
  /** Where the server answers, e.g. `http://localhost:41234`. */
  origin: string;
  /** The issuer of a realm on this server. */
  issuer(realm: string): string;
  /** Stops the start command and everything it started, and removes the server's data. */
  stop(): Promise<void>;
}

/**
 * Starts Latchkey through the start command (migrations, realm import, `wrangler dev`) on a free
 * port with its own data directory, and waits until the realm's discovery document answers.
 */
export async function startLatchkey(realm: string, realmFile: string): Promise<LatchkeyServer> {
  const port = await freePort();
  const origin = `http://localhost:${port}`;
  const persistTo = await mkdtemp(join(tmpdir(), "latchkey-e2e-"));
  const logFile = join(root, "test-results", `e2e-server-${realm}.log`);
  await mkdir(join(root, "test-results"), { recursive: true });

  const args = ["--import", "tsx", "src/cli/start.ts", "--port", String(port)];
  args.push("--persist-to", persistTo, "--import-realm", realmFile);
  const child = spawn(join(root, "node_modules", ".bin", "node"), args, {
    cwd: root,
    // A process group of its own, so stopping it also stops wrangler and workerd.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" },
  });
  const output = captureOutput(child, logFile);

  const stop = async () => {
    await stopGroup(child);
    await rm(persistTo, { recursive: true, force: true });
  };

  try {
    await waitForDiscovery(child, `${origin}/realms/${realm}`, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return { origin, issuer: (name) => `${origin}/realms/${name}`, stop };
}

function captureOutput(child: ChildProcess, logFile: string): string[] {
  const lines: string[] = [];
  const log = createWriteStream(logFile);
  const keep = (chunk: Buffer) => {
    log.write(chunk);
    lines.push(...chunk.toString().split("\n"));
    lines.splice(0, Math.max(0, lines.length - 40));
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  child.once("exit", () => log.end());
  return lines;
}

async function waitForDiscovery(child: ChildProcess, issuer: string, output: string[]) {
  const url = `${issuer}/.well-known/openid-configuration`;
  const deadline = Date.now() + 100_000;
  let last = "no answer";

  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`the start command exited early:\n${output.join("\n")}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = String(error);
    }
    await sleep(300);
  }
  throw new Error(`${url} did not answer (${last}):\n${output.join("\n")}`);
}

async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;

  const exited = new Promise((resolve) => child.once("exit", resolve));
  signalGroup(child.pid, "SIGTERM");
  const timedOut = await Promise.race([exited.then(() => false), sleep(10_000, true)]);
  // Whatever is left of the group (workerd, esbuild) goes too.
  signalGroup(child.pid, timedOut ? "SIGKILL" : "SIGTERM");
  if (timedOut) await exited;
}

function signalGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}
