import { describe, it, expect } from 'vitest';
import { requestInfo } from '../core/view.js';
import { fixtureView, makeStrategy } from './test/fixture.js';
import { strategy } from './random.js';

const req = requestInfo();

describe('random', () => {
  it('is uniform over eligible backends: 100k picks, each share within ±1 % abs of 25 %', () => {
    const view = fixtureView(4, [1, 2, 3, 4]);
    const { strategy: s } = makeStrategy('random', view, {}, 7);
    const counts = [0, 0, 0, 0];
    const n = 100_000;
    for (let k = 0; k < n; k++) counts[s.pick(view, req)]!++;
    for (const c of counts) expect(Math.abs(c / n - 0.25)).toBeLessThan(0.01);
  });

  it('never picks an ineligible backend', () => {
    const view = fixtureView(4);
    const { strategy: s } = makeStrategy('random', view);
    view.setEligible(2, false);
    const counts = [0, 0, 0, 0];
    for (let k = 0; k < 30_000; k++) counts[s.pick(view, req)]!++;
    expect(counts[2]).toBe(0);
    for (const i of [0, 1, 3]) expect(Math.abs(counts[i]! / 30_000 - 1 / 3)).toBeLessThan(0.02);
  });

  it('returns -1 when no backend is eligible', () => {
    const view = fixtureView(1);
    const { strategy: s } = makeStrategy('random', view);
    view.setEligible(0, false);
    expect(s.pick(view, req)).toBe(-1);
  });

  it('same seed → same sequence; another seed → another sequence', () => {
    const view = fixtureView(8);
    const seq = (seed: number) => {
      const { strategy: s } = makeStrategy('random', view, {}, seed);
      return Array.from({ length: 50 }, () => s.pick(view, req));
    };
    expect(seq(3)).toEqual(seq(3));
    expect(seq(3)).not.toEqual(seq(4));
  });

  it('parses {} and rejects unknown options', () => {
    expect(strategy.options.parse({})).toEqual({});
    expect(() => strategy.options.parse({ x: 1 })).toThrow();
  });
});
