import { describe, it, expect } from 'vitest';
import { simulateRun } from '../run.js';
import { Simulation } from './lean.js';
import { WorkloadModel } from '../model/workload.js';
import { testScenario, choice } from '../test/fixture.js';
import type { Scenario } from '../../scenario/types.js';

/** Relative error |x − ref| / ref. */
const rel = (x: number, ref: number): number => Math.abs(x - ref) / ref;

/** Erlang C probability of waiting for c servers at offered load a = λ/μ (Kleinrock vol. 1 §3.5). */
function erlangC(c: number, a: number): number {
  let term = 1;
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const top = ((term * a) / c) * (c / (c - a));
  return top / (sum + top);
}

function oneBackend(rate: number, patch: Partial<Scenario['backends'][number]> = {}, durationMs = 500_000): Scenario {
  return testScenario({
    durationMs,
    warmupMs: 10_000,
    intervalMs: 10_000,
    clients: { process: { arrival: 'poisson', rate } },
    backends: [{ count: 1, workers: 1, service: { dist: 'exponential', mean: 1 }, ...patch }],
  });
}

describe('validation against queueing theory (seed 1)', () => {
  it('M/M/1, ρ = 0.8: mean response 1/(μ−λ) = 5 ms within 5 %, p99 ln(100)/(μ−λ) = 23.03 ms within 8 %', () => {
    const { summary, counters } = simulateRun(oneBackend(800), choice('round-robin'), 1);
    expect(counters.measuredArrivals).toBeGreaterThan(200_000);
    expect(rel(summary.latency.mean, 5)).toBeLessThan(0.05);
    expect(rel(summary.latency.p99, Math.log(100) * 5)).toBeLessThan(0.08);
    // the response time is exponential: median ln(2)·5
    expect(rel(summary.latency.p50, Math.log(2) * 5)).toBeLessThan(0.05);
    expect(rel(summary.backends[0]!.utilization, 0.8)).toBeLessThan(0.02);
    // mean number waiting Lq = ρ²/(1−ρ) = 3.2
    expect(rel(summary.backends[0]!.meanQueue, 3.2)).toBeLessThan(0.08);
  });

  it('M/M/c Erlang C, c = 4, λ = 3.2/ms, μ = 1/ms: mean response ≈ 1.7455 ms within 5 %', () => {
    const c = 4;
    const lambda = 3.2;
    const expected = erlangC(c, lambda) / (c - lambda) + 1;
    expect(expected).toBeCloseTo(1.7455, 3);
    const { summary } = simulateRun(oneBackend(3200, { workers: 4 }, 200_000), choice('round-robin'), 1);
    expect(rel(summary.latency.mean, expected)).toBeLessThan(0.05);
    expect(rel(summary.backends[0]!.utilization, 0.8)).toBeLessThan(0.02);
  });

  it('M/D/1, ρ = 0.8 (Pollaczek–Khinchine): mean response 1 + ρ/(2(1−ρ)) = 3 ms within 5 %', () => {
    const { summary } = simulateRun(oneBackend(800, { service: { dist: 'constant', value: 1 } }), choice('round-robin'), 1);
    expect(rel(summary.latency.mean, 3)).toBeLessThan(0.05);
  });

  it('M/G/1-PS is insensitive to the service distribution: mean 1/(μ−λ) = 5 ms within 5 % for exponential and constant', () => {
    for (const service of [{ dist: 'exponential' as const, mean: 1 }, { dist: 'constant' as const, value: 1 }]) {
      const { summary } = simulateRun(oneBackend(800, { discipline: 'ps', service }), choice('round-robin'), 1);
      expect(rel(summary.latency.mean, 5)).toBeLessThan(0.05);
    }
  });

  it('speed divides service time: speed 2 with mean 2 ms is M/M/1 with mean 1 ms (mean response 5 ms within 5 %)', () => {
    const { summary } = simulateRun(
      oneBackend(800, { speed: 2, service: { dist: 'exponential', mean: 2 } }),
      choice('round-robin'),
      1,
    );
    expect(rel(summary.latency.mean, 5)).toBeLessThan(0.05);
  });

  it('network latency and overhead add to the response: constant 0.5 ms each way + 0.25 ms overhead', () => {
    const base = oneBackend(500, { service: { dist: 'constant', value: 1 } }, 20_000);
    const sc = { ...base, balancer: { ...base.balancer, network: { dist: 'constant' as const, value: 0.5 }, overheadMs: 0.25 } };
    const a = simulateRun(base, choice('round-robin'), 3).summary.latency.mean;
    const b = simulateRun(sc, choice('round-robin'), 3).summary.latency.mean;
    expect(b - a).toBeCloseTo(1.25, 6);
  });
});

