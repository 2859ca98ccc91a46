import { cpuMs } from "./cpu";
import type { Target } from "./flows";
import { type LoadLimits, quantile, runLoad } from "./load";
import type { Scenario } from "./scenarios";
import type { Counts, RunningServer } from "./servers";

/** What one scenario did on one server, summed over rounds. */
export interface Tally {
  scenario: string;
  server: string;
  notApplicable?: string;
  ops: number;
  errors: number;
  firstError?: string;
  seconds: number;
  cpuMs: number;
  latenciesMs: number[];
  counts?: Counts;
}

export interface Summary {
  scenario: string;
  server: string;
  notApplicable?: string;
  ops: number;
  errors: number;
  firstError?: string;
  opsPerSecond: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Server process CPU time (user + system) per operation. */
  cpuMsPerOp: number;
  /** Operations per second of server CPU: the figure to compare per vCPU. */
  opsPerCpuSecond: number;
  /** Latchkey only: D1 statements (reads, writes) and Durable Object calls per operation. */
  d1ReadsPerOp?: number;
  d1WritesPerOp?: number;
  durableObjectCallsPerOp?: number;
}

/** One round of one scenario on one server, added to its tally. */
export async function measure(
  scenario: Scenario,
  server: RunningServer,
  limits: LoadLimits,
  tally: Tally,
): Promise<void> {
  const target: Target = server.target;
  const reason = scenario.notApplicable?.[target.name];
  if (reason) {
    tally.notApplicable = reason;
    return;
  }
  let op: () => Promise<void>;
  try {
    op = await scenario.prepare(target, limits.concurrency);
  } catch (error) {
    tally.errors++;
    tally.firstError ??= `prepare: ${(error as Error).message}`;
    return;
  }
  const pids = server.pids();
  const countsBefore = await server.counts?.();
  const cpuBefore = cpuMs(pids);
  const result = await runLoad(op, limits);
  tally.cpuMs += cpuMs(pids) - cpuBefore;
  const countsAfter = await server.counts?.();
  if (countsBefore && countsAfter) {
    const sum = tally.counts ?? { d1Reads: 0, d1Writes: 0, durableObjectCalls: 0 };
    for (const key of Object.keys(sum) as (keyof Counts)[]) {
      sum[key] += countsAfter[key] - countsBefore[key];
    }
    tally.counts = sum;
  }
  tally.ops += result.ops;
  tally.errors += result.errors;
  tally.firstError ??= result.firstError;
  tally.seconds += result.seconds;
  tally.latenciesMs.push(...result.latenciesMs);
}

const round1 = (value: number) => Math.round(value * 10) / 10;

export function summarize(tally: Tally): Summary {
  const sorted = [...tally.latenciesMs].sort((a, b) => a - b);
  const cpuMsPerOp = tally.ops ? tally.cpuMs / tally.ops : Number.NaN;
  return {
    scenario: tally.scenario,
    server: tally.server,
    notApplicable: tally.notApplicable,
    ops: tally.ops,
    errors: tally.errors,
    firstError: tally.firstError,
    opsPerSecond: round1(tally.seconds ? tally.ops / tally.seconds : 0),
    p50Ms: round1(quantile(sorted, 0.5)),
    p95Ms: round1(quantile(sorted, 0.95)),
    p99Ms: round1(quantile(sorted, 0.99)),
    cpuMsPerOp: round1(cpuMsPerOp),
    opsPerCpuSecond: round1(1000 / cpuMsPerOp),
    ...(tally.counts && tally.ops
      ? {
          d1ReadsPerOp: round1(tally.counts.d1Reads / tally.ops),
          d1WritesPerOp: round1(tally.counts.d1Writes / tally.ops),
          durableObjectCallsPerOp: round1(tally.counts.durableObjectCalls / tally.ops),
        }
      : {}),
  };
}
