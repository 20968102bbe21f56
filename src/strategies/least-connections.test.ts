import { describe, it, expect } from 'vitest';
import { requestInfo } from '../core/view.js';
import { fixtureView, makeStrategy } from './test/fixture.js';
import { strategy } from './least-connections.js';

const req = requestInfo();

describe('least-connections', () => {
  it('weights [1,2,1,1], active [5,3,7,2] order backends 1, 3, 0, 2', () => {
    const view = fixtureView(4, [1, 2, 1, 1]);
    view.active.set([5, 3, 7, 2]);
    view.refresh();
    const { strategy: s } = makeStrategy('least-connections', view);
    const order: number[] = [];
    for (let k = 0; k < 4; k++) {
      const i = s.pick(view, req);
      order.push(i);
      view.active[i]! += 1000; // push the winner out of the way
    }
    expect(order).toEqual([1, 3, 0, 2]);
  });

  it('equal loads rotate (smooth WRR among the tied) instead of hitting the first backend', () => {
    const view = fixtureView(3);
    const { strategy: s } = makeStrategy('least-connections', view);
    expect(Array.from({ length: 6 }, () => s.pick(view, req))).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('ties are weighted: weights 2,1 at equal load give a b a', () => {
    const view = fixtureView(2, [2, 1]);
    const { strategy: s } = makeStrategy('least-connections', view);
    expect(Array.from({ length: 6 }, () => s.pick(view, req))).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it('only the tied backends take part in the tie-break', () => {
    const view = fixtureView(3);
    view.active.set([1, 0, 0]);
    const { strategy: s } = makeStrategy('least-connections', view);
    expect(Array.from({ length: 4 }, () => s.pick(view, req))).toEqual([1, 2, 1, 2]);
  });

  it('without releases the load ends proportional to weight (400 picks → 100/200/100)', () => {
    const view = fixtureView(3, [1, 2, 1]);
    const { strategy: s } = makeStrategy('least-connections', view);
    for (let k = 0; k < 400; k++) view.active[s.pick(view, req)]! += 1;
    expect(Array.from(view.active)).toEqual([100, 200, 100]);
  });

  it('never picks an ineligible backend, even the least loaded', () => {
    const view = fixtureView(3);
    view.active.set([3, 0, 2]);
    view.setEligible(1, false);
    const { strategy: s } = makeStrategy('least-connections', view);
    expect(s.pick(view, req)).toBe(2);
  });

  it('returns -1 when no backend is eligible', () => {
    const view = fixtureView(1);
    const { strategy: s } = makeStrategy('least-connections', view);
    view.setEligible(0, false);
    expect(s.pick(view, req)).toBe(-1);
  });

  it('parses {} and rejects unknown options', () => {
    expect(strategy.options.parse({})).toEqual({});
    expect(() => strategy.options.parse({ x: 1 })).toThrow();
  });
});
