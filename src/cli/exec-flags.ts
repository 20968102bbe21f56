/**
 * `--parallel N` and `--queue redis://…`, shared by the commands that run studies: where the runs
 * go. Local worker threads by default (N = the core count), this thread with `--parallel 1`, the
 * Redis queue with `--queue` (checked before anything runs: an unreachable Redis is a one-line error
 * naming the address and the reason, exit 2, nothing written).
 */
import { InputError } from '../input/errors.js';
import type { Executor } from '../exec/executor.js';
import type { Scenario } from '../scenario/types.js';
import { createLocalExecutor, defaultParallelism } from '../exec/pool.js';

/** The flags. */
export interface ExecFlags {
  parallel?: string;
  queue?: string;
}

/** The `--parallel` value (default: the core count). @throws InputError when it is not an integer ≥ 1 */
export function parallelOf(flags: ExecFlags): number {
  if (flags.parallel === undefined) return defaultParallelism();
  const n = Number(flags.parallel);
  if (!Number.isInteger(n) || n < 1 || n > 1024) {
    throw new InputError('--parallel', [{ path: '', message: `expected an integer from 1 to 1024, got ${JSON.stringify(flags.parallel)}` }]);
  }
  return n;
}

/** Opens the executor the flags ask for; the caller closes it. `log` receives one-line notes. */
export async function openExecutor(flags: ExecFlags, log: (line: string) => void = () => {}): Promise<Executor> {
  if (flags.queue !== undefined) {
    if (flags.parallel !== undefined) {
      throw new InputError('--parallel', [{ path: '', message: 'applies to local threads; with --queue, give the workers --concurrency' }]);
    }
    const { parseRedisUrl } = await import('../exec/queue/target.js');
    const target = parseRedisUrl(flags.queue);
    const { QueueExecutor } = await import('../exec/queue/submit.js');
    return QueueExecutor.connect(target, { log });
  }
  return createLocalExecutor(parallelOf(flags));
}

/**
 * Runs `body` on the executor the flags ask for, after `prepare` (loading and validating the
 * input), and closes the executor whatever happens. Local pool threads start before `prepare`, so
 * they boot while it runs; a queue is connected after it, so bad input is reported before an
 * unreachable Redis.
 */
export async function withExecutor<T, R>(
  flags: ExecFlags,
  log: (line: string) => void,
  prepare: () => T | Promise<T>,
  body: (executor: Executor, prepared: T) => Promise<R>,
): Promise<R> {
  let executor: Executor | undefined;
  try {
    if (flags.queue === undefined) executor = createLocalExecutor(parallelOf(flags));
    else if (flags.parallel !== undefined) await openExecutor(flags); // throws the flag error
    const prepared = await prepare();
    executor ??= await openExecutor(flags, log);
    return await body(executor, prepared);
  } finally {
    await executor?.close();
  }
}

/**
 * Refuses a replayed trace (`clients.arrival: trace`) with `--queue`: a queued run carries its
 * scenario by value, and a trace is a file on this machine that a worker elsewhere cannot read.
 * @throws InputError naming `--queue`
 */
export function refuseTraceOnQueue(flags: ExecFlags, scenarios: readonly Scenario[]): void {
  if (flags.queue === undefined) return;
  const p = scenarios.find((s) => s.clients.process.arrival === 'trace')?.clients.process;
  if (p && p.arrival === 'trace') {
    throw new InputError('--queue', [{ path: '', message: `a replayed trace (clients.arrival: trace, ${p.file}) is a file on this machine and cannot travel in a queued run; run it locally (--parallel N)` }]);
  }
}
