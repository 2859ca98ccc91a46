import { readdirSync, readFileSync } from "node:fs";

// Linux reports process CPU time in clock ticks; 100 per second on every common kernel.
const TICKS_PER_SECOND = 100;

interface ProcStat {
  pid: number;
  ppid: number;
  comm: string;
  cpuTicks: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    const fields = text.slice(close + 2).split(" ");
    // After comm: state(0) ppid(1) ... utime(11) stime(12).
    const cpuTicks = Number(fields[11]) + Number(fields[12]);
    return { pid, ppid: Number(fields[1]), comm, cpuTicks };
  } catch {
    return undefined;
  }
}

function allStats(): ProcStat[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((stat): stat is ProcStat => stat !== undefined);
}

/** The processes named `comm` that descend from `ancestor` (default: this process). */
export function descendantsNamed(comm: string, ancestor = process.pid): number[] {
  const stats = allStats();
  const parent = new Map(stats.map((stat) => [stat.pid, stat.ppid]));
  const descends = (pid: number) => {
    for (let at = parent.get(pid); at !== undefined && at > 1; at = parent.get(at)) {
      if (at === ancestor) return true;
    }
    return false;
  };
  return stats.filter((stat) => stat.comm === comm && descends(stat.pid)).map((stat) => stat.pid);
}

/** CPU milliseconds (user + system) the processes have used so far. */
export function cpuMs(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) ticks += readStat(pid)?.cpuTicks ?? 0;
  return (ticks * 1000) / TICKS_PER_SECOND;
}
