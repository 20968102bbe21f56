import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

describe('Rng (xoshiro128**)', () => {
  it('matches the reference C implementation from state {1,2,3,4}', () => {
    // Produced by prng.di.unimi.it/xoshiro128starstar.c with s = {1, 2, 3, 4}.
    const r = Rng.fromState(1, 2, 3, 4);
    const out = Array.from({ length: 6 }, () => r.nextU32());
    expect(out).toEqual([11520, 0, 5927040, 70819200, 2031721883, 1637235492]);
  });

  it('same seed and stream name give the same sequence; different names differ', () => {
    const a = new Rng(42).fork('arrivals');
    const b = new Rng(42).fork('arrivals');
    const c = new Rng(42).fork('service');
    const sa = Array.from({ length: 100 }, () => a.nextU32());
    const sb = Array.from({ length: 100 }, () => b.nextU32());
    const sc = Array.from({ length: 100 }, () => c.nextU32());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('a fork does not depend on how much the parent was used', () => {
    const p1 = new Rng(7);
    const p2 = new Rng(7);
    for (let i = 0; i < 1000; i++) p2.next();
    expect(p1.fork('x').nextU32()).toBe(p2.fork('x').nextU32());
  });

  it('next() is uniform on [0,1): mean 0.5 ± 0.005 and decile counts within 3% over 200k draws', () => {
    const r = new Rng(1).fork('u');
    const n = 200_000;
    const bins = new Array<number>(10).fill(0);
    let sum = 0;
    let lo = 1;
    let hi = 0;
    for (let i = 0; i < n; i++) {
      const u = r.next();
      if (u < lo) lo = u;
      if (u > hi) hi = u;
      sum += u;
      bins[Math.floor(u * 10)]!++;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    for (const b of bins) expect(Math.abs(b / (n / 10) - 1)).toBeLessThan(0.03);
  });

  it('int(n) stays in range and hits every value', () => {
    const r = new Rng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const k = r.int(7);
      expect(Number.isInteger(k) && k >= 0 && k < 7).toBe(true);
      seen.add(k);
    }
    expect(seen.size).toBe(7);
  });

  it('exp(mean) has the requested mean within 1% over 200k draws', () => {
    const r = new Rng(5);
    let s = 0;
    for (let i = 0; i < 200_000; i++) s += r.exp(2);
    expect(Math.abs(s / 200_000 / 2 - 1)).toBeLessThan(0.01);
  });
});
