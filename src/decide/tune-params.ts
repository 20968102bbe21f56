/**
 * The settings `lbsim tune` can vary, with their ranges: a strategy's numeric options, read from
 * its zod schema in `src/strategies/*.ts` (bounds, exclusive bounds, integer or not, default), and a
 * few balancer settings, named when asked (`balancer.hedge.delay`, `balancer.retryBudget`,
 * `balancer.retries`, `balancer.timeout`, `balancer.outlier.*`, `balancer.passive.*`).
 *
 * Default ranges: the schema's bounds where it has them; an open upper bound becomes
 * max(lower + 8, 4 × default) for integers and 10 × default for continuous options; an exclusive
 * lower bound of 0 becomes default ÷ 100. A continuous range spanning 20× or more is searched on a
 * log scale. `NAME=LO:HI` overrides the range (checked against the schema).
 */
import { BALANCER_DEFAULTS } from '../core/balancer/settings.js';
import { parseDuration } from '../core/duration.js';
import { InputError } from '../input/errors.js';
import type { Scenario, StrategyChoice } from '../scenario/types.js';
import { meanOf } from '../sim/model/distributions.js';
import { findStrategy } from '../strategies/registry.js';

/** One setting to search. */
export interface TuneParam {
  /** As the user names it: an option (`draws`) or a balancer path (`balancer.hedge.delay`). */
  path: string;
  min: number;
  max: number;
  integer: boolean;
  log: boolean;
  /** The scenario's value (defaults filled), or null when the mechanism is off there. */
  initial: number | null;
  /** `ms` for durations, else ''. */
  unit: string;
  /** The scenario and strategy with this setting at `v`. */
  apply(s: Scenario, c: StrategyChoice, v: number): { scenario: Scenario; choice: StrategyChoice };
}

/** Number bounds read from a zod number schema (zod 4: `minValue`, `maxValue`, `isInt`, checks). */
interface NumberInfo {
  min: number;
  minExclusive: boolean;
  max: number;
  integer: boolean;
  def: number;
}

/** The numeric info of an option schema (unwrapping `.default()`), or why it is not numeric. */
function numberInfo(schema: unknown): NumberInfo | string {
  let s = schema as { def?: { type?: string; innerType?: unknown; defaultValue?: unknown; checks?: { _zod: { def: { check: string; inclusive?: boolean } } }[] } };
  let def: unknown;
  if (s?.def?.type === 'default') {
    def = typeof s.def.defaultValue === 'function' ? (s.def.defaultValue as () => unknown)() : s.def.defaultValue;
    s = s.def.innerType as typeof s;
  }
  const type = s?.def?.type ?? 'unknown';
  if (type !== 'number') return type === 'boolean' ? 'a yes/no switch' : type === 'string' ? 'a name' : `a ${type}`;
  const n = s as unknown as { minValue: number | null; maxValue: number | null; isInt: boolean };
  const minExclusive = (s.def!.checks ?? []).some((c) => c._zod.def.check === 'greater_than' && c._zod.def.inclusive === false);
  const max = n.maxValue !== null && n.maxValue < Number.MAX_SAFE_INTEGER && Number.isFinite(n.maxValue) ? n.maxValue : Infinity;
  return { min: n.minValue ?? -Infinity, minExclusive, max, integer: n.isInt, def: typeof def === 'number' ? def : NaN };
}

/** The default range of an option (see the module header). */
function defaultRange(i: NumberInfo): [number, number] {
  const d = Number.isFinite(i.def) ? i.def : 1;
  let lo = Number.isFinite(i.min) ? i.min : i.integer ? Math.max(0, d - 8) : d / 10;
  if (i.minExclusive) lo = i.integer ? lo + 1 : d > 0 ? d / 100 : lo + 1e-6;
  let hi = i.max;
  if (!Number.isFinite(hi)) hi = i.integer ? Math.max(lo + 8, 4 * d) : d > 0 ? 10 * d : lo + 10;
  return [lo, hi];
}

/** The numeric options of a strategy, by name. */
export function numericOptions(strategyName: string): Map<string, NumberInfo> {
  const def = findStrategy(strategyName);
  const shape = (def?.options as unknown as { shape?: Record<string, unknown> })?.shape ?? {};
  const out = new Map<string, NumberInfo>();
  for (const [k, v] of Object.entries(shape)) {
    const info = numberInfo(v);
    if (typeof info !== 'string') out.set(k, info);
  }
  return out;
}

