import { type ChildProcess, spawn } from "node:child_process";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort } from "../e2e/harness/ports";
import { descendantsNamed } from "./cpu";
import { discoverEndpoints, type Target } from "./flows";
import { startCountingLatchkey } from "./latchkey-start";

const root = join(import.meta.dirname, "..", "..");

/** The same clients and user on every server; the redirect URI is never dialled. */
const shared = {
  service: { clientId: "bench-service", secret: "bench-service-secret-not-real" },
  app: { clientId: "bench-app", redirectUri: "http://127.0.0.1:9/callback" },
  user: { username: "bench@example.com", password: "bench-password-1" },
};

export interface Counts {
  d1Reads: number;
  d1Writes: number;
  durableObjectCalls: number;
}

export interface RunningServer {
  target: Target;
  /** The processes whose CPU time is the server's. */
  pids(): number[];
  /** Latchkey only: D1 statements and Durable Object calls so far, from the counting entry. */
  counts?(): Promise<Counts>;
  stop(): Promise<void>;
}

/** Writes the bench realm: a service-account client, a public PKCE client and one user. */
async function writeBenchRealm(dir: string): Promise<string> {
  const realm = {
    realm: "bench",
    clients: [
      {
        clientId: shared.service.clientId,
        publicClient: false,
        secret: shared.service.secret,
        serviceAccountsEnabled: true,
        standardFlowEnabled: false,
      },
      {
        clientId: shared.app.clientId,
        publicClient: true,
        redirectUris: [shared.app.redirectUri],
        attributes: { "pkce.code.challenge.method": "S256" },
      },
    ],
    users: [
      {
        username: shared.user.username,
        email: shared.user.username,
        emailVerified: true,
        credentials: [{ type: "password", value: shared.user.password }],
      },
    ],
  };
  const path = join(dir, "bench-realm.json");
  await writeFile(path, JSON.stringify(realm, null, 2));
  return path;
}

/**
 * Latchkey as `npm start` runs it (`wrangler dev`, local D1/KV/DO) with the bench realm, behind
 * the bench's counting entry.
 */
export async function startLatchkeyTarget(dir: string): Promise<RunningServer> {
  const persistTo = join(dir, "latchkey-data");
  const server = await startCountingLatchkey(await writeBenchRealm(dir), "bench", persistTo);
  const issuer = `${server.origin}/realms/bench`;
  const endpoints = await discoverEndpoints(issuer);
  const target = { name: "latchkey", issuer, endpoints, ...shared };
  const counts = async () =>
    (await (await fetch(`${server.origin}/__bench/counts`)).json()) as Counts;
  return { target, pids: () => descendantsNamed("workerd"), counts, stop: server.stop };
}

// TODO(bench-openauth): @openauthjs/openauth (password provider on Node) is not a peer yet, so
// the table has no third column; it risks reading oidc-provider as the only alternative. A
// target here with a seeded password user, plus n/a reasons where its API lacks a scenario
// (introspection and client_credentials are to be checked in its API), would close it.
/** node-oidc-provider in a process of its own, configured like the bench realm. */
export async function startOidcProviderTarget(): Promise<RunningServer> {
  const port = await freePort();
  const script = join(import.meta.dirname, "peers", "oidc-provider-server.ts");
  const child = spawn(
    process.execPath,
    ["--import", "tsx", script, String(port), JSON.stringify(shared)],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  const output: string[] = [];
  child.stdout?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => output.push(chunk.toString()));
  await waitFor(child, () => output.join("").includes("ready"), output);
  const issuer = `http://127.0.0.1:${port}`;
  const target = {
    name: "oidc-provider",
    issuer,
    endpoints: await discoverEndpoints(issuer),
    ...shared,
  };
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await Promise.race([exited, sleep(5_000)]);
  };
  return { target, pids: () => (child.pid ? [child.pid] : []), stop };
}

async function waitFor(child: ChildProcess, ready: () => boolean, output: string[]) {
  const deadline = Date.now() + 60_000;
  while (!ready()) {
    if (child.exitCode !== null) throw new Error(`peer exited early:\n${output.join("")}`);
    if (Date.now() > deadline) throw new Error(`peer did not start:\n${output.join("")}`);
    await sleep(100);
  }
}
