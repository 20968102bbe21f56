import { describe, it, expect } from 'vitest';
import { compileDistribution, meanOf, isZero, NormalGen, VariateBlock } from './distributions.js';
import type { Distribution } from '../../scenario/types.js';
import { Rng } from '../../core/rng.js';

const N = 200_000;

function moments(d: Distribution, seed = 11): { mean: number; variance: number } {
  const s = compileDistribution(d);
  const rng = new Rng(seed, 'dist-test');
  let sum = 0;
  let sum2 = 0;
  for (let i = 0; i < N; i++) {
    const x = s.sample(rng);
    sum += x;
    sum2 += x * x;
  }
  const mean = sum / N;
  return { mean, variance: sum2 / N - mean * mean };
}

/** [distribution, analytic mean, analytic variance]; tolerances: mean 1 %, variance 4 % (N = 200k, seed 11). */
const CASES: [string, Distribution, number, number][] = [
  ['exponential', { dist: 'exponential', mean: 2 }, 2, 4],
  ['uniform', { dist: 'uniform', min: 1, max: 5 }, 3, 16 / 12],
  ['lognormal', { dist: 'lognormal', mu: 0, sigma: 0.5 }, Math.exp(0.125), (Math.exp(0.25) - 1) * Math.exp(0.25)],
  ['pareto α=5', { dist: 'pareto', scale: 1, shape: 5 }, 1.25, 5 / (16 * 3)],
  ['gamma k=2.5', { dist: 'gamma', shape: 2.5, scale: 2 }, 5, 10],
  ['gamma k=0.5 (boost)', { dist: 'gamma', shape: 0.5, scale: 1 }, 0.5, 0.5],
  [
    'mixture',
    { dist: 'mixture', parts: [{ weight: 9, of: { dist: 'constant', value: 1 } }, { weight: 1, of: { dist: 'exponential', mean: 10 } }] },
    1.9,
    // E[X²] = 0.9·1 + 0.1·200 = 20.9
    20.9 - 1.9 * 1.9,
  ],
  ['empirical', { dist: 'empirical', samples: [1, 2, 3, 10] }, 4, (1 + 4 + 9 + 100) / 4 - 16],
];

describe('distributions', () => {
  for (const [name, d, mean, variance] of CASES) {
    it(`${name}: sample mean within 1 %, variance within 4 % of theory`, () => {
      const m = moments(d);
      expect(meanOf(d)).toBeCloseTo(mean, 10);
      expect(Math.abs(m.mean - mean) / mean).toBeLessThan(0.01);
      expect(Math.abs(m.variance - variance) / variance).toBeLessThan(0.04);
    });
  }

  it('constant and isZero', () => {
    const s = compileDistribution({ dist: 'constant', value: 3 });
    expect(s.sample(new Rng(1))).toBe(3);
    expect(isZero({ dist: 'constant', value: 0 })).toBe(true);
    expect(isZero({ dist: 'exponential', mean: 1 })).toBe(false);
  });

  it('pareto with shape ≤ 1 has an infinite mean; samples stay ≥ scale', () => {
    expect(meanOf({ dist: 'pareto', scale: 2, shape: 1 })).toBe(Infinity);
    expect(meanOf({ dist: 'pareto', scale: 2, shape: 0.8 })).toBe(Infinity);
    const s = compileDistribution({ dist: 'pareto', scale: 2, shape: 1.2 });
    const rng = new Rng(3);
    for (let i = 0; i < 10_000; i++) expect(s.sample(rng)).toBeGreaterThanOrEqual(2);
  });

  it('lognormal median is e^mu (within 1 %)', () => {
    const s = compileDistribution({ dist: 'lognormal', mu: Math.log(5), sigma: 1 });
    const rng = new Rng(5);
    const xs = new Float64Array(N);
    for (let i = 0; i < N; i++) xs[i] = s.sample(rng);
    xs.sort();
    expect(Math.abs(xs[N / 2]! - 5) / 5).toBeLessThan(0.01);
  });

  it('normal sampler: mean 0 ± 0.01, variance 1 ± 2 %', () => {
    const z = new NormalGen();
    const rng = new Rng(9);
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < N; i++) {
      const x = z.next(rng);
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / N)).toBeLessThan(0.01);
    expect(Math.abs(s2 / N - 1)).toBeLessThan(0.02);
  });

  it('is deterministic for a seed', () => {
    const d: Distribution = { dist: 'gamma', shape: 0.7, scale: 3 };
    const a = compileDistribution(d);
    const b = compileDistribution(d);
    const ra = new Rng(42);
    const rb = new Rng(42);
    for (let i = 0; i < 100; i++) expect(a.sample(ra)).toBe(b.sample(rb));
  });

  it('a VariateBlock hands out exactly the sampler\'s own sequence, across refills (lognormal spare, mixture, gamma)', () => {
    const ds: Distribution[] = [
      { dist: 'exponential', mean: 1.5 },
      { dist: 'lognormal', mu: 0.2, sigma: 0.9 },
      { dist: 'gamma', shape: 0.7, scale: 3 },
      { dist: 'mixture', parts: [{ weight: 0.9, of: { dist: 'exponential', mean: 1 } }, { weight: 0.1, of: { dist: 'lognormal', mu: 2, sigma: 0.5 } }] },
    ];
    for (const d of ds) {
      const direct = compileDistribution(d);
      const rd = new Rng(9, 'block');
      const block = new VariateBlock(compileDistribution(d), new Rng(9, 'block'));
      for (let i = 0; i < 1000; i++) expect(block.take(), `${d.dist} #${i}`).toBe(direct.sample(rd));
    }
  });
});
