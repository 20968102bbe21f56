/**
 * Logs whose fields are named, not positional: JSON lines and CSV with a column mapping given by
 * the user, and Envoy JSON access logs (`json_format`: each key → an Envoy command operator).
 *
 * A mapping is `field=source[:unit]` items separated by commas, e.g.
 * `jsonl:start=ts:iso,upstream_time=upstream.time:ms,server=upstream.addr,status=status,response_time=duration:s`.
 * Fields: `start` or `end` (timestamps), `response_time`, `upstream_time` (durations), `server`,
 * `status`, `upstream_status`, `client`, `method`, `uri`, `session`, `key`. A JSON source is a
 * dotted path (`upstream.time`); a CSV source is a column name (with `header` first in the mapping:
 * the file's first line names the columns) or a 1-based column number. Units are never guessed: a
 * timestamp needs one of `iso`, `clf`, `s`, `ms`, `us` (epoch units), a duration one of `s`, `ms`,
 * `us`, and the error says so when it is missing. A duration field may hold an nginx-style list
 * (`0.012, 0.004`): one value per upstream attempt.
 */
import { InputError } from '../../input/errors.js';
import { ENVOY_HOW, ENVOY_UNITS, envoyFinish, envoyOperator } from './envoy.js';
import { formatError, type LogFormat } from './format.js';
import type { LogField, LogRecord } from './record.js';
import { num, splitUpstreamList, type FieldSpec } from './template.js';
import { parseClfTime, parseIsoTime } from './timestamps.js';

const TIME_UNITS: Record<string, number> = { s: 1000, ms: 1, us: 0.001 };
const FIELDS = ['start', 'end', 'response_time', 'upstream_time', 'server', 'status', 'upstream_status', 'client', 'method', 'uri', 'session', 'key'] as const;
type MapField = (typeof FIELDS)[number];

/** One mapping item. */
export interface MappingItem {
  field: MapField;
  source: string;
  unit?: string;
}

/** Parses `field=source[:unit],…`. @throws InputError (flag `--log-format`) naming the bad item */
export function parseMapping(text: string, kind: string): { items: MappingItem[]; header: boolean; sep: string } {
  const items: MappingItem[] = [];
  let header = false;
  let sep = ',';
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    if (part === 'header') {
      header = true;
      continue;
    }
    const s = /^sep=(tab|;|\||space)$/.exec(part);
    if (s) {
      sep = s[1] === 'tab' ? '\t' : s[1] === 'space' ? ' ' : s[1]!;
      continue;
    }
    const m = /^([a-z_]+)=([^:]+)(?::([a-z]+))?$/.exec(part);
    if (!m) throw formatError(`${kind}: "${part}" is not field=source[:unit]`);
    const field = m[1] as MapField;
    if (!FIELDS.includes(field)) throw formatError(`${kind}: unknown field "${m[1]}"; fields are ${FIELDS.join(', ')}`);
    const unit = m[3];
    if (field === 'start' || field === 'end') {
      if (unit === undefined || !(unit in TIME_UNITS || unit === 'iso' || unit === 'clf')) {
        throw formatError(`${kind}: ${field}=${m[2]} needs its unit: ${field}=${m[2]}:iso|clf|s|ms|us (epoch seconds, ms or µs, or a date text)`);
      }
    } else if (field === 'response_time' || field === 'upstream_time') {
      if (unit === undefined || !(unit in TIME_UNITS)) throw formatError(`${kind}: ${field}=${m[2]} needs its unit: ${field}=${m[2]}:s|ms|us (lbsim never guesses a unit)`);
    } else if (unit !== undefined) throw formatError(`${kind}: ${field} takes no unit`);
    items.push({ field, source: m[2]!, ...(unit !== undefined ? { unit } : {}) });
  }
  if (items.length === 0) throw formatError(`${kind}: expected a mapping like ${kind}:start=ts:iso,upstream_time=rt:ms,server=upstream,status=status`);
  return { items, header, sep };
}

function durations(into: (r: LogRecord) => number[], scale: number) {
  return (r: LogRecord, v: string): boolean => {
    const out = into(r);
    out.length = 0;
    for (const p of splitUpstreamList(v)) {
      const x = num(p);
      if (Number.isNaN(x) && p !== '-' && p !== '') return false;
      out.push(x * scale);
    }
    return true;
  };
}

