import { describe, it, expect } from 'vitest';
import { backends } from '../../core/backend.js';
import { Rng } from '../../core/rng.js';
import { FixtureView, fixtureView } from '../test/fixture.js';
import { MAX_CYCLE, SmoothWrr } from './smooth-wrr.js';

/**
 * Reference: nginx's smooth WRR written out plainly (ngx_http_upstream_get_peer), one scan per pick,
 * with lbsim's conventions: the weight is `view.weight[i]` at the pick, `effective` is held as a
 * deficit `weight − effective` clamped to the weight, a failure adds `floor(lastWeight / maxFails)`.
 */
class ReferenceWrr {
  current: number[] = [];
  deficit: number[] = [];
  lastWeight: number[] = [];
  constructor(
    private readonly maxFails: number,
    specs: readonly { weight: number }[],
  ) {
    this.rebuild(specs);
  }
  rebuild(specs: readonly { weight: number }[]): void {
    for (let i = this.current.length; i < specs.length; i++) {
      this.current.push(0);
      this.deficit.push(0);
      this.lastWeight.push(specs[i]!.weight);
    }
  }
  pick(view: FixtureView): number {
    let best = -1;
    let total = 0;
    for (let k = 0; k < view.count; k++) {
      const i = view.list[k]!;
      const weight = view.weight[i]!;
      this.lastWeight[i] = weight;
      const d = Math.min(this.deficit[i]!, weight);
      const effective = weight - d;
      this.current[i] = this.current[i]! + effective;
      total += effective;
      this.deficit[i] = Math.max(d - 1, 0); // effective++ up to weight
      if (best < 0 || this.current[i]! > this.current[best]!) best = i;
    }
    if (best < 0) return -1;
    this.current[best] = this.current[best]! - total;
    return best;
  }
  fail(i: number): void {
    const w = this.lastWeight[i]!;
    this.deficit[i] = Math.min(this.deficit[i]! + Math.floor(w / this.maxFails), w);
  }
}

