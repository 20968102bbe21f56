import { describe, it, expect } from 'vitest';
import { backends } from '../core/backend.js';
import type { Strategy } from '../core/strategy.js';
import { requestInfo } from '../core/view.js';
import { FixtureView, fixtureView, makeStrategy } from './test/fixture.js';
import { Rng } from '../core/rng.js';
import { strategy } from './prequal.js';

const req = requestInfo();

/** Feeds one observed latency per backend. */
function observe(s: Strategy, latencies: readonly number[]): void {
  latencies.forEach((l, i) => s.released?.(i, false, l, 0, 0));
}

function counts(s: Strategy, view: FixtureView, n: number, step = 0): number[] {
  const c = new Array<number>(view.size).fill(0);
  for (let k = 0; k < n; k++) {
    view.now += step;
    c[s.pick(view, req)]!++;
  }
  return c;
}

describe('prequal', () => {
  it('all cold: picks the lowest-latency backend', () => {
    const view = fixtureView(3);
    const { strategy: s } = makeStrategy('prequal', view);
    observe(s, [10, 1, 10]);
    expect(counts(s, view, 100)).toEqual([0, 100, 0]);
  });

  it('a hot backend (RIF above the 0.84 quantile) is avoided even if fastest', () => {
    const view = fixtureView(3);
    view.active.set([10, 0, 0]);
    const { strategy: s } = makeStrategy('prequal', view);
    observe(s, [1, 10, 10]);
    expect(counts(s, view, 1000)[0]).toBe(0);
  });

  it('quantile 1 is latency-only, quantile 0 is RIF-only', () => {
    // b0 is busiest (RIF 2) but still fastest: its estimate at RIF 2 is 1 ms × (2+1) = 3 ms < 10 ms.
    const view = fixtureView(3);
    view.active.set([2, 0, 0]);
    const { strategy: s } = makeStrategy('prequal', view, { quantile: 1 });
    observe(s, [1, 10, 10]);
    expect(counts(s, view, 100)).toEqual([100, 0, 0]);

    const v2 = fixtureView(3);
    v2.active.set([3, 1, 2]);
    const { strategy: t } = makeStrategy('prequal', v2, { quantile: 0 });
    observe(t, [1, 5, 1]);
    expect(counts(t, v2, 100)).toEqual([0, 100, 0]);
  });

  it('estimates latency at the probed RIF from the bucket seen, extrapolating linearly when unseen', () => {
    // b0: 2 ms observed at RIF 0; b1: 4 ms observed at RIF 8 (bucket 3). Probed at RIF 8 each,
    // b0's estimate is 2 × 9 = 18 ms while b1 reports its measured 4 ms: b1 wins although both are equally loaded.
    const view = fixtureView(2);
    view.active.set([8, 8]);
    const { strategy: s } = makeStrategy('prequal', view, { quantile: 1 });
    s.released?.(0, false, 2, 0, 0);
    s.released?.(1, false, 4, 0, 8);
    expect(counts(s, view, 50)).toEqual([0, 50]);
  });

  it("increments the chosen probe's RIF, so a fast backend probed once does not take everything", () => {
    // 10 backends, one probe per pick, b0 much faster. Each pick raises b0's pooled RIF, which
    // makes it hot until a fresh probe of b0 (1 pick in 10) resets it: b0 gets far less than 100 %.
    const view = fixtureView(10);
    const { strategy: s } = makeStrategy('prequal', view, { probes: 1 }, 41);
    observe(s, [1, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
    const c = counts(s, view, 10_000);
    expect(c[0]! / 10_000).toBeGreaterThan(0.1);
    expect(c[0]! / 10_000).toBeLessThan(0.5);
  });

  it('expired probes leave the pool: with ttl shorter than the gap, only the fresh probe counts', () => {
    // One probe per pick, picks 100 ms apart, ttl 10 ms: the pick is the probed backend, which is
    // uniform; shares within ±2 % abs of 10 % over 20k picks although b0 is fastest.
    const view = fixtureView(10);
    const { strategy: s } = makeStrategy('prequal', view, { probes: 1, ttlMs: 10 }, 42);
    observe(s, [1, 10, 10, 10, 10, 10, 10, 10, 10, 10]);
    for (const c of counts(s, view, 20_000, 100)) expect(Math.abs(c / 20_000 - 0.1)).toBeLessThan(0.02);
  });

  it('never picks an ineligible backend, even one still in the pool', () => {
    const view = fixtureView(5);
    const { strategy: s } = makeStrategy('prequal', view, {}, 43);
    observe(s, [10, 10, 1, 10, 10]);
    counts(s, view, 50);
    view.setEligible(2, false);
    expect(counts(s, view, 2000)[2]).toBe(0);
  });

  it('spreads under equal conditions: 4 backends, no load, equal latency, 20k picks, each share within ±2 % abs of 25 %', () => {
    const view = fixtureView(4);
    const { strategy: s } = makeStrategy('prequal', view, {}, 44);
    for (const c of counts(s, view, 20_000, 1)) expect(Math.abs(c / 20_000 - 0.25)).toBeLessThan(0.02);
  });

  it('a failed request never makes a backend look faster', () => {
    const view = fixtureView(2);
    const { strategy: s } = makeStrategy('prequal', view, { quantile: 1 });
    observe(s, [10, 5]);
    s.released?.(0, true, 0.1, 0, 0);
    expect(s.pick(view, req)).toBe(1);
    s.released?.(1, true, 50, 0, 0); // a slow failure does count
    expect(s.pick(view, req)).toBe(0);
  });

  it('rebuild carries latencies over by backend id', () => {
    const specs = backends(3);
    const view = new FixtureView(specs);
    const { strategy: s } = makeStrategy('prequal', view, { quantile: 1 });
    observe(s, [1, 10, 10]);
    const reversed = new FixtureView([...specs].reverse());
    s.rebuild?.(reversed.specs);
    expect(s.pick(reversed, req)).toBe(2); // b0 is now at index 2
  });

  it('returns -1 when no backend is eligible', () => {
    const view = fixtureView(2);
    view.setEligible(0, false).setEligible(1, false);
    const { strategy: s } = makeStrategy('prequal', view);
    expect(s.pick(view, req)).toBe(-1);
  });

  it('same seed → same sequence', () => {
    const view = fixtureView(12);
    const seq = (seed: number) => {
      const { strategy: s } = makeStrategy('prequal', view, { probes: 2 }, seed);
      observe(s, [5, 3, 8, 1, 9, 2, 7, 4, 6, 3, 5, 8]);
      return Array.from({ length: 60 }, () => s.pick(view, req));
    };
    expect(seq(1)).toEqual(seq(1));
    expect(seq(1)).not.toEqual(seq(2));
  });

  it('defaults follow the paper; bad options are rejected', () => {
    expect(strategy.options.parse({})).toEqual({
      probes: 3,
      poolSize: 16,
      ttlMs: 1000,
      quantile: 0.84,
      defaultLatencyMs: 1,
      maxReuse: 2,
    });
    expect(() => strategy.options.parse({ quantile: 1.5 })).toThrow();
    expect(() => strategy.options.parse({ probes: 0 })).toThrow();
    expect(() => strategy.options.parse({ pool: 3 })).toThrow();
  });
});

/**
 * A long seeded run mixing every input prequal reads: uneven and changing in-flight counts, tied and
 * distinct latencies (successes and failures), eligibility flips, probes expiring after gaps longer
 * than the TTL, and a pool smaller than the backend count (evictions). Returns the picks' checksum.
 */
function prequalRun(options: Record<string, unknown>, seed: number, steps: number): { checksum: number; head: number[] } {
  const n = 40;
  const view = fixtureView(n);
  const { strategy: s } = makeStrategy('prequal', view, options, seed);
  const rng = new Rng(seed).fork('scenario');
  let checksum = 0;
  const head: number[] = [];
  for (let k = 0; k < steps; k++) {
    view.now += rng.next() < 0.002 ? 1500 : rng.int(4) * 0.25;
    const i = s.pick(view, req);
    if (head.length < 40) head.push(i);
    checksum = (Math.imul(checksum, 31) + i + 1) >>> 0;
    view.active[i] = view.active[i]! + 1;
    const j = rng.int(n);
    if (view.active[j]! > 0) {
      view.active[j] = view.active[j]! - 1;
      const failed = rng.next() < 0.05;
      s.released?.(j, failed, rng.next() < 0.5 ? 5 : 1 + rng.int(20), view.now, view.active[j]!);
    }
    if (rng.next() < 0.003) view.setEligible(rng.int(n), rng.next() < 0.7);
    else if (k % 97 === 0) view.refresh(); // a new version with the same contents
  }
  return { checksum, head };
}

describe('prequal golden runs (recorded before the incremental quantile; must not change)', () => {
  it('default options', () => {
    const r = prequalRun({}, 51, 20_000);
    expect(r.head).toEqual([11, 0, 23, 32, 17, 3, 2, 22, 5, 21, 9, 25, 35, 18, 13, 20, 31, 1, 6, 22, 10, 16, 38, 29, 7, 27, 28, 12, 24, 28, 14, 15, 19, 33, 34, 6, 39, 36, 33, 37]);
    expect(r.checksum).toBe(3184236714);
  });
  it('small pool, 2 probes, median quantile, reuse 3', () => {
    const r = prequalRun({ poolSize: 5, probes: 2, quantile: 0.5, maxReuse: 3 }, 52, 20_000);
    expect(r.head).toEqual([8, 6, 24, 10, 29, 38, 13, 32, 35, 15, 12, 19, 27, 5, 22, 23, 39, 16, 39, 30, 37, 28, 14, 1, 14, 29, 37, 15, 36, 9, 33, 4, 4, 20, 0, 20, 34, 34, 30, 9]);
    expect(r.checksum).toBe(1509729533);
  });
  it('quantile 0 and 1', () => {
    const a = prequalRun({ quantile: 0 }, 53, 10_000);
    const b = prequalRun({ quantile: 1, poolSize: 8 }, 54, 10_000);
    expect([a.checksum, b.checksum]).toEqual([4144197776, 2902772024]);
  });
});