describe('common random numbers and windows', () => {
  const homogeneous = testScenario({
    durationMs: 20_000,
    warmupMs: 2_000,
    clients: { process: { arrival: 'poisson', rate: 8000 } },
    backends: [{ count: 10 }],
  });

  it('every strategy sees the same arrivals and the same total service demand (seed 5)', () => {
    const runs = ['round-robin', 'random', 'p2c', 'least-connections'].map((s) => simulateRun(homogeneous, choice(s), 5).counters);
    for (const c of runs.slice(1)) {
      expect(c.arrivals).toBe(runs[0]!.arrivals);
      expect(c.measuredArrivals).toBe(runs[0]!.measuredArrivals);
      expect(c.totalDemand).toBe(runs[0]!.totalDemand);
      expect(c.arrivalTimeSum).toBe(runs[0]!.arrivalTimeSum);
    }
    const other = simulateRun(homogeneous, choice('p2c'), 6).counters;
    expect(other.totalDemand).not.toBe(runs[0]!.totalDemand);
  });

  it('warm-up arrivals are simulated but not recorded: constant 1000/s, 1 s warm-up, 2 s window → exactly 2000 measured', () => {
    const sc = testScenario({
      durationMs: 2_000,
      warmupMs: 1_000,
      intervalMs: 500,
      clients: { process: { arrival: 'constant', rate: 1000 } },
      backends: [{ service: { dist: 'constant', value: 0.5 } }],
    });
    const { summary, counters } = simulateRun(sc, choice('round-robin'), 1);
    expect(counters.arrivals).toBe(2999); // t = 1, 2, …, 2999 ms
    expect(counters.measuredArrivals).toBe(2000);
    expect(summary.requests.completed).toBe(2000);
    expect(summary.latency.max).toBe(0.5);
    expect(summary.throughput).toBe(1000);
    expect(summary.timeseries.t).toEqual([0.5, 1, 1.5, 2]);
    expect(summary.timeseries.throughput).toEqual([1000, 1000, 1000, 1000]);
    expect(summary.backends[0]!.utilization).toBeCloseTo(0.5, 9);
  });

  it('an overloaded warm-up does not leak into the measurements', () => {
    // 5000/s for 0.2 s on a 1000/s backend (a backlog of ~800 requests, cleared by t ≈ 1 s), then 100/s
    const sc = testScenario({
      durationMs: 5_000,
      warmupMs: 2_000,
      clients: {
        process: { arrival: 'schedule', steps: [{ atMs: 0, rate: 5000, ramp: false }, { atMs: 200, rate: 100, ramp: false }] },
      },
      backends: [{ service: { dist: 'constant', value: 1 } }],
    });
    const { summary, counters } = simulateRun(sc, choice('round-robin'), 2);
    expect(counters.arrivals - counters.measuredArrivals).toBeGreaterThan(900);
    expect(summary.latency.max).toBeLessThan(10); // warm-up requests waited up to ~0.8 s
    expect(summary.requests.completed).toBe(counters.measuredArrivals);
  });
});

describe('every lease is released exactly once (the engine asserts leasesOutstanding === 0)', () => {
  it('with timeouts, retries and backend queue limits', () => {
    const sc = testScenario({
      durationMs: 20_000,
      warmupMs: 1_000,
      clients: { process: { arrival: 'poisson', rate: 3000 } },
      backends: [
        { name: 'fast', count: 3, queueLimit: 2 },
        { name: 'slow', count: 1, speed: 0.05, queueLimit: 5 },
      ],
      balancer: { retries: 2, timeoutMs: 8 },
    });
    for (const s of ['round-robin', 'p2c', 'least-connections']) {
      const { summary } = simulateRun(sc, choice(s), 1);
      const r = summary.requests;
      expect(r.completed).toBeGreaterThan(0);
      expect(r.failed + r.rejected).toBeGreaterThan(0);
      expect(summary.backends.map((b) => b.id)).toEqual(['fast-0', 'fast-1', 'fast-2', 'slow']); // a group of one: its name alone
    }
  });

  it('with a balancer queue (maxConn), a rate limit, processor sharing and passive health', () => {
    const sc = testScenario({
      durationMs: 10_000,
      warmupMs: 1_000,
      clients: { process: { arrival: 'bursty', rate: 500, burstRate: 6000, onMs: 200, offMs: 800 } },
      backends: [{ count: 4, maxConn: 2, discipline: 'ps', service: { dist: 'lognormal', mu: 0, sigma: 1 } }],
      balancer: {
        queue: { maxQueue: 50, timeoutMs: 20 },
        rateLimit: { rate: 3000, burst: 100, nodelay: false, delay: 20, key: 'global' },
        passive: { maxFails: 3, failTimeoutMs: 100 },
        retries: 1,
        timeoutMs: 30,
      },
    });
    const { summary } = simulateRun(sc, choice('p2c'), 4);
    expect(summary.requests.completed).toBeGreaterThan(0);
    expect(summary.requests.rejected).toBeGreaterThan(0);
    expect(summary.timeseries.balancerQueue).toBeDefined();
  });

  it('a backend that refuses (queue limit 0) makes retries go elsewhere', () => {
    const sc = testScenario({
      durationMs: 5_000,
      warmupMs: 0,
      clients: { process: { arrival: 'poisson', rate: 1500 } },
      backends: [{ count: 2, queueLimit: 0 }],
      balancer: { retries: 1 },
    });
    const noRetry = { ...sc, balancer: { ...sc.balancer, retries: 0 } };
    const a = simulateRun(noRetry, choice('round-robin'), 9).summary.requests;
    const b = simulateRun(sc, choice('round-robin'), 9).summary.requests;
    expect(b.rejected).toBeLessThan(a.rejected);
    expect(b.completed).toBeGreaterThan(a.completed);
  });

  it('attempts sharing their request\'s slot (no timeouts) give exactly the results of allocated attempt slots', () => {
    class AllocatedAttempts extends Simulation {
      constructor(m: WorkloadModel, seed: number) {
        super(m, choice('p2c'), seed);
        this.attPerRequest = false;
      }
    }
    const sc = testScenario({
      durationMs: 3_000,
      warmupMs: 200,
      clients: { process: { arrival: 'poisson', rate: 1800 } },
      backends: [{ count: 2, queueLimit: 1 }],
      balancer: { retries: 1 },
    });
    const m = new WorkloadModel(sc);
    const shared = new Simulation(m, choice('p2c'), 4).run();
    const allocated = new AllocatedAttempts(m, 4).run();
    expect(shared.summary.requests.rejected).toBeGreaterThan(0); // 503s and retries happened
    expect(JSON.stringify(shared)).toBe(JSON.stringify(allocated));
  });
});

