import { performance } from "node:perf_hooks";

/** How much load one measurement puts on a server: fixed concurrency, bounded count and time. */
export interface LoadLimits {
  concurrency: number;
  /** At most this many operations. */
  count: number;
  /** And stop starting new ones after this many milliseconds. */
  timeMs: number;
}

export interface LoadResult {
  ops: number;
  errors: number;
  /** The first error's message, to explain a non-zero count. */
  firstError?: string;
  seconds: number;
  latenciesMs: number[];
}

/** Runs `op` from `concurrency` workers until the count or the time is used up. */
export async function runLoad(op: () => Promise<void>, limits: LoadLimits): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  let started = 0;
  let errors = 0;
  let firstError: string | undefined;
  const begin = performance.now();
  const deadline = begin + limits.timeMs;

  const worker = async () => {
    while (started < limits.count && performance.now() < deadline) {
      started++;
      const t0 = performance.now();
      try {
        await op();
        latenciesMs.push(performance.now() - t0);
      } catch (error) {
        errors++;
        firstError ??= (error as Error).message;
      }
    }
  };
  await Promise.all(Array.from({ length: limits.concurrency }, worker));
  const seconds = (performance.now() - begin) / 1000;
  return { ops: latenciesMs.length, errors, firstError, seconds, latenciesMs };
}

/** The q-quantile (0..1) of sorted values, nearest rank. */
export function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
