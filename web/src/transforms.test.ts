import { describe, expect, it } from 'vitest';
import {
  backendLines,
  backendProblem,
  cdfPoints,
  idealBoundaries,
  percentileBars,
  resultsAt,
  shareStacks,
  sortRows,
  sweepLines,
  sweepSentence,
  tableRows,
  timeLine,
  verdict,
} from './transforms.js';
import type { BackendResult, ResultsFile, StrategyResult, SweepPoint } from './types.js';

/** Backends b0..b(n-1) with the given shares/utilizations and equal ideal shares. */
function backends(shares: number[], util?: number[]): BackendResult[] {
  return shares.map((share, i) => ({
    id: `b${i}`,
    requests: Math.round(share * 1000),
    share,
    idealShare: 1 / shares.length,
    utilization: util?.[i] ?? 0.5,
    meanQueue: 0,
  }));
}

/** A strategy result with the fields the transforms read; everything else small and plain. */
function mk(
  strategy: string,
  p99: number,
  extra: Partial<Omit<StrategyResult, 'latency'>> & { mean?: number; ci99?: [number, number] } = {},
): StrategyResult {
  const { mean, ci99, ...rest } = extra;
  return {
    strategy,
    name: strategy,
    options: {},
    latency: { mean: mean ?? p99 / 4, p50: p99 / 5, p90: p99 / 2, p99, p999: p99 * 1.5, max: p99 * 2 },
    ci95: { mean: null, p99: ci99 ?? null },
    requests: { completed: 1000, failed: 0, rejected: 0 },
    throughput: 100,
    fairness: 1,
    backends: backends([0.5, 0.5]),
    timeseries: { interval: 1, t: [1, 2], throughput: [100, 100], p50: [1, 1], p99: [p99, null], utilization: [[0.5, 0.25], [0.5, 1]], inflight: [[1, 2], [3, 4]] },
    cdf: { p: [0, 0.5, 1], x: [0, p99 / 5, p99 * 2] },
    ...rest,
  };
}

describe('cdfPoints', () => {
  it('turns fractions into percent, sorted by latency', () => {
    expect(cdfPoints({ p: [0.5, 0, 1], x: [10, 2, 40] }, false)).toEqual([
      { x: 2, y: 0 },
      { x: 10, y: 50 },
      { x: 40, y: 100 },
    ]);
  });
  it('drops latencies at or below 0 on a log axis only', () => {
    const cdf = { p: [0, 0.5, 1], x: [0, 5, 20] };
    expect(cdfPoints(cdf, true)).toEqual([
      { x: 5, y: 50 },
      { x: 20, y: 100 },
    ]);
    expect(cdfPoints(cdf, false)).toHaveLength(3);
  });
  it('ignores unpaired trailing values', () => {
    expect(cdfPoints({ p: [0, 1], x: [1, 2, 3] }, false)).toEqual([
      { x: 1, y: 0 },
      { x: 2, y: 100 },
    ]);
  });
});

describe('shareStacks and idealBoundaries', () => {
  it('gives percent shares per backend per strategy, 0 for a backend a strategy lacks', () => {
    const a = mk('a', 10, { backends: backends([0.25, 0.75]) });
    const b = mk('b', 10, { backends: [...backends([0.2, 0.3, 0.5])] });
    const st = shareStacks([a, b]);
    expect(st.backends).toEqual(['b0', 'b1', 'b2']);
    expect(st.strategies).toEqual(['a', 'b']);
    expect(st.share).toEqual([
      [25, 20],
      [75, 30],
      [0, 50],
    ]);
    expect(st.ideal[0]?.[0]).toBeCloseTo(50, 10);
    expect(st.ideal[2]?.[0]).toBe(0);
    expect(st.ideal[2]?.[1]).toBeCloseTo(100 / 3, 10);
  });
  it('puts ideal boundaries at the running sums of ideal shares, without the final 100 %', () => {
    const st = shareStacks([mk('a', 10, { backends: backends([0.2, 0.3, 0.5]) })]);
    const [marks] = idealBoundaries(st);
    expect(marks).toHaveLength(2);
    expect(marks?.[0]).toBeCloseTo(100 / 3, 10);
    expect(marks?.[1]).toBeCloseTo(200 / 3, 10);
  });
});

describe('percentileBars', () => {
  it('gives mean, p50, p90, p99, p99.9 with whiskers on mean and p99 only', () => {
    const r = mk('a', 100, { ci99: [90, 110] });
    r.ci95.mean = [24, 26];
    expect(percentileBars(r)).toEqual({
      values: [25, 20, 50, 100, 150],
      whiskers: [[24, 26], null, null, [90, 110], null],
    });
  });
  it('has no whiskers without replications', () => {
    expect(percentileBars(mk('a', 100)).whiskers).toEqual([null, null, null, null, null]);
  });
});

