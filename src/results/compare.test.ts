import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.js';
import { choice, testScenario } from '../sim/test/fixture.js';
import { replicationSeed, runScenario, simulate } from '../sim/run.js';
import type { Scenario } from '../scenario/types.js';
import { compareResults, MIN_TAIL, pairedDifference } from './compare.js';
import type { StrategyResult } from './schema.js';

/** Ten single-worker backends, exponential 1 ms service, Poisson at `load` of capacity. */
function fleet(load: number, strategies: Scenario['strategies'], extra: Partial<Scenario> = {}): Scenario {
  return testScenario({
    durationMs: 3_000,
    warmupMs: 300,
    intervalMs: 500,
    replications: 5,
    seed: 11,
    clients: { process: { arrival: 'poisson', rate: 10_000 * load } },
    backends: [{ count: 10 }],
    strategies,
    ...extra,
  });
}

/** A minimal result with the given per-replication p99s and means (seeds 1…n). */
function synthetic(strategy: string, p99: number[], mean: number[], completed = 100_000): StrategyResult {
  const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    strategy,
    name: strategy,
    options: {},
    latency: { mean: avg(mean), p50: 0, p90: 0, p99: avg(p99), p999: 0, max: 0 },
    ci95: { mean: null, p99: null },
    requests: { completed, failed: 0, rejected: 0 },
    throughput: 0,
    fairness: 1,
    backends: [],
    timeseries: { interval: 1, t: [], throughput: [], p50: [], p99: [], utilization: [], inflight: [] },
    cdf: { p: [], x: [] },
    ...(p99.length > 1 ? { replications: p99.map((v, k) => ({ seed: k + 1, mean: mean[k]!, p99: v, completed })) } : {}),
  };
}

describe('paired differences', () => {
  it('match a brute-force reference computed from the replications run one by one', () => {
    const s = fleet(0.8, [choice('round-robin'), choice('p2c')], { replications: 4 });
    const results = runScenario(s).results;
    // Brute force: each strategy on each replication seed, differences by hand, paired t with
    // t(0.975, 3) = 3.182 from the printed table (NIST/SEMATECH e-Handbook §1.3.6.7.2).
    const d: number[] = [];
    for (let k = 0; k < 4; k++) {
      const seed = replicationSeed(s.seed, k);
      d.push(simulate(s, choice('p2c'), seed).latency.p99 - simulate(s, choice('round-robin'), seed).latency.p99);
    }
    const mean = d.reduce((a, b) => a + b, 0) / 4;
    const sd = Math.sqrt(d.reduce((a, b) => a + (b - mean) ** 2, 0) / 3);
    const half = (3.182 * sd) / 2;
    const c = compareResults(results, { baseline: 'round-robin' });
    const p2c = c.strategies.find((x) => x.strategy === 'p2c')!;
    const got = p2c.vsBaseline!.p99!;
    expect(got.n).toBe(4);
    expect(got.diff).toBeCloseTo(mean, 10);
    expect(got.ci95![0]).toBeCloseTo(mean - half, 3);
    expect(got.ci95![1]).toBeCloseTo(mean + half, 3);
    // the same pairs against the best (p2c is the best here: its difference is from itself)
    expect(p2c.vsBest.p99).toEqual({ diff: 0, ci95: [0, 0], n: 4 });
  });

  it('cover the true difference about 95 % of the time (normal replications, 2,000 trials)', () => {
    const rng = new Rng(7);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    let covered = 0;
    const trials = 2000;
    for (let t = 0; t < trials; t++) {
      const common = Array.from({ length: 5 }, () => 10 + 3 * normal()); // the shared workload's effect
      const a = common.map((c) => c + 0.5 + 0.4 * normal());
      const b = common.map((c) => c + 0.4 * normal());
      const d = pairedDifference(
        a.map((v, k) => ({ seed: k, mean: v, p99: v, p999: undefined, completed: 1e5 })),
        b.map((v, k) => ({ seed: k, mean: v, p99: v, p999: undefined, completed: 1e5 })),
        'p99',
      );
      if (d.ci95![0] <= 0.5 && 0.5 <= d.ci95![1]) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.93);
    expect(covered / trials).toBeLessThan(0.97);
  });

  it('pair replications by seed, whatever their order', () => {
    const a = [{ seed: 2, mean: 5, p99: 20, p999: undefined, completed: 1e5 }, { seed: 1, mean: 4, p99: 10, p999: undefined, completed: 1e5 }];
    const b = [{ seed: 1, mean: 3, p99: 8, p999: undefined, completed: 1e5 }, { seed: 2, mean: 3, p99: 19, p999: undefined, completed: 1e5 }];
    expect(pairedDifference(a, b, 'p99').diff).toBeCloseTo(1.5, 12);
  });
});

