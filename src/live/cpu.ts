/**
 * CPU accounting for live runs (Linux `/proc`, proc(5)): the machine's busy fraction from
 * `/proc/stat` (all CPUs: user + nice + system + irq + softirq + steal over the total), and a
 * process tree's CPU time from `/proc/<pid>/stat` (utime + stime, in clock ticks of 1/100 s — the
 * USER_HZ every Linux ABI fixes at 100) over the pid and its live descendants
 * (`/proc/<pid>/task/<tid>/children`). Elsewhere, or when a file cannot be read, NaN.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { availableParallelism } from 'node:os';

const USER_HZ = 100;

/** Cumulative machine CPU ticks: busy and total (all CPUs). */
export interface MachineTicks {
  busy: number;
  total: number;
}

/** Reads `/proc/stat`'s `cpu` line; null when unavailable. */
export function machineTicks(): MachineTicks | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] = f;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait };
  } catch {
    return null;
  }
}

/** Busy fraction of the whole machine between two readings (0..1), NaN when unknown. */
export function machineBusy(a: MachineTicks | null, b: MachineTicks | null): number {
  if (!a || !b || b.total <= a.total) return Number.NaN;
  return (b.busy - a.busy) / (b.total - a.total);
}

/** Number of CPUs. */
export function cpuCount(): number {
  return availableParallelism();
}

function ownTicks(pid: number): number {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const rest = s.slice(s.lastIndexOf(')') + 2).split(' ');
  // fields after the command: state(3) … utime(14) stime(15): indices 11 and 12 here
  return Number(rest[11]) + Number(rest[12]);
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // not Linux, or gone
  }
  return out;
}

/** CPU time (ms) used so far by `pid` and its live descendants; NaN when unreadable. */
export function treeCpuMs(pid: number): number {
  try {
    let ticks = ownTicks(pid);
    const stack = childrenOf(pid);
    for (let guard = 0; stack.length > 0 && guard < 1000; guard++) {
      const c = stack.pop()!;
      try {
        ticks += ownTicks(c);
        stack.push(...childrenOf(c));
      } catch {
        // exited meanwhile
      }
    }
    return (ticks * 1000) / USER_HZ;
  } catch {
    return Number.NaN;
  }
}