describe('time series', () => {
  it('keeps null windows as gaps', () => {
    expect(timeLine([1, 2, 3], [5, null, 7])).toEqual([
      { x: 1, y: 5 },
      { x: 2, y: null },
      { x: 3, y: 7 },
    ]);
  });
  it('gives one line per backend, utilization in percent, in-flight as counts', () => {
    const r = mk('a', 10);
    expect(backendLines(r, 'utilization')).toEqual([
      { id: 'b0', points: [{ x: 1, y: 50 }, { x: 2, y: 25 }] },
      { id: 'b1', points: [{ x: 1, y: 50 }, { x: 2, y: 100 }] },
    ]);
    expect(backendLines(r, 'inflight')[1]?.points).toEqual([
      { x: 1, y: 3 },
      { x: 2, y: 4 },
    ]);
  });
});

describe('sweepLines', () => {
  it('gives one line per strategy versus load, sorted by load', () => {
    const points: SweepPoint[] = [
      { value: 90, load: 0.9, results: [mk('a', 300, { mean: 30 }), mk('b', 200, { mean: 20 })] },
      { value: 50, load: 0.5, results: [mk('a', 100, { mean: 10 }), mk('b', 120, { mean: 12 })] },
    ];
    expect(sweepLines(points, 'p99')).toEqual([
      { strategy: 'a', points: [{ x: 0.5, y: 100 }, { x: 0.9, y: 300 }] },
      { strategy: 'b', points: [{ x: 0.5, y: 120 }, { x: 0.9, y: 200 }] },
    ]);
    expect(sweepLines(points, 'mean')[1]?.points).toEqual([
      { x: 0.5, y: 12 },
      { x: 0.9, y: 20 },
    ]);
    expect(sweepSentence(points, () => true)).toBe('Across the sweep, b and a each have the lowest p99 at 1 of 2 loads.');
    expect(sweepSentence(points, (s) => s === 'b')).toBe('Across the sweep, b has the lowest p99 at 2 of 2 loads.');
    expect(sweepSentence(points, () => false)).toBeNull();
    expect(sweepSentence(points, (s) => s === 'b', 'point')).toBe('Across the sweep, b has the lowest p99 at 2 of 2 points.');
  });
});

describe('table rows and sorting', () => {
  const rows = tableRows([
    mk('round-robin', 30, { fairness: 0.9 }),
    mk('p2c', 10, { fairness: 0.99 }),
    mk('least-connections', 10, { fairness: 0.95, ci99: [9, 11] }),
  ]);
  it('has the CLI columns', () => {
    expect(rows[2]).toEqual({
      strategy: 'least-connections',
      mean: 2.5,
      p50: 2,
      p90: 5,
      p99: 10,
      p999: 15,
      max: 20,
      throughput: 100,
      failed: 0,
      rejected: 0,
      fairness: 0.95,
      p99ci: [9, 11],
      thin: { p99: 10, p999: 1 }, // 1,000 requests: 10 beyond the p99, 1 beyond the p99.9
    });
  });
  it('sorts numbers ascending or descending, keeping file order among ties', () => {
    expect(sortRows(rows, 'p99', 'asc').map((r) => r.strategy)).toEqual(['p2c', 'least-connections', 'round-robin']);
    expect(sortRows(rows, 'p99', 'desc').map((r) => r.strategy)).toEqual(['round-robin', 'p2c', 'least-connections']);
    expect(sortRows(rows, 'fairness', 'desc').map((r) => r.strategy)).toEqual(['p2c', 'least-connections', 'round-robin']);
  });
  it('sorts names alphabetically and does not change its input', () => {
    expect(sortRows(rows, 'strategy', 'asc').map((r) => r.strategy)).toEqual(['least-connections', 'p2c', 'round-robin']);
    expect(rows.map((r) => r.strategy)).toEqual(['round-robin', 'p2c', 'least-connections']);
  });
});

