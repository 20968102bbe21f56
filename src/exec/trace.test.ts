/**
 * Replayed traces (`arrival: trace`) on the local executors: a pool thread has its own module
 * state, so it loads the trace itself before its first run of it; the results equal the serial
 * `runScenario`'s. The job check accepts a trace scenario when it can reach this machine's files
 * and refuses it (one line) when it cannot, as a queue worker does.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { formatLines, generate, tempDir, type SyntheticSpec } from '../interop/logs/testing.js';
import { filesIn, parseScenario } from '../scenario/document.js';
import { preloadTraces } from '../sim/model/trace-load.js';
import { runScenario } from '../sim/run.js';
import { checkJob } from './check-job.js';
import { SerialExecutor } from './executor.js';
import { LocalExecutor, PoolExecutor, poolWorkerPath } from './pool.js';
import { runScenarioOn } from './study.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

const SPEC: SyntheticSpec = {
  seed: 9,
  rate: 60,
  durationS: 30,
  servers: [
    { name: 's1', workers: 2 },
    { name: 's2', workers: 2 },
  ],
  service: { dist: 'exponential', mean: 5 },
  keys: { count: 200, exponent: 1 },
};
const log = tmp.write('trace.log', formatLines(generate(SPEC), SPEC, 'haproxy'));
const scenario = parseScenario(
  {
    seed: 5,
    duration: '20s',
    warmup: '2s',
    replications: 2,
    clients: { arrival: 'trace', file: log, format: 'haproxy', attributes: ['key'] },
    backends: [{ count: 3, workers: 1, service: { dist: 'exponential', mean: '3ms' } }],
    strategies: ['round-robin', 'p2c', 'consistent-hash'],
  },
  'trace.yaml',
);

describe('a replayed trace on the local executors', () => {
  it('pool threads load the trace themselves: 2 pool threads and this thread + 1 give the serial JSON', async () => {
    await preloadTraces(scenario); // this thread, as the CLI does
    const serial = JSON.stringify(runScenario(scenario));
    expect(JSON.stringify(await runScenarioOn(scenario, new SerialExecutor()))).toBe(serial);
    const worker = poolWorkerPath();
    expect(worker, 'the compiled pool worker (npm run build)').not.toBeNull();
    for (const executor of [new PoolExecutor(2), new LocalExecutor(2, worker!)]) {
      try {
        expect(JSON.stringify(await runScenarioOn(scenario, executor)), executor.description).toBe(serial);
      } finally {
        await executor.close();
      }
    }
  });

  it('checkJob: accepted with this machine\'s files, refused in one line without them (a queue worker)', () => {
    const job = { scenario, choice: scenario.strategies[0]!, seed: 1 };
    expect(checkJob(job, filesIn('.'))).toBeNull();
    const refused = checkJob(job);
    expect(refused).toMatch(/^scenario: clients\.file: /);
    expect(refused).not.toContain('\n');
  });
});
