/**
 * Trace replay (`clients: { arrival: trace, file, format, speed, loop, attributes }`): the arrival
 * times logged in an access log, replayed exactly — deterministic, no random draw, so every
 * strategy of a run sees the same arrivals (common random numbers hold trivially). Optionally each
 * request's logged hash key, client address, session and class (its URL pattern) replace the
 * drawn ones (`attributes`).
 *
 * The log is read once per process (streamed, gzip or not, by src/interop/logs/lines.ts with the
 * format's parser) into typed arrays — 8 bytes per request for the time, 4 per replayed attribute,
 * plus each distinct attribute value once — and shared by every run: {@link preloadTraces} loads
 * the traces of a scenario before it runs (the CLI does it), {@link traceOf} hands the loaded one
 * to the workload. Requests are replayed in arrival order (the log is in end order, so times are
 * sorted); only requests the proxy sent to an upstream are replayed, as in the fitted model. Time 0
 * of the simulation is the first arrival; `speed` divides every time ("what if traffic doubled");
 * with `loop` the trace repeats every (last − first + mean gap) / speed.
 */
import { InputError } from '../../input/errors.js';
import { urlPattern } from '../../interop/logs/accumulate.js';
import { readLogLines } from '../../interop/logs/lines.js';
import { finishRecord, LogRecord } from '../../interop/logs/record.js';
import { logFormatFromSpec } from '../../interop/logs/spec.js';
import type { Scenario, TraceArrival, TraceAttribute } from '../../scenario/types.js';
import type { ArrivalProcess } from './arrivals.js';

/** Largest share of a trace's lines that may fail to parse (as in `lbsim import`). */
const MAX_UNPARSED = 0.01;

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

function cacheKey(t: TraceArrival): string {
  return `${t.file}\u0000${t.format}\u0000${[...t.attributes].sort().join(',')}`;
}

class Interner {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  id(v: string): number {
    let i = this.index.get(v);
    if (i === undefined) {
      i = this.values.push(v) - 1;
      this.index.set(v, i);
    }
    return i;
  }
}

/** Reads a trace (streaming). @throws InputError for a bad or unreadable log */
export async function loadTrace(t: TraceArrival): Promise<TraceData> {
  const format = logFormatFromSpec(t.format);
  let times = new Float64Array(1 << 16);
  const wanted = t.attributes;
  const ids: Partial<Record<TraceAttribute, Int32Array>> = {};
  const interners: Partial<Record<TraceAttribute, Interner>> = {};
  for (const a of wanted) {
    ids[a] = new Int32Array(times.length);
    interners[a] = new Interner();
  }
  const rec = new LogRecord();
  let n = 0;
  let lines = 0;
  let bad = 0;
  let skipped = 0;
  let firstBad = '';
  const readHeader = (format as { readHeader?: (line: string, file: string) => void }).readHeader;
  await readLogLines(t.file, (line, no) => {
    if (readHeader && no === 1) {
      readHeader(line, t.file);
      return;
    }
    if (line.trim() === '') return;
    lines++;
    rec.reset();
    if (!format.parse(line, rec)) {
      bad++;
      if (firstBad === '') firstBad = `line ${no}: ${JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}…` : line)}`;
      return;
    }
    finishRecord(rec);
    if (rec.upstreamAddr.length === 0 || Number.isNaN(rec.arrivalMs)) {
      skipped++;
      return;
    }
    if (n === times.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(a.length * 2);
        b.set(a);
        return b;
      };
      times = grow(times);
      for (const a of wanted) {
        const b = new Int32Array(times.length);
        b.set(ids[a]!);
        ids[a] = b;
      }
    }
    times[n] = rec.arrivalMs;
    for (const a of wanted) {
      const v = a === 'key' ? rec.key : a === 'client' ? rec.client : a === 'session' ? rec.session : urlPattern(rec.method, rec.uri);
      ids[a]![n] = interners[a]!.id(v);
    }
    n++;
  });
  if (lines > 0 && bad / lines > MAX_UNPARSED) {
    throw new InputError(t.file, [{ path: 'clients.format', message: `${bad} of ${lines} lines do not match ${format.name}; first: ${firstBad}` }]);
  }
  if (n === 0) throw new InputError(t.file, [{ path: 'clients.file', message: `has no request sent to an upstream that ${format.name} can read` }]);
  // arrival order (lines are in end order): sort times, and attributes with them
  let order: Uint32Array | null = null;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (times[i]! < times[i - 1]!) sorted = false;
  if (!sorted) {
    if (wanted.length > 0) {
      const tt = times;
      order = Uint32Array.from({ length: n }, (_, i) => i).sort((a, b) => tt[a]! - tt[b]! || a - b);
    } else times.subarray(0, n).sort();
  }
  const out = new Float64Array(n);
  const t0 = order ? times[order[0]!]! : times[0]!;
  for (let i = 0; i < n; i++) out[i] = (order ? times[order[i]!]! : times[i]!) - t0;
  const columns: TraceData['columns'] = {};
  for (const a of wanted) {
    const src = ids[a]!;
    const col = new Int32Array(n);
    for (let i = 0; i < n; i++) col[i] = src[order ? order[i]! : i]!;
    columns[a] = { ids: col, values: interners[a]!.values };
  }
  const span = out[n - 1]!;
  return { times: out, n, periodMs: n > 1 ? span + span / (n - 1) : 1, columns, skipped: skipped + bad };
}

/** Loads (once per process) every trace a scenario replays. @throws InputError for a bad log */
export async function preloadTraces(scenario: Scenario): Promise<void> {
  const p = scenario.clients.process;
  if (p.arrival !== 'trace') return;
  const key = cacheKey(p);
  if (!cache.has(key)) cache.set(key, await loadTrace(p));
}

/** The loaded trace of a `trace` arrival process. @throws Error when {@link preloadTraces} was not awaited first */
export function traceOf(t: TraceArrival): TraceData {
  const d = cache.get(cacheKey(t));
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
