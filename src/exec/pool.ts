/**
 * Local parallelism on worker threads (tinypool, the pool vitest grew: threads reused across
 * batches, each task's data structured-cloned, which copies every number exactly). `--parallel N`
 * sets how many threads run simulations; the default is the machine's core count
 * (`os.availableParallelism`).
 *
 * {@link LocalExecutor} (what the CLI uses) runs jobs on this thread AND on N − 1 pool threads: a
 * thread costs its own module loading and JIT warm-up (about 0.3–0.4 s of CPU here, a large share of
 * a typical study), so the thread that is already warm works too, and starts at once while the
 * pool threads boot. This thread runs its own runs in slices (`runJobSliced`), yielding to the
 * event loop every few milliseconds, so the pool's results are received and its next runs handed
 * out while this thread simulates: a pool thread never waits for this thread's run to end (it did,
 * when this thread ran a run in one go: a pool thread with its runs done sat idle for up to a whole
 * run of this thread, a third of the pool thread's time on `npm start`'s comparison). Each pool
 * thread is handed two runs at a time (one near the end of a batch, so that no thread holds a
 * second run while the other has nothing left to do).
 * {@link PoolExecutor} runs everything on pool threads and keeps this thread free: the queue
 * worker needs that, to renew its runs' locks while they run.
 *
 * The worker script is the build's bundle of `pool-worker.ts` ({@link poolWorkerPath}), also when
 * this module runs from its TypeScript source (under a test runner); without a build,
 * {@link createLocalExecutor} falls back to running in this thread.
 *
 * At most two jobs per pool thread are handed to the pool at a time, so a huge batch never sits
 * cloned in the pool's queue, and the first failure stops the dispatch.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import { SerialExecutor, whenAborted, type Executor, type ProgressFn } from './executor.js';
import { loadJobInputs, ModelCache, runJobSliced, type RunJob, type RunSummary } from './job.js';

/**
 * Path of the pool worker, or null when there is none (see the module header): the one-file bundle
 * the build makes of `pool-worker.js` and everything it imports (`dist/pool-worker.js`, rolldown),
 * else the compiled module itself. A thread loads the bundle in about half the CPU time of the ~100
 * modules it replaces (0.14 s against 0.29 s measured here), and every pool thread pays that once.
 */
export function poolWorkerPath(): string | null {
  const candidates = [
    new URL('../../pool-worker.js', import.meta.url), // dist/src/exec → dist/pool-worker.js
    new URL('../../dist/pool-worker.js', import.meta.url), // src/exec (from source) → dist/pool-worker.js
    new URL('./pool-worker.js', import.meta.url),
    new URL('../../dist/src/exec/pool-worker.js', import.meta.url),
  ];
  for (const url of candidates) {
    const path = fileURLToPath(url);
    if (existsSync(path)) return path;
  }
  return null;
}

/** The default pool size: the number of cores Node reports. */
export function defaultParallelism(): number {
  return availableParallelism();
}

/** Runs jobs on worker threads; see the module header. */
export class PoolExecutor implements Executor {
  readonly description: string;
  private readonly pool: Tinypool;

  /**
   * @param size threads at most
   * @param workerPath compiled worker script (default {@link poolWorkerPath})
   * @param eager start every thread now (a long-lived worker) rather than on demand
   */
  constructor(
    readonly size: number,
    workerPath: string | null = poolWorkerPath(),
    eager = false,
  ) {
    if (workerPath === null) throw new Error('no compiled pool worker (run `npm run build`)');
    this.description = `${size} worker thread${size === 1 ? '' : 's'}`;
    this.pool = new Tinypool({ filename: workerPath, minThreads: eager ? size : 0, maxThreads: size, idleTimeout: 60_000 });
  }

  /** Runs one job on a pool thread. */
  run(job: RunJob): Promise<RunSummary> {
    return this.pool.run(job) as Promise<RunSummary>;
  }

