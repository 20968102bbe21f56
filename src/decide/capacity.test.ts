import { describe, expect, it } from 'vitest';
import { InputError } from '../input/errors.js';
import { choice, testScenario } from '../sim/test/fixture.js';
import { Bisection } from './bisection.js';
import { capacitySearch, stableCount } from './capacity.js';
import { serialEvaluate } from './evaluate.js';

/** Erlang C: probability that an arrival waits in an M/M/c queue with offered load a = λ/μ (a < c). */
function erlangC(c: number, a: number): number {
  let term = 1; // a^k / k!
  let sum = 1;
  for (let k = 1; k < c; k++) {
    term *= a / k;
    sum += term;
  }
  const last = (term * a) / c; // a^c / c!
  const top = last * (c / (c - a));
  return top / (sum + top);
}

/**
 * p99 of the response time T = W + S in an M/M/c FCFS queue: P(W > t) = C·e^{−θt} with
 * θ = cμ − λ, S ~ Exp(μ) independent, so P(T > t) = e^{−μt} + Cμ(e^{−μt} − e^{−θt})/(θ − μ)
 * (Kleinrock, "Queueing Systems" vol. 1, §3.5), solved for P(T > t) = 0.01 by bisection.
 */
function mmcP99(c: number, lambda: number, mu: number): number {
  const C = erlangC(c, lambda / mu);
  const theta = c * mu - lambda;
  const tail = (t: number) =>
    Math.abs(theta - mu) < 1e-12 ? Math.exp(-mu * t) * (1 + C * mu * t) : Math.exp(-mu * t) + (C * mu * (Math.exp(-mu * t) - Math.exp(-theta * t))) / (theta - mu);
  let lo = 0;
  let hi = 1;
  while (tail(hi) > 0.01) hi *= 2;
  for (let k = 0; k < 100; k++) {
    const mid = (lo + hi) / 2;
    if (tail(mid) > 0.01) lo = mid;
    else hi = mid;
  }
  return hi;
}

describe('Bisection', () => {
  it('finds the smallest integer meeting a monotone test, assuming the unfavourable end fails', () => {
    const b = new Bisection({ min: 9, max: 40, integer: true, okSide: 'high', badEndKnown: true });
    for (let x = b.next(); x !== null; x = b.next()) b.tell(x, x >= 17);
    expect(b.answer).toBe(17);
    expect(b.probes.length).toBeLessThanOrEqual(6); // top, then ⌈log2(32)⌉
  });

  it('finds the largest continuous setting meeting a test to the tolerance, and says when none does', () => {
    const b = new Bisection({ min: 100, max: 1000, integer: false, okSide: 'low', tolerance: 0.01 });
    for (let x = b.next(); x !== null; x = b.next()) b.tell(x, x <= 623);
    expect(b.answer!).toBeLessThanOrEqual(623);
    expect(b.answer!).toBeGreaterThan(623 * 0.99);
    const none = new Bisection({ min: 1, max: 5, integer: true, okSide: 'high' });
    for (let x = none.next(); x !== null; x = none.next()) none.tell(x, false);
    expect(none.answer).toBeNull();
    expect(none.probes).toEqual([{ x: 5, ok: false }]);
  });
});

