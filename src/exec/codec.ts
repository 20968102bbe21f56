/**
 * Lossless text encoding of plain data (jobs and run summaries) for the distributed queue, where
 * everything crosses Redis as JSON. Plain JSON would turn NaN and ±Infinity into `null`, -0 into 0
 * and drop keys whose value is `undefined`; a summary of a run where nothing completed has NaN
 * latencies, and the aggregation over replications must see exactly what the worker produced, or
 * the results file would differ from the local run's. Those values are written as tagged objects
 * `{"$": "NaN" | "Inf" | "-Inf" | "-0" | "undef"}`; everything else is ordinary JSON.
 *
 * Only plain objects (no prototype other than Object's), arrays, strings, booleans, null and numbers
 * are accepted; anything else (a Map, a typed array, a class instance, an object with a `$` key)
 * throws, so a change to the summary's shape that JSON could not carry fails loudly instead of
 * changing results.
 */

type Tag = 'NaN' | 'Inf' | '-Inf' | '-0' | 'undef';

function tagOf(v: unknown): Tag | null {
  if (v === undefined) return 'undef';
  if (typeof v !== 'number') return null;
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  return null;
}

const UNTAG: Record<Tag, unknown> = { NaN: NaN, Inf: Infinity, '-Inf': -Infinity, '-0': -0, undef: undefined };

function toPlain(v: unknown, where: string): unknown {
  const tag = tagOf(v);
  if (tag !== null) return { $: tag };
  if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map((x, i) => toPlain(x, `${where}[${i}]`));
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto !== Object.prototype && proto !== null) throw new Error(`encode: ${where || 'value'} is not plain data`);
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (k === '$') throw new Error(`encode: ${where || 'value'} has a "$" key`);
      out[k] = toPlain(x, where ? `${where}.${k}` : k);
    }
    return out;
  }
  throw new Error(`encode: ${where || 'value'} is a ${typeof v}`);
}

function fromPlain(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = fromPlain(v[i]);
    return v;
  }
  const o = v as Record<string, unknown>;
  const tag = o['$'];
  if (typeof tag === 'string') {
    if (!(tag in UNTAG)) throw new Error(`decode: unknown tag ${JSON.stringify(tag)}`);
    return UNTAG[tag as Tag];
  }
  for (const k of Object.keys(o)) o[k] = fromPlain(o[k]);
  return o;
}

/** `value` as JSON text that {@link decode} turns back into an identical value (see the module header). */
export function encode(value: unknown): string {
  return JSON.stringify(toPlain(value, ''));
}

/** The value {@link encode} wrote. @throws on text that is not JSON or carries an unknown tag */
export function decode(text: string): unknown {
  return fromPlain(JSON.parse(text) as unknown);
}

/** Plain data with object keys sorted at every level: equal data gives equal text, whatever the key order. */
export function canonical(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(o).sort()) out[k] = sort(o[k]);
      return out;
    }
    return v;
  };
  return JSON.stringify(sort(toPlain(value, '')));
}
