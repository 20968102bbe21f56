/**
 * The one thing the searches (`capacity.ts`, `headroom.ts`, `tune.ts`) need from the simulator: run
 * a batch of independent jobs — (scenario, strategy, seed) — and hand back their summaries in job
 * order. {@link serialEvaluate} runs them one after another in this thread; `parallel.ts` runs them
 * on the project's executors (worker threads). Every search submits all the runs one step needs as
 * one batch, so a parallel evaluator keeps every core busy, and the result never depends on which
 * evaluator ran it (each job is a pure function of its inputs).
 */
import type { RunSummary } from '../sim/engine/recorder.js';
import { WorkloadModel } from '../sim/model/workload.js';
import { simulate } from '../sim/run.js';
import type { Scenario, StrategyChoice } from '../scenario/types.js';

export type { RunSummary } from '../sim/engine/recorder.js';

/** One run: a strategy on a (normalized) scenario with one seed. */
export interface RunJob {
  scenario: Scenario;
  choice: StrategyChoice;
  seed: number;
}

/** Runs a batch of jobs and resolves to their summaries in job order. */
export type Evaluate = (jobs: readonly RunJob[]) => Promise<RunSummary[]>;

/** Progress callback: runs finished so far (over every batch) and the total known so far. */
export type Progress = (done: number, total: number) => void;

/** Yields to the event loop between runs, so progress bars redraw and signals are handled. */
const yieldNow = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs jobs one by one in this thread; jobs of a batch that share a scenario object share its
 * workload model (populations built once).
 */
export function serialEvaluate(progress?: Progress): Evaluate {
  let done = 0;
  let total = 0;
  return async (jobs) => {
    total += jobs.length;
    const models = new WeakMap<Scenario, WorkloadModel>();
    const out: RunSummary[] = [];
    for (const job of jobs) {
      let model = models.get(job.scenario);
      if (!model) {
        model = new WorkloadModel(job.scenario);
        models.set(job.scenario, model);
      }
      out.push(simulate(model, job.choice, job.seed));
      progress?.(++done, total);
      await yieldNow();
    }
    return out;
  };
}