describe('smooth WRR with a precomputed cycle', () => {
  it('serves from the cycle from the first pick, and a cycle is nginx\'s sequence (5,1,1 → a a b a c a a)', () => {
    const view = fixtureView(3, [5, 1, 1]);
    const s = new SmoothWrr(1);
    s.rebuild(view.specs);
    const seq: number[] = [];
    for (let k = 0; k < 14; k++) {
      seq.push(s.pick(view));
      expect(s.cycling).toBe(true);
    }
    expect(seq).toEqual([0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0]);
  });

  it('seeded random runs with eligibility flips, re-weights, slow-start ramps, retries and failures match the reference pick for pick', () => {
    let cyclePicks = 0;
    let scanPicks = 0;
    let leaves = 0;
    for (let run = 0; run < 24; run++) {
      const rng = new Rng(1000 + run);
      const n = 1 + rng.int(12);
      const weights = Array.from({ length: n }, () => 1 + rng.int(6));
      const maxFails = 1 + rng.int(3);
      const view = fixtureView(n, weights);
      const fast = new SmoothWrr(maxFails);
      fast.rebuild(view.specs);
      const ref = new ReferenceWrr(maxFails, view.specs);
      let undo = -1; // a retry-like exclusion lasting one pick
      for (let step = 0; step < 20_000; step++) {
        const wasCycling = fast.cycling;
        const got = fast.pick(view);
        const want = ref.pick(view);
        if (got !== want) throw new Error(`run ${run} step ${step}: got ${got}, reference ${want}`);
        if (wasCycling) cyclePicks++;
        else scanPicks++;
        if (wasCycling && !fast.cycling) leaves++;
        if (undo >= 0) {
          view.setEligible(undo, true);
          undo = -1;
        }
        const u = rng.next();
        const i = rng.int(n);
        if (u < 0.003) {
          fast.released(i, true);
          ref.fail(i);
          if (wasCycling && !fast.cycling) leaves++;
        } else if (u < 0.004) {
          fast.released(i, false);
        } else if (u < 0.005) {
          view.setEligible(i, view.eligible[i] !== 1);
        } else if (u < 0.007) {
          view.setEligible(i, false);
          undo = i;
        } else if (u < 0.008) {
          view.weight[i] = 1 + rng.int(6);
          view.refresh();
        } else if (u < 0.009) {
          view.weight[i] = weights[i]! * (0.1 + 0.9 * rng.next()); // a slow-start ramp point
          view.refresh();
        } else if (u < 0.012) {
          view.eligible.fill(1);
          view.weight.set(weights);
          view.refresh();
        }
      }
    }
    // Both paths and the transitions between them were exercised.
    expect(cyclePicks).toBeGreaterThan(150_000);
    expect(scanPicks).toBeGreaterThan(50_000);
    expect(leaves).toBeGreaterThan(1000);
  });

  it('re-enters a cycle from a non-zero, fractional state after a slow-start ramp, and leaves it exactly on a failure', () => {
    const weights = [3, 1, 2];
    const view = fixtureView(3, weights);
    const fast = new SmoothWrr(2);
    fast.rebuild(view.specs);
    const ref = new ReferenceWrr(2, view.specs);
    const both = () => {
      const a = fast.pick(view);
      expect(a).toBe(ref.pick(view));
      return a;
    };
    for (const f of [0.1, 0.37, 0.55, 0.81]) {
      for (let i = 0; i < 3; i++) view.weight[i] = weights[i]! * f;
      view.refresh();
      for (let k = 0; k < 5; k++) both();
    }
    view.weight.set(weights);
    view.refresh();
    let k = 0;
    while (!fast.cycling && k < 100) {
      both();
      k++;
    }
    expect(fast.cycling).toBe(true);
    expect(k).toBeLessThanOrEqual(2 * 6 + 1);
    expect(ref.current.every((c) => c === Math.floor(c))).toBe(false); // the cycle's base is fractional
    for (let j = 0; j < 4; j++) both(); // mid-cycle
    fast.released(0, true);
    ref.fail(0);
    expect(fast.cycling).toBe(false);
    for (let j = 0; j < 200; j++) both();
  });

  it('keeps the state across appended backends (resize leaves the cycle exactly)', () => {
    const small = fixtureView(3, [4, 2, 1]);
    const big = new FixtureView(backends(5, [4, 2, 1, 3, 1]));
    const fast = new SmoothWrr(1);
    fast.rebuild(small.specs);
    const ref = new ReferenceWrr(1, small.specs);
    for (let k = 0; k < 10; k++) expect(fast.pick(small)).toBe(ref.pick(small));
    expect(fast.cycling).toBe(true);
    fast.rebuild(big.specs);
    ref.rebuild(big.specs);
    for (let k = 0; k < 300; k++) expect(fast.pick(big)).toBe(ref.pick(big));
    expect(fast.cycling).toBe(true);
  });

  it('equal versions mean equal contents: a weight changed without refresh() is not seen on the cycle', () => {
    const view = fixtureView(2, [1, 1]);
    const s = new SmoothWrr(1);
    s.rebuild(view.specs);
    expect([s.pick(view), s.pick(view)]).toEqual([0, 1]);
    view.weight[0] = 3; // contract broken on purpose: the cached cycle stays in use
    expect([s.pick(view), s.pick(view)]).toEqual([0, 1]);
    view.refresh();
    const counts = [0, 0];
    for (let k = 0; k < 400; k++) counts[s.pick(view)]!++;
    expect(counts).toEqual([300, 100]);
  });

  it('a failure on a cycle entered without a scan uses the weight of that cycle (nginx: the weight at the last pick)', () => {
    const view = fixtureView(2, [2, 1]);
    view.weight[0] = 4; // re-weighted before the first pick
    view.refresh();
    const fast = new SmoothWrr(1);
    fast.rebuild(view.specs);
    const ref = new ReferenceWrr(1, view.specs);
    expect(fast.pick(view)).toBe(ref.pick(view));
    expect(fast.cycling).toBe(true);
    // effective(a) 4 → 0, then 1, 2: (a, b) before the choice: (−1, 2) → b, (0, 2) → b, (2, 1) → a.
    // Were the failure charged at the configured weight 2, effective(a) would be 2 and a would win at once.
    fast.released(0, true);
    ref.fail(0);
    const got = Array.from({ length: 12 }, () => fast.pick(view));
    expect(got).toEqual(Array.from({ length: 12 }, () => ref.pick(view)));
    expect(got.slice(0, 3)).toEqual([1, 1, 0]);
  });

  it('stays on the exact scan when the period exceeds MAX_CYCLE', () => {
    const view = fixtureView(2, [MAX_CYCLE, 1]);
    const s = new SmoothWrr(1);
    s.rebuild(view.specs);
    const ref = new ReferenceWrr(1, view.specs);
    for (let k = 0; k < 50; k++) expect(s.pick(view)).toBe(ref.pick(view));
    expect(s.cycling).toBe(false);
  });

  it('a failure that costs no effective weight (weight < maxFails) stays on the cycle', () => {
    const view = fixtureView(2, [2, 1]);
    const s = new SmoothWrr(3);
    s.rebuild(view.specs);
    s.pick(view);
    s.released(1, true);
    expect(s.cycling).toBe(true);
    s.released(0, true);
    expect(s.cycling).toBe(true);
    expect(Array.from({ length: 6 }, () => s.pick(view))).toEqual([1, 0, 0, 1, 0, 0]);
  });
});
