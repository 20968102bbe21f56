import { describe, expect, it } from 'vitest';
import type { StrategyResult } from '../results/schema.js';
import { checkSlo, runMeetsSlo, sloDistance } from './slo.js';

function result(p99s: number[], availability: number[] = p99s.map(() => 1), completed = 200_000): StrategyResult {
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    strategy: 's',
    name: 's',
    options: {},
    latency: { mean: 1, p50: 1, p90: 1, p99: avg(p99s), p999: avg(p99s) * 2, max: 100 },
    ci95: { mean: null, p99: null },
    requests: { completed, failed: 0, rejected: 0 },
    throughput: 1,
    fairness: 1,
    backends: [],
    timeseries: { interval: 1, t: [], throughput: [], p50: [], p99: [], utilization: [], inflight: [] },
    cdf: { p: [], x: [] },
    availability: avg(availability),
    ...(p99s.length > 1
      ? { replications: p99s.map((p, k) => ({ seed: k, mean: 1, p99: p, p999: 2 * p, completed, availability: availability[k]! })) }
      : {}),
  };
}

describe('SLO checks', () => {
  it('meet when the 95 % interval is inside the target, fail when outside, else uncertain', () => {
    expect(checkSlo(result([8, 8.2, 7.9, 8.1]), { p99Ms: 10 }).verdict).toBe('meets');
    expect(checkSlo(result([12, 12.2, 11.9, 12.1]), { p99Ms: 10 }).verdict).toBe('fails');
    const edge = checkSlo(result([9, 11, 9.5, 10.5]), { p99Ms: 10 });
    expect(edge.verdict).toBe('uncertain');
    expect(edge.checks[0]!.ci95![0]).toBeLessThan(10);
    expect(edge.checks[0]!.ci95![1]).toBeGreaterThan(10);
  });

  it('check p99.9 and availability, and fail on any objective', () => {
    const r = result([8, 8, 8], [0.998, 0.9985, 0.9982]);
    const c = checkSlo(r, { p99Ms: 10, p999Ms: 20, availability: 99.9 });
    expect(c.checks.map((x) => [x.objective, x.verdict])).toEqual([
      ['p99', 'meets'],
      ['p999', 'meets'],
      ['availability', 'fails'],
    ]);
    expect(c.verdict).toBe('fails');
  });

  it('decide by the point estimate with one replication, and say so', () => {
    const c = checkSlo(result([9.9]), { p99Ms: 10 });
    expect(c.verdict).toBe('meets');
    expect(c.checks[0]!.note).toContain('one replication');
  });

  it('are uncertain when too few requests lie beyond the percentile', () => {
    const c = checkSlo(result([5, 5, 5], undefined, 3000), { p99Ms: 10 });
    expect(c.verdict).toBe('uncertain');
    expect(c.checks[0]!.note).toContain('30 requests beyond the p99');
  });

  it('judge single runs by their values and measure the distance to the target', () => {
    const run = { latency: { p99: 12, p999: 30 }, availability: 0.999, requests: { completed: 999, failed: 1, rejected: 0 } };
    expect(runMeetsSlo(run, { p99Ms: 12 })).toBe(true);
    expect(runMeetsSlo(run, { p99Ms: 11.9 })).toBe(false);
    expect(runMeetsSlo(run, { availability: 99.95 })).toBe(false);
    expect(sloDistance(run, { p99Ms: 10, p999Ms: 40 })).toEqual({ ratio: 1.2, objective: 'p99', value: 12 });
  });
});
