/**
 * Timing one run of in-process work on a shared machine: wall time, process CPU time (every
 * thread, GC helpers included) and the main thread's own CPU time from Linux schedstat
 * (`/proc/self/task/<pid>/schedstat`, first field: ns the thread has run).
 *
 * The thread time is what the benchmarks report where available: it leaves out the time the thread
 * sat waiting for a core while other processes ran, which inflates wall time on an oversubscribed
 * machine, and the GC helper threads' parallel work, which inflates process CPU time. (It also
 * leaves out the time the main thread sleeps while helpers finish a parallel GC pause: small for
 * these loops.) The kernel updates that counter only at a scheduler tick or a context switch
 * (steps of up to 4 ms were seen here), so a plain read lags by up to a tick; {@link timeRound}
 * reads it just after it steps, at both ends of the run, and accounts for the time between the step
 * and the start or end of the run, which brings the error down to about the time of one read.
 * Repeated measurements keep the best round of each figure (noise only ever adds time).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;

/** The main thread's CPU time in ns as last updated by the kernel, or NaN without schedstat. */
function threadRunNs(): number {
  try {
    return Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]);
  } catch {
    return Number.NaN;
  }
}

/** A reading of the thread's CPU time taken just after the kernel updated it. */
export interface TickReading {
  /** Thread CPU time, ms. */
  cpuMs: number;
  /** `performance.now()` just before the last read that still showed the previous value. */
  at: number;
  /** `performance.now()` just after the read that showed the new value. */
  seen: number;
}

/**
 * Spins reading the counter until it steps (for at most `limitMs`): the value is then fresh as of a
 * moment between `at` and `seen` (a tick while running, or the switch-out if the thread was
 * descheduled in between, which happens at `at` and leaves the thread idle until `seen`).
 * Undefined without schedstat, when it never stepped, or when the first read ended more than
 * 0.5 ms after `since` (the thread was probably descheduled in between).
 */
export function tickSyncedThreadCpu(since = performance.now(), limitMs = 50): TickReading | undefined {
  const first = threadRunNs();
  let at = performance.now();
  // A switch-out between `since` and the end of this first read would update the counter unseen
  // (and the wait would count as CPU): give up on this reading.
  if (!Number.isFinite(first) || at - since > 0.5) return undefined;
  const end = at + limitMs;
  for (;;) {
    const before = performance.now();
    const v = threadRunNs();
    if (v !== first) return { cpuMs: v / 1e6, at, seen: performance.now() };
    if (before > end) return undefined;
    at = before;
  }
}

/** Best times of a repeated measurement, ms. */
export interface Timing {
  /** Best wall time of one run. */
  wallMs: number;
  /** Best process CPU time of one run (all threads). */
  cpuMs: number;
  /** Best main-thread CPU time of one run (Infinity, or null once through JSON, when no round had it). */
  threadMs: number;
  /** Timed rounds. */
  rounds: number;
}

/** A timing with no round yet. */
export function fresh(): Timing {
  return { wallMs: Infinity, cpuMs: Infinity, threadMs: Infinity, rounds: 0 };
}

function hasThread(t: Timing): boolean {
  return t.threadMs !== null && Number.isFinite(t.threadMs);
}

/** The figure a benchmark reports: main-thread CPU time when measured, else wall time. */
export function bestMs(t: Timing): number {
  return hasThread(t) ? t.threadMs : t.wallMs;
}

/** Which time {@link bestMs} uses for `t`. */
export function basisOf(t: Timing): 'thread cpu' | 'wall' {
  return hasThread(t) ? 'thread cpu' : 'wall';
}

/**
 * Runs `f` once, timed; adds it to `t`; returns its output. No forced GC between rounds: a full
 * collection before a run was measured to slow that run down (wall 26 → 41 ms for the bare loop at
 * 200k requests: concurrent sweeping on the helper threads, a shrunken young generation), while
 * back-to-back rounds reach a steady state.
 */
export function timeRound<T>(t: Timing, f: () => T): T {
  const s = tickSyncedThreadCpu();
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  const out = f();
  const w1 = performance.now();
  const c = process.cpuUsage(c0);
  const e = s ? tickSyncedThreadCpu(w1) : undefined; // undefined: this round has no thread time
  // CPU at w0 = s.cpuMs + (w0 − s.seen) and at w1 = e.cpuMs − (e.at − w1), each to within one read
  // whether or not the thread was descheduled during a spin (see tickSyncedThreadCpu); a gap of
  // more than 0.5 ms between the start reading and w0 may hide a switch-out: no thread time then.
  const th = s && e && w0 - s.seen <= 0.5 ? e.cpuMs - (e.at - w1) - (s.cpuMs + (w0 - s.seen)) : Number.NaN;
  t.wallMs = Math.min(t.wallMs, w1 - w0);
  t.cpuMs = Math.min(t.cpuMs, (c.user + c.system) / 1000);
  // A thread cannot run longer than the wall clock nor for negative time: such a reading is discarded.
  if (th > 0 && th <= w1 - w0 + 0.5) t.threadMs = Math.min(t.threadMs, th);
  t.rounds++;
  return out;
}
