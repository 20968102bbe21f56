/**
 * The searches' evaluator on the project's executors: summaries in job order, progress counted over
 * every batch, and a capacity search that answers the same on this thread + a pool thread as on
 * this thread alone (`serialEvaluate`).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { capacitySearch } from '../decide/capacity.js';
import { serialEvaluate, type RunJob } from '../decide/evaluate.js';
import { LocalExecutor, poolWorkerPath } from '../exec/pool.js';
import { choice, testScenario } from '../sim/test/fixture.js';
import { evaluateOn } from './evaluator.js';

const scenario = testScenario({
  durationMs: 1_000,
  warmupMs: 100,
  replications: 2,
  clients: { process: { arrival: 'poisson', rate: 7_000 } },
  backends: [{ count: 10, service: { dist: 'exponential', mean: 1 } }],
  strategies: [choice('round-robin'), choice('least-connections'), choice('p2c')],
  slo: { p99Ms: 8 },
});

const worker = poolWorkerPath();
const executor = new LocalExecutor(2, worker ?? '');
afterAll(() => executor.close());

describe('evaluateOn (capacity, tune and headroom on src/exec)', () => {
  it('threads give the same summaries, in job order, as this thread; progress counts over batches', async () => {
    expect(worker, 'the compiled pool worker (npm run build)').not.toBeNull();
    const jobs: RunJob[] = scenario.strategies.flatMap((c) => [1, 2].map((seed) => ({ scenario, choice: c, seed })));
    const serial = await serialEvaluate()(jobs);
    const seen: [number, number][] = [];
    const evaluate = evaluateOn(executor, (d, t) => seen.push([d, t]));
    const first = await evaluate(jobs);
    const again = await evaluate(jobs.slice().reverse());
    expect(JSON.stringify(first)).toBe(JSON.stringify(serial));
    expect(JSON.stringify(again)).toBe(JSON.stringify(serial.slice().reverse()));
    expect(seen.map(([d]) => d)).toEqual(Array.from({ length: 2 * jobs.length }, (_, i) => i + 1));
    expect(seen.at(-1)).toEqual([2 * jobs.length, 2 * jobs.length]);
  });

  it('a capacity search answers the same on two threads as on one', async () => {
    const serial = await capacitySearch(scenario, { vary: 'backends', group: null, evaluate: serialEvaluate() });
    const threaded = await capacitySearch(scenario, { vary: 'backends', group: null, evaluate: evaluateOn(executor) });
    expect(JSON.stringify(threaded)).toBe(JSON.stringify(serial));
  });

  it('an error in a run rejects the batch with its message', async () => {
    const bad = { scenario, choice: choice('no-such-strategy'), seed: 1 };
    await expect(evaluateOn(executor)([bad, bad])).rejects.toThrow(/no-such-strategy/);
  });
});