  execute(jobs: readonly RunJob[], sink: (index: number, summary: RunSummary) => void, progress?: ProgressFn, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const window = this.size * 2;
      let next = 0;
      let done = 0;
      let failed = false;
      // aborted: no more runs handed out or delivered; the runs in progress end with the pool
      const onAbort = (): void => {
        failed = true;
        resolve();
      };
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      const finish = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const dispatch = (): void => {
        while (!failed && next < jobs.length && next - done < window) {
          const i = next++;
          this.run(jobs[i]!).then(
            (summary: RunSummary) => {
              if (failed) return;
              sink(i, summary);
              done++;
              progress?.(done, jobs.length);
              if (done === jobs.length) finish();
              else dispatch();
            },
            (e: unknown) => {
              if (failed) return;
              failed = true;
              signal?.removeEventListener('abort', onAbort);
              reject(e instanceof Error ? e : new Error(String(e)));
            },
          );
        }
      };
      if (jobs.length === 0) finish();
      else dispatch();
    });
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/** Yields to the event loop (pool results, progress redraws, signals). */
const yieldNow = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const asError = (e: unknown): Error => (e instanceof Error ? e : new Error(String(e)));

/** Runs jobs on this thread and `parallel − 1` pool threads; see the module header. */
export class LocalExecutor implements Executor {
  readonly description: string;
  private readonly pool: Tinypool;
  private readonly models = new ModelCache();

  /**
   * @param parallel threads running simulations, this one included (≥ 2); the pool threads start now
   * @param workerPath compiled worker script
   */
  constructor(
    readonly parallel: number,
    workerPath: string,
  ) {
    this.description = `${parallel} threads`;
    const threads = parallel - 1;
    this.pool = new Tinypool({ filename: workerPath, minThreads: threads, maxThreads: threads, concurrentTasksPerWorker: 2, idleTimeout: 60_000 });
  }

  async execute(jobs: readonly RunJob[], sink: (index: number, summary: RunSummary) => void, progress?: ProgressFn, signal?: AbortSignal): Promise<void> {
    const threads = this.parallel - 1;
    const stopped = (): boolean => signal?.aborted === true;
    let next = 0;
    let done = 0;
    let failed: Error | null = null;
    const finished = (i: number, summary: RunSummary): void => {
      sink(i, summary);
      done++;
      progress?.(done, jobs.length);
    };
    const inPool = new Set<Promise<void>>();
    const fill = (): void => {
      // two runs per pool thread while there is plenty left; one each near the end, so no thread
      // holds a second run while the others have nothing to do
      const cap = jobs.length - next > this.parallel * 2 ? threads * 2 : threads;
      while (failed === null && !stopped() && next < jobs.length && inPool.size < cap) {
        const i = next++;
        const task: Promise<void> = (this.pool.run(jobs[i]) as Promise<RunSummary>)
          .then(
            (summary) => {
              if (failed === null && !stopped()) finished(i, summary);
            },
            (e: unknown) => {
              failed ??= asError(e);
            },
          )
          .finally(() => {
            inPool.delete(task);
            fill();
          });
        inPool.add(task);
      }
    };
    while (failed === null && !stopped() && next < jobs.length) {
      const i = next++; // this thread's next run, then the pool's
      fill();
      try {
        await loadJobInputs(jobs[i]!);
        if (stopped()) break;
        const summary = await runJobSliced(jobs[i]!, this.models, yieldNow, undefined, signal);
        if (summary === null) break; // aborted: the run in progress is dropped
        finished(i, summary);
      } catch (e) {
        failed ??= asError(e);
      }
      await yieldNow();
    }
    // aborted: the pool's runs in progress are not waited for (close() stops their threads)
    const { aborted, release } = whenAborted(signal);
    try {
      while (inPool.size > 0 && !stopped()) await Promise.race([aborted, ...inPool]);
    } finally {
      release();
    }
    if (failed !== null && !stopped()) throw failed;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/**
 * The local executor for `parallel` threads: this thread alone for 1 (or when no compiled worker
 * exists), else a {@link LocalExecutor}.
 */
export function createLocalExecutor(parallel: number = defaultParallelism()): Executor {
  const path = parallel > 1 ? poolWorkerPath() : null;
  return path === null ? new SerialExecutor() : new LocalExecutor(parallel, path);
}
