/**
 * The evaluator the searching commands (`capacity`, `tune`, and the headroom search of `run`) run
 * their batches on, from `--parallel`: a pool of that many worker threads (`src/decide/parallel.ts`;
 * default the machine's cores), or this thread with `--parallel 1`. The results do not depend on it.
 */
import { availableParallelism } from 'node:os';
import type { Evaluate, Progress } from '../decide/evaluate.js';
import { poolEvaluate } from '../decide/parallel.js';
import { InputError } from '../input/errors.js';

/** An evaluator and how to release it. */
export interface Evaluator {
  evaluate: Evaluate;
  /** Threads it runs on (1 = this thread). */
  threads: number;
  close(): Promise<void>;
}

/** Parses `--parallel` (an integer ≥ 1; absent = the machine's cores). @throws InputError */
export function parseParallel(v: string | undefined): number {
  if (v === undefined) return availableParallelism();
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InputError('--parallel', [{ path: '', message: `expected an integer ≥ 1, got ${JSON.stringify(v)}` }]);
  return n;
}

/** The evaluator for `--parallel` (see the module header). @throws InputError */
export function evaluatorFor(parallel: string | undefined, progress?: Progress): Evaluator {
  return poolEvaluate(parseParallel(parallel), progress);
}
