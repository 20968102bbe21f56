/**
 * The execution layer's determinism: a study gives byte-identical JSON in this thread, on a pool of
 * 1, 2 or 3 worker threads, and (queue.test.ts) through Redis — equal to the serial `runScenario`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { SerialExecutor, runJobs, type Executor } from './executor.js';
import { LocalExecutor, PoolExecutor, poolWorkerPath } from './pool.js';
import { runScenarioOn, runStudy, runStudyUntil } from './study.js';
import { gridCoordinates, runSweep } from './sweep.js';
import { runScenario } from '../sim/run.js';
import { withValue } from '../sim/sweep-path.js';
import { choice, testScenario } from '../sim/test/fixture.js';
import type { RunJob, RunSummary } from './job.js';

const small = testScenario({
  durationMs: 2_000,
  warmupMs: 200,
  intervalMs: 500,
  replications: 2,
  clients: { process: { arrival: 'poisson', rate: 3000 } },
  backends: [{ count: 4 }],
  strategies: [choice('round-robin'), choice('p2c'), choice('p2c', { draws: 3 }, 'p2c-d3'), choice('least-connections')],
});

/** An executor that counts the runs it is given. */
class Counting implements Executor {
  readonly description = 'counting';
  runs = 0;
  private readonly inner = new SerialExecutor();
  execute(jobs: readonly RunJob[], sink: (i: number, s: RunSummary) => void, progress?: (d: number, t: number) => void): Promise<void> {
    this.runs += jobs.length;
    return this.inner.execute(jobs, sink, progress);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const pools: Executor[] = [];
afterAll(async () => {
  for (const p of pools) await p.close();
});

describe('runStudyUntil: a study a signal interrupts (Ctrl-C)', () => {
  it('keeps the strategies whose every replication arrived, equal to the whole run\'s entries; the executors stop handing out runs', async () => {
    const whole = runScenario(small);
    const worker = poolWorkerPath()!;
    const local = new LocalExecutor(2, worker);
    const pool = new PoolExecutor(2);
    pools.push(local, pool);
    for (const executor of [new SerialExecutor(), local, pool]) {
      const controller = new AbortController();
      // abort once 5 of the 8 runs (4 strategies × 2 replications) have arrived, in whatever order:
      // at least one strategy is whole, at most two
      const out = await runStudyUntil([small], executor, controller.signal, (d) => d >= 5 && controller.abort());
      expect(out.interrupted, executor.description).toBe(true);
      expect(out.runs.total).toBe(8);
      expect(out.runs.done).toBe(5);
      const file = out.files[0]!;
      expect(file.results.length).toBeGreaterThanOrEqual(1);
      expect(file.results.length).toBeLessThanOrEqual(2);
      for (const r of file.results) expect(JSON.stringify(r)).toBe(JSON.stringify(whole.results.find((w) => w.strategy === r.strategy)));
    }
  });

  it('an aborted signal runs nothing; no signal gives runStudy\'s files', async () => {
    const controller = new AbortController();
    controller.abort();
    const none = await runStudyUntil([small], new SerialExecutor(), controller.signal);
    expect(none).toEqual({ files: [null], interrupted: true, runs: { done: 0, total: 8 } });
    const all = await runStudyUntil([small], new SerialExecutor(), undefined);
    expect(all.interrupted).toBe(false);
    expect(JSON.stringify(all.files[0])).toBe(JSON.stringify(runScenario(small)));
  });
});

describe('runStudy', () => {
  const serial = JSON.stringify(runScenario(small));

  it('in this thread: byte-identical to runScenario; progress counts runs', async () => {
    const calls: number[] = [];
    const r = await runScenarioOn(small, new SerialExecutor(), (d, t) => calls.push(d / t));
    expect(JSON.stringify(r)).toBe(serial);
    expect(calls).toHaveLength(8);
    expect(calls.at(-1)).toBe(1);
  });

  it('pool output equals serial output: 1, 2 and 3 pool threads, and this thread with 1 or 2 pool threads, give the same JSON as runScenario', async () => {
    const worker = poolWorkerPath();
    expect(worker, 'the compiled pool worker (npm run build)').not.toBeNull();
    for (const executor of [new PoolExecutor(1), new PoolExecutor(2), new PoolExecutor(3), new LocalExecutor(2, worker!), new LocalExecutor(3, worker!)]) {
      pools.push(executor);
      expect(JSON.stringify(await runScenarioOn(small, executor)), executor.description).toBe(serial);
    }
  });

  it('this thread and pool threads share a batch: every run once, summaries in job order, failures reject', async () => {
    const local = new LocalExecutor(2, poolWorkerPath()!);
    pools.push(local);
    const jobs: RunJob[] = Array.from({ length: 9 }, (_, k) => ({ scenario: small, choice: choice(k % 2 ? 'p2c' : 'random'), seed: k + 1 }));
    const seen: number[] = [];
    const out = await runJobs(local, jobs, (d) => seen.push(d));
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(JSON.stringify(out)).toBe(JSON.stringify(await runJobs(new SerialExecutor(), jobs)));
    const bad = { scenario: small, choice: { name: 'no-such-strategy', label: 'x', options: {} }, seed: 1 };
    await expect(runJobs(local, [jobs[0]!, bad, jobs[1]!, bad])).rejects.toThrow(/no-such-strategy/);
  });

  it('a pool is reusable across batches and returns summaries in job order (runJobs)', async () => {
    const pool = new PoolExecutor(2);
    pools.push(pool);
    const jobs: RunJob[] = [1, 2, 3].map((seed) => ({ scenario: small, choice: choice('p2c'), seed }));
    const first = await runJobs(pool, jobs);
    const again = await runJobs(pool, [...jobs].reverse());
    expect(JSON.stringify(again)).toBe(JSON.stringify([...first].reverse()));
    expect(JSON.stringify(first)).toBe(JSON.stringify(await runJobs(new SerialExecutor(), jobs)));
  });

  it('a failing run rejects the batch with its message', async () => {
    const pool = new PoolExecutor(2);
    pools.push(pool);
    const bad = { scenario: small, choice: { name: 'no-such-strategy', label: 'x', options: {} }, seed: 1 };
    await expect(runJobs(pool, [bad])).rejects.toThrow(/no-such-strategy/);
    await expect(runJobs(new SerialExecutor(), [bad])).rejects.toThrow(/no-such-strategy/);
  });

  it('runs each distinct run once: a grid over one strategy option does not rerun the other strategies', async () => {
    const points = [2, 3, 4].map((d) => ({ ...small, strategies: [choice('round-robin'), choice('p2c', { draws: d })] }));
    const counting = new Counting();
    const files = await runStudy(points, counting);
    expect(counting.runs).toBe(2 /* round-robin × 2 replications */ + 3 * 2 /* p2c at 3 settings × 2 */);
    files.forEach((f, i) => expect(JSON.stringify(f)).toBe(JSON.stringify(runScenario(points[i]!))));
  });
});

describe('runSweep', () => {
  it('a grid: row-major points carrying their coordinates, equal to separate runs, on a pool as in this thread', async () => {
    const one = { ...small, replications: 1, strategies: [choice('round-robin'), choice('p2c')] };
    const axes = [
      { key: 'clients.rate', values: [1000, 3000] },
      { key: 'backends.0.count', values: [4, 8, 16] },
    ];
    const coords = gridCoordinates(axes);
    expect(coords).toEqual([
      [1000, 4],
      [1000, 8],
      [1000, 16],
      [3000, 4],
      [3000, 8],
      [3000, 16],
    ]);
    const scenarios = coords.map(([rate, count]) => withValue(withValue(one, 'clients.rate', rate as number), 'backends.0.count', count as number));
    const pool = new PoolExecutor(2);
    pools.push(pool);
    const r = await runSweep(axes, scenarios, pool);
    expect(JSON.stringify(await runSweep(axes, scenarios, new SerialExecutor()))).toBe(JSON.stringify(r));
    expect(r.results).toEqual([]);
    expect(r.sweep!.key).toBe('clients.rate');
    expect(r.sweep!.axes).toEqual(axes);
    expect(r.sweep!.points.map((p) => [p.value, ...p.at!])).toEqual(coords.map((c) => [c[0], ...c]));
    expect(r.sweep!.points.map((p) => p.load)).toEqual([0.25, 0.125, 0.0625, 0.75, 0.375, 0.1875]);
    expect(JSON.stringify(r.sweep!.points[4]!.results)).toBe(JSON.stringify(runScenario(scenarios[4]!).results));
    expect(r.warnings).toEqual([]);
    const over = await runSweep([{ key: 'clients.rate', values: [5000] }], [withValue(one, 'clients.rate', 5000)], new SerialExecutor());
    expect(over.warnings[0]).toMatch(/^clients\.rate=5000: offered load/);
  });
});
