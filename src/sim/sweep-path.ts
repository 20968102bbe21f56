/**
 * Setting one numeric field of a normalized scenario by a dotted path, for sweeps
 * (`clients.rate`, `backends.0.workers`, `balancer.timeoutMs`).
 *
 * Resolution, segment by segment: a property of the current object; on an array, a numeric segment
 * is an index and any other segment applies to EVERY element (`backends.workers` sets all groups);
 * on `clients`, a key that is not a property of `clients` but of `clients.process` is looked up
 * there (`clients.rate` → `clients.process.rate`, `clients.users`), since file keys are flat under
 * `clients` while the normalized arrival process is nested. The target must already exist and hold a
 * number, so typos fail loudly instead of adding unused fields.
 */
import type { Scenario } from '../scenario/types.js';

/** A deep copy of `scenario` with the number at `path` set to `value` (throws on a bad path). */
export function withValue(scenario: Scenario, path: string, value: number): Scenario {
  const copy = structuredClone(scenario) as unknown as Record<string, unknown>;
  const segs = path.split('.').filter((s) => s.length > 0);
  if (segs.length === 0) throw new Error('sweep: empty key');
  let hits = 0;
  const walk = (node: unknown, i: number, where: string): void => {
    const seg = segs[i]!;
    const last = i === segs.length - 1;
    if (Array.isArray(node)) {
      if (/^\d+$/.test(seg)) {
        const k = Number(seg);
        if (k >= node.length) throw new Error(`sweep: ${where}[${k}] does not exist`);
        if (last) set(node as unknown as Record<string, unknown>, String(k), `${where}[${k}]`);
        else walk(node[k], i + 1, `${where}[${k}]`);
      } else node.forEach((el, k) => walk(el, i, `${where}[${k}]`));
      return;
    }
    if (node === null || typeof node !== 'object') throw new Error(`sweep: ${where} is not an object`);
    let obj = node as Record<string, unknown>;
    if (!(seg in obj) && 'process' in obj && typeof obj['process'] === 'object' && obj['process'] !== null) {
      const p = obj['process'] as Record<string, unknown>;
      if (seg in p) obj = p;
    }
    if (!(seg in obj)) throw new Error(`sweep: ${where ? `${where}.` : ''}${seg} does not exist in the scenario`);
    if (last) set(obj, seg, `${where ? `${where}.` : ''}${seg}`);
    else walk(obj[seg], i + 1, `${where ? `${where}.` : ''}${seg}`);
  };
  const set = (obj: Record<string, unknown>, key: string, where: string): void => {
    if (typeof obj[key] !== 'number') throw new Error(`sweep: ${where} is not a number`);
    obj[key] = value;
    hits++;
  };
  walk(copy, 0, '');
  if (hits === 0) throw new Error(`sweep: nothing matched ${path}`);
  return copy as unknown as Scenario;
}
