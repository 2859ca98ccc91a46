import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Summary } from "../bench/measure";

const root = join(import.meta.dirname, "..", "..");

interface BenchResult {
  smoke: boolean;
  machine: { cpuCount: number; shared: boolean };
  latchkey: { bundle: { bytes: number }; coldStartCpuMs: number };
  results: Summary[];
}

let dir: string;
let result: BenchResult;
let output = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "latchkey-bench-smoke-"));
  const out = join(dir, "smoke.json");
  const child = spawn(
    join(root, "node_modules", ".bin", "node"),
    ["--import", "tsx", "test/bench/run.ts", "--smoke", "--out", out],
    { cwd: root, stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    output += chunk.toString();
  });
  const code = await new Promise((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`npm run bench -- --smoke exited with ${code}:\n${output}`);
  result = JSON.parse(await readFile(out, "utf8")) as BenchResult;
}, 240_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("The benchmark's smoke run (issue 7), a few requests per scenario", () => {
  it("runs every scenario on Latchkey and oidc-provider without errors", () => {
    const applicable = result.results.filter((row) => !row.notApplicable);
    expect(new Set(applicable.map((row) => row.server))).toEqual(
      new Set(["latchkey", "oidc-provider"]),
    );
    expect(applicable.map((row) => [row.scenario, row.server, row.firstError])).toEqual(
      applicable.map((row) => [row.scenario, row.server, undefined]),
    );
    for (const row of applicable) expect(row.ops).toBeGreaterThan(0);
  });

  it("covers scenarios 1 to 6, with a reason wherever a server can't do one", () => {
    const scenarios = new Set(result.results.map((row) => row.scenario.split(".")[0]));
    expect(scenarios).toEqual(new Set(["1", "2", "3", "4", "5", "6"]));
    for (const row of result.results.filter((each) => each.notApplicable)) {
      expect(row.notApplicable?.length).toBeGreaterThan(10);
    }
  });

  it("measures Latchkey's CPU per request, bundle size and cold start", () => {
    const latchkey = result.results.filter((row) => row.server === "latchkey" && row.ops > 0);
    for (const row of latchkey) expect(row.cpuMsPerOp).toBeGreaterThanOrEqual(0);
    expect(result.latchkey.bundle.bytes).toBeGreaterThan(100_000);
    expect(result.latchkey.coldStartCpuMs).toBeGreaterThan(0);
  });

  it("prints the table and records the machine, marked as shared by default", () => {
    expect(output).toContain("| Scenario | Server | ops/s |");
    expect(result.smoke).toBe(true);
    expect(result.machine.shared).toBe(true);
    expect(result.machine.cpuCount).toBeGreaterThan(0);
  });
});
