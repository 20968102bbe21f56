/**
 * The distributed executor: every run of a batch becomes a BullMQ job on Redis (id = the run's
 * content hash, `protocol.ts`), `lbsim worker` processes anywhere take them, and the results come
 * back through BullMQ's event stream (`QueueEvents`, `Job.waitUntilFinished`). The batch's
 * summaries are handed over by job index, so the assembled results are byte-identical to a local
 * run whatever the number of workers or the order they finish in.
 *
 * - Runs already finished (a study submitted again, a sweep sharing points with an earlier one)
 *   are read back, not simulated again; runs that failed earlier are retried; a run listed twice
 *   in one batch is one job.
 * - A worker that dies mid-run loses its lock; BullMQ's stalled-job check on another worker puts the
 *   run back on the queue, where it runs again; its result is taken once, when the job completes.
 * - The event listener starts from the event stream's last entry before the jobs are added, and
 *   `waitUntilFinished` checks each job's state once listening, so no completion is missed.
 * - Redis unreachable at the start: an error naming the address and the reason (`target.ts`).
 *   Lost for longer than `lostAfterMs` during a batch: the batch fails the same way. Runs left
 *   on the queue by an interrupted batch are finished by the workers and reused by the next
 *   submission.
 */
import { Job, Queue, QueueEvents, type ConnectionOptions, type RedisOptions as BullRedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { InputError } from '../../input/errors.js';
import { whenAborted, type Executor, type ProgressFn } from '../executor.js';
import { jobHash } from '../hash.js';
import type { RunJob, RunSummary } from '../job.js';
import { KEEP_FAILED, KEEP_FINISHED, QUEUE_NAME, QUEUE_PREFIX, queuedRun, readRunReply, runName, runtimeName, thisRuntime, type Runtime } from './protocol.js';
import { probeRedis, unreachable, type RedisTarget } from './target.js';

/** Options of {@link QueueExecutor}. */
export interface QueueExecutorOptions {
  /** The lbsim version runs are submitted as (default: this lbsim's). */
  version?: string;
  /** The Node major version runs are submitted as (default: this process's). */
  node?: number;
  /** Fail a batch when Redis has been unreachable this long (ms; default 30 s). */
  lostAfterMs?: number;
  /** Where to write one-line notes (runs submitted, reused, workers connected). */
  log?: (line: string) => void;
}

const ADD_CHUNK = 500;

/** Runs batches on the Redis queue; see the module header. */
export class QueueExecutor implements Executor {
  readonly description: string;
  private readonly queue: Queue;
  private readonly control: Redis;
  private readonly connection: ConnectionOptions;
  private readonly runtime: Runtime;
  private lastError = '';

  private constructor(
    private readonly target: RedisTarget,
    private readonly opts: QueueExecutorOptions,
  ) {
    this.description = target.display;
    this.runtime = thisRuntime(opts.version, opts.node);
    this.connection = { ...target.options, maxRetriesPerRequest: null } as BullRedisOptions;
    this.queue = new Queue(QUEUE_NAME, { connection: this.connection, prefix: QUEUE_PREFIX });
    this.queue.setMaxListeners(0); // one 'closing' listener per waiting job (Job.waitUntilFinished)
    this.queue.on('error', (e: Error) => (this.lastError = e.message));
    this.control = new Redis({ ...target.options, maxRetriesPerRequest: null });
    this.control.on('error', (e: Error) => (this.lastError = e.message));
  }

  /** Checks that Redis answers (clear error otherwise), then connects. */
  static async connect(target: RedisTarget, opts: QueueExecutorOptions = {}): Promise<QueueExecutor> {
    await probeRedis(target);
    return new QueueExecutor(target, opts);
  }

  async execute(jobs: readonly RunJob[], sink: (index: number, summary: RunSummary) => void, progress?: ProgressFn, signal?: AbortSignal): Promise<void> {
    if (jobs.length === 0 || signal?.aborted) return;
    const byHash = new Map<string, number[]>();
    for (let i = 0; i < jobs.length; i++) {
      const h = jobHash(jobs[i]!, runtimeName(this.runtime));
      const list = byHash.get(h);
      if (list) list.push(i);
      else byHash.set(h, [i]);
    }
    const hashes = [...byHash.keys()];
    // Redis lost for too long fails the batch wherever it is waiting
    let watchdog: NodeJS.Timeout | undefined;
    const lost = new Promise<never>((_, reject) => {
      let downSince = 0;
      const lostAfter = this.opts.lostAfterMs ?? 30_000;
      watchdog = setInterval(() => {
        if (this.control.status === 'ready') downSince = 0;
        else if (downSince === 0) downSince = Date.now();
        else if (Date.now() - downSince > lostAfter) {
          reject(unreachable(this.target, `lost the connection for ${Math.round(lostAfter / 1000)} s (${this.lastError || this.control.status})`));
        }
      }, 250);
    });
    let events: QueueEvents | undefined;
    // aborted (Ctrl-C): stop waiting; the queued runs stay on the queue (workers finish them, and a
    // later submission of the same runs reuses them), and nothing more reaches `sink`
    let stopped = false;
    const { aborted, release } = whenAborted(signal);
    const batch = this.runBatch(jobs, byHash, hashes, (i, s) => void (stopped || sink(i, s)), (d, t) => void (stopped || progress?.(d, t)), (e) => (events = e));
    try {
      await Promise.race([lost, batch, aborted]);
    } finally {
      if (signal?.aborted) {
        stopped = true;
        batch.catch(() => {}); // it ends when the connections close
      }
      release();
      clearInterval(watchdog);
      if (events) await bounded(events.close());
    }
  }

  private async runBatch(
    jobs: readonly RunJob[],
    byHash: Map<string, number[]>,
    hashes: readonly string[],
    sink: (index: number, summary: RunSummary) => void,
    progress: ProgressFn | undefined,
    opened: (events: QueueEvents) => void,
  ): Promise<void> {
    const tip = await this.control.xrevrange(this.queue.keys['events']!, '+', '-', 'COUNT', 1);
    const events = new QueueEvents(QUEUE_NAME, { connection: this.connection, prefix: QUEUE_PREFIX, lastEventId: tip[0]?.[0] ?? '0-0' });
    opened(events);
    events.setMaxListeners(0);
    events.on('error', (e: Error) => (this.lastError = e.message));
    await events.waitUntilReady();
    // before adding: a run that fails from now on fails this batch, it is not retried
    const reused = await this.retryFailed(hashes);
    const added: Job[] = [];
    for (let k = 0; k < hashes.length; k += ADD_CHUNK) {
      const chunk = hashes.slice(k, k + ADD_CHUNK);
      added.push(
        ...(await this.queue.addBulk(
          chunk.map((h) => {
            const job = jobs[byHash.get(h)![0]!]!;
            return {
              name: runName(job),
              data: queuedRun(job, this.runtime),
              opts: { jobId: h, attempts: 1, removeOnComplete: KEEP_FINISHED, removeOnFail: KEEP_FAILED },
            };
          }),
        )),
      );
    }
    const workers = await this.queue.getWorkersCount().then(
      (n) => plural(n, 'worker'),
      () => 'an unknown number of workers',
    );
    this.opts.log?.(
      `queue ${this.target.display}: ${plural(hashes.length, 'run')}${reused > 0 ? ` (${reused} already finished, reused)` : ''}; ${workers} connected`,
    );
    let done = 0;
    await new Promise<void>((resolve, reject) => {
      for (const job of added) {
        const indices = byHash.get(job.id!)!;
        job.waitUntilFinished(events).then(
          (value: unknown) => {
            let summary: RunSummary;
            try {
              summary = readRunReply(value, this.runtime);
            } catch (e) {
              reject(new Error(`run ${job.name} (${job.id}): ${(e as Error).message}`));
              return;
            }
            indices.forEach((idx, k) => sink(idx, k === 0 ? summary : structuredClone(summary)));
            done += indices.length;
            progress?.(done, jobs.length);
            if (done === jobs.length) resolve();
          },
          (e: unknown) => reject(this.failure(job, e)),
        );
      }
    });
  }

  /**
   * Puts runs that failed in an earlier submission back on the queue (called before this batch adds
   * its jobs, so a run refused now is not retried); returns how many are already finished.
   */
  private async retryFailed(hashes: readonly string[]): Promise<number> {
    let finished = 0;
    for (let k = 0; k < hashes.length; k += ADD_CHUNK) {
      const chunk = hashes.slice(k, k + ADD_CHUNK);
      const states = await Promise.all(chunk.map((h) => this.queue.getJobState(h)));
      for (let j = 0; j < chunk.length; j++) {
        if (states[j] === 'completed') finished++;
        else if (states[j] === 'failed') await (await Job.fromId(this.queue, chunk[j]!))?.retry('failed');
      }
    }
    return finished;
  }

  /** The error for a failed run: a version refusal is the user's setup (exit 2), anything else a failure. */
  private failure(job: Job, e: unknown): Error {
    const reason = e instanceof Error ? e.message : String(e);
    if (reason.startsWith('refused:')) return new InputError(this.target.display, [{ path: '', message: `run ${job.name}: ${reason}` }]);
    return new Error(`run ${job.name} (${job.id}) failed on a worker: ${reason}`);
  }

  async close(): Promise<void> {
    await bounded(this.queue.close());
    this.control.disconnect();
  }
}

/** `n run` / `n runs`. */
function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** Waits for a closing step, at most 2 s (closing must not hang when Redis is gone), ignoring its errors. */
async function bounded(p: Promise<unknown>): Promise<void> {
  let t: NodeJS.Timeout | undefined;
  await Promise.race([p.catch(() => {}), new Promise((r) => (t = setTimeout(r, 2000)))]);
  clearTimeout(t);
}
