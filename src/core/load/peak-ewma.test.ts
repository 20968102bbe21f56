import { describe, it, expect } from 'vitest';
import { PeakEwmaSignal } from './peak-ewma.js';

describe('PeakEwmaSignal', () => {
  it('tower default_decay vector (docs/mechanisms.md#peak-ewma-signal): defaultRtt 10 ms, τ = 1 s, no observations', () => {
    const s = new PeakEwmaSignal({ tauMs: 1000, defaultRttMs: 10 }, 1, 0);
    const v100 = s.value(0, 100); // 10·e^−0.1 = 9.048…
    const v200 = s.value(0, 200); // 10·e^−0.2 = 8.187…
    expect(v100).toBeGreaterThan(9);
    expect(v100).toBeLessThan(10);
    expect(v200).toBeGreaterThan(8);
    expect(v200).toBeLessThan(9);
    expect(v100).toBeCloseTo(10 * Math.exp(-0.1), 12);
  });

  it('value() is a pure projection: twice at the same now is identical and changes nothing', () => {
    const s = new PeakEwmaSignal({ tauMs: 1000, defaultRttMs: 10 }, 2, 0);
    s.observe(0, 4, 50);
    const a = s.value(0, 700);
    const b = s.value(0, 700);
    expect(a).toBe(b);
    // A later read is unaffected by the earlier ones (no stamp moved).
    const w = Math.exp(-50 / 1000);
    expect(s.value(0, 50)).toBe(10 * w + 4 * (1 - w));
    expect(s.value(0, 700)).toBe(a);
  });

  it('a spike sets the cost at once (peak), then it decays', () => {
    const s = new PeakEwmaSignal({ tauMs: 1000, defaultRttMs: 10 }, 1, 0);
    s.observe(0, 10, 0);
    s.observe(0, 500, 10);
    expect(s.value(0, 10)).toBe(500);
    // Pure decay afterwards: 500·e^−1 one τ later.
    expect(s.value(0, 1010)).toBeCloseTo(500 * Math.exp(-1), 9);
    // A small sample one τ later blends with w = e^−1: 500·w + 10·(1−w).
    s.observe(0, 10, 1010);
    const w = Math.exp(-1);
    expect(s.value(0, 1010)).toBeCloseTo(500 * w + 10 * (1 - w), 9);
  });

  it('samples below the cost move it by (1 − e^−td/τ) toward the sample', () => {
    const s = new PeakEwmaSignal({ tauMs: 100, defaultRttMs: 30 }, 1, 0);
    s.observe(0, 10, 0); // td = 0: w = 1, cost stays 30
    expect(s.value(0, 0)).toBe(30);
    s.observe(0, 10, 100); // w = e^−1
    expect(s.value(0, 100)).toBeCloseTo(30 * Math.exp(-1) + 10 * (1 - Math.exp(-1)), 12);
  });

  it('resize keeps existing slots, new ones start at defaultRtt stamped now; reset forgets', () => {
    const s = new PeakEwmaSignal({ tauMs: 1000, defaultRttMs: 10 }, 1, 0);
    s.observe(0, 50, 0);
    s.resize(3, 500);
    expect(s.size).toBe(3);
    expect(s.value(0, 0)).toBe(50);
    expect(s.value(2, 500)).toBe(10);
    expect(s.value(2, 1500)).toBeCloseTo(10 * Math.exp(-1), 12);
    s.reset(0, 2000);
    expect(s.value(0, 2000)).toBe(10);
    s.resize(1, 3000);
    expect(s.size).toBe(1);
    expect(s.value(0, 2000)).toBe(10);
  });

  it('elapsed time before the stamp is clamped to 0', () => {
    const s = new PeakEwmaSignal({ tauMs: 1000, defaultRttMs: 10 }, 1, 100);
    expect(s.value(0, 50)).toBe(10);
  });

  it('rejects bad options', () => {
    expect(() => new PeakEwmaSignal({ tauMs: 0, defaultRttMs: 10 }, 1, 0)).toThrow(RangeError);
    expect(() => new PeakEwmaSignal({ tauMs: 1, defaultRttMs: -1 }, 1, 0)).toThrow(RangeError);
  });
});