describe('balancer queue and request attributes', () => {
  it('maxConn 1 with a balancer queue: waiting requests are granted in turn, or time out (virtual timers)', () => {
    // one request every 2 ms, each holding the only connection for 3 ms: the queue grows ~1 per 6 ms
    const sc = testScenario({
      durationMs: 1_000,
      warmupMs: 0,
      clients: { process: { arrival: 'constant', rate: 500 } },
      backends: [{ maxConn: 1, service: { dist: 'constant', value: 3 } }],
      balancer: { queue: { maxQueue: 1000, timeoutMs: 30 } },
    });
    const { summary, counters } = simulateRun(sc, choice('round-robin'), 1);
    const r = summary.requests;
    expect(r.completed + r.rejected + r.failed).toBe(counters.measuredArrivals);
    expect(r.rejected).toBeGreaterThan(100); // queue timeouts
    expect(r.completed).toBeGreaterThan(300); // the backend is kept busy: ~1000 ms / 3 ms
    expect(summary.latency.max).toBeLessThanOrEqual(33 + 1e-9); // at most the queue timeout + service
    expect(summary.backends[0]!.utilization).toBeGreaterThan(0.95);
  });

  it('hash strategies see the client and key populations: one key → one backend; 1000 keys spread', () => {
    const base = testScenario({
      durationMs: 5_000,
      warmupMs: 0,
      clients: { process: { arrival: 'poisson', rate: 2000 } },
      backends: [{ count: 5 }],
    });
    const oneKey = { ...base, clients: { ...base.clients, keys: { count: 1, popularity: 'uniform' as const, exponent: 1 } } };
    const shares = (sc: Scenario, s: string): number[] => simulateRun(sc, choice(s), 1).summary.backends.map((b) => b.share);
    expect(Math.max(...shares(oneKey, 'consistent-hash'))).toBe(1);
    expect(Math.min(...shares(base, 'consistent-hash'))).toBeGreaterThan(0.1);
    const oneClient = { ...base, clients: { ...base.clients, addresses: { count: 1, popularity: 'uniform' as const, exponent: 1 } } };
    expect(Math.max(...shares(oneClient, 'ip-hash'))).toBe(1);
    expect(Math.min(...shares(base, 'ip-hash'))).toBeGreaterThan(0.05);
  });
});

describe('closed loop', () => {
  it('users / (think + response) req/s: 20 users, think 9 ms, service 1 ms on idle backends → ≈ 2000/s within 2 %', () => {
    const sc = testScenario({
      durationMs: 20_000,
      warmupMs: 1_000,
      clients: { process: { arrival: 'closed', users: 20, think: { dist: 'exponential', mean: 9 } } },
      backends: [{ count: 50, service: { dist: 'constant', value: 1 } }],
    });
    const { summary } = simulateRun(sc, choice('least-connections'), 1);
    expect(rel(summary.throughput, 2000)).toBeLessThan(0.02);
    expect(summary.latency.max).toBeCloseTo(1, 9);
  });
});
