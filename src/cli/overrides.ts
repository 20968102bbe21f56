/**
 * Command-line overrides of a scenario (`--strategies`, `--seed`, `--replications`, `--duration`),
 * applied to the parsed document before validation so the same errors and defaults apply.
 */
import { InputError } from '../input/errors.js';
import { didYouMean, foldName, resolveStrategyName } from '../strategies/aliases.js';
import { strategyNames } from '../strategies/registry.js';

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

/** One step of a key path: a mapping key, an array index, or a `[name]` selector. */
type Step = { key: string } | { index: number } | { select: string };

/** Parses `strategies[p2c].options.draws`, `backends[0].count` or `backends.0.count` into steps. */
function parseKeyPath(path: string, flag: string): Step[] {
  const steps: Step[] = [];
  const re = /([^.[\]]+)|\[([^\]]*)\]|(\.)/gy;
  let m: RegExpExecArray | null;
  let last = 0;
  while ((m = re.exec(path)) !== null && m[0] !== '') {
    last = re.lastIndex;
    if (m[1] !== undefined) steps.push(/^\d+$/.test(m[1]) ? { index: Number(m[1]) } : { key: m[1] });
    else if (m[2] !== undefined) steps.push(/^\d+$/.test(m[2]) ? { index: Number(m[2]) } : { select: m[2] });
  }
  if (!/^[^.[\]]+(\.[^.[\]]+|\[[^\]]+\])*$/.test(path) || last !== path.length || steps.length === 0 || !('key' in steps[0]!)) {
    throw new InputError(flag, [{ path: '', message: `expected a key like clients.rate, backends[0].count or strategies[p2c].options.draws, got ${JSON.stringify(path)}` }]);
  }
  return steps;
}

function show(steps: readonly Step[]): string {
  return steps.map((s, i) => ('key' in s ? `${i > 0 ? '.' : ''}${s.key}` : 'index' in s ? `[${s.index}]` : `[${s.select}]`)).join('');
}

/** The label of a list item for `[name]` selectors: a strategy's label (or name), a group's name. */
function itemName(item: unknown): string | undefined {
  if (typeof item === 'string') return item;
  if (item !== null && typeof item === 'object') {
    const o = item as Record<string, unknown>;
    const n = o['label'] ?? o['name'];
    return typeof n === 'string' ? n : undefined;
  }
  return undefined;
}

/**
 * Sets a key path in a plain scenario document, creating missing mappings on the way (the scenario
 * validation that follows rejects keys that do not belong). Paths are
 * dotted keys with `[N]` indices and `[name]` selectors that pick a list item by label or name:
 * `clients.rate`, `backends[0].count`, `backends[app].workers`, `strategies[p2c].options.draws`
 * (a `strategies: all` list is expanded to every registered name first, and a bare strategy name
 * becomes `{ name }` when a key inside it is set).
 * @throws InputError naming `flag` and the path when a step does not exist
 */
export function setPath(doc: Record<string, unknown>, path: string, value: unknown, flag = '--vary'): Record<string, unknown> {
  const root = structuredClone(doc);
  const steps = parseKeyPath(path, flag);
  const missing = (k: number, message = 'does not exist in the scenario') => new InputError(flag, [{ path: show(steps.slice(0, k + 1)), message }]);
  const bad = steps.findIndex((s) => ('key' in s && FORBIDDEN_KEYS.has(s.key)) || ('select' in s && FORBIDDEN_KEYS.has(s.select)));
  if (bad >= 0) {
    const s = steps[bad]!;
    throw new InputError(flag, [{ path: show(steps.slice(0, bad + 1)), message: `"${'key' in s ? s.key : 'select' in s ? s.select : ''}" is not a scenario key` }]);
  }
  let cur: unknown = root;
  for (let k = 0; k < steps.length; k++) {
    const step = steps[k]!;
    const last = k === steps.length - 1;
    if ('key' in step) {
      if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) throw missing(k - 1, 'is not a mapping');
      const obj = cur as Record<string, unknown>;
      if (last) {
        obj[step.key] = value;
        return root;
      }
      const next = steps[k + 1]!;
      if (step.key === 'strategies' && 'select' in next && (obj['strategies'] === undefined || obj['strategies'] === 'all')) {
        obj['strategies'] = strategyNames();
      }
      if ((!Object.hasOwn(obj, step.key) || obj[step.key] === undefined) && 'key' in next) obj[step.key] = {}; // e.g. a strategy's options; validation rejects unknown keys
      if (obj[step.key] === null || typeof obj[step.key] !== 'object') throw missing(k);
      cur = obj[step.key];
      continue;
    }
    if (!Array.isArray(cur)) throw missing(k - 1, 'is not a list');
    let at: number;
    if ('index' in step) {
      at = step.index;
      if (at >= cur.length) throw missing(k, `does not exist (the list has ${cur.length} items)`);
    } else {
      at = cur.findIndex((item) => itemName(item) === step.select);
      if (at < 0) {
        const names = cur.map(itemName).filter((n): n is string => n !== undefined);
        throw missing(k, `no item labelled ${JSON.stringify(step.select)}${names.length > 0 ? ` (there are: ${names.join(', ')})` : ''}`);
      }
    }
    if (last) {
      cur[at] = value;
      return root;
    }
    if (typeof cur[at] === 'string') cur[at] = { name: cur[at] };
    cur = cur[at];
  }
  return root;
}
