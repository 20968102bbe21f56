import { describe, it, expect } from 'vitest';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { sweepScenario, sweepScenarios } from './sweep.js';
import { withValue } from './sweep-path.js';
import { runScenario } from './run.js';
import { testScenario, choice } from './test/fixture.js';

const base = testScenario({
  durationMs: 3_000,
  warmupMs: 300,
  intervalMs: 500,
  clients: { process: { arrival: 'poisson', rate: 1000 } },
  backends: [{ count: 4 }],
  strategies: [choice('round-robin'), choice('p2c')],
});

describe('sweep paths', () => {
  it('clients.rate reaches the arrival process; arrays broadcast or index', () => {
    expect(withValue(base, 'clients.rate', 2500).clients.process).toEqual({ arrival: 'poisson', rate: 2500 });
    const two = { ...base, backends: [base.backends[0]!, { ...base.backends[0]!, workers: 3 }] };
    expect(withValue(two, 'backends.workers', 5).backends.map((g) => g.workers)).toEqual([5, 5]);
    expect(withValue(two, 'backends.1.workers', 7).backends.map((g) => g.workers)).toEqual([1, 7]);
    expect(withValue(base, 'balancer.timeoutMs', 50).balancer.timeoutMs).toBe(50);
    expect(base.clients.process).toEqual({ arrival: 'poisson', rate: 1000 }); // the input is not changed
  });

  it('unknown or non-numeric targets throw', () => {
    expect(() => withValue(base, 'clients.nope', 1)).toThrow(/clients.nope does not exist/);
    expect(() => withValue(base, 'name', 1)).toThrow(/not a number/);
    expect(() => withValue(base, 'backends.3.workers', 1)).toThrow(/does not exist/);
  });
});

describe('sweepScenario', () => {
  it('one point per value, every strategy, load per point; equal to separate runs; progress counts runs', async () => {
    const calls: number[] = [];
    const r = await sweepScenario(base, 'clients.rate', [1000, 3000], { onProgress: (d, t) => calls.push(d / t) });
    expect(calls).toEqual([0.25, 0.5, 0.75, 1]);
    expect(r.results).toEqual([]);
    expect(r.sweep!.key).toBe('clients.rate');
    expect(r.sweep!.points.map((p) => [p.value, p.load])).toEqual([
      [1000, 0.25],
      [3000, 0.75],
    ]);
    const alone = runScenario(withValue(base, 'clients.rate', 3000));
    expect(JSON.stringify(r.sweep!.points[1]!.results)).toBe(JSON.stringify(alone.results));
    expect(r.sweep!.points[1]!.results[1]!.latency.p99).toBeGreaterThan(r.sweep!.points[0]!.results[1]!.latency.p99);
  });

  it('prefixes point warnings with the value', async () => {
    const r = await sweepScenario(base, 'clients.rate', [5000], {});
    expect(r.warnings[0]).toMatch(/^clients\.rate=5000: offered load/);
  });

  it('worker threads (compiled dist worker, when built) give the same JSON as in-process', async () => {
    const url = new URL('../../dist/src/sim/sweep-worker.js', import.meta.url);
    const scenarios = [1000, 2000, 3000].map((v) => withValue(base, 'clients.rate', v));
    const inProcess = await sweepScenarios(scenarios, 'clients.rate', [1000, 2000, 3000], { parallel: 1 });
    if (existsSync(fileURLToPath(url))) {
      const threaded = await sweepScenarios(scenarios, 'clients.rate', [1000, 2000, 3000], { parallel: 2, workerUrl: url });
      expect(JSON.stringify(threaded)).toBe(JSON.stringify(inProcess));
    }
    expect(inProcess.sweep!.points).toHaveLength(3);
  });
});
