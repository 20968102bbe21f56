/**
 * What travels through the BullMQ queue. One BullMQ job per distinct run, its id the run's content
 * hash (`../hash.ts`), so adding a run that is already queued, running or finished adds nothing and
 * a finished one's result is read back. Job data and return values are `../codec.ts` text, which
 * carries NaN, ±Infinity and -0 exactly. Both ends name their {@link Runtime}, the lbsim version
 * and the Node major version: a worker refuses a run from another runtime (another lbsim may
 * simulate differently; byte-identical results are promised for one lbsim version on one Node
 * major — the engine's own arithmetic is IEEE-exact (`src/core/math.ts`), but number formatting,
 * sorting and the rest of the runtime are V8's), and the submitter checks the runtime on every
 * result.
 */
import { VERSION } from '../../cli/version.js';
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

/** What a run's result depends on besides its inputs: the lbsim version and the Node major version. */
export interface Runtime {
  lbsim: string;
  node: number;
}

/** This process's {@link Runtime}, lbsim `version` (default: this lbsim's). */
export function thisRuntime(version: string = VERSION, node: number = Number(process.versions.node.split('.')[0])): Runtime {
  return { lbsim: version, node };
}

/** `lbsim 0.1.0 on Node 20` (the queue's job ids hash it with the run's content key). */
export function runtimeName(r: Runtime): string {
  return `lbsim ${r.lbsim} on Node ${r.node}`;
}

const sameRuntime = (a: Runtime, b: Runtime): boolean => a.lbsim === b.lbsim && a.node === b.node;

/** The data of one queued run. */
export interface QueuedRun {
  /** lbsim version of the submitter. */
  lbsim: string;
  /** Node major version of the submitter. */
  node: number;
  /** The {@link RunJob} (without its local scenario key), `codec` text. */
  job: string;
}

/** What a worker returns for a run (`codec` text of this shape). */
interface RunReply {
  lbsim: string;
  node: number;
  summary: RunSummary;
}

/** The job data for `job`, submitted from runtime `by`. */
export function queuedRun(job: RunJob, by: Runtime): QueuedRun {
  return { lbsim: by.lbsim, node: by.node, job: encode({ scenario: job.scenario, choice: job.choice, seed: job.seed }) };
}

/** A short name for a run, for dashboards and messages: `p2c seed 7`. */
export function runName(job: RunJob): string {
  return `${job.choice.label} seed ${job.seed}`;
}

/** The message a worker on runtime `worker` gives when refusing a run submitted from `submitter`. */
export function versionRefusal(worker: Runtime, submitter: Runtime): string {
  return (
    `refused: this worker runs ${runtimeName(worker)}, the study was submitted by ${runtimeName(submitter)}; ` +
    'run workers of the same lbsim version and Node major version as the submitter'
  );
}

/** {@link versionRefusal} when the runtimes differ, else null. */
export function runtimeMismatch(worker: Runtime, submitter: Runtime): string | null {
  return sameRuntime(worker, submitter) ? null : versionRefusal(worker, submitter);
}

/**
 * Checks the data of a queued run as a worker receives it (anything may be in Redis).
 * @returns the submitter's runtime and the job, or a reason why it cannot be run
 */
export function readQueuedRun(data: unknown): { runtime: Runtime; job: RunJob } | { error: string } {
  if (data === null || typeof data !== 'object') return { error: 'malformed job: no data' };
  const d = data as Record<string, unknown>;
  if (typeof d['lbsim'] !== 'string') return { error: 'malformed job: no lbsim version' };
  if (!Number.isInteger(d['node'])) return { error: 'malformed job: no Node version' };
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
  return { runtime: { lbsim: d['lbsim'], node: d['node'] as number }, job: j as RunJob };
}

/** A worker's reply for a run, computed on runtime `on`. */
export function runReply(summary: RunSummary, on: Runtime): string {
  return encode({ lbsim: on.lbsim, node: on.node, summary } satisfies RunReply);
}

/**
 * Reads a worker's reply. @throws when it is not a reply computed on runtime `expected` (a worker of
 * another version, or a foreign job with the same id)
 */
export function readRunReply(value: unknown, expected: Runtime): RunSummary {
  if (typeof value !== 'string') throw new Error('the result is not lbsim run data');
  const r = decode(value) as Partial<RunReply> | null;
  if (r === null || typeof r !== 'object' || typeof r.summary !== 'object' || r.summary === null) throw new Error('the result is not lbsim run data');
  if (r.lbsim !== expected.lbsim || r.node !== expected.node) {
    throw new Error(`the result was computed by lbsim ${String(r.lbsim)} on Node ${String(r.node)}, this is ${runtimeName(expected)}`);
  }
  return r.summary;
}
