/**
 * `npm run bench`: Latchkey and node-oidc-provider side by side on issue 7's scenarios, on
 * loopback, alternating servers each round, with bounded load. `-- --smoke` makes a few
 * requests per scenario in one round. Prints a Markdown table and writes the results as JSON.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { bundleSize } from "./bundle";
import { cpuMs } from "./cpu";
import type { LoadLimits } from "./load";
import { measure, summarize, type Tally } from "./measure";
import { machine, table } from "./report";
import { scenarios } from "./scenarios";
import { type RunningServer, startLatchkeyTarget, startOidcProviderTarget } from "./servers";

const { values } = parseArgs({
  options: {
    smoke: { type: "boolean", default: false },
    rounds: { type: "string" },
    concurrency: { type: "string" },
    count: { type: "string" },
    seconds: { type: "string" },
    dedicated: { type: "boolean", default: false },
    out: { type: "string" },
  },
});

const args = process.argv.slice(2);
const smoke = values.smoke ?? false;
const rounds = Number(values.rounds ?? (smoke ? 1 : 3));
const limits: LoadLimits = {
  concurrency: Number(values.concurrency ?? (smoke ? 2 : 8)),
  count: Number(values.count ?? (smoke ? 4 : 400)),
  timeMs: Number(values.seconds ?? (smoke ? 10 : 8)) * 1000,
};
const root = join(import.meta.dirname, "..", "..");
const outFile =
  values.out ?? join(root, smoke ? "test-results" : "test/bench/results", "latest.json");

async function main() {
  const dir = await mkdtemp(join(tmpdir(), "latchkey-bench-"));
  const servers: RunningServer[] = [];
  try {
    const bundle = await bundleSize();
    const latchkey = await startLatchkeyTarget(dir);
    servers.push(latchkey);
    // Start-up and the first request: workerd's CPU up to the first discovery answer.
    const coldStartCpuMs = cpuMs(latchkey.pids());
    servers.push(await startOidcProviderTarget());

    const tallies = new Map<string, Tally>();
    for (let round = 0; round < rounds; round++) {
      for (const scenario of scenarios) {
        // Alternate which server goes first, so drift on a shared machine hits both alike.
        const order = round % 2 === 0 ? servers : [...servers].reverse();
        for (const server of order) {
          const key = `${scenario.title}/${server.target.name}`;
          const tally = tallies.get(key) ?? emptyTally(scenario.title, server.target.name);
          tallies.set(key, tally);
          await measure(scenario, server, limits, tally);
        }
      }
    }

    const rows = [...tallies.values()].map(summarize);
    const result = {
      date: new Date().toISOString(),
      command: ["npm run bench", ...(args.length ? ["--", ...args] : [])].join(" "),
      smoke,
      rounds,
      limits,
      machine: machine(!values.dedicated),
      latchkey: { bundle, coldStartCpuMs },
      results: rows,
    };
    process.stdout.write(`${table(rows)}\n\n`);
    process.stdout.write(
      `Latchkey bundle: ${bundle.bytes} bytes (${bundle.gzipBytes} gzip); ` +
        `cold start + first request: ${coldStartCpuMs} ms workerd CPU\n`,
    );
    await mkdir(join(outFile, ".."), { recursive: true });
    await writeFile(outFile, `${JSON.stringify(result, null, 2)}\n`);
    process.stdout.write(`Wrote ${outFile}\n`);
  } finally {
    for (const server of servers) await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

function emptyTally(scenario: string, server: string): Tally {
  return { scenario, server, ops: 0, errors: 0, seconds: 0, cpuMs: 0, latenciesMs: [] };
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
