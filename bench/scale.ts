/**
 * Scaling out (the execution layer, `src/exec/`): wall time of the same study run serially, on the
 * local worker-thread pool and through the Redis queue, each configuration in a fresh node process
 * (`--child`, one JSON line on stdout) so none inherits another's JIT state or threads.
 *
 *   run     `npm start`'s comparison — `sims/homogeneous.yaml`, every registered strategy — through
 *           `runScenarioOn` with `--parallel N` threads (1 = this thread; else this thread and
 *           N − 1 pool threads, as `lbsim run`): wall time from starting the pool threads to the
 *           results JSON, scenario loading and the threads' start and stop included;
 *   sweep   a sweep of `runs` runs (homogeneous, 4 strategies, `clients.rate` over runs/4 values)
 *           on the local pool (`--parallel N`) or on `--queue URL` (workers started by the caller,
 *           already connected, as in a cluster; the queue's connection is part of the timing).
 *
 * Every child also reports the SHA-256 of its results JSON: the section checks that all
 * configurations wrote the same bytes.
 *
 * Usage (internal): `node dist/bench/scale.js --child run|sweep [--parallel N | --queue URL]
 * [--duration T] [--runs R] [--seed S]`.
 */
import { createHash } from 'node:crypto';
import { sweepScenarios } from '../src/cli/sweep.js';
import { loadScenarioArg } from '../src/cli/scenario-file.js';
import type { Executor } from '../src/exec/executor.js';
import { createLocalExecutor } from '../src/exec/pool.js';
import { runScenarioOn } from '../src/exec/study.js';
import { runSweep } from '../src/exec/sweep.js';
import { isMain } from './proc.js';
import { taskTimes, threadWindows, type ThreadWindow } from './threads.js';

/** What a child reports. */
export interface ScaleChild {
  /** Wall time of the study (ms). */
  ms: number;
  /** CPU time of this process over the study, every thread (ms): the work, whatever the machine's load. */
  cpuMs: number;
  /** Distinct runs simulated. */
  runs: number;
  /** SHA-256 of the results JSON. */
  sha: string;
  /**
   * This thread and the pool's threads from the start to the study's end (before the pool is
   * closed): CPU, waiting for a core, idle (`threads.ts`; empty without schedstat).
   */
  threads: ThreadWindow[];
}

/** Strategies of the sweep measurement. */
export const SWEEP_STRATEGIES = 'round-robin,random,least-connections,p2c';

function arg(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

async function openExecutor(argv: readonly string[]): Promise<Executor> {
  const queue = arg(argv, '--queue');
  if (queue !== undefined) {
    const { parseRedisUrl } = await import('../src/exec/queue/target.js');
    const { QueueExecutor } = await import('../src/exec/queue/submit.js');
    return QueueExecutor.connect(parseRedisUrl(queue));
  }
  return createLocalExecutor(Number(arg(argv, '--parallel') ?? '1'));
}

async function child(argv: readonly string[]): Promise<ScaleChild> {
  const what = arg(argv, '--child');
  const duration = arg(argv, '--duration');
  const seed = arg(argv, '--seed');
  const overrides = { ...(duration ? { duration } : {}), ...(seed ? { seed } : {}) };
  let runs = 0;
  // as the CLI does: the pool threads (or the queue connection) first, then the scenario
  const tasks0 = taskTimes();
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let threads: ThreadWindow[] = [];
  const studyDone = (): void => {
    const poolThreads = arg(argv, '--queue') === undefined ? Number(arg(argv, '--parallel') ?? '1') - 1 : 0;
    threads = threadWindows(tasks0, taskTimes(), performance.now() - t0, poolThreads);
  };
  const executor = await openExecutor(argv);
  let json: string;
  try {
    if (what === 'run') {
      const scenario = await loadScenarioArg('homogeneous', overrides);
      json = JSON.stringify(await runScenarioOn(scenario, executor, (_d, t) => (runs = t)));
      studyDone();
    } else if (what === 'sweep') {
      const total = Number(arg(argv, '--runs') ?? '200');
      const points = Math.max(1, Math.round(total / 4));
      // 8000 req/s is 80 % of capacity; points from 40 % upwards in steps of 0.5 %
      const vary = `clients.rate=4000:${4000 + (points - 1) * 40}:40`;
      const { axes, scenarios } = await sweepScenarios('homogeneous', { vary: [vary], strategies: SWEEP_STRATEGIES, ...overrides });
      json = JSON.stringify(await runSweep(axes, scenarios, executor, (_d, t) => (runs = t)));
      studyDone();
    } else throw new Error(`--child: expected run or sweep, got ${String(what)}`);
  } finally {
    await executor.close();
  }
  const cpu = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, runs, sha: createHash('sha256').update(json).digest('hex'), threads };
}

if (isMain(import.meta.url) && process.argv.includes('--child')) {
  child(process.argv.slice(2)).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
