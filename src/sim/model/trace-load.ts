/**
 * Loading a replayed trace (`arrival: trace`, trace.ts) from its access log: streamed by
 * src/interop/logs/lines.ts (gzip or not) through the format's parser, requests sent to an upstream
 * kept, sorted into arrival order, attributes interned. Node-only (files); the simulator itself
 * receives the result through trace.ts's cache.
 */
import { InputError } from '../../input/errors.js';
import { urlPattern } from '../../interop/logs/url-pattern.js';
import { readLogLines } from '../../interop/logs/lines.js';
import { finishRecord, LogRecord } from '../../interop/logs/record.js';
import { logFormatFromSpec } from '../../interop/logs/spec.js';
import type { Scenario, TraceArrival, TraceAttribute } from '../../scenario/types.js';
import { hasTrace, registerTrace, type TraceData } from './trace.js';

/** Largest share of a trace's lines that may fail to parse (as in `lbsim import`). */
const MAX_UNPARSED = 0.01;
/**
 * Most requests a trace replays (8 bytes each for the times, 4 per replayed attribute: 160 MB
 * plus 80 MB per attribute at the limit). Line limits are lines.ts's.
 */
export const MAX_TRACE_REQUESTS = 20_000_000;

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
  let firstBadLine = 0;
  const readHeader = (format as { readHeader?: (line: string, file: string) => void }).readHeader;
  await readLogLines(t.file, (line, no, tooLong) => {
    if (readHeader && no === 1) {
      readHeader(line, t.file);
      return;
    }
    if (line.trim() === '') return;
    lines++;
    rec.reset();
    if (tooLong || !format.parse(line, rec)) {
      if (!tooLong && format.isEvent?.(line)) {
        lines--;
        return;
      }
      bad++;
      if (firstBad === '') {
        firstBadLine = no;
        firstBad = JSON.stringify(tooLong ? `${line}… (too long)` : line.length > 200 ? `${line.slice(0, 200)}…` : line);
      }
      return;
    }
    finishRecord(rec);
    if (rec.upstreamAddr.length === 0 || Number.isNaN(rec.arrivalMs)) {
      skipped++;
      return;
    }
    if (n === MAX_TRACE_REQUESTS) {
      throw new InputError(t.file, [{ path: '', message: `holds more than ${MAX_TRACE_REQUESTS.toLocaleString('en-US')} proxied requests, the most a trace replays (clients.file); give a part of it` }]);
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
    throw new InputError(`${t.file}:${firstBadLine}`, [
      { path: '', message: `${bad} of ${lines} lines (${((bad / lines) * 100).toFixed(1)} %) do not match ${format.name} (clients.format), more than the ${MAX_UNPARSED * 100} % a replay skips; this is the first: ${firstBad}` },
    ]);
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
  if (p.arrival !== 'trace' || hasTrace(p)) return;
  registerTrace(p, await loadTrace(p));
}
