import { describe, expect, it } from 'vitest';
import { runScenario } from '../sim/run.js';
import { choice, testScenario } from '../sim/test/fixture.js';
import type { Scenario } from '../scenario/types.js';
import { baselineOf, decideRun } from './decide.js';
import { serialEvaluate } from './evaluate.js';
import { proxySupport, strategyCosts } from './proxies.js';
import { recommend } from './recommend.js';
import { compareResults } from '../results/compare.js';
import type { StrategyResult } from '../results/schema.js';

/** A result with the given per-replication p99s (ms) and `completed` requests per replication. */
function synthetic(strategy: string, p99: number[], completed = 100_000): StrategyResult {
  const avg = p99.reduce((a, b) => a + b, 0) / p99.length;
  return {
    strategy,
    name: strategy,
    options: {},
    latency: { mean: avg / 4, p50: 0, p90: 0, p99: avg, p999: 0, max: 0 },
    ci95: { mean: null, p99: null },
    requests: { completed: completed * p99.length, failed: 0, rejected: 0 },
    throughput: 0,
    fairness: 1,
    backends: [],
    timeseries: { interval: 1, t: [], throughput: [], p50: [], p99: [], utilization: [], inflight: [] },
    cdf: { p: [], x: [] },
    replications: p99.map((v, k) => ({ seed: k + 1, mean: v / 4, p99: v, completed })),
  };
}

function fleet(patch: Partial<Scenario> = {}): Scenario {
  return testScenario({
    durationMs: 3_000,
    warmupMs: 300,
    intervalMs: 500,
    replications: 4,
    seed: 3,
    clients: { process: { arrival: 'poisson', rate: 8_500 } },
    backends: [{ count: 10 }],
    strategies: [choice('round-robin'), choice('least-connections'), choice('least-time', { bucketMs: 0 }), choice('random'), choice('first')],
    ...patch,
  });
}

