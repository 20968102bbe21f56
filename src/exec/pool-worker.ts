/**
 * Entry of a pool worker thread (`pool.ts`, tinypool): runs one {@link RunJob} per call and returns
 * its summary (structured-cloned back to the pool, exactly). Keeps a few workload models by scenario
 * key, since a thread usually runs several jobs of one study point in a row. A thread has its own
 * module state, so a replayed trace the main thread loaded is loaded here too (`loadJobInputs`).
 */
import { loadJobInputs, ModelCache, runJob, type RunJob, type RunSummary } from './job.js';

const models = new ModelCache();

/** Runs one job in this worker thread (after loading a replayed trace into it, once per thread). */
export default async function run(job: RunJob): Promise<RunSummary> {
  await loadJobInputs(job);
  return runJob(job, models);
}
