/**
 * Trace replay (`clients: { arrival: trace, file, format, speed, loop, attributes }`): the arrival
 * times logged in an access log, replayed exactly — deterministic, no random draw, so every
 * strategy of a run sees the same arrivals (common random numbers hold trivially). Optionally each
 * request's logged hash key, client address, session and class (its URL pattern) replace the
 * drawn ones (`attributes`).
 *
 * The log is read once per process (trace-load.ts: streamed, gzip or not, with the format's
 * parser) into typed arrays — 8 bytes per request for the time, 4 per replayed attribute, plus each
 * distinct attribute value once — and shared by every run: `preloadTraces` loads the traces of a
 * scenario before it runs (the CLI does it), {@link traceOf} hands the loaded one to the workload.
 * This module reads no file (the simulator stays free of Node I/O); trace-load.ts does. Requests are replayed in arrival order (the log is in end order, so times are
 * sorted); only requests the proxy sent to an upstream are replayed, as in the fitted model. Time 0
 * of the simulation is the first arrival; `speed` divides every time ("what if traffic doubled");
 * with `loop` the trace repeats every (last − first + mean gap) / speed.
 */
import type { TraceArrival, TraceAttribute } from '../../scenario/types.js';
import type { ArrivalProcess } from './arrivals.js';

/** One replayed attribute: per-request ids into the distinct values. */
export interface TraceColumn {
  ids: Int32Array;
  values: string[];
}

/** A loaded trace. */
export interface TraceData {
  /** Arrival times (ms) from the first arrival, ascending. */
  times: Float64Array;
  n: number;
  /** Length of one repetition (ms, before `speed`): last − first + mean gap. */
  periodMs: number;
  columns: Partial<Record<TraceAttribute, TraceColumn>>;
  /** Lines skipped (unparsed, or not sent to an upstream). */
  skipped: number;
}

const cache = new Map<string, TraceData>();

/** The cache key of a trace: file, format and replayed attributes. */
export function traceKey(t: TraceArrival): string {
  return `${t.file}\u0000${t.format}\u0000${[...t.attributes].sort().join(',')}`;
}

/** Whether a trace is loaded. */
export function hasTrace(t: TraceArrival): boolean {
  return cache.has(traceKey(t));
}

/** Stores a loaded trace (trace-load.ts, or a host that reads files its own way). */
export function registerTrace(t: TraceArrival, data: TraceData): void {
  cache.set(traceKey(t), data);
}

/** The loaded trace of a `trace` arrival process. @throws Error when {@link preloadTraces} was not awaited first */
export function traceOf(t: TraceArrival): TraceData {
  const d = cache.get(traceKey(t));
  if (!d) throw new Error(`trace ${t.file} is not loaded: await preloadTraces(scenario) before running it`);
  return d;
}

/** Arrivals at the logged times (see the module header). */
export class TraceArrivals implements ArrivalProcess {
  private i = 0;
  private offset = 0;
  private readonly times: Float64Array;
  private readonly n: number;
  private readonly inv: number;
  private readonly period: number;

  constructor(
    trace: TraceData,
    speed: number,
    private readonly loop: boolean,
  ) {
    this.times = trace.times;
    this.n = trace.n;
    this.inv = 1 / speed;
    this.period = trace.periodMs / speed;
  }

  next(_now: number): number {
    if (this.i === this.n) {
      if (!this.loop) return Infinity;
      this.i = 0;
      this.offset += this.period;
    }
    return this.offset + this.times[this.i++]! * this.inv;
  }
}

/** Requests per second a trace offers over [from, to) (ms), with its speed and loop. */
export function traceRate(t: TraceArrival, fromMs: number, toMs: number): number {
  if (!(toMs > fromMs)) return 0;
  const d = traceOf(t);
  const period = d.periodMs / t.speed;
  let count = 0;
  const countUpTo = (x: number): number => {
    // arrivals at times < x
    let c = 0;
    let base = 0;
    if (t.loop && x > period) {
      const whole = Math.floor(x / period);
      c += whole * d.n;
      base = whole * period;
    }
    const rel = (x - base) * t.speed;
    let lo = 0;
    let hi = d.n;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (d.times[mid]! < rel) lo = mid + 1;
      else hi = mid;
    }
    return c + lo;
  };
  count = countUpTo(toMs) - countUpTo(fromMs);
  return (count / (toMs - fromMs)) * 1000;
}
