import { describe, it, expect } from 'vitest';
import { requestInfo } from '../core/view.js';
import { fixtureView, makeStrategy } from './test/fixture.js';
import { leastTimeRt, strategy } from './least-time.js';

const req = requestInfo();

describe('least-time', () => {
  it('nginx clustering: clamp above 5000 ms, else round up into 20 ms buckets', () => {
    expect(leastTimeRt(0, 20, 5000)).toBe(20);
    expect(leastTimeRt(5, 20, 5000)).toBe(20);
    expect(leastTimeRt(19.5, 20, 5000)).toBe(20);
    expect(leastTimeRt(20, 20, 5000)).toBe(40);
    expect(leastTimeRt(25, 20, 5000)).toBe(40);
    expect(leastTimeRt(6000, 20, 5000)).toBe(5000);
    expect(leastTimeRt(7.5, 0, 5000)).toBe(7.5);
  });

  it('subscribes to the least-time signal with α = 0.05 and defaultMs = 0 by default', () => {
    const view = fixtureView(2);
    const { env } = makeStrategy('least-time', view);
    expect(env.load.lt).toHaveLength(1);
    expect(env.load.lt[0]!.alpha).toBe(0.05);
    expect(env.load.lt[0]!.defaultMs).toBe(0);
  });

  it('prefers the 5× faster backend when both are idle (every one of 1000 picks)', () => {
    for (const opts of [{}, { bucketMs: 0 }]) {
      const view = fixtureView(2);
      const { strategy: s, env } = makeStrategy('least-time', view, opts);
      for (let t = 0; t < 50; t++) {
        env.load.observe(0, 5, t);
        env.load.observe(1, 25, t);
      }
      for (let k = 0; k < 1000; k++) expect(s.pick(view, req)).toBe(0);
    }
  });

  it('eta = rt × (1 + active): 20 ms bucket × 3 > 40 ms bucket × 1 sends to the slower one', () => {
    const view = fixtureView(2);
    const { strategy: s, env } = makeStrategy('least-time', view);
    env.load.observe(0, 5, 0); // rt 20
    env.load.observe(1, 25, 0); // rt 40
    view.active[0] = 2; // 60 vs 40
    view.refresh();
    expect(s.pick(view, req)).toBe(1);
  });

  it('ties rotate (smooth WRR among the tied): no samples, 3 equal backends → 0 1 2 0 1 2', () => {
    const view = fixtureView(3);
    const { strategy: s } = makeStrategy('least-time', view);
    const seq = Array.from({ length: 6 }, () => s.pick(view, req));
    expect(seq).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('tie at equal eta: 20 × (1 + 1) = 40 × 1 → alternates between the two', () => {
    const view = fixtureView(2);
    const { strategy: s, env } = makeStrategy('least-time', view);
    env.load.observe(0, 5, 0);
    env.load.observe(1, 25, 0);
    view.active[0] = 1;
    view.refresh();
    expect([s.pick(view, req), s.pick(view, req), s.pick(view, req), s.pick(view, req)]).toEqual([0, 1, 0, 1]);
  });

  it('weights: eta compared per unit of weight (cross-multiplied), ties by smooth WRR', () => {
    const view = fixtureView(2, [1, 2]);
    const { strategy: s } = makeStrategy('least-time', view);
    // Idle, no samples: eta 20 each; 20/2 < 20/1, so every pick goes to b1 (nginx does the same).
    for (let k = 0; k < 10; k++) expect(s.pick(view, req)).toBe(1);
    // b1 holding one: 40/2 = 20/1 → tied; smooth WRR over weights 1,2 → 1:2 per 3 picks.
    view.active[1] = 1;
    view.refresh();
    const c = [0, 0];
    for (let k = 0; k < 300; k++) c[s.pick(view, req)]!++;
    expect(c).toEqual([100, 200]);
  });

  it('only eligible backends; none → -1', () => {
    const view = fixtureView(3).setEligible(1, false);
    const { strategy: s } = makeStrategy('least-time', view);
    for (let k = 0; k < 10; k++) expect(s.pick(view, req)).not.toBe(1);
    view.setEligible(0, false).setEligible(2, false);
    expect(s.pick(view, req)).toBe(-1);
  });

  it('options: {} parses to nginx defaults; bad values and unknown keys rejected', () => {
    expect(strategy.options.parse({})).toEqual({ alpha: 0.05, defaultMs: 0, bucketMs: 20, capMs: 5000 });
    expect(() => strategy.options.parse({ alpha: 0 })).toThrow();
    expect(() => strategy.options.parse({ alpha: 1.5 })).toThrow();
    expect(() => strategy.options.parse({ tau: 1 })).toThrow();
  });
});
