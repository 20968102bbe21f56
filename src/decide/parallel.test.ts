import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { choice, testScenario } from '../sim/test/fixture.js';
import { capacitySearch } from './capacity.js';
import { serialEvaluate, type RunJob } from './evaluate.js';
import { poolEvaluate } from './parallel.js';

/**
 * The compiled worker (`npm run build`, which `npm test` runs first). Without it (vitest alone on a
 * fresh checkout) the pool falls back to this thread and these tests check only the fallback.
 */
const COMPILED = new URL('../../dist/src/decide/evaluate-worker.js', import.meta.url);
const WORKER = existsSync(fileURLToPath(COMPILED)) ? COMPILED : undefined;
const THREADS = WORKER ? 2 : 1;

const scenario = testScenario({
  durationMs: 1_000,
  warmupMs: 100,
  replications: 2,
  clients: { process: { arrival: 'poisson', rate: 7_000 } },
  backends: [{ count: 10, service: { dist: 'exponential', mean: 1 } }],
  strategies: [choice('round-robin'), choice('least-connections'), choice('p2c')],
  slo: { p99Ms: 8 },
});

describe('poolEvaluate', () => {
  it('runs in this thread with one thread, or from source (no compiled worker beside the module)', async () => {
    expect(poolEvaluate(1, undefined, COMPILED).threads).toBe(1);
    expect(poolEvaluate(4).threads).toBe(1); // under vitest this module is the .ts source
  });

  it('worker threads give the same summaries, in job order, as this thread', async () => {
    const jobs: RunJob[] = scenario.strategies.flatMap((c) => [1, 2].map((seed) => ({ scenario, choice: c, seed })));
    const serial = await serialEvaluate()(jobs);
    const seen: number[] = [];
    const pool = poolEvaluate(2, (done) => seen.push(done), WORKER);
    try {
      expect(pool.threads).toBe(THREADS);
      const first = await pool.evaluate(jobs);
      const again = await pool.evaluate(jobs.slice().reverse()); // workers persist across batches
      expect(JSON.stringify(first)).toBe(JSON.stringify(serial));
      expect(JSON.stringify(again)).toBe(JSON.stringify(serial.slice().reverse()));
      expect(seen).toEqual(Array.from({ length: 2 * jobs.length }, (_, i) => i + 1));
    } finally {
      await pool.close();
    }
  });

  it('a capacity search answers the same on two threads as on one', async () => {
    const serial = await capacitySearch(scenario, { vary: 'backends', group: null, evaluate: serialEvaluate() });
    const pool = poolEvaluate(2, undefined, WORKER);
    try {
      const threaded = await capacitySearch(scenario, { vary: 'backends', group: null, evaluate: pool.evaluate });
      expect(JSON.stringify(threaded)).toBe(JSON.stringify(serial));
    } finally {
      await pool.close();
    }
  });

  it('an error in a run rejects the batch with its message', async () => {
    const pool = poolEvaluate(2, undefined, WORKER);
    try {
      const bad = { scenario, choice: choice('no-such-strategy'), seed: 1 };
      await expect(pool.evaluate([bad])).rejects.toThrow(/no-such-strategy/);
    } finally {
      await pool.close();
    }
  });
});
