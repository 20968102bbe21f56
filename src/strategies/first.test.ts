import { describe, it, expect } from 'vitest';
import { backend } from '../core/backend.js';
import { requestInfo } from '../core/view.js';
import { FixtureView, fixtureView, makeStrategy } from './test/fixture.js';
import { strategy } from './first.js';

const req = requestInfo();

describe('first', () => {
  it('fills backends in index order up to maxConn', () => {
    const view = new FixtureView([0, 1, 2].map((i) => backend({ id: `b${i}`, maxConn: 2 })));
    const { strategy: s } = makeStrategy('first', view);
    const seq: number[] = [];
    for (let k = 0; k < 6; k++) {
      const i = s.pick(view, req);
      seq.push(i);
      view.active[i]! += 1;
    }
    expect(seq).toEqual([0, 0, 1, 1, 2, 2]);
    // A slot frees on backend 1: it gets the next request.
    view.active[1]! -= 1;
    expect(s.pick(view, req)).toBe(1);
  });

  it('maxConn 0 is unlimited: always the first eligible backend', () => {
    const view = fixtureView(3);
    const { strategy: s } = makeStrategy('first', view);
    for (let k = 0; k < 100; k++) {
      expect(s.pick(view, req)).toBe(0);
      view.active[0]! += 1;
    }
    view.setEligible(0, false);
    expect(s.pick(view, req)).toBe(1);
  });

  it('when every eligible backend is full it returns the first eligible one', () => {
    const view = new FixtureView([0, 1].map((i) => backend({ id: `b${i}`, maxConn: 1 })));
    view.active.set([1, 1]);
    view.setEligible(0, false);
    const { strategy: s } = makeStrategy('first', view);
    expect(s.pick(view, req)).toBe(1);
  });

  it('returns -1 when no backend is eligible', () => {
    const view = fixtureView(1);
    view.setEligible(0, false);
    const { strategy: s } = makeStrategy('first', view);
    expect(s.pick(view, req)).toBe(-1);
  });

  it('parses {} and rejects unknown options; does not spread', () => {
    expect(strategy.options.parse({})).toEqual({});
    expect(() => strategy.options.parse({ x: 1 })).toThrow();
    expect(strategy.spreads).toBe(false);
  });
});