/** Balancer settings `tune` can vary: path → kind, default range builder, reader and writer. */
interface BalancerParam {
  integer: boolean;
  unit: string;
  range(s: Scenario): [number, number];
  get(s: Scenario): number | null;
  set(s: Scenario, v: number): Scenario;
}

const serviceMs = (s: Scenario): number => meanOf(s.backends[0]!.service) / s.backends[0]!.speed;
const bal = (s: Scenario, b: Partial<Scenario['balancer']>): Scenario => ({ ...s, balancer: { ...s.balancer, ...b } });
const outlier = (s: Scenario) => (s.balancer.outlier === false ? { ...BALANCER_DEFAULTS.outlier } : s.balancer.outlier);
const passive = (s: Scenario) => (s.balancer.passive === false ? { ...BALANCER_DEFAULTS.passive } : s.balancer.passive);

const BALANCER_PARAMS: Record<string, BalancerParam> = {
  'balancer.hedge.delay': {
    integer: false,
    unit: 'ms',
    range: (s) => [serviceMs(s) / 2, serviceMs(s) * 20],
    get: (s) => s.balancer.hedge?.delayMs ?? null,
    set: (s, v) => bal(s, { hedge: { delayMs: v } }),
  },
  'balancer.retryBudget': {
    integer: false,
    unit: '',
    range: () => [0.01, 1],
    get: (s) => s.balancer.retryBudget?.ratio ?? null,
    set: (s, v) => bal(s, { retryBudget: { ratio: v, burst: s.balancer.retryBudget?.burst ?? 10 } }),
  },
  'balancer.retries': { integer: true, unit: '', range: () => [0, 5], get: (s) => s.balancer.retries, set: (s, v) => bal(s, { retries: v }) },
  'balancer.timeout': {
    integer: false,
    unit: 'ms',
    range: (s) => [serviceMs(s), serviceMs(s) * 100],
    get: (s) => (s.balancer.timeoutMs > 0 ? s.balancer.timeoutMs : null),
    set: (s, v) => bal(s, { timeoutMs: v }),
  },
  'balancer.outlier.consecutive5xx': {
    integer: true,
    unit: '',
    range: () => [1, 20],
    get: (s) => (s.balancer.outlier === false ? null : s.balancer.outlier.consecutive5xx),
    set: (s, v) => bal(s, { outlier: { ...outlier(s), consecutive5xx: v } }),
  },
  'balancer.outlier.baseEjection': {
    integer: false,
    unit: 'ms',
    range: () => [1_000, 120_000],
    get: (s) => (s.balancer.outlier === false ? null : s.balancer.outlier.baseEjectionMs),
    set: (s, v) => bal(s, { outlier: { ...outlier(s), baseEjectionMs: v } }),
  },
  'balancer.outlier.maxEjectionPercent': {
    integer: true,
    unit: '',
    range: () => [1, 100],
    get: (s) => (s.balancer.outlier === false ? null : s.balancer.outlier.maxEjectionPercent),
    set: (s, v) => bal(s, { outlier: { ...outlier(s), maxEjectionPercent: v } }),
  },
  'balancer.passive.maxFails': {
    integer: true,
    unit: '',
    range: () => [1, 10],
    get: (s) => (s.balancer.passive === false ? null : s.balancer.passive.maxFails),
    set: (s, v) => bal(s, { passive: { ...passive(s), maxFails: v } }),
  },
  'balancer.passive.failTimeout': {
    integer: false,
    unit: 'ms',
    range: () => [1_000, 60_000],
    get: (s) => (s.balancer.passive === false ? null : s.balancer.passive.failTimeoutMs),
    set: (s, v) => bal(s, { passive: { ...passive(s), failTimeoutMs: v } }),
  },
};

/** The balancer settings `tune` accepts, for messages. */
export const BALANCER_PARAM_NAMES = Object.keys(BALANCER_PARAMS);

function bad(message: string): InputError {
  return new InputError('--param', [{ path: '', message }]);
}

