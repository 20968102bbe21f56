import { describe, it, expect } from 'vitest';
import { requestInfo } from '../core/view.js';
import { fixtureView, makeStrategy, type FixtureView } from './test/fixture.js';
import type { Strategy } from '../core/strategy.js';
import { strategy } from './peak-ewma.js';

const req = requestInfo();

function shares(s: Strategy, view: FixtureView, n: number): number[] {
  const c = new Array<number>(view.size).fill(0);
  for (let k = 0; k < n; k++) c[s.pick(view, req)]!++;
  return c.map((x) => x / n);
}

describe('peak-ewma', () => {
  it('subscribes to the peak-EWMA signal with its options (defaults τ = 10 s, defaultRtt = 30 ms)', () => {
    const view = fixtureView(2);
    const { env } = makeStrategy('peak-ewma', view);
    expect(env.load.peak).toHaveLength(1);
    expect(env.load.peak[0]!.tauMs).toBe(10000);
    expect(env.load.peak[0]!.defaultRttMs).toBe(30);
  });

  it('two idle backends observed at 5 ms and 25 ms: ≥ 90 % of 10k picks go to the fast one', () => {
    const view = fixtureView(2);
    const { strategy: s, env } = makeStrategy('peak-ewma', view, {}, 5);
    for (let t = 0; t < 100; t++) {
      env.load.observe(0, 5, t * 10);
      env.load.observe(1, 25, t * 10);
    }
    view.now = 1000;
    // Both are always sampled (distinct draws over two), so in fact every pick goes to b0.
    expect(shares(s, view, 10_000)[0]!).toBeGreaterThanOrEqual(0.9);
  });

  it('cost is rtt × (active + 1): a busy fast backend loses to an idle slow one', () => {
    const view = fixtureView(2);
    const { strategy: s, env } = makeStrategy('peak-ewma', view);
    env.load.observe(0, 5, 0);
    env.load.observe(1, 25, 0);
    // At td = 0 a sample below the 30 ms default leaves the cost at 30 (w = 1); one second later
    // the samples count with weight 1 − e^(−1000/10000).
    env.load.observe(0, 5, 1000);
    env.load.observe(1, 25, 1000);
    view.now = 1000;
    const c0 = env.load.peak[0]!.value(0, 1000);
    const c1 = env.load.peak[0]!.value(1, 1000);
    expect(c0).toBeLessThan(c1);
    view.active[0] = Math.ceil(c1 / c0); // c0 × (active + 1) > c1
    view.refresh();
    expect(shares(s, view, 1000)[1]).toBe(1);
  });

  it('a latency spike takes effect at once (peak), then decays with τ', () => {
    const view = fixtureView(2);
    const { strategy: s, env } = makeStrategy('peak-ewma', view, { tauMs: 1000, defaultRttMs: 10 });
    const at = (t: number): number => {
      env.load.observe(1, 10, t); // b1 steady at 10 ms (a sample above the decayed cost re-peaks it)
      view.now = t;
      return s.pick(view, req);
    };
    env.load.observe(0, 500, 0); // b0 spikes to 500 ms
    expect(at(0)).toBe(1);
    // b0 reads 500·e^(−t/1000), below 10 once t > 1000·ln 50 ≈ 3912 ms
    expect(at(3900)).toBe(1);
    expect(at(3930)).toBe(0);
  });

  it('equal backends spread: 4 idle unseen backends, 100k picks, each within ±1 % abs of 25 %', () => {
    const view = fixtureView(4);
    const { strategy: s } = makeStrategy('peak-ewma', view, {}, 9);
    for (const p of shares(s, view, 100_000)) expect(Math.abs(p - 0.25)).toBeLessThan(0.01);
  });

  it('only eligible backends; none → -1', () => {
    const view = fixtureView(3).setEligible(0, false);
    const { strategy: s } = makeStrategy('peak-ewma', view);
    expect(shares(s, view, 1000)[0]).toBe(0);
    view.setEligible(1, false).setEligible(2, false);
    expect(s.pick(view, req)).toBe(-1);
  });

  it('options: {} parses to defaults; bad values and unknown keys rejected', () => {
    expect(strategy.options.parse({})).toEqual({ tauMs: 10000, defaultRttMs: 30, draws: 2 });
    expect(() => strategy.options.parse({ tauMs: 0 })).toThrow();
    expect(() => strategy.options.parse({ draws: 1 })).toThrow();
    expect(() => strategy.options.parse({ alpha: 1 })).toThrow();
  });
});
