import { describe, it, expect } from 'vitest';
import { join } from 'node:path';
import { loadScenario } from '../scenario/index.js';
import { estimatedRequests, runScenario, runScenarioSteps, replicationSeed, scenarioFacts } from './run.js';
import { testScenario, choice } from './test/fixture.js';
import { RESULTS_SCHEMA } from '../results/schema.js';

const small = testScenario({
  durationMs: 5_000,
  warmupMs: 500,
  intervalMs: 500,
  clients: { process: { arrival: 'poisson', rate: 3000 } },
  backends: [{ count: 4 }],
  strategies: [choice('round-robin'), choice('p2c'), choice('p2c', { draws: 3 }, 'p2c-d3')],
});

describe('runScenario', () => {
  it('same scenario and seed give byte-identical JSON; another seed does not', () => {
    const a = JSON.stringify(runScenario(small));
    const b = JSON.stringify(runScenario(small));
    expect(a).toBe(b);
    const c = JSON.stringify(runScenario({ ...small, seed: 2 }));
    expect(c).not.toBe(a);
  });

  it('writes the results file shape with every required key', () => {
    const calls: [number, number][] = [];
    const r = runScenario(small, { onProgress: (d, t) => calls.push([d, t]) });
    expect(calls).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(r.schema).toBe(RESULTS_SCHEMA);
    expect(r.mode).toBe('sim');
    expect(r.results.map((x) => x.strategy)).toEqual(['round-robin', 'p2c', 'p2c-d3']);
    expect(r.results[2]!.name).toBe('p2c');
    expect(r.results[2]!.options).toEqual({ draws: 3, replacement: false });
    const x = r.results[1]!;
    expect(Object.keys(x.latency).sort()).toEqual(['max', 'mean', 'p50', 'p90', 'p99', 'p999']);
    expect(x.ci95).toEqual({ mean: null, p99: null });
    expect(x.requests.completed).toBeGreaterThan(10_000);
    expect(x.backends).toHaveLength(4);
    expect(x.backends[0]).toMatchObject({ id: 'b0', idealShare: 0.25 });
    expect(x.backends.reduce((s, b) => s + b.share, 0)).toBeCloseTo(1, 9);
    expect(x.fairness).toBeGreaterThan(0.99);
    expect(x.timeseries.t).toHaveLength(10);
    expect(x.timeseries.utilization).toHaveLength(4);
    expect(x.cdf.p[0]).toBe(0);
    expect(x.cdf.p[x.cdf.p.length - 1]).toBe(1);
    expect(x.cdf.x[x.cdf.x.length - 1]).toBe(x.latency.max);
    expect(r.summary).toMatchObject({ offeredRate: 3000, capacity: 4000, loadFactor: 0.75, durationS: 5, seed: 1, replications: 1 });
    expect(r.warnings).toEqual([]);
  });

  it('warns when the offered load exceeds capacity', () => {
    const over = { ...small, clients: { ...small.clients, process: { arrival: 'poisson' as const, rate: 5000 } }, strategies: [choice('p2c')] };
    expect(runScenario(over).warnings[0]).toMatch(/exceeds capacity/);
  });

  it('replications: 10 seeds; the 95 % intervals of M/M/1 (ρ = 0.5) contain the analytic mean 2 ms and p99 2·ln 100', () => {
    const mm1 = testScenario({
      durationMs: 20_000,
      warmupMs: 1_000,
      replications: 10,
      clients: { process: { arrival: 'poisson', rate: 500 } },
      backends: [{ count: 1 }],
      strategies: [choice('round-robin')],
    });
    const r = runScenario(mm1).results[0]!;
    expect(r.replications).toHaveLength(10);
    expect(new Set(r.replications!.map((x) => x.seed)).size).toBe(10);
    expect(r.replications![0]!.seed).toBe(1);
    const [lo, hi] = r.ci95.mean!;
    expect(lo).toBeLessThan(2);
    expect(hi).toBeGreaterThan(2);
    expect(hi - lo).toBeLessThan(0.2);
    const [plo, phi] = r.ci95.p99!;
    expect(plo).toBeLessThan(2 * Math.log(100));
    expect(phi).toBeGreaterThan(2 * Math.log(100));
    // the reported mean is the mean of the replications' means
    const m = r.replications!.reduce((s, x) => s + x.mean, 0) / 10;
    expect(r.latency.mean).toBeCloseTo(m, 12);
  });

  it('the M/M/c (Erlang C) interval contains the analytic mean 1.7455 ms', () => {
    const mmc = testScenario({
      durationMs: 20_000,
      warmupMs: 1_000,
      replications: 8,
      clients: { process: { arrival: 'poisson', rate: 3200 } },
      backends: [{ count: 1, workers: 4 }],
    });
    const [lo, hi] = runScenario(mmc).results[0]!.ci95.mean!;
    expect(lo).toBeLessThan(1.7455);
    expect(hi).toBeGreaterThan(1.7455);
  });
});

describe('scenario facts and seeds', () => {
  it('capacity = Σ workers × speed × 1000 / mean service, with class factors', () => {
    const sc = testScenario({
      clients: {
        process: { arrival: 'poisson', rate: 1000 },
        classes: [
          { name: 'a', share: 3, serviceFactor: 1 },
          { name: 'b', share: 1, serviceFactor: 5 },
        ],
      },
      backends: [
        { count: 2, workers: 4, speed: 1, service: { dist: 'exponential', mean: 2 } },
        { count: 1, workers: 1, speed: 2, service: { dist: 'constant', value: 1 } },
      ],
    });
    // mean factor 0.75 + 1.25 = 2; capacity = 2·4·1000/4 + 1·2·1000/2 = 2000 + 1000
    expect(scenarioFacts(sc)).toEqual({ offeredRate: 1000, capacity: 3000, loadFactor: 1000 / 3000 });
  });

  it('replication seeds: k = 0 is the seed, others are distinct non-negative 31-bit integers', () => {
    expect(replicationSeed(42, 0)).toBe(42);
    const s = new Set([1, 2, 3, 4, 5].map((k) => replicationSeed(42, k)));
    expect(s.size).toBe(5);
    for (const x of s) expect(Number.isInteger(x) && x >= 0 && x < 2 ** 31).toBe(true);
    expect(replicationSeed(1, 1)).not.toBe(replicationSeed(2, 0));
  });

  it('in slices gives the same results as in one go, on the lean and the full engine, and reports progress', () => {
    const crash = loadScenario(join(import.meta.dirname, '../../sims/backend-crash.yaml'));
    for (const sc of [small, { ...crash, durationMs: 8_000, strategies: crash.strategies.slice(0, 2) }]) {
      const results: string[] = [];
      const steps = runScenarioSteps(sc, { onResult: (r) => results.push(r.strategy) }, 5_000);
      const seen: number[] = [];
      let r = steps.next();
      for (; !r.done; r = steps.next()) seen.push(r.value.done + r.value.fraction);
      expect(JSON.stringify(r.value)).toBe(JSON.stringify(runScenario(sc)));
      expect(results).toEqual(sc.strategies.map((c) => c.label));
      expect(seen.length).toBeGreaterThan(sc.strategies.length);
      expect(seen.every((x, i) => i === 0 || x >= seen[i - 1]!)).toBe(true);
    }
  });

  it('estimates the requests a run simulates: offered rate × (warm-up + window) × strategies × replications', () => {
    expect(estimatedRequests(small)).toBeCloseTo(3000 * 5.5 * 3, 6);
    expect(estimatedRequests({ ...small, replications: 4 })).toBeCloseTo(3000 * 5.5 * 3 * 4, 6);
  });
});