describe('ties and winners', () => {
  it('report a constructed tie (one strategy under two labels) as a tie, with no winner', () => {
    const s = fleet(0.8, [choice('p2c', {}, 'p2c-a'), choice('p2c', {}, 'p2c-b'), choice('round-robin')]);
    const c = compareResults(runScenario(s).results);
    expect(c.winner).toBeNull();
    expect(c.tied.sort()).toEqual(['p2c-a', 'p2c-b']);
    expect(c.strategies.find((x) => x.strategy === 'round-robin')!.group).toBe(2);
    expect(c.verdict).toMatch(/No single winner on p99: p2c-a .* statistically tied with p2c-b/);
  });

  it('report two different algorithms of the same law (random, weighted-random at equal weights) as tied', () => {
    const s = fleet(0.8, [choice('random'), choice('weighted-random')]);
    const c = compareResults(runScenario(s).results);
    expect(c.winner).toBeNull();
    expect(c.tied.sort()).toEqual(['random', 'weighted-random']);
    const d = c.strategies[1]!.vsBest.p99!;
    expect(d.ci95![0]).toBeLessThanOrEqual(0);
  });

  it('find the known winner: least-connections over random at 90 % load', () => {
    const s = fleet(0.9, [choice('random'), choice('least-connections')]);
    const c = compareResults(runScenario(s).results, { baseline: 'random' });
    expect(c.winner).toBe('least-connections');
    expect(c.tied).toEqual(['least-connections']);
    const d = c.strategies.find((x) => x.strategy === 'least-connections')!.vsBaseline!;
    expect(d.p99!.ci95![1]).toBeLessThan(0); // lower p99 than random, with 95 % confidence
    expect(d.mean!.ci95![1]).toBeLessThan(0);
    expect(c.verdict).toMatch(/^least-connections has the lowest p99/);
  });

  it('name no winner from one replication, and say how to get intervals', () => {
    const s = fleet(0.9, [choice('random'), choice('least-connections')], { replications: 1 });
    const c = compareResults(runScenario(s).results);
    expect(c.winner).toBeNull();
    expect(c.best).toBe('least-connections');
    expect(c.verdict).toContain('--replications 5');
    expect(c.warnings.join(' ')).toContain('--replications N');
    expect(c.strategies.every((x) => x.group === null)).toBe(true);
  });

  it(`name no winner when a replication has fewer than ${MIN_TAIL} requests beyond the percentile`, () => {
    const few = [synthetic('a', [5, 5.1, 5.2], [1, 1, 1], 5_000), synthetic('b', [9, 9.1, 9.2], [2, 2, 2], 5_000)];
    const c = compareResults(few);
    expect(c.winner).toBeNull();
    expect(c.verdict).toContain('too few requests');
    expect(c.strategies[0]!.sampleWarning).toContain('50 requests beyond the p99');
    // the same numbers with enough requests: a winner
    const many = [synthetic('a', [5, 5.1, 5.2], [1, 1, 1]), synthetic('b', [9, 9.1, 9.2], [2, 2, 2])];
    expect(compareResults(many).winner).toBe('a');
    // p99.9 needs ten times as many requests as p99: 80,000 are enough for p99, not for p99.9
    const mid = [synthetic('a', [5, 5.1, 5.2], [1, 1, 1], 80_000), synthetic('b', [9, 9.1, 9.2], [2, 2, 2], 80_000)];
    expect(compareResults(mid).winner).toBe('a');
    const c999 = compareResults(mid, { metric: 'p999' });
    expect(c999.winner).toBeNull();
    expect(c999.strategies[0]!.sampleWarning).toContain('80 requests beyond the p99.9');
  });

  it('group greedily from the best: a tie with the leader, not with a neighbour', () => {
    const rs = [
      synthetic('a', [10, 10.2, 9.9, 10.1], [1, 1, 1, 1]),
      synthetic('b', [10.1, 10.0, 10.2, 10.05], [1, 1, 1, 1]),
      synthetic('c', [12, 12.3, 11.8, 12.1], [1, 1, 1, 1]),
    ];
    const c = compareResults(rs);
    expect(c.strategies.map((x) => [x.strategy, x.group])).toEqual([
      ['a', 1],
      ['b', 1],
      ['c', 2],
    ]);
  });
});
