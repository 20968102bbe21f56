/**
 * Executors run batches of {@link RunJob}s: in this thread ({@link SerialExecutor}), on a pool of
 * worker threads (`pool.ts`) or on workers anywhere that share a Redis queue (`queue/submit.ts`).
 * Each job's summary is handed to the caller with the job's INDEX in the batch, in whatever order
 * runs finish; callers that assemble results do so by index (`study.ts`), so the output is the
 * same whatever the executor, the number of threads or of workers.
 */
import { loadJobInputs, ModelCache, runJobSliced, type RunJob, type RunSummary } from './job.js';

/** Progress of a batch: runs finished and the batch's total. */
export type ProgressFn = (done: number, total: number) => void;

/** Runs batches of jobs; see the module header. */
export interface Executor {
  /** Human description for logs, e.g. `2 worker threads` or `redis://host:6379`. */
  readonly description: string;
  /**
   * Runs `jobs`; calls `sink(i, summary)` exactly once per job index (any order) and `progress`
   * after each; resolves when every job has been handed over. Rejects on the first failure.
   * When `signal` aborts (Ctrl-C), it hands out no more runs and resolves soon after, without
   * waiting for the runs in progress: the jobs not handed to `sink` by then never are (their
   * threads are stopped by {@link Executor.close}; a queue keeps them for a later submission).
   */
  execute(jobs: readonly RunJob[], sink: (index: number, summary: RunSummary) => void, progress?: ProgressFn, signal?: AbortSignal): Promise<void>;
  /** Releases threads and connections; the executor cannot be used afterwards. */
  close(): Promise<void>;
}

/** Runs `jobs` and returns their summaries in job order (with holes when `signal` aborted). */
export async function runJobs(executor: Executor, jobs: readonly RunJob[], progress?: ProgressFn, signal?: AbortSignal): Promise<RunSummary[]> {
  const out: (RunSummary | undefined)[] = new Array(jobs.length);
  await executor.execute(jobs, (i, s) => (out[i] = s), progress, signal);
  return out as RunSummary[];
}

/**
 * A promise that resolves when `signal` aborts (never without one), and a function that drops the
 * listener once the race it joins is over.
 */
export function whenAborted(signal: AbortSignal | undefined): { aborted: Promise<void>; release: () => void } {
  if (!signal) return { aborted: new Promise<void>(() => {}), release: () => {} };
  let release = (): void => {};
  const aborted = new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const on = (): void => resolve();
    signal.addEventListener('abort', on, { once: true });
    release = () => signal.removeEventListener('abort', on);
  });
  return { aborted, release };
}

/** Yields to the event loop (progress redraws, signals, a parent gone: `src/cli/launch.ts`). */
const yieldNow = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs jobs one after another in this thread (`--parallel 1`), each in slices (`runJobSliced`) so
 * that a signal is seen within milliseconds: Ctrl-C drops the run in progress.
 */
export class SerialExecutor implements Executor {
  readonly description = 'this thread';
  private readonly models = new ModelCache();

  async execute(jobs: readonly RunJob[], sink: (index: number, summary: RunSummary) => void, progress?: ProgressFn, signal?: AbortSignal): Promise<void> {
    const stopped = (): boolean => signal?.aborted === true;
    for (let i = 0; i < jobs.length && !stopped(); i++) {
      await loadJobInputs(jobs[i]!);
      if (stopped()) break;
      const summary = await runJobSliced(jobs[i]!, this.models, yieldNow, undefined, signal);
      if (summary === null) break;
      sink(i, summary);
      progress?.(i + 1, jobs.length);
      await yieldNow();
    }
  }

  async close(): Promise<void> {}
}