describe('lbsim capacity', () => {
  it('finds the smallest c of an M/M/c queue for a p99 target, as Erlang C does', async () => {
    // c single-worker backends with maxConn 1 and an unbounded balancer queue (no queue timeout): a
    // request waits in one FIFO until any backend is free, which is the M/M/c queue. λ = 750/s,
    // μ = 100/s (a = 7.5): Erlang C gives P(wait) 0.81 with 8 servers, 0.51 with 9, and p99s of
    // 101.6 and 52.7 ms; the target sits at their geometric middle, so the answer is 9 and the
    // simulation's noise cannot move it.
    const lambda = 750;
    const mu = 100;
    const p99 = (c: number) => mmcP99(c, lambda, mu) * 1000; // ms
    expect(erlangC(8, 7.5)).toBeCloseTo(0.8073, 4);
    const target = Math.sqrt(p99(8) * p99(9));
    let cStar = 8;
    while (p99(cStar) > target) cStar++;
    expect(cStar).toBe(9);
    const s = testScenario({
      durationMs: 200_000,
      warmupMs: 10_000,
      intervalMs: 10_000,
      replications: 2,
      seed: 5,
      clients: { process: { arrival: 'poisson', rate: lambda } },
      backends: [{ count: 12, maxConn: 1, service: { dist: 'exponential', mean: 1000 / mu } }],
      balancer: { queue: { maxQueue: 1_000_000_000, timeoutMs: 1e12 } },
      strategies: [choice('least-connections')],
      slo: { p99Ms: target },
    });
    expect(stableCount(s, 0)).toBe(8); // 7 backends cannot carry 7.5 erlangs
    const r = await capacitySearch(s, { vary: 'backends', group: null, range: [8, 12], evaluate: serialEvaluate() });
    expect(r.rows[0]!.perReplication).toEqual([cStar, cStar]);
    expect(r.rows[0]!.value).toBe(cStar);
    expect(r.runs).toBeLessThanOrEqual(2 * 4); // 12, 8, then 10 and 9 on each seed
  });

  it('searches from the smallest stable count to twice the current one by default', async () => {
    const s = testScenario({
      durationMs: 2_000,
      warmupMs: 200,
      clients: { process: { arrival: 'poisson', rate: 7_500 } },
      backends: [{ count: 10, service: { dist: 'exponential', mean: 1 } }],
      strategies: [choice('least-connections')],
      slo: { p99Ms: 1e6 },
    });
    const r = await capacitySearch(s, { vary: 'backends', group: null, evaluate: serialEvaluate() });
    expect(r.range).toEqual([8, 20]);
    expect(r.rows[0]!.value).toBe(8); // everything meets so loose a target: the stable minimum
    expect(r.warnings.join(' ')).toContain('one replication');
  });

  it('finds the largest rate of an M/M/1 queue for a p99 target (p99 = ln 100 / (μ − λ))', async () => {
    const mu = 1000; // per s
    const targetMs = 20;
    const expected = mu - Math.log(100) / (targetMs / 1000); // 769.7 req/s
    const s = testScenario({
      durationMs: 200_000,
      warmupMs: 5_000,
      intervalMs: 10_000,
      replications: 3,
      clients: { process: { arrival: 'poisson', rate: 500 } },
      backends: [{ count: 1, service: { dist: 'exponential', mean: 1 } }],
      strategies: [choice('round-robin')],
      slo: { p99Ms: targetMs },
    });
    const r = await capacitySearch(s, { vary: 'rate', group: null, evaluate: serialEvaluate() });
    const row = r.rows[0]!;
    expect(row.value! / expected).toBeGreaterThan(0.97);
    expect(row.value! / expected).toBeLessThan(1.03);
    expect(row.ci95![0]).toBeLessThan(row.value!);
  });

  it('reports the closest setting when nothing in range meets the SLO', async () => {
    const s = testScenario({
      durationMs: 2_000,
      warmupMs: 200,
      clients: { process: { arrival: 'poisson', rate: 2000 } },
      backends: [{ count: 4, service: { dist: 'constant', value: 1 } }],
      strategies: [choice('round-robin')],
      slo: { p99Ms: 0.5 }, // below the service time itself
    });
    const r = await capacitySearch(s, { vary: 'backends', group: null, range: [3, 6], evaluate: serialEvaluate() });
    expect(r.rows[0]!.value).toBeNull();
    expect(r.rows[0]!.closest).toMatchObject({ setting: 6, objective: 'p99' });
    expect(r.rows[0]!.closest!.value).toBeGreaterThanOrEqual(1);
  });

  it('refuses what it cannot search, naming the flag', async () => {
    const base = testScenario({ backends: [{ count: 2 }, { count: 2, name: 'b' }], strategies: [choice('p2c')] });
    const evaluate = serialEvaluate();
    await expect(capacitySearch(base, { vary: 'backends', group: null, evaluate })).rejects.toThrow(/capacity needs an SLO/);
    const withSlo = { ...base, slo: { p99Ms: 10 } };
    await expect(capacitySearch(withSlo, { vary: 'backends', group: null, evaluate })).rejects.toThrow(/--group: the scenario has 2 backend groups/);
    const closed = { ...withSlo, clients: { ...withSlo.clients, process: { arrival: 'closed' as const, users: 5, think: { dist: 'constant' as const, value: 1 } } } };
    await expect(capacitySearch(closed, { vary: 'rate', group: null, evaluate })).rejects.toBeInstanceOf(InputError);
    await expect(capacitySearch(withSlo, { vary: 'backends', group: 0, range: [5, 2], evaluate })).rejects.toThrow(/--range/);
  });
});
