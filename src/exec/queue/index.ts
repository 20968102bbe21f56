/**
 * The distributed queue (BullMQ on Redis): the submitting side ({@link QueueExecutor}, an
 * `Executor`), the worker side (`startWorker`, what `lbsim worker` runs) and the address parser.
 */
export { QueueExecutor, type QueueExecutorOptions } from './submit.js';
export { startWorker, type RunningWorker, type WorkerOptions } from './worker.js';
export { parseRedisUrl, probeRedis, type RedisTarget } from './target.js';
