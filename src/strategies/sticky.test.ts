import { describe, it, expect } from 'vitest';
import { backends } from '../core/backend.js';
import { requestInfo } from '../core/view.js';
import { FixtureView, fixtureView, makeStrategy } from './test/fixture.js';
import { strategy } from './sticky.js';

const s0 = requestInfo();
const key = (sessionKey: string) => requestInfo({ sessionKey });
const sessions = (s: unknown) => (s as { sessions: number }).sessions;

describe('sticky', () => {
  it('a session returns to the backend it was bound to', () => {
    const view = fixtureView(3);
    const { strategy: s } = makeStrategy('sticky', view);
    const first = ['a', 'b', 'c'].map((k) => s.pick(view, key(k)));
    expect(first).toEqual([0, 1, 2]);
    const again = ['b', 'a', 'c', 'a'].map((k) => s.pick(view, key(k)));
    expect(again).toEqual([1, 0, 2, 0]);
  });

  it('an empty session key goes to the inner strategy and binds nothing', () => {
    const view = fixtureView(3);
    const { strategy: s } = makeStrategy('sticky', view);
    expect(Array.from({ length: 4 }, () => s.pick(view, s0))).toEqual([0, 1, 2, 0]);
    expect(sessions(s)).toBe(0);
  });

  it('rebinds when the bound backend is ineligible, and keeps the new binding', () => {
    const view = fixtureView(3);
    const { strategy: s } = makeStrategy('sticky', view);
    expect(s.pick(view, key('a'))).toBe(0);
    view.setEligible(0, false);
    expect(s.pick(view, key('a'))).toBe(1);
    view.setEligible(0, true);
    expect(s.pick(view, key('a'))).toBe(1);
  });

  it('is bounded by maxSessions; a binding used again outlives one used once', () => {
    const view = fixtureView(4);
    const { strategy: s } = makeStrategy('sticky', view, { maxSessions: 2 });
    expect(['a', 'b'].map((k) => s.pick(view, key(k)))).toEqual([0, 1]);
    expect(s.pick(view, key('a'))).toBe(0); // touch a: b is now least recently used
    expect(s.pick(view, key('c'))).toBe(2); // evicts b
    expect(sessions(s)).toBe(2);
    expect(s.pick(view, key('a'))).toBe(0);
    expect(s.pick(view, key('b'))).toBe(3); // b was forgotten: the inner strategy picks anew
  });

  it('evicts by CLOCK (second chance): unused bindings in insertion order, used ones after one more sweep', () => {
    const view = fixtureView(8);
    const { strategy: s } = makeStrategy('sticky', view, { maxSessions: 3 });
    expect(['a', 'b', 'c'].map((k) => s.pick(view, key(k)))).toEqual([0, 1, 2]);
    expect(s.pick(view, key('b'))).toBe(1); // b used again
    expect(s.pick(view, key('d'))).toBe(3); // evicts a (first unused)
    expect(s.pick(view, key('e'))).toBe(4); // b gets its second chance: evicts c
    expect(sessions(s)).toBe(3);
    expect(s.pick(view, key('b'))).toBe(1); // still bound
    expect(s.pick(view, key('a'))).toBe(5); // forgotten: picked anew (evicts d)
    expect(s.pick(view, key('c'))).toBe(6); // forgotten: picked anew (evicts e)
    expect(s.pick(view, key('b'))).toBe(1); // b in use all along: never evicted
    expect(sessions(s)).toBe(3);
  });

  it('10,000 sessions through a table of 100: never more than 100 bindings, a hot session stays bound', () => {
    const view = fixtureView(10);
    const { strategy: s } = makeStrategy('sticky', view, { maxSessions: 100 });
    const hot = s.pick(view, key('hot'));
    for (let k = 0; k < 10_000; k++) {
      s.pick(view, key(`s${k}`));
      if (k % 50 === 0) expect(s.pick(view, key('hot'))).toBe(hot);
      expect(sessions(s)).toBeLessThanOrEqual(100);
    }
    expect(sessions(s)).toBe(100);
    expect(s.pick(view, key('hot'))).toBe(hot);
  });

  it('bindings follow backend ids across a rebuild', () => {
    const specs = backends(3);
    const view = new FixtureView(specs);
    const { strategy: s } = makeStrategy('sticky', view);
    s.pick(view, key('x'));
    expect(s.pick(view, key('y'))).toBe(1); // y → b1
    const reversed = new FixtureView([...specs].reverse());
    s.rebuild?.(reversed.specs);
    expect(s.pick(reversed, key('y'))).toBe(1); // b1 is still in the middle
    expect(s.pick(reversed, key('x'))).toBe(2); // x → b0, now at index 2
  });

  it('forwards options, rebuild and released to the inner strategy', () => {
    const view = fixtureView(2, [3, 1]);
    const { strategy: s } = makeStrategy('sticky', view, {
      inner: 'weighted-round-robin',
      innerOptions: { maxFails: 1 },
    });
    s.released?.(0, true, 5, 0, 0);
    // Same sequence as weighted-round-robin's own failure vector.
    expect(Array.from({ length: 8 }, () => s.pick(view, s0))).toEqual([1, 0, 1, 0, 0, 0, 1, 0]);
  });

  it('rejects an unknown inner strategy or bad inner options', () => {
    const view = fixtureView(2);
    expect(() => makeStrategy('sticky', view, { inner: 'nope' })).toThrow();
    expect(() => makeStrategy('sticky', view, { inner: 'p2c', innerOptions: { draws: 1 } })).toThrow();
    expect(() => makeStrategy('sticky', view, { inner: 'sticky' })).toThrow();
  });

  it('returns -1 when no backend is eligible', () => {
    const view = fixtureView(2);
    const { strategy: s } = makeStrategy('sticky', view);
    s.pick(view, key('a'));
    view.setEligible(0, false).setEligible(1, false);
    expect(s.pick(view, key('a'))).toBe(-1);
    expect(s.pick(view, s0)).toBe(-1);
  });

  it('defaults and validation', () => {
    expect(strategy.options.parse({})).toEqual({ inner: 'round-robin', innerOptions: {}, maxSessions: 100000 });
    expect(() => strategy.options.parse({ maxSessions: 0 })).toThrow();
    expect(() => strategy.options.parse({ other: 1 })).toThrow();
  });
});
