/**
 * `lbsim worker`: takes runs from the Redis queue (a BullMQ `Worker`) and simulates them on a local
 * pool of worker threads (`../pool.ts`), `concurrency` at a time. The simulations run off the main
 * thread so that BullMQ can renew the run's lock while it runs: a run longer than the lock would
 * otherwise be declared stalled. If this process dies, its runs' locks expire after
 * `stallTimeoutMs` and another worker's stalled-job check puts them back on the queue
 * (BullMQ `lockDuration`, `stalledInterval`, `maxStalledCount`: a run may stall once; a second time
 * it fails).
 *
 * Anything on the queue is checked before it runs: a run from another lbsim version or Node major
 * version is refused (the job fails, naming both), malformed data or a scenario that does not
 * validate fails the job with one line (`../check-job.ts`); a run that throws in its thread fails
 * its job; none of these stops the worker.
 */
import { UnrecoverableError, Worker, type Job, type RedisOptions as BullRedisOptions } from 'bullmq';
import { checkChoice, checkScenario } from '../check-job.js';
import { scenarioDigest } from '../hash.js';
import { PoolExecutor } from '../pool.js';
import { QUEUE_NAME, QUEUE_PREFIX, readQueuedRun, runReply, runtimeMismatch, thisRuntime } from './protocol.js';
import { probeRedis, type RedisTarget } from './target.js';

/** Options of {@link startWorker}. */
export interface WorkerOptions {
  /** Runs at a time (worker threads). */
  concurrency: number;
  /** Lock duration and stalled-check interval (ms): how soon a dead worker's runs are retried. */
  stallTimeoutMs: number;
  /** One line per note (start, refusals, failures; with `verbose`, every run). */
  log: (line: string) => void;
  /** Log every run's start and end. */
  verbose?: boolean;
  /** The lbsim version this worker runs as (default: this lbsim's). */
  version?: string;
  /** The Node major version this worker runs as (default: this process's). */
  node?: number;
}

/** A running worker. */
export interface RunningWorker {
  /** Runs finished, refused and failed so far. */
  readonly stats: { done: number; refused: number; failed: number };
  /** Stops taking runs, waits for the runs in progress, releases threads and connections. */
  close(): Promise<void>;
}

/** Starts a worker on the queue at `target` (checks that Redis answers first). */
export async function startWorker(target: RedisTarget, opts: WorkerOptions): Promise<RunningWorker> {
  await probeRedis(target);
  const runtime = thisRuntime(opts.version, opts.node);
  const pool = new PoolExecutor(opts.concurrency, undefined, true); // threads ready before the first run
  const stats = { done: 0, refused: 0, failed: 0 };
  // scenarios already checked, by content key (a study's runs share a few scenarios)
  const validScenarios = new Set<string>();
  const processor = async (job: Job): Promise<string> => {
    const read = readQueuedRun(job.data);
    if ('error' in read) {
      stats.failed++;
      opts.log(`run ${job.id}: ${read.error}`);
      throw new UnrecoverableError(read.error);
    }
    const why = runtimeMismatch(runtime, read.runtime);
    if (why !== null) {
      stats.refused++;
      opts.log(`run ${job.name}: ${why}`);
      throw new UnrecoverableError(why);
    }
    let key = '';
    let problem: string | null;
    try {
      key = scenarioDigest(read.job.scenario);
      problem = checkChoice(read.job.choice);
      if (problem === null && !validScenarios.has(key)) {
        problem = checkScenario(read.job.scenario);
        if (problem === null) {
          if (validScenarios.size >= 256) validScenarios.clear();
          validScenarios.add(key);
        }
      }
    } catch (e) {
      problem = e instanceof Error ? e.message : String(e);
    }
    if (problem !== null) {
      stats.failed++;
      const msg = `malformed job: ${problem}`;
      opts.log(`run ${job.id}: ${msg}`);
      throw new UnrecoverableError(msg);
    }
    const run = { ...read.job, scenarioKey: key };
    const t0 = performance.now();
    if (opts.verbose) opts.log(`run ${job.name} (${job.id!.slice(0, 12)}) started`);
    try {
      const summary = await pool.run(run);
      stats.done++;
      if (opts.verbose) opts.log(`run ${job.name} (${job.id!.slice(0, 12)}) done in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      return runReply(summary, runtime);
    } catch (e) {
      stats.failed++;
      const msg = e instanceof Error ? e.message : String(e);
      opts.log(`run ${job.name} (${job.id!.slice(0, 12)}) failed: ${msg}`);
      throw new UnrecoverableError(msg);
    }
  };
  const worker = new Worker(QUEUE_NAME, processor, {
    connection: { ...target.options, maxRetriesPerRequest: null } as BullRedisOptions,
    prefix: QUEUE_PREFIX,
    concurrency: opts.concurrency,
    lockDuration: opts.stallTimeoutMs,
    stalledInterval: opts.stallTimeoutMs,
    maxStalledCount: 1,
  });
  let lastError = '';
  worker.on('error', (e: Error) => {
    if (e.message !== lastError) opts.log(`redis ${target.display}: ${e.message} (retrying)`);
    lastError = e.message;
  });
  worker.on('ready', () => {
    if (lastError !== '') opts.log(`redis ${target.display}: connected again`);
    lastError = '';
  });
  await worker.waitUntilReady();
  return {
    stats,
    async close() {
      await worker.close();
      await pool.close();
    },
  };
}
