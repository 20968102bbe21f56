import { describe, it, expect } from 'vitest';
import { LeastTimeSignal } from './least-time.js';

describe('LeastTimeSignal', () => {
  it('reads defaultMs before any sample; the first sample replaces it (nginx avg == 0 case)', () => {
    const s = new LeastTimeSignal({ alpha: 0.05, defaultMs: 30 }, 2, 0);
    expect(s.value(0, 0)).toBe(30);
    s.observe(0, 100, 1);
    expect(s.value(0, 1)).toBe(100);
    expect(s.value(1, 1)).toBe(30);
  });

  it('then smooths with α: avg += α(rtt − avg) (nginx: 0.05·v + 0.95·avg)', () => {
    const s = new LeastTimeSignal({ alpha: 0.05, defaultMs: 30 }, 1, 0);
    s.observe(0, 100, 0);
    s.observe(0, 200, 0);
    expect(s.value(0, 0)).toBeCloseTo(0.05 * 200 + 0.95 * 100, 12); // 105
    s.observe(0, 0, 0);
    expect(s.value(0, 0)).toBeCloseTo(0.95 * 105, 12); // 99.75
  });

  it('value is pure and does not decay with time', () => {
    const s = new LeastTimeSignal({ alpha: 0.5, defaultMs: 10 }, 1, 0);
    s.observe(0, 40, 0);
    expect(s.value(0, 1e9)).toBe(40);
    expect(s.value(0, 1e9)).toBe(40);
  });

  it('resize keeps slots and adds unseen ones; reset forgets', () => {
    const s = new LeastTimeSignal({ alpha: 0.5, defaultMs: 10 }, 1, 0);
    s.observe(0, 40, 0);
    s.resize(2, 0);
    expect(s.size).toBe(2);
    expect(s.value(0, 0)).toBe(40);
    expect(s.value(1, 0)).toBe(10);
    s.observe(1, 20, 0); // first sample replaces
    expect(s.value(1, 0)).toBe(20);
    s.reset(0, 0);
    expect(s.value(0, 0)).toBe(10);
    s.observe(0, 8, 0); // first sample again after reset
    expect(s.value(0, 0)).toBe(8);
  });

  it('rejects bad options', () => {
    expect(() => new LeastTimeSignal({ alpha: 0, defaultMs: 1 }, 1, 0)).toThrow(RangeError);
    expect(() => new LeastTimeSignal({ alpha: 1.5, defaultMs: 1 }, 1, 0)).toThrow(RangeError);
  });
});