/** The setter of one mapped field. */
function setterFor(item: MappingItem): FieldSpec {
  const { field, unit } = item;
  switch (field) {
    case 'start':
    case 'end': {
      const put = field === 'start' ? (r: LogRecord, t: number) => (r.startMs = t) : (r: LogRecord, t: number) => (r.endMs = t);
      const parse = unit === 'iso' ? parseIsoTime : unit === 'clf' ? parseClfTime : (v: string) => num(v) * TIME_UNITS[unit!]!;
      return { provides: [field], set: (r, v) => !Number.isNaN(put(r, parse(v))) };
    }
    case 'response_time':
      return {
        provides: ['response_time'],
        set: (r, v) => {
          r.responseMs = num(v) * TIME_UNITS[unit!]!;
          return v === '-' || v === '' || !Number.isNaN(r.responseMs);
        },
      };
    case 'upstream_time':
      return { provides: ['upstream_time'], set: durations((r) => r.upstreamMs, TIME_UNITS[unit!]!) };
    case 'server':
      return {
        provides: ['upstream_addr'],
        set: (r, v) => {
          r.upstreamAddr.length = 0;
          if (v !== '-' && v !== '') for (const a of splitUpstreamList(v)) r.upstreamAddr.push(a);
          return true;
        },
      };
    case 'status':
      return { provides: ['status'], set: (r, v) => ((r.status = num(v) || 0), true) };
    case 'upstream_status':
      return {
        provides: ['upstream_status'],
        set: (r, v) => {
          r.upstreamStatus.length = 0;
          for (const p of splitUpstreamList(v)) r.upstreamStatus.push(num(p) || 0);
          return true;
        },
      };
    case 'client':
      return { provides: ['client'], set: (r, v) => ((r.client = v), true) };
    case 'method':
      return { provides: ['method'], set: (r, v) => ((r.method = v), true) };
    case 'uri':
      return { provides: ['uri'], set: (r, v) => ((r.uri = v), true) };
    case 'session':
      return { provides: ['session'], set: (r, v) => ((r.session = v === '-' ? '' : v), true) };
    case 'key':
      return { provides: ['key'], set: (r, v) => ((r.key = v === '-' ? '' : v), true) };
  }
}

function unitNotes(items: MappingItem[]): string[] {
  return items
    .filter((i) => i.unit !== undefined)
    .map((i) => `${i.field} (${i.source}): ${i.unit === 'iso' ? 'ISO 8601 date' : i.unit === 'clf' ? 'Common Log Format date' : i.field === 'start' || i.field === 'end' ? `epoch ${i.unit}` : i.unit}`);
}

function resolution(items: MappingItem[]): number {
  // a timestamp in epoch s may carry decimals; dates in text are taken at their printed resolution
  const t = items.find((i) => i.field === 'start' || i.field === 'end');
  return t?.unit === 'clf' ? 1000 : 1;
}

