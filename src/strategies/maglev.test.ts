import { describe, it, expect } from 'vitest';
import { backend, backends, type BackendSpec } from '../core/backend.js';
import { requestInfo } from '../core/view.js';
import { FixtureView, assignKeys, makeStrategy, makeStrategyWithRng, scriptedRng } from './test/fixture.js';
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

/**
 * Flavor `envoy`: Envoy's xxHash64 offsets, skips and key hash (maglev_lb.cc
 * `MaglevTable::constructMaglevTableInternal`, `OriginalMaglevTable::constructImplementationInternals`,
 * `OriginalMaglevTable::chooseHost`). The golden values come from an independent Python
 * transcription of those functions hashing with Python's `xxhash` module 4.0.1 (the reference C
 * library): offset = xxh64(address, 0) % M, skip = xxh64(address, 1) % (M − 1) + 1, the weighted
 * fill turns, and key → table[xxh64(key, 0) % M]; hosts 10.0.0.1:80, 10.0.0.2:80, 10.0.0.3:80.
 */
describe('maglev flavor envoy (xxHash64)', () => {
  const hosts = (weights: number[]): BackendSpec[] =>
    ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80'].map((address, i) => backend({ id: `b${i}`, address, weight: weights[i]! }));

  it('M = 13: offsets 11, 11, 0 and skips 11, 10, 12 give the whole table 2 0 1 0 2 1 1 0 1 0 2 0 2', () => {
    expect(Array.from(buildMaglevTable(hosts([1, 1, 1]), 13, 'envoy'))).toEqual([2, 0, 1, 0, 2, 1, 1, 0, 1, 0, 2, 0, 2]);
  });

  it('M = 65537: first slots and counts as Envoy builds them, equal and 1:2:1 weights', () => {
    const t = buildMaglevTable(hosts([1, 1, 1]), 65537, 'envoy');
    expect(Array.from(t.subarray(0, 16))).toEqual([2, 1, 2, 2, 1, 1, 0, 2, 2, 0, 0, 0, 1, 2, 0, 0]);
    expect(counts(t, 3)).toEqual([21846, 21846, 21845]);
    const w = buildMaglevTable(hosts([1, 2, 1]), 65537, 'envoy');
    expect(Array.from(w.subarray(0, 16))).toEqual([2, 1, 2, 1, 1, 1, 0, 2, 1, 0, 0, 1, 1, 1, 0, 2]);
    expect(counts(w, 3)).toEqual([16385, 32768, 16384]);
  });

  it('keys go to table[xxHash64(key) mod M]', () => {
    const keys = ['user:42', '/item/a', 'session-9f3', '10.1.2.3'];
    expect(assign(hosts([1, 1, 1]), keys, [], { flavor: 'envoy' })).toEqual(['b0', 'b2', 'b0', 'b1']);
    expect(assign(hosts([1, 2, 1]), keys, [], { flavor: 'envoy' })).toEqual(['b0', 'b2', 'b1', 'b1']);
    expect(assign(hosts([1, 1, 1]), keys, [], { flavor: 'envoy', tableSize: 13 })).toEqual(['b0', 'b2', 'b1', 'b2']);
  });

  it('an unhealthy backend: the table is rebuilt over the healthy hosts (ThreadAwareLoadBalancerBase::refresh)', () => {
    // Python: M = 13 over 10.0.0.1:80, 10.0.0.2:80 → 1 0 1 0 0 1 1 0 1 0 0 0 1; M = 65537 → 32,769 /
    // 32,768 entries, the six keys → b0 b1 b0 b1 b0 b0 (over all three: b0 b2 b0 b1 b0 b2).
    const specs = hosts([1, 1, 1]);
    expect(Array.from(buildMaglevTable(specs, 13, 'envoy', Uint8Array.of(1, 1, 0)))).toEqual([1, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1]);
    expect(counts(buildMaglevTable(specs, 65537, 'envoy', Uint8Array.of(1, 1, 0)), 2)).toEqual([32769, 32768]);
    const keys = ['user:42', '/item/a', 'session-9f3', '10.1.2.3', 'k1', 'k2'];
    expect(assign(specs, keys, [], { flavor: 'envoy' })).toEqual(['b0', 'b2', 'b0', 'b1', 'b0', 'b2']);
    expect(assign(specs, keys, ['b2'], { flavor: 'envoy' })).toEqual(['b0', 'b1', 'b0', 'b1', 'b0', 'b0']);
    // Through the strategy: rebuilt on the way down and back up, the full table's answers return.
    const view = new FixtureView(specs);
    const { strategy: s } = makeStrategy('maglev', view, { flavor: 'envoy', tableSize: 13 });
    const before = keys.map((k) => s.pick(view, requestInfo({ hashKey: k })));
    view.setEligible(2, false);
    const after = keys.map((k) => s.pick(view, requestInfo({ hashKey: k })));
    view.setEligible(2, true);
    expect(keys.map((k) => s.pick(view, requestInfo({ hashKey: k })))).toEqual(before);
    expect(after).not.toContain(2);
  });

  it('no hash: a random 64-bit hash mod M (LoadBalancerImpl::chooseHost); useHostnameForHashing hashes and sorts hostnames', () => {
    // Python: 2^63 mod 65537 = 32769 → b0 (b0 over b0, b1); 0x123456789abcdef0 mod 65537 = 34936 → b2 (b1).
    const specs = hosts([1, 1, 1]);
    const view = new FixtureView(specs);
    const s = makeStrategyWithRng('maglev', view, { flavor: 'envoy' }, scriptedRng([0x80000000, 0, 0x12345678, 0x9abcdef0, 0x80000000, 0, 0x12345678, 0x9abcdef0]));
    expect([s.pick(view, requestInfo()), s.pick(view, requestInfo())]).toEqual([0, 2]);
    view.setEligible(2, false);
    expect([s.pick(view, requestInfo()), s.pick(view, requestInfo())]).toEqual([0, 1]);
    // Python: hostnames web-a/b/c.internal, M = 13 → 2 0 0 2 1 1 1 1 0 0 2 2 0; M = 65537: 21,846 /
    // 21,846 / 21,845, keys → b1 b0 b1 b0 b0 b0.
    const named = specs.map((b, i) => backend({ id: b.id, address: b.address!, hostname: `web-${'abc'[i]}.internal` }));
    expect(Array.from(buildMaglevTable(named, 13, 'envoy', undefined, true))).toEqual([2, 0, 0, 2, 1, 1, 1, 1, 0, 0, 2, 2, 0]);
    expect(counts(buildMaglevTable(named, 65537, 'envoy', undefined, true), 3)).toEqual([21846, 21846, 21845]);
    const keys = ['user:42', '/item/a', 'session-9f3', '10.1.2.3', 'k1', 'k2'];
    expect(assign(named, keys, [], { flavor: 'envoy', useHostnameForHashing: true })).toEqual(['b1', 'b0', 'b1', 'b0', 'b0', 'b0']);
    expect(JSON.stringify(strategy.options.safeParse({ useHostnameForHashing: true }).error?.issues)).toContain('applies to flavor envoy only');
    expect(JSON.stringify(strategy.options.safeParse({ hashPolicy: 'none' }).error?.issues)).toContain('applies to flavor envoy only');
  });

  it('an empty hashKey hashes the client address; an unhealthy backend moves its keys (here no other key of 20,000)', () => {
    const specs = hosts([1, 1, 1]);
    const view = new FixtureView(specs);
    const { strategy: s } = makeStrategy('maglev', view, { flavor: 'envoy' });
    const byKey = s.pick(view, requestInfo({ hashKey: '10.1.2.3' }));
    expect(s.pick(view, requestInfo({ clientAddr: '10.1.2.3' }))).toBe(byKey);
    const all = assign(specs, KEYS.slice(0, 20_000), [], { flavor: 'envoy' });
    const without = assign(specs, KEYS.slice(0, 20_000), ['b1'], { flavor: 'envoy' });
    for (let k = 0; k < all.length; k++) {
      if (all[k] !== 'b1') expect(without[k]).toBe(all[k]);
      else expect(without[k]).not.toBe('b1');
    }
  });

  it('the default flavor keeps the MurmurHash3 table; an unknown flavor names the flavors', () => {
    const specs = hosts([1, 1, 1]);
    expect(Array.from(buildMaglevTable(specs, 65537))).toEqual(Array.from(buildMaglevTable(specs, 65537, 'paper')));
    expect(Array.from(buildMaglevTable(specs, 65537))).not.toEqual(Array.from(buildMaglevTable(specs, 65537, 'envoy')));
    const r = strategy.options.safeParse({ flavor: 'nginx' });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain('its flavors are paper, envoy');
  });
});
