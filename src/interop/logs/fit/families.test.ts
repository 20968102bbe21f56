import { describe, expect, it } from 'vitest';
import { Rng } from '../../../core/rng.js';
import { compileDistribution } from '../../../sim/model/distributions.js';
import type { Distribution } from '../../../scenario/index.js';
import { chooseServiceFit, fitGamma, ksDistance, meanOfFit } from './families.js';
import { Moments, Sketch } from './sketch.js';
import { digamma, lowerRegularizedGamma, normalCdf, trigamma } from './special.js';

/** n draws of `d`, rounded to `res` ms (as a log writes them), into a sketch and moments. */
function sample(d: Distribution, n: number, res: number, seed = 7): { m: Moments; s: Sketch } {
  const rng = new Rng(seed);
  const sampler = compileDistribution(d);
  const m = new Moments();
  const s = new Sketch();
  for (let i = 0; i < n; i++) {
    let x = sampler.sample(rng);
    if (res > 0) x = Math.round(x / res) * res;
    m.add(x, res / 2 || 1e-3);
    s.add(x);
  }
  return { m, s };
}

describe('special functions', () => {
  it('match known values', () => {
    expect(normalCdf(1.959963985)).toBeCloseTo(0.975, 6);
    expect(lowerRegularizedGamma(1, 2)).toBeCloseTo(1 - Math.exp(-2), 10); // exponential
    expect(lowerRegularizedGamma(3, 2.5)).toBeCloseTo(0.4561868841, 8); // P(3, 2.5)
    expect(lowerRegularizedGamma(0.5, 20)).toBeCloseTo(1, 8);
    expect(digamma(1)).toBeCloseTo(-0.5772156649, 9);
    expect(digamma(0.5)).toBeCloseTo(-1.9635100260, 9);
    expect(trigamma(1)).toBeCloseTo((Math.PI * Math.PI) / 6, 9);
  });
});

describe('sketch bins', () => {
  it('cover every value: each value lies in (lo, hi] of its bin, counts sum to n', () => {
    const s = new Sketch();
    const values = [0, 0.5, 1, 12, 12, 13.7, 250, 9999];
    for (const v of values) s.add(v);
    const bins = s.bins();
    expect(bins.reduce((a, b) => a + b.n, 0)).toBe(values.length);
    for (const v of values.filter((x) => x > 0)) expect(bins.some((b) => v > b.lo && v <= b.hi * (1 + 1e-12))).toBe(true);
    expect(bins[0]).toEqual({ lo: 0, hi: 0, n: 1 });
  });
});

// Tolerances (20,000 draws, whole-ms rounding as nginx/HAProxy write): lognormal μ within 0.02,
// σ within 5 %; gamma shape and scale within 8 %; mixture weights within 0.05, component medians
// within 5 %; every chosen fit's mean within 3 % of the true mean.
describe('service fits recover known distributions (whole-ms logs, 20,000 requests)', () => {
  it('lognormal (median 20 ms, σ 0.5) → lognormal', () => {
    const { m, s } = sample({ dist: 'lognormal', mu: Math.log(20), sigma: 0.5 }, 20_000, 1);
    const f = chooseServiceFit(m, s, 1);
    expect(f.family).toBe('lognormal');
    const d = f.chosen as { mu: number; sigma: number };
    expect(Math.abs(d.mu - Math.log(20))).toBeLessThan(0.02);
    expect(Math.abs(d.sigma / 0.5 - 1)).toBeLessThan(0.05);
    expect(f.d).toBeLessThan(0.02);
  });

  it('gamma (shape 2, scale 10 ms) → gamma', () => {
    const { m, s } = sample({ dist: 'gamma', shape: 2, scale: 10 }, 20_000, 1);
    const f = chooseServiceFit(m, s, 1);
    expect(f.family).toBe('gamma');
    const d = f.chosen as { shape: number; scale: number };
    expect(Math.abs(d.shape / 2 - 1)).toBeLessThan(0.08);
    expect(Math.abs(d.scale / 10 - 1)).toBeLessThan(0.08);
    expect(f.distances.lognormal).toBeGreaterThan(f.distances.gamma);
  });

  it('exponential (mean 15 ms) → gamma with shape ≈ 1', () => {
    const { m } = sample({ dist: 'exponential', mean: 15 }, 20_000, 0);
    const g = fitGamma(m);
    expect(Math.abs(g.shape - 1)).toBeLessThan(0.05);
  });

  it('bimodal (70 % median 10 ms, 30 % median 80 ms) → mixture', () => {
    const mix: Distribution = {
      dist: 'mixture',
      parts: [
        { weight: 0.7, of: { dist: 'lognormal', mu: Math.log(10), sigma: 0.25 } },
        { weight: 0.3, of: { dist: 'lognormal', mu: Math.log(80), sigma: 0.25 } },
      ],
    };
    const { m, s } = sample(mix, 20_000, 1);
    const f = chooseServiceFit(m, s, 1);
    expect(f.family).toBe('mixture');
    const parts = (f.chosen as { parts: { weight: number; of: { mu: number } }[] }).parts;
    expect(Math.abs(parts[0]!.weight - 0.7)).toBeLessThan(0.05);
    expect(Math.abs(Math.exp(parts[0]!.of.mu) / 10 - 1)).toBeLessThan(0.05);
    expect(Math.abs(Math.exp(parts[1]!.of.mu) / 80 - 1)).toBeLessThan(0.05);
    expect(Math.abs(meanOfFit(f.chosen) / (0.7 * 10 * Math.exp(0.03125) + 0.3 * 80 * Math.exp(0.03125)) - 1)).toBeLessThan(0.03);
  });

  it('three well-separated modes → empirical (no family within D 0.05), quantiles kept', () => {
    const tri: Distribution = {
      dist: 'mixture',
      parts: [
        { weight: 0.4, of: { dist: 'constant', value: 2 } },
        { weight: 0.3, of: { dist: 'constant', value: 40 } },
        { weight: 0.3, of: { dist: 'constant', value: 900 } },
      ],
    };
    const { m, s } = sample(tri, 20_000, 1);
    const f = chooseServiceFit(m, s, 1);
    expect(f.family).toBe('empirical');
    const samples = (f.chosen as { samples: number[] }).samples;
    expect(samples.length).toBe(200);
    expect(Math.abs(meanOfFit(f.chosen) / m.mean - 1)).toBeLessThan(0.03);
  });

  it('the KS distance of the true distribution is small, of a wrong one large', () => {
    const { s } = sample({ dist: 'lognormal', mu: Math.log(20), sigma: 0.5 }, 20_000, 1);
    expect(ksDistance(s, { dist: 'lognormal', mu: Math.log(20), sigma: 0.5 }, 1).d).toBeLessThan(0.02);
    expect(ksDistance(s, { dist: 'lognormal', mu: Math.log(25), sigma: 0.5 }, 1).d).toBeGreaterThan(0.1);
  });
});
