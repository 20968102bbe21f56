/**
 * The execution layer's public interface: run plans and where they run. A batch of {@link RunJob}s
 * (scenario by value, strategy, seed) goes to an {@link Executor} — this thread, this thread and a
 * worker-thread pool, a pool alone, or (`./queue/index.ts`, loaded separately because it brings
 * BullMQ and ioredis) a Redis queue — and comes back as summaries in job order (`runJobs`); studies
 * and grid sweeps are assembled from them into results files in a fixed order.
 */
export { runJob, ModelCache, type RunJob, type RunSummary } from './job.js';
export { runJobs, SerialExecutor, type Executor, type ProgressFn } from './executor.js';
export { createLocalExecutor, defaultParallelism, LocalExecutor, PoolExecutor, poolWorkerPath } from './pool.js';
export { MAX_STUDY_RUNS, planStudy, runScenarioOn, runStudy, studyRuns, type StudyPlan } from './study.js';
export { gridCoordinates, pointLabel, runSweep, sweepFile } from './sweep.js';
export { jobHash, runKey, scenarioDigest } from './hash.js';
