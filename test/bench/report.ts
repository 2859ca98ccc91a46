import { readFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join } from "node:path";
import type { Summary } from "./measure";

const root = join(import.meta.dirname, "..", "..");

/** The machine a run happened on, for the JSON and the README. */
export function machine(shared: boolean) {
  const workerd = JSON.parse(
    readFileSync(join(root, "node_modules", "workerd", "package.json"), "utf8"),
  ) as { version: string };
  return {
    cpuModel: cpus()[0]?.model ?? "unknown",
    cpuCount: cpus().length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    workerd: workerd.version,
    // An object, not an array: biome keeps the written JSON as JSON.stringify lays it out.
    loadAverage: Object.fromEntries(
      loadavg().map((value, i) => [["1min", "5min", "15min"][i], Math.round(value * 100) / 100]),
    ),
    shared,
  };
}

const cell = (value: number) => (Number.isFinite(value) ? String(value) : "–");

/** The results as a Markdown table, the same in the terminal and in the README. */
export function table(rows: Summary[]): string {
  const head =
    "| Scenario | Server | ops/s | p50 ms | p95 ms | p99 ms | errors | server CPU ms/op " +
    "| ops per CPU-s | D1 reads / writes, DO calls per op |";
  const lines = [head, `|${" --- |".repeat(10)}`];
  for (const row of rows) {
    if (row.notApplicable) {
      lines.push(
        `| ${row.scenario} | ${row.server} | n/a: ${row.notApplicable} |${" |".repeat(7)}`,
      );
      continue;
    }
    const cells = [
      row.scenario,
      row.server,
      cell(row.opsPerSecond),
      cell(row.p50Ms),
      cell(row.p95Ms),
      cell(row.p99Ms),
      String(row.errors),
      cell(row.cpuMsPerOp),
      cell(row.opsPerCpuSecond),
      row.d1ReadsPerOp === undefined
        ? ""
        : `${row.d1ReadsPerOp} / ${row.d1WritesPerOp}, ${row.durableObjectCallsPerOp}`,
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}
