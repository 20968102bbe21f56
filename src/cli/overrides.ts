/**
 * Command-line overrides of a scenario (`--strategies`, `--seed`, `--replications`, `--duration`),
 * applied to the parsed document before validation so the same errors and defaults apply.
 */
import { InputError } from '../input/errors.js';

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

/** Returns a copy of `doc` with the overrides applied. */
export function applyOverrides(doc: Record<string, unknown>, o: ScenarioOverrides): Record<string, unknown> {
  const out: Record<string, unknown> = { ...doc };
  if (o.strategies !== undefined) {
    const list = o.strategies.split(',').map((s) => s.trim()).filter((s) => s !== '');
    if (list.length === 0) throw new InputError('--strategies', [{ path: '', message: 'expected a comma-separated list of strategy names, or all' }]);
    out.strategies = list.length === 1 && list[0] === 'all' ? 'all' : list;
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
