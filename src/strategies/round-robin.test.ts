import { describe, it, expect } from 'vitest';
import { requestInfo } from '../core/view.js';
import { fixtureView, makeStrategy } from './test/fixture.js';
import { strategy } from './round-robin.js';

const req = requestInfo();

describe('round-robin', () => {
  it('cycles in index order ignoring weight', () => {
    const view = fixtureView(3, [5, 1, 1]);
    const { strategy: s } = makeStrategy('round-robin', view);
    const seq = Array.from({ length: 7 }, () => s.pick(view, req));
    expect(seq).toEqual([0, 1, 2, 0, 1, 2, 0]);
  });

  it('skips ineligible backends and resumes the rotation when they return', () => {
    const view = fixtureView(4);
    const { strategy: s } = makeStrategy('round-robin', view);
    view.setEligible(1, false);
    const a = Array.from({ length: 4 }, () => s.pick(view, req));
    expect(a).toEqual([0, 2, 3, 0]);
    view.setEligible(1, true);
    const b = Array.from({ length: 4 }, () => s.pick(view, req));
    expect(b).toEqual([1, 2, 3, 0]);
  });

  it('continues from the last pick when the list changes under the cursor', () => {
    const view = fixtureView(5);
    const { strategy: s } = makeStrategy('round-robin', view);
    expect([s.pick(view, req), s.pick(view, req)]).toEqual([0, 1]);
    view.setEligible(1, false).setEligible(2, false);
    expect([s.pick(view, req), s.pick(view, req), s.pick(view, req)]).toEqual([3, 4, 0]);
  });

  it('returns -1 when no backend is eligible', () => {
    const view = fixtureView(2);
    const { strategy: s } = makeStrategy('round-robin', view);
    view.setEligible(0, false).setEligible(1, false);
    expect(s.pick(view, req)).toBe(-1);
  });

  it('parses {} and rejects unknown options', () => {
    expect(strategy.options.parse({})).toEqual({});
    expect(() => strategy.options.parse({ bogus: 1 })).toThrow();
  });
});
