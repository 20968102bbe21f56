/**
 * The evaluator the searching commands (`capacity`, `tune`) run their batches on, from `--parallel`.
 * Runs in this thread; `--parallel` is checked and recorded for the worker-thread evaluator.
 */
import { serialEvaluate, type Evaluate, type Progress } from '../decide/evaluate.js';
import { InputError } from '../input/errors.js';

/** An evaluator and how to release it. */
export interface Evaluator {
  evaluate: Evaluate;
  close(): Promise<void>;
}

/** Parses `--parallel` (an integer ≥ 1; absent = the machine's cores). @throws InputError */
export function parseParallel(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InputError('--parallel', [{ path: '', message: `expected an integer ≥ 1, got ${JSON.stringify(v)}` }]);
  return n;
}

/** The evaluator for `--parallel` (see the module header). */
export async function evaluatorFor(parallel: string | undefined, progress?: Progress): Promise<Evaluator> {
  parseParallel(parallel);
  return { evaluate: serialEvaluate(progress), close: async () => {} };
}
