/**
 * The simulator-speed section's arithmetic: the growth criterion and its slack, on hand-made curve
 * points (no timing is measured here).
 */
import { describe, it, expect } from 'vitest';
import { growthCheck, growthSlackNs, GROWTH_FACTOR, medianRun, mm1Ratio, simTargets, SLACK_FIXED_NS, SLACK_PER_DOUBLING_NS } from './sim-section.js';
import { simPlan, type CurvePoint, type Mm1Result } from './sim.js';

function point(strategy: string, backends: number, nsPerRequest: number, pickLoadedNs: number, pickNs = pickLoadedNs): CurvePoint {
  return {
    label: `${strategy} @${backends}`,
    strategy,
    backends,
    requests: 1000,
    events: 2000,
    wallMs: (nsPerRequest * 1000) / 1e6,
    cpuMs: (nsPerRequest * 1000) / 1e6,
    threadMs: (nsPerRequest * 1000) / 1e6,
    rounds: 3,
    nsPerRequest,
    pickNs,
    pickLoadedNs,
    pickOps: 1000,
  };
}

describe('growthSlackNs', () => {
  it('is the fixed allowance at the base size and adds a fixed amount per doubling', () => {
    expect(growthSlackNs(10, 10)).toBe(SLACK_FIXED_NS);
    expect(growthSlackNs(10, 20)).toBeCloseTo(SLACK_FIXED_NS + SLACK_PER_DOUBLING_NS, 9);
    expect(growthSlackNs(10, 10_240)).toBeCloseTo(SLACK_FIXED_NS + 10 * SLACK_PER_DOUBLING_NS, 9);
  });
});

describe('growthCheck', () => {
  it('compares each size with the smallest, per strategy, and allows factor × pick growth + slack', () => {
    const g = growthCheck([
      point('lc', 10, 1000, 100),
      point('lc', 100, 2000, 800), // Δsim 1000 ≤ 1.5 × 700 + slack
      point('lc', 1000, 20_000, 7000), // Δsim 19000 > 1.5 × 6900 + slack
      point('rr', 10, 600, 60),
    ]);
    expect(g.map((x) => [x.strategy, x.backends, x.holds])).toEqual([
      ['lc', 100, true],
      ['lc', 1000, false],
    ]);
    expect(g[0]!.simGrowthNs).toBe(1000);
    expect(g[0]!.pickGrowthNs).toBe(700);
    expect(g[0]!.allowedNs).toBeCloseTo(GROWTH_FACTOR * 700 + growthSlackNs(10, 100), 9);
  });

  it('treats a shrinking pick cost as no growth', () => {
    const [g] = growthCheck([point('rr', 10, 600, 60), point('rr', 1000, 700, 40)]);
    expect(g!.pickGrowthNs).toBe(-20);
    expect(g!.allowedNs).toBeCloseTo(growthSlackNs(10, 1000), 9);
    expect(g!.holds).toBe(true);
  });

  it('judges the pick cost at the simulator load and reports the pick benchmark workload beside it', () => {
    const [g] = growthCheck([point('lc', 10, 1000, 100, 100), point('lc', 100, 2500, 1200, 500)]);
    expect(g!.holds).toBe(true); // 1500 ≤ 1.5 × 1100 + slack
    expect(g!.bench.pickGrowthNs).toBe(400);
    expect(g!.bench.holds).toBe(false); // 1500 > 1.5 × 400 + slack
  });

  it('sorts by size within a strategy whatever the input order', () => {
    const g = growthCheck([point('p2c', 1000, 900, 90), point('p2c', 10, 500, 90), point('p2c', 100, 600, 90)]);
    expect(g.map((x) => [x.backends, x.simGrowthNs])).toEqual([
      [100, 100],
      [1000, 400],
    ]);
  });
});

describe('the bare-loop comparison over several processes', () => {
  const run = (bareMs: number, engineMs: number): Mm1Result => {
    const sp = (label: string, ms: number) => ({ label, strategy: null, backends: 1, requests: 1e6, events: 2e6, wallMs: ms, cpuMs: ms, threadMs: ms, rounds: 7 });
    return { bare: sp('bare', bareMs), engine: sp('engine', engineMs), bareMeanMs: 5, engineP99Ms: 8 };
  };

  it('reports the process with the median ratio and lists every ratio', () => {
    const runs = [run(100, 320), run(100, 290), run(100, 305)];
    const m = medianRun(runs);
    expect(mm1Ratio(m)).toBeCloseTo(3.05, 9);
    const [t] = simTargets(m, [], simPlan(true), runs);
    expect(t!.pass).toBe(false);
    expect(t!.measured).toContain('median of 3 processes');
    expect(mm1Ratio(medianRun([run(100, 250), run(100, 299)]))).toBeCloseTo(2.5, 9);
    expect(() => medianRun([])).toThrow();
  });
});
