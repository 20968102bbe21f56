import { describe, it, expect } from 'vitest';
import {
  cdfFractions,
  ci95,
  jainIndex,
  percentileSelect,
  percentilesOfRange,
  percentileSorted,
  selectInPlace,
  sortNonNegative,
  tCritical95,
} from './stats.js';
import { Rng } from '../core/rng.js';

describe('stats', () => {
  it('nearest-rank percentiles: rank ⌈p·n⌉ of 1..10', () => {
    const a = Float64Array.from({ length: 10 }, (_, i) => i + 1);
    expect(percentileSorted(a, 10, 0)).toBe(1);
    expect(percentileSorted(a, 10, 0.5)).toBe(5);
    expect(percentileSorted(a, 10, 0.51)).toBe(6);
    expect(percentileSorted(a, 10, 0.9)).toBe(9);
    expect(percentileSorted(a, 10, 0.99)).toBe(10);
    expect(percentileSorted(a, 10, 1)).toBe(10);
    expect(percentileSorted(a, 0, 0.5)).toBeNaN();
    // p·n with a representation error (0.29·100 = 28.999999999999996) still gives rank 29
    const b = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileSorted(b, 100, 0.29)).toBe(29);
    expect(percentileSorted(b, 100, 0.999)).toBe(100);
  });

  it('selection agrees with sorting (seed 2, 200 random ranges)', () => {
    const rng = new Rng(2);
    for (let t = 0; t < 200; t++) {
      const n = 1 + rng.int(300);
      const a = Float64Array.from({ length: n }, () => Math.floor(rng.next() * 20)); // many ties
      const sorted = a.slice().sort();
      const p = rng.next();
      expect(percentileSelect(a.slice(), 0, n, p)).toBe(percentileSorted(sorted, n, p));
      const k = rng.int(n);
      expect(selectInPlace(a.slice(), 0, n, k)).toBe(sorted[k]);
      expect(percentilesOfRange(a.slice(), 0, n, [0.5, 0.99])).toEqual([0.5, 0.99].map((q) => percentileSorted(sorted, n, q)));
    }
  });

  it('range percentiles by histogram equal the sorted ones (seed 4: exponential, lognormal-like, constant, ties, offsets)', () => {
    const rng = new Rng(4);
    const fractions = [0, 0.5, 0.9, 0.99, 0.999, 1];
    const cases: [string, () => number][] = [
      ['exponential', () => rng.exp(1)],
      ['wide', () => Math.exp(6 * rng.next() - 3) * rng.exp(1)],
      ['constant', () => 2.5],
      ['few values', () => rng.int(4) * 0.75],
      ['zeros and tail', () => (rng.next() < 0.6 ? 0 : rng.exp(100))],
    ];
    for (const [name, draw] of cases) {
      const lo = 1000;
      for (const small of [2048, 3001]) {
        const b = Float64Array.from({ length: small }, draw);
        const sb = b.slice().sort();
        expect(percentilesOfRange(b, 0, small, fractions), `${name} n=${small}`).toEqual(fractions.map((q) => percentileSorted(sb, small, q)));
      }
      const n = 20_000 + rng.int(30_000);
      const a = new Float64Array(lo + n + 500);
      for (let i = 0; i < a.length; i++) a[i] = draw();
      const sorted = a.slice(lo, lo + n).sort();
      const want = fractions.map((q) => percentileSorted(sorted, n, q));
      expect(percentilesOfRange(a, lo, lo + n, fractions), name).toEqual(want);
      // the shared histogram is left empty: a second call on another range agrees too
      const sorted2 = a.slice(0, n).sort();
      expect(percentilesOfRange(a, 0, n, [0.5, 0.99]), name).toEqual([0.5, 0.99].map((q) => percentileSorted(sorted2, n, q)));
    }
    // a negative value falls back to selection (same nearest-rank answer)
    const b = Float64Array.from({ length: 20_000 }, (_, i) => (i % 7) - 3);
    const sb = b.slice().sort();
    expect(percentilesOfRange(b, 0, b.length, [0.5, 0.99])).toEqual([percentileSorted(sb, b.length, 0.5), percentileSorted(sb, b.length, 0.99)]);
  });

  it('radix sort of non-negative doubles equals the native sort (200k values with ties and zeros)', () => {
    const rng = new Rng(3);
    const n = 200_000;
    const a = new Float64Array(n + 5);
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      a[i] = u < 0.1 ? 0 : u < 0.2 ? Math.floor(rng.next() * 10) : rng.exp(5) * (u < 0.21 ? 1e6 : 1);
    }
    const expected = a.slice(0, n).sort();
    const got = sortNonNegative(a, n);
    let mismatch = -1;
    for (let i = 0; i < n && mismatch < 0; i++) if (!Object.is(got[i], expected[i])) mismatch = i;
    expect(mismatch).toBe(-1);
    expect(got.length).toBe(n);
    expect(a[n]).toBe(0); // untouched beyond n
  });

  it('radix sort equals the native sort on both paths (3 passes below 64k values, 2 from 64k)', () => {
    for (const n of [20_000, 70_000]) {
      const rng = new Rng(n);
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = rng.next() < 0.05 ? 0 : rng.exp(2) + rng.exp(0.5);
      const expected = a.slice().sort();
      const got = sortNonNegative(a, n);
      let mismatch = -1;
      for (let i = 0; i < n && mismatch < 0; i++) if (!Object.is(got[i], expected[i])) mismatch = i;
      expect(mismatch).toBe(-1);
    }
  });

  it("Jain's index: 1 when equal, 1/n when one takes all", () => {
    expect(jainIndex([0.5, 0.5, 0.5])).toBe(1);
    expect(jainIndex([1, 0, 0, 0])).toBe(0.25);
    expect(jainIndex([0, 0])).toBe(1);
    expect(jainIndex([1, 3])).toBeCloseTo(16 / 20, 12);
  });

  it('t critical values: table at df 1, 10, 30; Cornish–Fisher beyond (df 40: 2.0211, df 120: 1.9799, ±2e-4)', () => {
    expect(tCritical95(1)).toBe(12.7062);
    expect(tCritical95(10)).toBe(2.2281);
    expect(tCritical95(30)).toBe(2.0423);
    expect(Math.abs(tCritical95(40) - 2.0211)).toBeLessThan(2e-4);
    expect(Math.abs(tCritical95(120) - 1.9799)).toBeLessThan(2e-4);
  });

  it('ci95 = mean ± t·s/√n; null below two values', () => {
    const [lo, hi] = ci95([1, 2, 3, 4])!;
    const h = (3.1824 * Math.sqrt(5 / 3)) / 2;
    expect(lo).toBeCloseTo(2.5 - h, 12);
    expect(hi).toBeCloseTo(2.5 + h, 12);
    expect(ci95([1])).toBeNull();
  });

  it('CDF fractions: 0 … 0.9 by 0.01, a tail grid independent of n, and 1', () => {
    const big = cdfFractions(1_000_000);
    expect(big.length).toBeGreaterThan(180);
    expect(big.length).toBeLessThan(220);
    expect(big[0]).toBe(0);
    expect(big[90]).toBe(0.9);
    expect(big.at(-1)).toBe(1);
    expect(big.at(-2)).toBeCloseTo(0.999999, 12);
    const small = cdfFractions(1000);
    expect(small.at(-2)).toBeCloseTo(0.999, 12);
    expect(big.slice(0, small.length - 1)).toEqual(small.slice(0, -1));
    for (let i = 1; i < big.length; i++) expect(big[i]!).toBeGreaterThan(big[i - 1]!);
    // the CDF's points are the range percentiles at these fractions: the minimum first, the maximum last
    const pts = percentilesOfRange(Float64Array.from([3, 1, 2]), 0, 3, cdfFractions(3));
    expect(pts[0]).toBe(1);
    expect(pts.at(-1)).toBe(3);
  });
});
