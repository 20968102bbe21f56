import { describe, it, expect } from 'vitest';
import { backends, type BackendSpec } from '../core/backend.js';
import { requestInfo } from '../core/view.js';
import { FixtureView, assignKeys, makeStrategy } from './test/fixture.js';
import { buildMaglevTable, isPrime, strategy } from './maglev.js';

const KEYS = Array.from({ length: 100_000 }, (_, i) => `key-${i}`);

function counts(table: Int32Array, n: number): number[] {
  const c = new Array<number>(n).fill(0);
  for (const i of table) c[i]!++;
  return c;
}

/** Backend id chosen for each key. */
function assign(specs: BackendSpec[], keys: readonly string[], ineligible: string[] = [], opts = {}): string[] {
  return assignKeys('maglev', specs, keys, ineligible, opts);
}

describe('maglev table', () => {
  it('docs/strategies.md#maglev vector: M = 65537, weights 1:2 → exactly 21,846 and 43,691 entries (Envoy weighted fill)', () => {
    expect(counts(buildMaglevTable(backends(2, [1, 2]), 65537), 2)).toEqual([21846, 43691]);
    expect(counts(buildMaglevTable(backends(2, [2, 1]), 65537), 2)).toEqual([43691, 21846]);
  });

  it('equal weights fill within one entry of each other, and every entry is filled', () => {
    const t = buildMaglevTable(backends(7), 65537);
    expect(t.includes(-1)).toBe(false);
    const c = counts(t, 7);
    expect(Math.max(...c) - Math.min(...c)).toBeLessThanOrEqual(1);
  });

  it('small table golden: M = 7 over one backend fills all entries with it', () => {
    expect(Array.from(buildMaglevTable(backends(1), 7))).toEqual([0, 0, 0, 0, 0, 0, 0]);
  });

  it('the table does not depend on the order of the backend list (built in id order)', () => {
    const specs = backends(5, [1, 2, 1, 3, 1]);
    const t1 = buildMaglevTable(specs, 251);
    const rev = [...specs].reverse();
    const t2 = buildMaglevTable(rev, 251);
    for (let c = 0; c < 251; c++) expect(rev[t2[c]!]!.id).toBe(specs[t1[c]!]!.id);
  });
});

describe('maglev', () => {
  it('adding one backend to 10 moves a bit more than 1/11 of 100k keys (within [0.8, 1.4] × 1/11)', () => {
    const before = assign(backends(10), KEYS);
    const after = assign(backends(11), KEYS);
    let moved = 0;
    for (let k = 0; k < KEYS.length; k++) if (before[k] !== after[k]) moved++;
    const frac = moved / KEYS.length; // measured 0.0933
    expect(frac).toBeGreaterThan((1 / 11) * 0.8);
    expect(frac).toBeLessThan((1 / 11) * 1.4);
  });

  it('removing a backend moves all its keys and at most 1 % of the others', () => {
    const all = backends(10);
    const before = assign(all, KEYS);
    const after = assign(
      all.filter((s) => s.id !== 'b3'),
      KEYS,
    );
    let others = 0;
    let othersMoved = 0;
    let stayed = 0;
    for (let k = 0; k < KEYS.length; k++) {
      if (before[k] === 'b3') {
        if (after[k] === 'b3') stayed++;
      } else {
        others++;
        if (before[k] !== after[k]) othersMoved++;
      }
    }
    expect(stayed).toBe(0);
    expect(othersMoved / others).toBeLessThan(0.01); // measured 215 / 90,075 ≈ 0.24 %
  });

  it('an ineligible backend: exactly its keys move (probing the following entries)', () => {
    const all = backends(10);
    const before = assign(all, KEYS);
    const after = assign(all, KEYS, ['b5']);
    let wrong = 0; // moved but not on b5, or on b5 and not moved
    for (let k = 0; k < KEYS.length; k++) if (before[k] !== after[k] !== (before[k] === 'b5')) wrong++;
    expect(wrong).toBe(0);
    expect(after.includes('b5')).toBe(false);
  });

  it('shares ∝ weight: weights 1,2,3,4 over 100k keys, each within ±5 % relative', () => {
    const specs = backends(4, [1, 2, 3, 4]);
    const got = assign(specs, KEYS);
    for (const s of specs) {
      const share = got.filter((id) => id === s.id).length / KEYS.length;
      expect(Math.abs(share / (s.weight / 10) - 1)).toBeLessThan(0.05);
    }
  });

  it('tableSize must be prime; default 65537; unknown keys rejected', () => {
    expect(strategy.options.parse({})).toEqual({ tableSize: 65537 });
    expect(strategy.options.parse({ tableSize: 251 })).toEqual({ tableSize: 251 });
    expect(() => strategy.options.parse({ tableSize: 65536 })).toThrow();
    expect(() => strategy.options.parse({ size: 7 })).toThrow();
    expect(isPrime(2)).toBe(true);
    expect(isPrime(65537)).toBe(true);
    expect(isPrime(5000011)).toBe(true);
    expect(isPrime(1)).toBe(false);
    expect(isPrime(65535)).toBe(false);
  });

  it('no eligible backend → -1', () => {
    const view = new FixtureView(backends(2)).setEligible(0, false).setEligible(1, false);
    const { strategy: s } = makeStrategy('maglev', view, { tableSize: 13 });
    expect(s.pick(view, requestInfo({ hashKey: 'k' }))).toBe(-1);
  });
});