describe('recommendation', () => {
  it('recommends the best strategy meeting the SLO, against the baseline with a paired interval', async () => {
    const s = fleet({ slo: { p99Ms: 12 }, baseline: 'round-robin' });
    const r = await decideRun(runScenario(s), s);
    const d = r.decision!;
    expect(d.recommended).toBe('least-connections');
    expect(d.settings).toEqual({ name: 'least-connections', options: {} });
    expect(d.sloResults.find((x) => x.strategy === 'random')!.verdict).toBe('fails');
    expect(d.pathological.map((p) => p.strategy)).toEqual(['first']);
    expect(d.pathological[0]!.reason).toContain('first needs maxConn');
    expect(d.paragraph).toMatch(/^Recommendation: least-connections\. \d of 5 strategies meet the SLO \(p99 ≤ 12ms\) with 95 % confidence/);
    expect(d.paragraph).toMatch(/Against your baseline round-robin \(p99 [\d.]+ ms, fails the SLO\) it lowers p99 by [\d.]+ ms \(95 % CI [\d.]+ to [\d.]+\)/);
    expect(d.paragraph).toContain('Export: lbsim export <results.json or scenario> --strategy best --format nginx.');
    expect(r.comparison!.baseline).toBe('round-robin');
  });

  it('keeps to what the proxy can run, and says why the rest is left out', async () => {
    const s = fleet({ proxy: 'nginx', strategies: [choice('least-time', { bucketMs: 0 }), choice('round-robin'), choice('p2c'), choice('jiq')] });
    const d = (await decideRun(runScenario(s), s)).decision!;
    expect(d.excluded.find((e) => e.strategy === 'least-time')!.reason).toBe('nginx cannot run it (nearest: least_conn (least_time needs nginx Plus))');
    expect(d.excluded.map((e) => e.strategy).sort()).toEqual(['jiq', 'least-time']);
    expect(d.recommended).toBe('p2c');
    expect(d.paragraph).toContain('On nginx: random two least_conn.');
    expect(d.paragraph).toContain('Left out as nginx cannot run them: least-time and jiq.');
    // nginx Plus runs least_time
    expect(proxySupport(choice('least-time'), 'nginx-plus')).toEqual({ runs: true, as: 'least_time header' });
    expect(strategyCosts(choice('least-time'), { backends: s.backends })).toEqual(['needs nginx Plus (its least_time) or lbsim proxy']);
  });

  it('keeps the baseline when it is statistically tied with the best', async () => {
    const s = fleet({ baseline: 'p2c-b', strategies: [choice('p2c', {}, 'p2c-a'), choice('p2c', {}, 'p2c-b'), choice('random')] });
    const d = (await decideRun(runScenario(s), s)).decision!;
    expect(d.recommended).toBe('p2c-b');
    expect(d.paragraph).toContain('it is your baseline and statistically tied with the lowest, p2c-a, so switching buys nothing measurable');
    expect(d.paragraph).toContain('That is your baseline: keep it.');
  });

  it('recommends nothing from one replication, and says how to get intervals', async () => {
    const s = fleet({ replications: 1 });
    const d = (await decideRun(runScenario(s), s)).decision!;
    expect(d.recommended).toBeNull();
    expect(d.paragraph).toMatch(/^No recommendation yet: one replication gives no interval on the differences; rerun with --replications 5/);
  });

  it('recommends nothing when no strategy meets the SLO, and points to lbsim capacity', async () => {
    const s = fleet({ slo: { p99Ms: 1 } });
    const d = (await decideRun(runScenario(s), s)).decision!;
    expect(d.recommended).toBeNull();
    expect(d.paragraph).toMatch(/^No recommendation: no strategy meets the SLO \(p99 ≤ 1ms\)\. Closest: least-connections/);
    expect(d.paragraph).toContain('lbsim capacity <scenario> finds how many');
  });

  it('computes headroom when asked: queue-aware strategies hold the SLO to a higher load', async () => {
    const s = fleet({ slo: { p99Ms: 12 }, strategies: [choice('random'), choice('least-connections')] });
    const d = (await decideRun(runScenario(s), s, { headroom: serialEvaluate() })).decision!;
    const [random, lc] = d.headroom!.rows;
    expect(random!.strategy).toBe('random');
    expect(lc!.load!).toBeGreaterThan(random!.load! + 0.1);
    expect(lc!.breaksAt!).toBeGreaterThan(lc!.load!);
    expect(lc!.rate).toBeCloseTo(lc!.load! * 10_000, 6);
  });

  it('names what it could not decide: strategies whose SLO interval straddles the target', () => {
    const results = [
      synthetic('least-connections', [5, 5.1, 5.2]), // meets p99 ≤ 10 ms
      synthetic('p2c', [8, 12, 10]), // 95 % interval 5.0–15.0: straddles 10 ms
      synthetic('round-robin', [20, 21, 22]), // fails
    ];
    const s = fleet({ slo: { p99Ms: 10 }, baseline: 'round-robin', strategies: results.map((r) => choice(r.strategy)) });
    const d = recommend(results, compareResults(results, { baseline: 'round-robin' }), s);
    expect(d.recommended).toBe('least-connections');
    expect(d.sloResults.map((r) => r.verdict)).toEqual(['meets', 'uncertain', 'fails']);
    expect(d.paragraph).toContain('1 of 3 strategies meets the SLO (p99 ≤ 10ms) with 95 % confidence');
    expect(d.paragraph).toContain('Undecided: whether p2c (95 % interval straddles the target; more replications would tell) meets the SLO.');
  });

  it('defaults the baseline to round robin when the scenario names none', () => {
    expect(baselineOf(fleet())).toEqual({ label: 'round-robin', isDefault: true });
    expect(baselineOf(fleet({ strategies: [choice('p2c')] }))).toBeNull();
    expect(baselineOf(fleet({ baseline: 'random' }))).toEqual({ label: 'random', isDefault: false });
  });
});
