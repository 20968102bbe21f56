/**
 * What travels through the BullMQ queue. One BullMQ job per distinct run, its id the run's content
 * hash (`../hash.ts`), so adding a run that is already queued, running or finished adds nothing and
 * a finished one's result is read back. Job data and return values are `../codec.ts` text, which
 * carries NaN, ±Infinity and -0 exactly. Both ends name their lbsim version: a worker refuses a run
 * from another version (its simulator may differ), and the submitter checks the version on every
 * result.
 */
import { decode, encode } from '../codec.js';
import type { RunJob, RunSummary } from '../job.js';

/** BullMQ queue name shared by submitters and workers. */
export const QUEUE_NAME = 'runs';
/** Redis key prefix of lbsim's queue (`lbsim:runs:…`). */
export const QUEUE_PREFIX = 'lbsim';
/** How long finished runs stay in Redis for reuse (seconds), and at most how many. */
export const KEEP_FINISHED = { age: 7 * 24 * 3600, count: 20_000 };
/** How long failed runs stay in Redis (seconds); a re-submission retries them. */
export const KEEP_FAILED = { age: 24 * 3600 };

/** The data of one queued run. */
export interface QueuedRun {
  /** lbsim version of the submitter. */
  lbsim: string;
  /** The {@link RunJob} (without its local scenario key), `codec` text. */
  job: string;
}

/** What a worker returns for a run (`codec` text of this shape). */
interface RunReply {
  lbsim: string;
  summary: RunSummary;
}

/** The job data for `job`, submitted by lbsim `version`. */
export function queuedRun(job: RunJob, version: string): QueuedRun {
  return { lbsim: version, job: encode({ scenario: job.scenario, choice: job.choice, seed: job.seed }) };
}

/** A short name for a run, for dashboards and messages: `p2c seed 7`. */
export function runName(job: RunJob): string {
  return `${job.choice.label} seed ${job.seed}`;
}

/** The message a worker of `worker` version gives when refusing a run from `submitter`. */
export function versionRefusal(worker: string, submitter: string): string {
  return `refused: this worker runs lbsim ${worker}, the study was submitted by lbsim ${submitter}; run workers of the same version as the submitter`;
}

/**
 * Checks the data of a queued run as a worker receives it (anything may be in Redis).
 * @returns the submitter's version and the job, or a reason why it cannot be run
 */
export function readQueuedRun(data: unknown): { version: string; job: RunJob } | { error: string } {
  if (data === null || typeof data !== 'object') return { error: 'malformed job: no data' };
  const d = data as Record<string, unknown>;
  if (typeof d['lbsim'] !== 'string') return { error: 'malformed job: no lbsim version' };
  if (typeof d['job'] !== 'string') return { error: 'malformed job: no run' };
  let job: unknown;
  try {
    job = decode(d['job']);
  } catch (e) {
    return { error: `malformed job: ${(e as Error).message}` };
  }
  const j = job as Partial<RunJob> | null;
  if (
    j === null ||
    typeof j !== 'object' ||
    typeof j.scenario !== 'object' ||
    j.scenario === null ||
    typeof j.choice !== 'object' ||
    j.choice === null ||
    typeof j.choice.name !== 'string' ||
    typeof j.choice.label !== 'string' ||
    !Number.isInteger(j.seed)
  ) {
    return { error: 'malformed job: expected a scenario, a strategy choice and an integer seed' };
  }
  return { version: d['lbsim'], job: j as RunJob };
}

/** A worker's reply for a run. */
export function runReply(summary: RunSummary, version: string): string {
  return encode({ lbsim: version, summary } satisfies RunReply);
}

/**
 * Reads a worker's reply. @throws when it is not a reply of lbsim `version` (a worker of another
 * version, or a foreign job with the same id)
 */
export function readRunReply(value: unknown, version: string): RunSummary {
  if (typeof value !== 'string') throw new Error('the result is not lbsim run data');
  const r = decode(value) as Partial<RunReply> | null;
  if (r === null || typeof r !== 'object' || typeof r.summary !== 'object' || r.summary === null) throw new Error('the result is not lbsim run data');
  if (r.lbsim !== version) throw new Error(`the result was computed by lbsim ${String(r.lbsim)}, this is lbsim ${version}`);
  return r.summary;
}
