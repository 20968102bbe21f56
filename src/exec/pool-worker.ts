/**
 * Entry of a pool worker thread (`pool.ts`, tinypool): runs one {@link RunJob} per call and returns
 * its summary (structured-cloned back to the pool, exactly). Keeps a few workload models by scenario
 * key, since a thread usually runs several jobs of one study point in a row.
 */
import { ModelCache, runJob, type RunJob, type RunSummary } from './job.js';

const models = new ModelCache();

/** Runs one job in this worker thread. */
export default function run(job: RunJob): RunSummary {
  return runJob(job, models);
}
