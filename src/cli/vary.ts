/**
 * `--vary` flags of `lbsim sweep`: each is one axis of the grid, `KEY=FROM:TO:STEP`, `KEY=FROM:TO`
 * (step 1) or `KEY=V1,V2,…`; keys are scenario key paths (`overrides.ts`: `clients.rate`,
 * `backends[0].count`, `strategies[p2c].options.draws`). A list may also name values
 * (`strategies[bounded-load].options.flavor=paper,haproxy,envoy`; `true`/`false` are booleans) on
 * every axis but the first, which is the x of the tables and charts and stays numeric. Bounded: at
 * most 200 values per axis, 64 characters per name, and 1,000 grid points.
 */
import { InputError } from '../input/errors.js';
import type { AxisValue, SweepAxis } from '../results/schema.js';

/** Values one axis may have. */
export const MAX_AXIS_VALUES = 200;
/** Points a grid may have (the product of its axes' lengths). */
export const MAX_GRID_POINTS = 1000;

const bad = (message: string) => new InputError('--vary', [{ path: '', message }]);
const NUM = String.raw`-?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?`;
/** A name in a list: letters, digits and `_ . : / -`, at most 64 characters (what scenario enums use). */
const NAME = /^[A-Za-z_][A-Za-z0-9_.:/-]{0,63}$/;

/** Parses one `--vary` value into an axis. */
export function parseVary(spec: string): SweepAxis {
  const eq = spec.indexOf('=');
  const key = eq > 0 ? spec.slice(0, eq).trim() : '';
  const rhs = eq > 0 ? spec.slice(eq + 1).trim() : '';
  if (key === '' || !/^[A-Za-z0-9_.[\]-]+$/.test(key)) {
    throw bad(`expected KEY=FROM:TO:STEP or KEY=V1,V2,… (e.g. clients.rate=1000:9000:1000), got ${JSON.stringify(spec)}`);
  }
  const range = new RegExp(`^(${NUM}):(${NUM})(?::(${NUM}))?$`, 'i').exec(rhs);
  let values: AxisValue[];
  if (range) {
    const [from, to, step] = [Number(range[1]), Number(range[2]), range[3] === undefined ? 1 : Number(range[3])];
    if (!(step > 0) || to < from) throw bad(`${key}: expected FROM ≤ TO and STEP > 0, got ${JSON.stringify(rhs)}`);
    const n = Math.floor((to - from) / step + 1e-9) + 1;
    if (n > MAX_AXIS_VALUES) throw bad(`${key}: ${n} values is too many (at most ${MAX_AXIS_VALUES})`);
    values = Array.from({ length: n }, (_, k) => +(from + k * step).toPrecision(12));
  } else if (new RegExp(`^${NUM}(?:,${NUM})*$`, 'i').test(rhs)) {
    values = rhs.split(',').map(Number);
  } else if (rhs.split(',').every((v) => NAME.test(v))) {
    values = rhs.split(',').map((v) => (v === 'true' ? true : v === 'false' ? false : v));
  } else {
    throw bad(`${key}: expected FROM:TO:STEP, FROM:TO or a comma-separated list of numbers or of names (letters, digits, _ . : / -; at most 64 characters each), got ${JSON.stringify(rhs)}`);
  }
  if (values.length > MAX_AXIS_VALUES) throw bad(`${key}: ${values.length} values is too many (at most ${MAX_AXIS_VALUES})`);
  if (new Set(values).size !== values.length) throw bad(`${key}: a value is listed twice in ${JSON.stringify(rhs)}`);
  return { key, values };
}

/** Parses every `--vary` into the grid's axes (distinct keys, bounded size). */
export function parseGrid(specs: readonly string[]): SweepAxis[] {
  if (specs.length === 0) throw bad('give at least one --vary KEY=FROM:TO:STEP');
  const axes = specs.map(parseVary);
  const first = axes[0]!;
  if (first.values.some((v) => typeof v !== 'number')) {
    throw bad(
      `${first.key}: the first --vary is the x of the tables and charts and takes numbers; give named values in a later --vary (e.g. --vary clients.rate=2000:8000:2000 --vary ${first.key}=${first.values.join(',')})`,
    );
  }
  const keys = new Set<string>();
  for (const a of axes) {
    if (keys.has(a.key)) throw bad(`${a.key} is varied twice; give each key one --vary`);
    keys.add(a.key);
  }
  const points = axes.reduce((n, a) => n * a.values.length, 1);
  if (points > MAX_GRID_POINTS) {
    throw bad(`the grid has ${points} points (${axes.map((a) => a.values.length).join(' × ')}); at most ${MAX_GRID_POINTS}`);
  }
  return axes;
}
