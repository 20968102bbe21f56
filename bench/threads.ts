/**
 * Per-thread time of this process from Linux schedstat (`/proc/self/task/<tid>/schedstat`: ns run
 * on a CPU, ns waited on a run queue, timeslices). Over a window, a thread's wall time splits into
 * running, waiting for a core (other processes' fault on a shared machine) and sleeping: what is
 * left, time the thread had nothing to do. The scaling benchmark reports the sleep of the threads
 * that simulate: on an idle machine it is the time parallelism lost (a thread waiting for work or
 * for the last run), and unlike wall time it barely moves with the machine's load.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** One thread's counters, ns. */
export interface TaskTime {
  runNs: number;
  waitNs: number;
}

/** Every thread's counters now, by thread id (empty without schedstat). */
export function taskTimes(): Map<number, TaskTime> {
  const out = new Map<number, TaskTime>();
  let tids: string[];
  try {
    tids = readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const [run, wait] = readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ');
      out.set(Number(tid), { runNs: Number(run), waitNs: Number(wait) });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

/** A thread's share of a window, ms. */
export interface ThreadWindow {
  /** Ran on a CPU. */
  cpuMs: number;
  /** Waited for a core. */
  waitMs: number;
  /** Slept: the window's wall time less the two above (for a thread started in the window, from the window's start). */
  idleMs: number;
}

/**
 * The main thread's window and the `others` busiest other threads' (by CPU in the window: the
 * worker threads of a pool, ahead of GC helpers), between two {@link taskTimes} readings `wallMs`
 * apart. Empty without schedstat.
 */
export function threadWindows(before: Map<number, TaskTime>, after: Map<number, TaskTime>, wallMs: number, others: number): ThreadWindow[] {
  const win = (tid: number): ThreadWindow => {
    const a = after.get(tid)!;
    const b = before.get(tid) ?? { runNs: 0, waitNs: 0 };
    const cpuMs = (a.runNs - b.runNs) / 1e6;
    const waitMs = (a.waitNs - b.waitNs) / 1e6;
    return { cpuMs, waitMs, idleMs: Math.max(0, wallMs - cpuMs - waitMs) };
  };
  if (!after.has(process.pid)) return [];
  const rest = [...after.keys()]
    .filter((t) => t !== process.pid)
    .map(win)
    .sort((x, y) => y.cpuMs - x.cpuMs)
    .slice(0, others);
  return [win(process.pid), ...rest];
}
