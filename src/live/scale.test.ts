/**
 * Time dilation: the scaled scenario is the same queueing system in slower time — same load factor,
 * and (same seed) the simulator's latencies are exactly S times the original's.
 */
import { describe, expect, it } from 'vitest';
import { runScenario, scenarioFacts } from '../sim/run.js';
import { choice, testScenario } from '../sim/test/fixture.js';
import { chooseScale, liveScenario, niceCeil, scaleDistribution, scaleScenario } from './scale.js';

const base = testScenario({
  durationMs: 3_000,
  warmupMs: 300,
  intervalMs: 300,
  clients: { process: { arrival: 'poisson', rate: 3_200 } },
  backends: [{ count: 4, service: { dist: 'exponential', mean: 1 } }],
  strategies: [choice('round-robin'), choice('least-connections')],
});

describe('niceCeil', () => {
  it('rounds up to 1, 2, 2.5, 5 × 10^k', () => {
    expect([0.3, 1, 1.01, 2, 2.2, 3, 7, 10, 11, 26, 120].map(niceCeil)).toEqual([1, 1, 2, 2, 2.5, 5, 10, 10, 20, 50, 200]);
  });
});

describe('chooseScale', () => {
  it('makes the mean service at least 20 ms and the rate at most 600 req/s', () => {
    expect(chooseScale(base)).toBe(20); // 1 ms → 20 ms; 3200/20 = 160 req/s
    const fast = testScenario({ clients: { process: { arrival: 'poisson', rate: 40_000 } }, backends: [{ count: 50, service: { dist: 'constant', value: 1 } }] });
    expect(chooseScale(fast)).toBe(100); // 40000/600 = 66.7 → 100
    const slow = testScenario({ clients: { process: { arrival: 'poisson', rate: 10 } }, backends: [{ service: { dist: 'exponential', mean: 50 } }] });
    expect(chooseScale(slow)).toBe(1);
    expect(chooseScale(base, { minServiceMs: 5 })).toBe(10); // 5 ms would give 640 req/s > 600: 3200/600 = 5.3 → 10
    expect(chooseScale(base, { minServiceMs: 5, maxRate: 1000 })).toBe(5);
  });
});

describe('scaleScenario', () => {
  it('scales every distribution kind by its time parameter', () => {
    expect(scaleDistribution({ dist: 'exponential', mean: 2 }, 10)).toEqual({ dist: 'exponential', mean: 20 });
    expect(scaleDistribution({ dist: 'uniform', min: 1, max: 3 }, 2)).toEqual({ dist: 'uniform', min: 2, max: 6 });
    expect(scaleDistribution({ dist: 'lognormal', mu: 0, sigma: 1 }, Math.E)).toEqual({ dist: 'lognormal', mu: 1, sigma: 1 });
    expect(scaleDistribution({ dist: 'pareto', scale: 1, shape: 3 }, 4)).toEqual({ dist: 'pareto', scale: 4, shape: 3 });
    expect(scaleDistribution({ dist: 'gamma', shape: 2, scale: 1 }, 4)).toEqual({ dist: 'gamma', shape: 2, scale: 4 });
    expect(scaleDistribution({ dist: 'empirical', samples: [1, 2] }, 3)).toEqual({ dist: 'empirical', samples: [3, 6] });
    expect(scaleDistribution({ dist: 'mixture', parts: [{ weight: 1, of: { dist: 'constant', value: 1 } }] }, 5)).toEqual({
      dist: 'mixture',
      parts: [{ weight: 1, of: { dist: 'constant', value: 5 } }],
    });
  });

  it('keeps the load factor, and the simulated latencies are S times the original (same seed)', () => {
    const S = 20;
    const scaled = scaleScenario(base, S);
    expect(scaled.durationMs).toBe(60_000);
    expect(scaled.clients.process).toEqual({ arrival: 'poisson', rate: 160 });
    expect(scenarioFacts(scaled).loadFactor).toBeCloseTo(scenarioFacts(base).loadFactor, 12);
    const a = runScenario(base);
    const b = runScenario(scaled);
    for (let i = 0; i < a.results.length; i++) {
      const x = a.results[i]!;
      const y = b.results[i]!;
      expect(y.requests.completed).toBe(x.requests.completed);
      for (const k of ['mean', 'p50', 'p99'] as const) expect(y.latency[k] / (S * x.latency[k])).toBeCloseTo(1, 9);
    }
  });

  it('scales the time fields of faults when present', () => {
    const withFaults = {
      ...base,
      faults: [
        { kind: 'slow' as const, backends: ['b1'], atMs: 100, durationMs: 50, factor: 3 },
        { kind: 'pause' as const, backends: ['b0'], atMs: 0, durationMs: null, everyMs: 200, lengthMs: 20 },
      ],
    };
    expect(scaleScenario(withFaults, 10).faults).toEqual([
      { kind: 'slow', backends: ['b1'], atMs: 1000, durationMs: 500, factor: 3 },
      { kind: 'pause', backends: ['b0'], atMs: 0, durationMs: null, everyMs: 2000, lengthMs: 200 },
    ]);
  });
});

describe('liveScenario', () => {
  it('caps the real window and sets one replication', () => {
    const { scenario, scale } = liveScenario({ ...base, durationMs: 60_000, warmupMs: 5_000, replications: 5 });
    expect(scale).toBe(20);
    expect([scenario.durationMs, scenario.warmupMs, scenario.replications]).toEqual([20_000, 3_000, 1]);
    expect(scenario.intervalMs).toBeCloseTo(20_000 / 30, 9);
    const own = liveScenario(base, { scale: 5, durationMs: 4_000, warmupMs: 500 });
    expect([own.scale, own.scenario.durationMs, own.scenario.warmupMs, own.scenario.intervalMs]).toEqual([5, 4_000, 500, 250]);
  });
});
