/**
 * The evaluator the searching commands (`capacity`, `tune`, and the headroom search of `run`) run
 * their batches on: the project's executors (`src/exec`), opened from `--parallel` / `--queue` as for
 * `run` and `sweep` (`exec-flags.ts`): this thread and N − 1 pool threads (default the machine's
 * cores), this thread alone with `--parallel 1`, or lbsim workers on a Redis queue. The results do
 * not depend on it: each run is a pure function of (scenario, strategy, seed) and summaries are
 * handed back in job order.
 */
import type { Evaluate, Progress, RunJob } from '../decide/evaluate.js';
import type { Executor } from '../exec/executor.js';
import { runJobs } from '../exec/executor.js';
import { scenarioDigest } from '../exec/hash.js';
import type { Scenario } from '../scenario/types.js';

/**
 * An {@link Evaluate} on `executor`. Each job is given its scenario's content digest as its model
 * key, so the runs of one scenario share a workload model in whichever thread runs them; `progress`
 * counts over every batch (done so far, total known so far), as the searches expect.
 */
export function evaluateOn(executor: Executor, progress?: Progress, signal?: AbortSignal): Evaluate {
  const keys = new WeakMap<Scenario, string>();
  const keyOf = (s: Scenario): string => {
    let k = keys.get(s);
    if (k === undefined) keys.set(s, (k = scenarioDigest(s)));
    return k;
  };
  let done = 0;
  let total = 0;
  return async (jobs: readonly RunJob[]) => {
    total += jobs.length;
    const before = done;
    const out = await runJobs(
      executor,
      jobs.map((j) => ({ scenario: j.scenario, choice: j.choice, seed: j.seed, scenarioKey: keyOf(j.scenario) })),
      (d) => {
        done = before + d;
        progress?.(done, total);
      },
      signal,
    );
    if (signal?.aborted) throw new Interrupted();
    return out;
  };
}

/** Thrown by an evaluator whose signal aborted (Ctrl-C): the search it serves stops there. */
export class Interrupted extends Error {
  constructor() {
    super('interrupted');
    this.name = 'Interrupted';
  }
}
