/**
 * `lbsim worker redis://host:port [--concurrency N]`: takes runs from the Redis queue that
 * `lbsim run|sweep --queue` fill and simulates them (`exec/queue/worker.ts`) until Ctrl-C or
 * SIGTERM, then finishes the runs in progress and exits (a second signal, a second or more later,
 * exits at once; the runs it held are retried elsewhere once their locks expire). One line per note
 * on stdout.
 */
import { InputError } from '../input/errors.js';
import { trapInterrupt } from './interrupt.js';
import { parseDuration } from '../input/units.js';
import { defaultParallelism } from '../exec/pool.js';
import { parseRedisUrl } from '../exec/queue/target.js';
import { startWorker } from '../exec/queue/worker.js';
import { runtimeName, thisRuntime } from '../exec/queue/protocol.js';

/** Flags of `lbsim worker`. */
export interface WorkerFlags {
  concurrency?: string;
  stallTimeout?: string;
  verbose?: boolean;
}

function concurrencyOf(v: string | undefined): number {
  if (v === undefined) return defaultParallelism();
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1024) throw new InputError('--concurrency', [{ path: '', message: `expected an integer from 1 to 1024, got ${JSON.stringify(v)}` }]);
  return n;
}

function stallTimeoutOf(v: string | undefined): number {
  if (v === undefined) return 30_000;
  const ms = parseDuration(/^\d+(\.\d+)?$/.test(v) ? Number(v) : v);
  if (!(ms >= 1000) || ms > 3_600_000) throw new InputError('--stall-timeout', [{ path: '', message: `expected a duration from 1s to 1h, got ${JSON.stringify(v)}` }]);
  return ms;
}

/** Runs the command until stopped; returns the exit code. */
export async function workerCommand(url: string, flags: WorkerFlags): Promise<number> {
  const target = parseRedisUrl(url, 'lbsim worker');
  const concurrency = concurrencyOf(flags.concurrency);
  const stallTimeoutMs = stallTimeoutOf(flags.stallTimeout);
  const log = (line: string): void => void process.stdout.write(`lbsim worker: ${line}\n`);
  const worker = await startWorker(target, { concurrency, stallTimeoutMs, log, verbose: Boolean(flags.verbose) });
  log(
    `${runtimeName(thisRuntime())}, pid ${process.pid}, taking runs from ${target.display} ` +
      `(concurrency ${concurrency}, stall timeout ${stallTimeoutMs / 1000} s); Ctrl-C stops`,
  );
  // a repeat within a second is the same Ctrl-C delivered twice (interrupt.ts); a later one exits now
  const interrupt = trapInterrupt('worker', (l) => void process.stdout.write(`${l}\n`), 'the runs it held are retried elsewhere once their locks expire');
  await new Promise<void>((resolve) => interrupt.signal.addEventListener('abort', () => resolve(), { once: true }));
  log(`${interrupt.by()}: finishing the runs in progress (again to exit now)`);
  await worker.close();
  interrupt.dispose();
  const s = worker.stats;
  log(`stopped: ${s.done} runs done, ${s.refused} refused, ${s.failed} failed`);
  return 0;
}