function getPath(obj: unknown, path: readonly string[]): unknown {
  let v = obj;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

/** A JSON-lines format with a field mapping (`--log-format jsonl:…`). */
export function jsonlFormat(text: string): LogFormat {
  const { items } = parseMapping(text, 'jsonl');
  const fields = items.map((i) => ({ path: i.source.split('.'), spec: setterFor(i) }));
  const provides = new Set<LogField>(fields.flatMap((f) => f.spec.provides));
  return {
    kind: 'jsonl',
    name: 'JSON lines with the mapping given with --log-format',
    text,
    provides,
    timeResolutionMs: resolution(items),
    units: unitNotes(items),
    howToAddTiming: 'map them in --log-format, e.g. jsonl:start=time:iso,upstream_time=upstream_time:s,server=upstream_addr',
    parse(line: string, rec: LogRecord): boolean {
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch {
        return false;
      }
      if (obj === null || typeof obj !== 'object') return false;
      for (const f of fields) {
        const v = getPath(obj, f.path);
        if (v === undefined || v === null) continue;
        if (!f.spec.set(rec, String(v))) return false;
      }
      return true;
    },
  };
}

/** Splits one CSV line (RFC 4180 quoting: `"a, b"`, `""` for a quote); null when a quote is left open. */
export function splitCsv(line: string, sep: string): string[] | null {
  const out: string[] = [];
  let k = 0;
  for (;;) {
    if (line[k] === '"') {
      let v = '';
      k++;
      for (;;) {
        const q = line.indexOf('"', k);
        if (q < 0) return null;
        v += line.slice(k, q);
        if (line[q + 1] === '"') {
          v += '"';
          k = q + 2;
          continue;
        }
        k = q + 1;
        break;
      }
      out.push(v);
      if (k >= line.length) return out;
      if (line[k] !== sep) return null;
      k++;
    } else {
      const e = line.indexOf(sep, k);
      if (e < 0) {
        out.push(line.slice(k));
        return out;
      }
      out.push(line.slice(k, e));
      k = e + 1;
    }
  }
}

/** A CSV format with a column mapping (`--log-format csv:[header,][sep=;,]field=column[:unit],…`). */
export function csvFormat(text: string): LogFormat & { readHeader?: (line: string, file: string) => void } {
  const { items, header, sep } = parseMapping(text, 'csv');
  let columns: number[] | null = null;
  if (!header) {
    columns = items.map((i) => {
      const n = Number(i.source);
      if (!Number.isInteger(n) || n < 1) throw formatError(`csv: column "${i.source}" must be a 1-based number (or put "header" first to name columns)`);
      return n - 1;
    });
  }
  const specs = items.map(setterFor);
  const provides = new Set<LogField>(specs.flatMap((s) => s.provides));
  const format: LogFormat & { readHeader?: (line: string, file: string) => void } = {
    kind: 'csv',
    name: 'CSV with the column mapping given with --log-format',
    text,
    provides,
    timeResolutionMs: resolution(items),
    units: unitNotes(items),
    howToAddTiming: 'map their columns in --log-format, e.g. csv:header,start=time:iso,upstream_time=rt:ms,server=backend',
    parse(line: string, rec: LogRecord): boolean {
      const cells = splitCsv(line, sep);
      if (cells === null || columns === null) return false;
      for (let k = 0; k < specs.length; k++) {
        const v = cells[columns[k]!];
        if (v === undefined) return false;
        if (!specs[k]!.set(rec, v)) return false;
      }
      return true;
    },
  };
  if (header) {
    format.readHeader = (line: string, file: string) => {
      const names = splitCsv(line, sep) ?? [];
      columns = items.map((i) => {
        const c = names.indexOf(i.source);
        if (c < 0) throw new InputError(`${file}:1`, [{ path: '', message: `CSV header has no column "${i.source}" (columns: ${names.join(', ')})` }]);
        return c;
      });
    };
  }
  return format;
}

/**
 * Envoy JSON access logs: a `json_format` object (key → `%OPERATOR%` text, nested objects allowed)
 * from the imported config, or given as `envoy-json:key=OPERATOR,…`.
 */
export function envoyJsonFormat(jsonFormat: Record<string, unknown>, name: string): LogFormat {
  const fields: { path: string[]; spec: FieldSpec }[] = [];
  const visit = (obj: Record<string, unknown>, prefix: string[]) => {
    for (const [k, v] of Object.entries(obj)) {
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) visit(v as Record<string, unknown>, [...prefix, k]);
      else if (typeof v === 'string') {
        const m = /^%([A-Z_0-9]+(?:\([^)]*\))?(?::\d+)?)%$/.exec(v.trim());
        const spec = m ? envoyOperator(m[1]!) : undefined;
        if (spec) fields.push({ path: [...prefix, k], spec });
      }
    }
  };
  visit(jsonFormat, []);
  const provides = new Set<LogField>(fields.flatMap((f) => f.spec.provides));
  return {
    kind: 'envoy-json',
    name,
    text: JSON.stringify(jsonFormat),
    provides,
    timeResolutionMs: 1,
    units: ENVOY_UNITS,
    howToAddTiming: ENVOY_HOW.replace('access log format', 'json_format'),
    parse(line: string, rec: LogRecord): boolean {
      let obj: unknown;
      try {
        obj = JSON.parse(line);
      } catch {
        return false;
      }
      if (obj === null || typeof obj !== 'object') return false;
      for (const f of fields) {
        const v = getPath(obj, f.path);
        if (v === undefined || v === null) continue;
        if (!f.spec.set(rec, String(v))) return false;
      }
      envoyFinish(rec);
      return true;
    },
  };
}

/** `--log-format envoy-json:key=OPERATOR,…` (e.g. `start=START_TIME,duration=DURATION`). */
export function envoyJsonFromSpec(rest: string): LogFormat {
  const obj: Record<string, unknown> = {};
  for (const part of rest.split(',')) {
    if (part.trim() === '') continue;
    const m = /^([^=]+)=%?([A-Z_0-9]+(?:\([^)]*\))?)%?$/.exec(part.trim());
    if (!m) throw formatError(`envoy-json: "${part}" is not key=OPERATOR (e.g. upstream_service_time=RESP(X-ENVOY-UPSTREAM-SERVICE-TIME))`);
    obj[m[1]!] = `%${m[2]}%`;
  }
  if (Object.keys(obj).length === 0) throw formatError('envoy-json: expected key=OPERATOR items, or import the envoy.yaml that holds the json_format');
  return envoyJsonFormat(obj, 'the Envoy JSON mapping given with --log-format');
}