describe('verdict wording', () => {
  it('names the lowest p99 and how much lower than round-robin, with CI overlap', () => {
    const v = verdict([mk('round-robin', 200, { ci99: [190, 210] }), mk('p2c', 150, { ci99: [140, 160] })]);
    expect(v[0]).toBe(
      'p2c has the lowest p99, 150.0 ms: 25 % lower than round-robin (200.0 ms). Their 95 % confidence intervals do not overlap.',
    );
    const w = verdict([mk('round-robin', 200, { ci99: [150, 250] }), mk('p2c', 190, { ci99: [170, 210] })]);
    expect(w[0]).toBe(
      'p2c has the lowest p99, 190.0 ms: 5.0 % lower than round-robin (200.0 ms). Their 95 % confidence intervals overlap, so the difference may be noise.',
    );
  });
  it('compares with the runner-up when round-robin wins or is absent', () => {
    expect(verdict([mk('round-robin', 100), mk('random', 8)])[0]).toBe(
      'random has the lowest p99, 8.00 ms: 92 % lower than round-robin (100.0 ms).',
    );
    expect(verdict([mk('round-robin', 100), mk('random', 150), mk('p2c', 120)])[0]).toBe(
      'round-robin has the lowest p99, 100.0 ms; the next best, p2c, is 20 % higher (120.0 ms).',
    );
    expect(verdict([mk('random', 1500), mk('p2c', 1200)])[0]).toBe(
      'p2c has the lowest p99, 1200 ms; the next best, random, is 25 % higher (1500 ms).',
    );
    expect(verdict([mk('random', 10), mk('p2c', 10)])[0]).toBe('random and p2c tie for the lowest p99, 10.0 ms.');
  });
  it('handles one or no strategy', () => {
    expect(verdict([mk('p2c', 12)])[0]).toBe('Only p2c is shown: p99 12.0 ms.');
    expect(verdict([])).toEqual(['No strategy is shown: switch one on above.']);
  });
  it('names an overloaded backend, else a share far from ideal, else the busiest backend', () => {
    const over = mk('random', 10, { backends: backends([0.4, 0.3, 0.3], [0.97, 0.7, 0.7]) });
    const skew = mk('ip-hash', 10, { backends: backends([0.5, 0.25, 0.25], [0.9, 0.45, 0.45]) });
    const fine = mk('p2c', 9, { backends: backends([0.34, 0.33, 0.33], [0.81, 0.8, 0.79]) });
    expect(backendProblem(over)).toBe('random overloads b0 (utilization 97.0 %)');
    expect(backendProblem(skew)).toBe('ip-hash sends 50.0 % of requests to b0 (ideal 33.3 %)');
    expect(backendProblem(fine)).toBeNull();
    expect(verdict([over, skew, fine])[1]).toBe(
      'Watch out: random overloads b0 (utilization 97.0 %); ip-hash sends 50.0 % of requests to b0 (ideal 33.3 %).',
    );
    expect(verdict([fine, mk('a', 20)])[1]).toBe('No strategy overloads a backend: the busiest is b0 under p2c at 81.0 % utilization.');
  });
  it('says so when every strategy overloads a backend', () => {
    const a = mk('a', 10, { backends: backends([0.5, 0.5], [0.96, 0.96]) });
    const b = mk('b', 11, { backends: backends([0.5, 0.5], [0.99, 0.9]) });
    expect(verdict([a, b])[1]).toBe(
      'Every strategy runs a backend above 95.0 % utilization: the offered load is too close to capacity (a overloads b0 (utilization 96.0 %); b overloads b0 (utilization 99.0 %)).',
    );
  });
  it('names the least fair strategy and the one that lost most requests', () => {
    const a = mk('a', 10, { fairness: 0.91, requests: { completed: 10, failed: 2, rejected: 3 } });
    const b = mk('b', 11, { fairness: 0.98, requests: { completed: 10, failed: 4, rejected: 0 } });
    const v = verdict([a, b]);
    expect(v[2]).toBe('Least even spread of work: a (Jain fairness 0.910; 1 = perfectly even).');
    expect(v[3]).toBe('Most requests lost: a, 2 failed and 3 rejected.');
    expect(verdict([mk('x', 1), mk('y', 2)])).toEqual([
      'x has the lowest p99, 1.00 ms; the next best, y, is 100 % higher (2.00 ms).',
      'No strategy overloads a backend: the busiest is b0 under x at 50.0 % utilization.',
      'All strategies spread work evenly (Jain fairness ≥ 0.999).',
    ]);
  });
});

describe('resultsAt', () => {
  const base = { schema: 'lbsim/results@1', mode: 'sim', generator: 't', scenario: {} } as const;
  const summary = { offeredRate: 1, capacity: 1, loadFactor: 1, durationS: 1, seed: 1, replications: 1 };
  it('gives the results of a run, or of the chosen (clamped) sweep point', () => {
    const run: ResultsFile = { ...base, summary, warnings: [], results: [mk('a', 1)] };
    expect(resultsAt(run, 3).map((r) => r.strategy)).toEqual(['a']);
    const sweep: ResultsFile = {
      ...base,
      summary,
      warnings: [],
      results: [],
      sweep: { key: 'k', points: [{ value: 1, load: 0.1, results: [mk('p0', 1)] }, { value: 2, load: 0.2, results: [mk('p1', 1)] }] },
    };
    expect(resultsAt(sweep, 1)[0]?.strategy).toBe('p1');
    expect(resultsAt(sweep, 9)[0]?.strategy).toBe('p1');
  });
});
