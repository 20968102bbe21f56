import { describe, it, expect } from 'vitest';
import { requestInfo } from '../core/view.js';
import { fixtureView, makeStrategy } from './test/fixture.js';
import { strategy } from './jiq.js';

const req = requestInfo();

describe('jiq', () => {
  it('rotates among idle backends', () => {
    const view = fixtureView(4);
    view.active.set([1, 0, 1, 0]);
    const { strategy: s } = makeStrategy('jiq', view);
    expect(Array.from({ length: 4 }, () => s.pick(view, req))).toEqual([1, 3, 1, 3]);
    const all = fixtureView(3);
    const { strategy: t } = makeStrategy('jiq', all);
    expect(Array.from({ length: 6 }, () => t.pick(all, req))).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('an arrival takes an idle backend while there is one', () => {
    const view = fixtureView(3);
    view.active.set([2, 0, 0]);
    const { strategy: s } = makeStrategy('jiq', view);
    const a = s.pick(view, req);
    view.active[a]! += 1;
    const b = s.pick(view, req);
    view.active[b]! += 1;
    expect([a, b]).toEqual([1, 2]);
  });

  it('with no idle backend the choice is uniform: 100k picks within ±1 % abs of 1/3', () => {
    const view = fixtureView(3);
    view.active.set([1, 5, 2]);
    const { strategy: s } = makeStrategy('jiq', view, {}, 31);
    const counts = [0, 0, 0];
    for (let k = 0; k < 100_000; k++) counts[s.pick(view, req)]!++;
    for (const c of counts) expect(Math.abs(c / 100_000 - 1 / 3)).toBeLessThan(0.01);
  });

  it('never picks an ineligible backend, idle or not', () => {
    const view = fixtureView(3);
    view.active.set([3, 0, 3]);
    view.setEligible(1, false);
    const { strategy: s } = makeStrategy('jiq', view, {}, 32);
    for (let k = 0; k < 1000; k++) expect(s.pick(view, req)).not.toBe(1);
  });

  it('returns -1 when no backend is eligible', () => {
    const view = fixtureView(1);
    view.setEligible(0, false);
    const { strategy: s } = makeStrategy('jiq', view);
    expect(s.pick(view, req)).toBe(-1);
  });

  it('same seed → same sequence', () => {
    const view = fixtureView(6);
    view.active.fill(1);
    const seq = (seed: number) => {
      const { strategy: s } = makeStrategy('jiq', view, {}, seed);
      return Array.from({ length: 40 }, () => s.pick(view, req));
    };
    expect(seq(2)).toEqual(seq(2));
    expect(seq(2)).not.toEqual(seq(3));
  });

  it('parses {} and rejects unknown options', () => {
    expect(strategy.options.parse({})).toEqual({});
    expect(() => strategy.options.parse({ x: 1 })).toThrow();
  });
});
