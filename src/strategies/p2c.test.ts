import { describe, it, expect } from 'vitest';
import { Rng } from '../core/rng.js';
import type { Strategy } from '../core/strategy.js';
import { requestInfo } from '../core/view.js';
import { fixtureView, makeStrategy, type FixtureView } from './test/fixture.js';
import { strategy } from './p2c.js';
import { DistinctSampler } from './support/sampling.js';

const req = requestInfo();

function shares(s: Strategy, view: FixtureView, n: number): number[] {
  const counts = new Array<number>(view.size).fill(0);
  for (let k = 0; k < n; k++) counts[s.pick(view, req)]!++;
  return counts.map((c) => c / n);
}

describe('p2c', () => {
  it('distinct draws: 3 equal backends, one busy → the busy one gets 0 % over 30k picks', () => {
    const view = fixtureView(3);
    view.active.set([5, 0, 0]);
    const { strategy: s } = makeStrategy('p2c', view, {}, 21);
    const got = shares(s, view, 30_000);
    expect(got[0]).toBe(0);
    expect(Math.abs(got[1]! - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(got[2]! - 0.5)).toBeLessThan(0.02);
  });

  it('with replacement: Envoy vector 44.4 / 44.4 / 11.1 % within ±1 % abs (100k picks)', () => {
    const view = fixtureView(3);
    view.active.set([0, 0, 5]);
    const { strategy: s } = makeStrategy('p2c', view, { replacement: true }, 22);
    const got = shares(s, view, 100_000);
    expect(Math.abs(got[0]! - 4 / 9)).toBeLessThan(0.01);
    expect(Math.abs(got[1]! - 4 / 9)).toBeLessThan(0.01);
    expect(Math.abs(got[2]! - 1 / 9)).toBeLessThan(0.01);
  });

  it('equal load spreads uniformly: 4 backends, 100k picks, each within ±1 % abs of 25 %', () => {
    const view = fixtureView(4);
    const { strategy: s } = makeStrategy('p2c', view, {}, 23);
    for (const p of shares(s, view, 100_000)) expect(Math.abs(p - 0.25)).toBeLessThan(0.01);
  });

  it('compares active/weight: weights [1,4], active [1,2] → backend 1 every time', () => {
    const view = fixtureView(2, [1, 4]);
    view.active.set([1, 2]);
    const { strategy: s } = makeStrategy('p2c', view);
    expect(shares(s, view, 1000)).toEqual([0, 1]);
  });

  it('count ≤ draws considers every eligible backend', () => {
    const view = fixtureView(3);
    view.active.set([3, 1, 2]);
    const { strategy: s } = makeStrategy('p2c', view, { draws: 3 });
    expect(shares(s, view, 1000)).toEqual([0, 1, 0]);
    const one = fixtureView(1);
    const { strategy: t } = makeStrategy('p2c', one);
    expect(t.pick(one, req)).toBe(0);
  });

  it('never picks an ineligible backend', () => {
    const view = fixtureView(4);
    view.setEligible(1, false);
    const { strategy: s } = makeStrategy('p2c', view);
    const got = shares(s, view, 20_000);
    expect(got[1]).toBe(0);
  });

  it('returns -1 when no backend is eligible', () => {
    const view = fixtureView(2);
    view.setEligible(0, false).setEligible(1, false);
    const { strategy: s } = makeStrategy('p2c', view);
    expect(s.pick(view, req)).toBe(-1);
  });

  it('same seed → same sequence', () => {
    const view = fixtureView(10);
    view.active.set([3, 1, 4, 1, 5, 9, 2, 6, 5, 3]);
    const seq = (seed: number) => {
      const { strategy: s } = makeStrategy('p2c', view, {}, seed);
      return Array.from({ length: 50 }, () => s.pick(view, req));
    };
    expect(seq(8)).toEqual(seq(8));
    expect(seq(8)).not.toEqual(seq(9));
  });

  it('DistinctSampler draws distinct positions with a uniform first position', () => {
    const sampler = new DistinctSampler();
    const rng = new Rng(5);
    const first = [0, 0, 0, 0, 0];
    let bad = 0;
    for (let k = 0; k < 50_000; k++) {
      const m = sampler.sample(5, 3, rng);
      const a = sampler.pos[0]!;
      const b = sampler.pos[1]!;
      const c = sampler.pos[2]!;
      if (m !== 3 || a === b || a === c || b === c || a > 4 || b > 4 || c > 4) bad++;
      first[a]!++;
    }
    expect(bad).toBe(0);
    for (const f of first) expect(Math.abs(f / 50_000 - 0.2)).toBeLessThan(0.01);
    expect(sampler.sample(2, 3, rng)).toBe(2);
    expect([sampler.pos[0], sampler.pos[1]].sort()).toEqual([0, 1]);
  });

  it('defaults draws=2 distinct; rejects draws < 2 and unknown keys', () => {
    expect(strategy.options.parse({})).toEqual({ draws: 2, replacement: false });
    expect(() => strategy.options.parse({ draws: 1 })).toThrow();
    expect(() => strategy.options.parse({ draws: 2.5 })).toThrow();
    expect(() => strategy.options.parse({ d: 2 })).toThrow();
  });
});