/** Parses the range part of `NAME=LO:HI` (durations with units for ms settings). */
function parseRangeSpec(name: string, spec: string, unit: string): [number, number] {
  const parts = spec.split(':');
  const num = (v: string): number => (unit === 'ms' ? parseDuration(v.trim()) : /^\s*-?[\d.]+(e[+-]?\d+)?\s*$/i.test(v) ? Number(v) : NaN);
  const lo = parts.length === 2 ? num(parts[0]!) : NaN;
  const hi = parts.length === 2 ? num(parts[1]!) : NaN;
  if (!(Number.isFinite(lo) && Number.isFinite(hi)) || !(hi >= lo)) throw bad(`${name}: expected LO:HI with LO ≤ HI${unit === 'ms' ? ' (durations such as 1ms:50ms)' : ''}, got ${JSON.stringify(spec)}`);
  return [lo, hi];
}

const isLog = (lo: number, hi: number, integer: boolean): boolean => !integer && lo > 0 && hi / lo >= 20;

/**
 * The parameters of `specs` (`--param` values) for strategy `choice` in `scenario`; every numeric
 * option of the strategy when `specs` is empty. @throws InputError naming what cannot be varied
 */
export function tuneParams(scenario: Scenario, choice: StrategyChoice, specs: readonly string[]): TuneParam[] {
  const options = numericOptions(choice.name);
  const wanted = specs.length > 0 ? specs : [...options.keys()];
  if (wanted.length === 0)
    throw bad(`${choice.name} has no numeric options to tune; balancer settings can be: --param ${BALANCER_PARAM_NAMES.join(', ')}`);
  const seen = new Set<string>();
  return wanted.map((spec) => {
    const eq = spec.indexOf('=');
    const raw = (eq >= 0 ? spec.slice(0, eq) : spec).trim();
    const name = raw.startsWith('options.') ? raw.slice('options.'.length) : raw;
    if (seen.has(name)) throw bad(`${name} is named twice`);
    seen.add(name);
    const bp = BALANCER_PARAMS[name];
    if (bp) {
      const range = eq >= 0 ? parseRangeSpec(name, spec.slice(eq + 1), bp.unit) : bp.range(scenario);
      const [lo, hi] = range;
      if (bp.integer && !(Number.isInteger(lo) && Number.isInteger(hi))) throw bad(`${name}: expected whole numbers, got ${lo}:${hi}`);
      if (!(lo >= 0) || (name !== 'balancer.retries' && !(lo > 0))) throw bad(`${name}: expected a positive range, got ${lo}:${hi}`);
      if (name === 'balancer.retryBudget' && hi > 1) throw bad(`${name}: a retry budget is a ratio in (0, 1], got ${lo}:${hi}`);
      return {
        path: name,
        min: lo,
        max: hi,
        integer: bp.integer,
        log: isLog(lo, hi, bp.integer),
        initial: bp.get(scenario),
        unit: bp.unit,
        apply: (s, c, v) => ({ scenario: bp.set(s, v), choice: c }),
      };
    }
    if (name.startsWith('balancer.')) throw bad(`${name} cannot be tuned; balancer settings: ${BALANCER_PARAM_NAMES.join(', ')}`);
    const info = options.get(name);
    if (!info) {
      const def = findStrategy(choice.name);
      const shape = (def?.options as unknown as { shape?: Record<string, unknown> })?.shape ?? {};
      if (name in shape) throw bad(`${choice.name} option ${name} is ${numberInfo(shape[name]) as string}: tune varies numbers (${[...options.keys()].join(', ') || 'none'})`);
      throw bad(`${choice.name} has no option ${name}; numeric options: ${[...options.keys()].join(', ') || 'none'}; balancer settings: ${BALANCER_PARAM_NAMES.join(', ')}`);
    }
    const [lo, hi] = eq >= 0 ? parseRangeSpec(name, spec.slice(eq + 1), '') : defaultRange(info);
    const okLo = info.minExclusive ? lo > info.min : lo >= info.min;
    if (!okLo || hi > info.max) throw bad(`${name}: ${lo}:${hi} is outside what ${choice.name} accepts (${info.minExclusive ? '>' : '≥'} ${info.min}${Number.isFinite(info.max) ? `, ≤ ${info.max}` : ''})`);
    if (info.integer && !(Number.isInteger(lo) && Number.isInteger(hi))) throw bad(`${name}: an integer option; expected whole numbers, got ${lo}:${hi}`);
    const current = choice.options[name];
    return {
      path: name,
      min: lo,
      max: hi,
      integer: info.integer,
      log: isLog(lo, hi, info.integer),
      initial: typeof current === 'number' ? current : Number.isFinite(info.def) ? info.def : null,
      unit: '',
      apply: (s, c, v) => ({ scenario: s, choice: { ...c, options: { ...c.options, [name]: v } } }),
    };
  });
}
