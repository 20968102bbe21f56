/**
 * A small parser of the Prometheus text exposition format (0.0.4) for the tests: `# HELP` /
 * `# TYPE` lines and samples `name{label="value",…} number`. Throws on any malformed line, so
 * "it parses" is a real check of the format.
 */

/** One sample. */
export interface PromSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A parsed exposition: samples plus declared types. */
export interface PromText {
  samples: PromSample[];
  types: Map<string, string>;
  help: Map<string, string>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;

function parseValue(s: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) throw new Error(`bad sample value ${JSON.stringify(s)}`);
  return Number(s);
}

/** Parses exposition text; throws with the line number on the first malformed line. */
export function parsePrometheus(text: string): PromText {
  const out: PromText = { samples: [], types: new Map(), help: new Map() };
  const lines = text.split('\n');
  if (lines[lines.length - 1] !== '') throw new Error('exposition must end with a newline');
  lines.forEach((line, k) => {
    const fail = (why: string): never => {
      throw new Error(`line ${k + 1}: ${why}: ${line}`);
    };
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
      if (!m) return; // plain comment
      if (m[1] === 'TYPE') {
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(m[3]!)) fail('unknown type');
        if (out.types.has(m[2]!)) fail('duplicate TYPE');
        out.types.set(m[2]!, m[3]!);
      } else out.help.set(m[2]!, m[3]!);
      return;
    }
    const nm = NAME.exec(line);
    if (!nm) fail('bad metric name');
    const name = nm![0];
    let rest = line.slice(name.length);
    const labels: Record<string, string> = {};
    if (rest.startsWith('{')) {
      rest = rest.slice(1);
      while (!rest.startsWith('}')) {
        const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"(,?)/.exec(rest);
        if (!lm) fail('bad label');
        labels[lm![1]!] = lm![2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
        rest = rest.slice(lm![0].length);
        if (lm![3] === '' && !rest.startsWith('}')) fail('expected , or }');
      }
      rest = rest.slice(1);
    }
    const vm = /^ (\S+)( -?\d+)?$/.exec(rest);
    if (!vm) fail('bad value');
    out.samples.push({ name, labels, value: parseValue(vm![1]!) });
  });
  return out;
}

/** Sum of the samples named `name` whose labels include `match`. */
export function sumOf(p: PromText, name: string, match: Record<string, string> = {}): number {
  let s = 0;
  for (const x of p.samples) {
    if (x.name !== name) continue;
    if (Object.entries(match).every(([k, v]) => x.labels[k] === v)) s += x.value;
  }
  return s;
}
