/**
 * Messages between the playground page and its simulator worker (`worker/sim-worker.ts`). One run
 * at a time: the page posts `run`; the worker answers `confirm` (too large, ask first), `invalid`
 * (the CLI's validation problems), or `start`, then `progress` after each single run (strategy ×
 * replication), `result` after each strategy, and `done` with the whole results file, the one
 * `lbsim run --json` writes for the same scenario and seed. `failed` is an error inside the
 * simulator (a bug), reported with its message; a crash of the worker itself is seen by the page
 * as the worker's `error` event.
 */
import type { InputProblem } from '../../../src/input/errors.js';
import type { ResultsFile, StrategyResult } from '../../../src/results/schema.js';

/** Page → worker: simulate `text` (YAML or JSON), named `file` in error messages. */
export interface RunRequest {
  type: 'run';
  id: number;
  file: string;
  text: string;
  /** Ask (answer `confirm`) when the run would simulate more requests than this. */
  confirmAbove: number;
}

/** Worker → page. */
export type WorkerMessage =
  | { type: 'confirm'; id: number; requests: number; strategies: number; replications: number }
  | { type: 'invalid'; id: number; problems: InputProblem[] }
  | { type: 'start'; id: number; requests: number; total: number; partial: ResultsFile }
  | { type: 'progress'; id: number; done: number; total: number }
  | { type: 'result'; id: number; index: number; total: number; result: StrategyResult }
  | { type: 'done'; id: number; results: ResultsFile; ms: number }
  | { type: 'failed'; id: number; message: string };
