/**
 * Executors run batches of {@link RunJob}s: in this thread ({@link SerialExecutor}), on a pool of
 * worker threads (`pool.ts`) or on workers anywhere that share a Redis queue (`queue/submit.ts`).
 * Each job's summary is handed to the caller with the job's INDEX in the batch, in whatever order
 * runs finish; callers that assemble results do so by index (`study.ts`), so the output is the
 * same whatever the executor, the number of threads or of workers.
 */
import { loadJobInputs, ModelCache, runJob, type RunJob, type RunSummary } from './job.js';

/** Progress of a batch: runs finished and the batch's total. */
export type ProgressFn = (done: number, total: number) => void;

/** Runs batches of jobs; see the module header. */
export interface Executor {
  /** Human description for logs, e.g. `2 worker threads` or `redis://host:6379`. */
  readonly description: string;
  /**
   * Runs `jobs`; calls `sink(i, summary)` exactly once per job index (any order) and `progress`
   * after each; resolves when every job has been handed over. Rejects on the first failure.
   */
  execute(jobs: readonly RunJob[], sink: (index: number, summary: RunSummary) => void, progress?: ProgressFn): Promise<void>;
  /** Releases threads and connections; the executor cannot be used afterwards. */
  close(): Promise<void>;
}

/** Runs `jobs` and returns their summaries in job order. */
export async function runJobs(executor: Executor, jobs: readonly RunJob[], progress?: ProgressFn): Promise<RunSummary[]> {
  const out: (RunSummary | undefined)[] = new Array(jobs.length);
  await executor.execute(jobs, (i, s) => (out[i] = s), progress);
  return out as RunSummary[];
}

/** Yields to the event loop (progress redraws, signals) between runs of a serial batch. */
const yieldNow = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs jobs one after another in this thread (`--parallel 1`). */
export class SerialExecutor implements Executor {
  readonly description = 'this thread';
  private readonly models = new ModelCache();

  async execute(jobs: readonly RunJob[], sink: (index: number, summary: RunSummary) => void, progress?: ProgressFn): Promise<void> {
    for (let i = 0; i < jobs.length; i++) {
      await loadJobInputs(jobs[i]!);
      sink(i, runJob(jobs[i]!, this.models));
      progress?.(i + 1, jobs.length);
      await yieldNow();
    }
  }

  async close(): Promise<void> {}
}
