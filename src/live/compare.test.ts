/** The comparison table's arithmetic: relative differences, tolerances, rankings, notes. */
import { describe, expect, it } from 'vitest';
import type { ResultsFile } from '../results/schema.js';
import { runScenario } from '../sim/run.js';
import { choice, testScenario } from '../sim/test/fixture.js';
import { compareResults, liveCheckOf, predictionHalfWidth, rankByP99, renderComparison } from './compare.js';
import type { LiveInfo } from './run.js';

const sim = runScenario(
  testScenario({
    durationMs: 2_000,
    warmupMs: 200,
    clients: { process: { arrival: 'poisson', rate: 3_000 } },
    backends: [{ count: 4 }],
    strategies: [choice('random'), choice('round-robin'), choice('least-connections')],
  }),
);

/** A "live" copy of `sim` with p50 and p99 of each strategy multiplied by the given factors. */
function liveFrom(factors: Record<string, [number, number]>): ResultsFile {
  const live = structuredClone(sim);
  live.mode = 'live';
  for (const r of live.results) {
    const [a, b] = factors[r.strategy] ?? [1, 1];
    r.latency.p50 *= a;
    r.latency.p99 *= b;
  }
  const info: LiveInfo = {
    scale: 20,
    backends: 'child',
    proxy: 'child',
    workers: 1,
    cpus: 2,
    calibration: null,
    faults: { windows: 0, skipped: [] },
    strategies: live.results.map((r) => ({
      strategy: r.strategy,
      sent: 1000,
      sendLag: { n: 1000, mean: 0.5, p50: 0.4, p99: 2, max: 5 },
      overhead: { n: 1000, mean: 1.2, p50: 1, p99: 9, max: 20 },
      outcomes: { refused: 0, full: 0, errors: 0, transport: 0 },
      serviceError: { mean: 0.05, meanAbs: 0.5, max: 3 },
      cpu: { machine: 0.5, loadgen: 0.2, backends: 0.1, proxy: 0.2, others: 0.5 },
      wallMs: 3000,
      endpoints: { proxy: 'http://127.0.0.1:1', backends: [], proxyPid: 1, backendPid: 1 },
    })),
  };
  live.scenario = { ...live.scenario, live: info };
  return live;
}

describe('liveCheckOf: the comparison as the report reads it', () => {
  it('carries the rows, deltas, rankings, scale and notes the terminal prints, marked with its side', () => {
    const c = compareResults(liveFrom({ random: [1.3, 1] }), sim, sim, 20, 1.2);
    const check = liveCheckOf(c, 'live');
    expect(check.side).toBe('live');
    expect(check.scale).toBe(20);
    expect(check.tolerance).toEqual({ p50: 0.15, p99: 0.25 });
    const random = check.rows.find((r) => r.strategy === 'random')!;
    expect(random.diff.p50).toBeCloseTo(0.3, 10);
    expect(random.ok).toEqual({ p50: false, p99: true });
    expect(random.live.p50).toBeCloseTo(random.sim.p50 * 1.3, 10);
    expect(check.ranking).toEqual({ sim: c.ranking.sim, live: c.ranking.live, same: c.ranking.same, consistent: c.ranking.consistent });
    expect(check.notes).toEqual(c.notes);
    expect(JSON.parse(JSON.stringify(check))).toEqual(check);
  });
});

describe('compareResults', () => {
  it('identical sides agree, with zero differences and the same ranking', () => {
    const c = compareResults(liveFrom({}), sim, sim, 20, 1.2);
    expect(c.agree).toBe(true);
    expect(c.ranking.same).toBe(true);
    expect(c.ranking.sim).toEqual(rankByP99(sim.results));
    for (const r of c.rows) {
      expect([r.diff.p50, r.diff.p99, r.diff.mean, r.shareDiff]).toEqual([0, 0, 0, 0]);
      expect(r.ok).toEqual({ p50: true, p99: true });
    }
    expect(c.notes.some((n) => n.includes('balancer.overhead = 1.20 ms'))).toBe(true);
  });

  it('flags p50 beyond 15 % and p99 beyond 25 %, and explains with the harness numbers', () => {
    const c = compareResults(liveFrom({ random: [1.14, 1.24], 'round-robin': [1.16, 1], 'least-connections': [1, 0.74] }), sim, sim, 20, 0);
    const ok = Object.fromEntries(c.rows.map((r) => [r.strategy, r.ok]));
    expect(ok).toEqual({
      random: { p50: true, p99: true },
      'round-robin': { p50: false, p99: true },
      'least-connections': { p50: true, p99: false },
    });
    expect(c.rows[0]!.diff.p50).toBeCloseTo(0.14, 12);
    expect(c.agree).toBe(false);
    const note = c.notes.find((n) => n.startsWith('round-robin outside tolerance'))!;
    expect(note).toMatch(/p50 \+16\.0%/);
    expect(note).toMatch(/harness overhead has a tail \(p99 9\.00 ms vs mean 1\.20 ms\)/);
  });

  it('a different order by p99 is a different ranking', () => {
    const order = rankByP99(sim.results);
    const best = order[0]!;
    const live = liveFrom({ [best]: [1, 100] });
    const c = compareResults(live, sim, sim, 20, 0);
    expect(c.ranking.live[c.ranking.live.length - 1]).toBe(best);
    expect(c.ranking.same).toBe(false);
    expect(renderComparison(c)).toMatch(/\(differs\)/);
  });

  it('renders one row per strategy with the ranking lines', () => {
    const text = renderComparison(compareResults(liveFrom({}), sim, sim, 20, 0));
    const lines = text.split('\n');
    expect(lines[0]).toMatch(/^strategy\s+p50 sim\s+p50 live\s+Δp50/);
    expect(lines.slice(1, 4).map((l) => l.split(/\s+/)[0])).toEqual(['random', 'round-robin', 'least-connections']);
    expect(text).toMatch(/ranking by p99, measured: .*\(same\)/);
    expect(text).toMatch(/time scale ×20/);
  });

  it('ties: a reversed pair whose order one simulated window does not determine is consistent; a determined one is not', () => {
    const order = rankByP99(sim.results); // best first
    const [a, b, c] = order as [string, string, string];
    // per-seed p99s: a and b interleave (undetermined); c is always far behind
    const perSeed: Record<string, number[]> = { [a]: [10, 14, 11, 13, 12], [b]: [12, 11, 14, 10, 13], [c]: [30, 31, 29, 32, 30] };
    const spread = structuredClone(sim);
    for (const r of spread.results) r.replications = perSeed[r.strategy]!.map((p99, k) => ({ seed: k, mean: p99, p99 }));
    const swapAB = liveFrom({ [a]: [1, sim.results.find((r) => r.strategy === b)!.latency.p99 / sim.results.find((r) => r.strategy === a)!.latency.p99 + 0.01] });
    const tied = compareResults(swapAB, sim, sim, 20, 0, spread);
    expect(tied.ranking.same).toBe(false);
    expect(tied.ranking.consistent).toBe(true);
    expect(tied.ranking.ties).toEqual([[a, b]]);
    expect(renderComparison(tied)).toMatch(/same up to statistical ties/);
    const worstA = compareResults(liveFrom({ [a]: [1, 100] }), sim, sim, 20, 0, spread);
    expect(worstA.ranking.consistent).toBe(false); // a behind c: one window always orders them
    // the spread column: t(0.975, 4) · s · √(1 + 1/5) relative to the mean
    const row = tied.rows.find((r) => r.strategy === c)!;
    expect(row.p99spread).toBeCloseTo(predictionHalfWidth(perSeed[c]!) / 30.4, 12);
  });
});

