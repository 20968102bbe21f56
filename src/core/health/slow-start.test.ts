import { describe, expect, it } from 'vitest';
import { SlowStart } from './slow-start.js';

describe('SlowStart (Envoy slow_start_config)', () => {
  it('aggression 1: linear from the 10 % floor to 1 over the window', () => {
    const s = new SlowStart({ windowMs: 1000 }, 2);
    s.start(0, 5000);
    expect(s.factor(0, 5000)).toBe(0.1); // max(0.1, 1 ms / 1000)
    expect(s.factor(0, 5050)).toBe(0.1);
    expect(s.factor(0, 5250)).toBe(0.25);
    expect(s.factor(0, 5500)).toBe(0.5);
    expect(s.factor(0, 5999)).toBe(0.999);
    expect(s.factor(0, 6000)).toBe(1);
    expect(s.factor(1, 5500)).toBe(1); // never started
  });

  it('aggression 2: square root of the time factor', () => {
    const s = new SlowStart({ windowMs: 1000, aggression: 2 }, 1);
    s.start(0, 0);
    expect(s.factor(0, 0)).toBe(0.1); // sqrt(0.001) ≈ 0.0316 < 0.1
    expect(s.factor(0, 250)).toBe(0.5);
    expect(s.factor(0, 500)).toBeCloseTo(Math.SQRT1_2, 15);
    expect(s.factor(0, 810)).toBeCloseTo(0.9, 15);
    expect(s.factor(0, 1000)).toBe(1);
  });

  it('min weight 0 keeps Envoy’s 1 ms floor; window 0 is off', () => {
    const s = new SlowStart({ windowMs: 1000, minWeightPercent: 0 }, 1);
    s.start(0, 0);
    expect(s.factor(0, 0)).toBe(0.001);
    const off = new SlowStart({}, 1);
    off.start(0, 0);
    expect(off.factor(0, 0)).toBe(1);
    expect(off.rampingUntil()).toBe(-Infinity);
  });

  it('rampingUntil, clear and resize', () => {
    const s = new SlowStart({ windowMs: 1000 }, 3);
    expect(s.rampingUntil()).toBe(-Infinity);
    s.start(0, 100);
    s.start(2, 400);
    expect(s.rampingUntil()).toBe(1400);
    expect(s.rampingUntil(1000)).toBe(1400);
    expect(s.rampingUntil(1400)).toBe(-Infinity);
    s.clear(2);
    expect(s.factor(2, 500)).toBe(1);
    expect(s.rampingUntil()).toBe(1100);
    s.resize(1);
    expect(s.factor(0, 600)).toBe(0.5);
    s.resize(0);
    expect(s.rampingUntil()).toBe(-Infinity);
  });
});
