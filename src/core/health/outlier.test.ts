import { describe, expect, it } from 'vitest';
import { OUTLIER_DEFAULTS, OutlierDetector } from './outlier.js';

/** Reports `n` failures for backend `i` at times `t, t+1, …`; returns what the last report returned. */
function fail(d: OutlierDetector, i: number, n: number, t: number): boolean {
  let r = false;
  for (let k = 0; k < n; k++) r = d.record(i, true, t + k);
  return r;
}

describe('OutlierDetector (Envoy consecutive 5xx)', () => {
  it('has Envoy defaults', () => {
    expect(OUTLIER_DEFAULTS).toEqual({
      consecutive5xx: 5,
      baseEjectionMs: 30_000,
      maxEjectionMs: 300_000,
      maxEjectionPercent: 10,
      intervalMs: 10_000,
    });
  });

  it('ejects on the 5th consecutive failure for 30 s', () => {
    const d = new OutlierDetector({}, 10);
    expect(fail(d, 0, 4, 0)).toBe(false);
    expect(d.isEjected(0, 3)).toBe(false);
    expect(d.record(0, true, 4)).toBe(true);
    expect(d.isEjected(0, 4)).toBe(true);
    expect(d.ejectedCount(4)).toBe(1);
    expect(d.nextChange(4)).toBe(30_004);
    expect(d.isEjected(0, 30_003)).toBe(true);
    expect(d.isEjected(0, 30_004)).toBe(false);
    expect(d.ejectedCount(30_004)).toBe(0);
    expect(d.nextChange(30_004)).toBe(Infinity);
    expect(d.timesEjected(0)).toBe(1);
  });

  it('a success resets the consecutive counter', () => {
    const d = new OutlierDetector({}, 10);
    fail(d, 0, 4, 0);
    d.record(0, false, 10);
    expect(fail(d, 0, 4, 20)).toBe(false);
    expect(d.record(0, true, 30)).toBe(true);
  });

  it('second ejection lasts 60 s, then 90 s …, capped at 300 s', () => {
    const d = new OutlierDetector({}, 10);
    const durations: number[] = [];
    let t = 0;
    for (let k = 0; k < 12; k++) {
      expect(fail(d, 0, 5, t)).toBe(true);
      const at = t + 4;
      const end = d.nextChange(at);
      durations.push(end - at);
      t = end; // fail again right after returning: no healthy interval, no decay
    }
    expect(durations.map((x) => x / 1000)).toEqual([30, 60, 90, 120, 150, 180, 210, 240, 270, 300, 300, 300]);
    expect(d.timesEjected(0)).toBe(12);
    expect(d.ejectionMultiplier(0)).toBe(11); // Envoy stops growing once backoff × base >= max + base
  });

  it('un-ejection resets the consecutive counter; failures while ejected are ignored', () => {
    const d = new OutlierDetector({}, 10);
    fail(d, 0, 5, 0); // ejected at 4 until 30 004
    expect(fail(d, 0, 10, 100)).toBe(false);
    fail(d, 0, 4, 30_004);
    expect(d.isEjected(0, 30_008)).toBe(false);
    expect(d.record(0, true, 30_008)).toBe(true);
    expect(d.nextChange(30_008)).toBe(30_008 + 60_000);
  });

  it('the back-off multiplier decays by one per healthy interval', () => {
    const d = new OutlierDetector({}, 10);
    fail(d, 0, 5, 0); // 30 s, until 30 004
    fail(d, 0, 5, 30_004); // 60 s at 30 008, until 90 008
    expect(d.ejectionMultiplier(0)).toBe(2);
    // Two whole intervals (20 s) healthy after 90 008: multiplier 2 → 0, then +1 → 30 s.
    fail(d, 0, 4, 110_004);
    expect(d.record(0, true, 110_008)).toBe(true);
    expect(d.nextChange(110_008)).toBe(140_008);
    expect(d.ejectionMultiplier(0)).toBe(1);
    // One interval healthy: 1 → 0 → 1, still 30 s; less than one: 1 → 2, 60 s.
    fail(d, 0, 5, 150_008);
    expect(d.nextChange(150_012)).toBe(180_012);
    fail(d, 0, 5, 185_000);
    expect(d.nextChange(185_004)).toBe(245_004);
  });

  it('10 backends at 10 %: only one ejected at a time; the blocked one must fail 5 more times', () => {
    const d = new OutlierDetector({}, 10);
    expect(fail(d, 0, 5, 0)).toBe(true);
    expect(fail(d, 1, 5, 10)).toBe(false);
    expect(d.isEjected(1, 14)).toBe(false);
    expect(d.overflows).toBe(1);
    expect(d.ejectedCount(14)).toBe(1);
    // Backend 0 returns at 30 004; the counter of 1 was cleared at the refused attempt.
    expect(fail(d, 1, 4, 30_010)).toBe(false);
    expect(d.record(1, true, 30_014)).toBe(true);
    expect(d.ejectedCount(30_014)).toBe(1);
  });

  it('20 backends at 10 % allow two; 3 backends at 10 % still allow one', () => {
    const d20 = new OutlierDetector({}, 20);
    expect(fail(d20, 0, 5, 0)).toBe(true);
    expect(fail(d20, 1, 5, 0)).toBe(true);
    expect(fail(d20, 2, 5, 0)).toBe(false);
    expect(d20.ejectedCount(10)).toBe(2);

    const d3 = new OutlierDetector({}, 3);
    expect(fail(d3, 2, 5, 0)).toBe(true);
    expect(fail(d3, 0, 5, 0)).toBe(false);
    expect(d3.ejectedCount(10)).toBe(1);

    const all = new OutlierDetector({ maxEjectionPercent: 100 }, 3);
    for (let i = 0; i < 3; i++) expect(fail(all, i, 5, 0)).toBe(true);
    expect(all.ejectedCount(10)).toBe(3);
    expect(all.nextChange(10)).toBe(30_004);
  });

  it('uneject, reset, resize and disabling', () => {
    const d = new OutlierDetector({ consecutive5xx: 2 }, 2);
    fail(d, 0, 2, 0);
    expect(d.isEjected(0, 5)).toBe(true);
    d.uneject(0, 5);
    expect(d.isEjected(0, 5)).toBe(false);
    expect(d.ejectedCount(5)).toBe(0);
    fail(d, 1, 2, 10);
    d.resize(4);
    expect(d.size).toBe(4);
    expect(d.isEjected(1, 20)).toBe(true);
    expect(d.ejectedCount(20)).toBe(1);
    expect(d.isEjected(3, 20)).toBe(false);
    d.reset(1);
    expect(d.isEjected(1, 20)).toBe(false);
    expect(d.timesEjected(1)).toBe(0);

    const off = new OutlierDetector({ consecutive5xx: 0 }, 1);
    expect(fail(off, 0, 100, 0)).toBe(false);
    expect(() => new OutlierDetector({ maxEjectionMs: 1000 }, 1)).toThrow(RangeError);
  });
});
