/**
 * Local parallelism: runs on a pool of worker threads (tinypool, the pool vitest grew: threads
 * started on demand up to the size and reused across batches, each task's data structured-cloned,
 * which copies every number exactly). `--parallel N` sets the size; the default is the machine's
 * core count (`os.availableParallelism`).
 *
 * The worker script is the compiled `pool-worker.js` beside this module. When this module runs from
 * its TypeScript source (under a test runner), the compiled worker in the repository's `dist/` is
 * used if it exists ({@link poolWorkerPath}); without one, {@link createLocalExecutor} falls back to
 * running in this thread.
 *
 * At most two jobs per thread are handed to the pool at a time, so a huge batch never sits cloned in
 * the pool's queue, and the first failure stops the dispatch.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import { SerialExecutor, type Executor, type ProgressFn } from './executor.js';
import type { RunJob, RunSummary } from './job.js';

/** Path of the compiled pool worker, or null when there is none (see the module header). */
export function poolWorkerPath(): string | null {
  const candidates = [new URL('./pool-worker.js', import.meta.url), new URL('../../dist/src/exec/pool-worker.js', import.meta.url)];
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
   */
  constructor(
    readonly size: number,
    workerPath: string | null = poolWorkerPath(),
  ) {
    if (workerPath === null) throw new Error('no compiled pool worker (run `npm run build`)');
    this.description = `${size} worker thread${size === 1 ? '' : 's'}`;
    this.pool = new Tinypool({ filename: workerPath, minThreads: 0, maxThreads: size, idleTimeout: 60_000 });
  }

  /** Runs one job on a pool thread. */
  run(job: RunJob): Promise<RunSummary> {
    return this.pool.run(job) as Promise<RunSummary>;
  }

  execute(jobs: readonly RunJob[], sink: (index: number, summary: RunSummary) => void, progress?: ProgressFn): Promise<void> {
    return new Promise((resolve, reject) => {
      const window = this.size * 2;
      let next = 0;
      let done = 0;
      let failed = false;
      const dispatch = (): void => {
        while (!failed && next < jobs.length && next - done < window) {
          const i = next++;
          this.run(jobs[i]!).then(
            (summary: RunSummary) => {
              if (failed) return;
              sink(i, summary);
              done++;
              progress?.(done, jobs.length);
              if (done === jobs.length) resolve();
              else dispatch();
            },
            (e: unknown) => {
              if (failed) return;
              failed = true;
              reject(e instanceof Error ? e : new Error(String(e)));
            },
          );
        }
      };
      if (jobs.length === 0) resolve();
      else dispatch();
    });
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}

/**
 * The local executor for `parallel` threads: this thread for 1 (or when no compiled worker exists),
 * else a {@link PoolExecutor}.
 */
export function createLocalExecutor(parallel: number = defaultParallelism()): Executor {
  const path = parallel > 1 ? poolWorkerPath() : null;
  return path === null ? new SerialExecutor() : new PoolExecutor(parallel, path);
}
