import { describe, it, expect } from 'vitest';
import { backends, type BackendSpec } from '../core/backend.js';
import { hashPair, murmur3 } from '../core/hash.js';
import { requestInfo } from '../core/view.js';
import { FixtureView, assignKeys, makeStrategy } from './test/fixture.js';
import { rendezvousScore, strategy } from './rendezvous.js';

const KEYS = Array.from({ length: 100_000 }, (_, i) => `key-${i}`);

/** Backend id chosen for each key. */
function assign(specs: BackendSpec[], keys: readonly string[], ineligible: string[] = []): string[] {
  return assignKeys('rendezvous', specs, keys, ineligible);
}

describe('rendezvous', () => {
  it('picks the highest −weight / ln(u), u = (hashPair(murmur3(key), murmur3(id)) + ½) / 2³²', () => {
    const specs = backends(5, [1, 3, 2, 1, 5]);
    const view = new FixtureView(specs);
    const { strategy: s } = makeStrategy('rendezvous', view);
    for (const key of ['a', 'b', 'user:1', '']) {
      const scores = specs.map((b) => rendezvousScore(hashPair(murmur3(key), murmur3(b.id)), b.weight));
      const want = scores.indexOf(Math.max(...scores));
      expect(s.pick(view, requestInfo({ hashKey: key }))).toBe(want);
    }
  });

  it('equal weights take the logarithm-free path and pick the same argmax over 2,000 keys', () => {
    const specs = backends(12, new Array<number>(12).fill(3));
    const view = new FixtureView(specs);
    const { strategy: s } = makeStrategy('rendezvous', view);
    for (let k = 0; k < 2000; k++) {
      const key = `key-${k}`;
      const scores = specs.map((b) => rendezvousScore(hashPair(murmur3(key), murmur3(b.id)), b.weight));
      expect(s.pick(view, requestInfo({ hashKey: key }))).toBe(scores.indexOf(Math.max(...scores)));
    }
  });

  it('unequal weights: the bound-pruned scan picks exactly the full argmax (100 backends, weights 1–9 and fractional, 5,000 keys)', () => {
    const specs = backends(100, Array.from({ length: 100 }, (_, i) => (i % 9) + 1));
    const view = new FixtureView(specs);
    // effective weights may be fractional (slow start): set some in the view
    for (let i = 0; i < 100; i += 7) view.weight[i] = view.weight[i]! * 0.37;
    view.refresh();
    const { strategy: s } = makeStrategy('rendezvous', view);
    for (let k = 0; k < 5000; k++) {
      const key = `user:${k}`;
      const scores = specs.map((b, i) => rendezvousScore(hashPair(murmur3(key), murmur3(b.id)), view.weight[i]!));
      expect(s.pick(view, requestInfo({ hashKey: key }))).toBe(scores.indexOf(Math.max(...scores)));
    }
  });

  it('the pruning bound w / (1 − u) is never below the score, down to u at its extremes', () => {
    for (const h of [0, 1, 2 ** 31, 4294967294, 4294967295, 123456789, 4000000000]) {
      for (const w of [1e-6, 0.5, 1, 3, 1000]) {
        const u = (h + 0.5) / 4294967296;
        expect(w / ((4294967296 - h - 0.5) / 4294967296)).toBeGreaterThanOrEqual(rendezvousScore(h, w));
        expect(1 - u).toBe((4294967296 - h - 0.5) / 4294967296); // exact
      }
    }
  });

  it('removing a backend moves exactly the keys it held', () => {
    const all = backends(10);
    const before = assign(all, KEYS);
    const after = assign(
      all.filter((s) => s.id !== 'b3'),
      KEYS,
    );
    let wrong = 0; // moved but not on b3, or on b3 and not moved
    for (let k = 0; k < KEYS.length; k++) if (before[k] !== after[k] !== (before[k] === 'b3')) wrong++;
    expect(wrong).toBe(0);
  });

  it('an ineligible backend behaves as removed', () => {
    const all = backends(10);
    expect(assign(all, KEYS, ['b4'])).toEqual(
      assign(
        all.filter((s) => s.id !== 'b4'),
        KEYS,
      ),
    );
  });

  it('adding one backend to 10 moves ≈ 1/11 of 100k keys (within ±10 % relative), all to the new one', () => {
    const before = assign(backends(10), KEYS);
    const after = assign(backends(11), KEYS);
    let moved = 0;
    let elsewhere = 0;
    for (let k = 0; k < KEYS.length; k++) {
      if (before[k] !== after[k]) {
        moved++;
        if (after[k] !== 'b10') elsewhere++;
      }
    }
    expect(elsewhere).toBe(0);
    expect(Math.abs(moved / KEYS.length / (1 / 11) - 1)).toBeLessThan(0.1); // measured 0.0920
  });

  it('shares ∝ weight: weights 1,2,3,4 over 100k keys, each within ±5 % relative', () => {
    const specs = backends(4, [1, 2, 3, 4]);
    const got = assign(specs, KEYS);
    for (const s of specs) {
      const share = got.filter((id) => id === s.id).length / KEYS.length;
      expect(Math.abs(share / (s.weight / 10) - 1)).toBeLessThan(0.05); // measured worst 0.982
    }
  });

  it('no eligible backend → -1; options {} parse, unknown keys rejected', () => {
    const view = new FixtureView(backends(2)).setEligible(0, false).setEligible(1, false);
    expect(makeStrategy('rendezvous', view).strategy.pick(view, requestInfo({ hashKey: 'k' }))).toBe(-1);
    expect(strategy.options.parse({})).toEqual({});
    expect(() => strategy.options.parse({ seed: 1 })).toThrow();
  });
});
