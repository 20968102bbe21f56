/**
 * Command-line overrides of a scenario (`--strategies`, `--seed`, `--replications`, `--duration`),
 * applied to the parsed document before validation so the same errors and defaults apply.
 */
import { InputError } from '../input/errors.js';
import { didYouMean, foldName, resolveStrategyName } from '../strategies/aliases.js';

/** Flags that override scenario keys. */
export interface ScenarioOverrides {
  strategies?: string;
  seed?: string;
  replications?: string;
  duration?: string;
}

function int(flag: string, v: string, min: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InputError(flag, [{ path: '', message: `expected an integer ≥ ${min}, got ${JSON.stringify(v)}` }]);
  return n;
}

/** A raw strategy entry of a scenario document: a name, or `{ name, label?, options? }`. */
type RawChoice = string | { name: string; label?: string; options?: Record<string, unknown> };

/** The label of a raw entry (its `label`, else its name). */
function labelOf(c: RawChoice): string {
  return typeof c === 'string' ? c : (c.label ?? c.name);
}

/**
 * Resolves the names typed after `--strategies` into scenario entries: a label the scenario
 * defines (`p2c-d3`, exact, then in any case or spelling), else a registry name or a proxy's name
 * for it (`src/strategies/aliases.ts`: `leastconn`, `LEAST_REQUEST`, `random two`…). An unknown
 * name is the flag's error, with the nearest name suggested.
 * @throws InputError naming `--strategies`
 */
export function resolveStrategies(typed: readonly string[], scenarioStrategies: unknown): RawChoice[] {
  const defined: RawChoice[] = Array.isArray(scenarioStrategies)
    ? scenarioStrategies.filter((c): c is RawChoice => typeof c === 'string' || (typeof c === 'object' && c !== null && typeof (c as { name?: unknown }).name === 'string'))
    : [];
  const labels = defined.map(labelOf);
  const out: RawChoice[] = [];
  const seen = new Set<string>();
  const problems: { path: string; message: string }[] = [];
  for (const t of typed) {
    let choice: RawChoice | undefined =
      defined.find((c) => labelOf(c) === t) ?? defined.find((c) => foldName(labelOf(c)) === foldName(t));
    if (!choice) {
      const r = resolveStrategyName(t);
      if (r) choice = r.options ? { name: r.name, label: t.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, ''), options: r.options } : r.name;
    }
    if (!choice) {
      problems.push({ path: '', message: `unknown strategy "${t}"${didYouMean(t, labels)} (lbsim list shows the names; labels of this scenario: ${labels.length > 0 ? labels.join(', ') : 'none'})` });
      continue;
    }
    const label = labelOf(choice);
    if (seen.has(label)) continue;
    seen.add(label);
    out.push(choice);
  }
  if (problems.length > 0) throw new InputError('--strategies', problems);
  return out;
}

/** Returns a copy of `doc` with the overrides applied. */
export function applyOverrides(doc: Record<string, unknown>, o: ScenarioOverrides): Record<string, unknown> {
  const out: Record<string, unknown> = { ...doc };
  if (o.strategies !== undefined) {
    const list = o.strategies.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (list.length === 0) throw new InputError('--strategies', [{ path: '', message: 'expected a comma-separated list of strategy names, or all' }]);
    out.strategies = list.length === 1 && list[0]!.toLowerCase() === 'all' ? 'all' : resolveStrategies(list, doc.strategies);
  }
  if (o.seed !== undefined) out.seed = int('--seed', o.seed, 0);
  if (o.replications !== undefined) out.replications = int('--replications', o.replications, 1);
  if (o.duration !== undefined) out.duration = /^\d+(\.\d+)?$/.test(o.duration) ? Number(o.duration) : o.duration;
  return out;
}

/** Keys that name an object's prototype machinery, never a scenario key: refused, so no flag can reach `Object.prototype`. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Sets a dotted path (`clients.rate`, `backends[0].count`) in a plain document; every key but the
 * last must already exist (as the document's own key).
 * @param flag the option that gave the path (`--vary`, `--set`), for errors
 */
export function setPath(doc: Record<string, unknown>, path: string, value: unknown, flag = '--vary'): Record<string, unknown> {
  const root = structuredClone(doc);
  const keys = path.replace(/\[(\d+)\]/g, '.$1').split('.').filter((k) => k !== '');
  if (keys.length === 0) throw new InputError(flag, [{ path: '', message: 'expected KEY=FROM:TO:STEP, e.g. clients.rate=1000:9000:1000' }]);
  const bad = keys.findIndex((k) => FORBIDDEN_KEYS.has(k));
  if (bad >= 0) {
    throw new InputError(flag, [{ path: keys.slice(0, bad + 1).join('.'), message: `"${keys[bad]}" is not a scenario key` }]);
  }
  let cur: any = root;
  for (let k = 0; k < keys.length - 1; k++) {
    const key = keys[k]!;
    if (!Object.hasOwn(cur, key) || cur[key] === null || typeof cur[key] !== 'object') {
      throw new InputError(flag, [{ path: keys.slice(0, k + 1).join('.'), message: 'does not exist in the scenario' }]);
    }
    cur = cur[key];
  }
  cur[keys[keys.length - 1]!] = value;
  return root;
}
