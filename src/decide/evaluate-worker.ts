/**
 * Worker thread of the parallel evaluator (`parallel.ts`): receives one run at a time —
 * `{ id, scenarioId, scenario, choice, seed }` — simulates it (`simulate` in `src/sim/run.ts`) and
 * answers `{ type: 'done', id, summary }` or `{ type: 'error', id, message }`. Runs of the same
 * scenario (same `scenarioId`) share one workload model (populations built once); at most
 * {@link MODEL_CACHE} models are kept, the oldest dropped first, so memory stays bounded however
 * long a search runs.
 */
import { parentPort } from 'node:worker_threads';
import type { RunSummary } from '../sim/engine/recorder.js';
import { WorkloadModel } from '../sim/model/workload.js';
import { simulate } from '../sim/run.js';
import type { Scenario, StrategyChoice } from '../scenario/types.js';

/** Workload models a worker keeps. */
export const MODEL_CACHE = 16;

/** One run sent to a worker. */
export interface EvaluateTask {
  id: number;
  /** The parent's identity of `scenario`: equal ids, equal scenarios. */
  scenarioId: number;
  scenario: Scenario;
  choice: StrategyChoice;
  seed: number;
}

/** What a worker sends back. */
export type EvaluateReply = { type: 'done'; id: number; summary: RunSummary } | { type: 'error'; id: number; message: string };

const port = parentPort;
if (port) {
  const models = new Map<number, WorkloadModel>();
  port.on('message', (task: EvaluateTask) => {
    try {
      let model = models.get(task.scenarioId);
      if (!model) {
        model = new WorkloadModel(task.scenario);
        models.set(task.scenarioId, model);
        if (models.size > MODEL_CACHE) models.delete(models.keys().next().value!);
      }
      const summary = simulate(model, task.choice, task.seed);
      port.postMessage({ type: 'done', id: task.id, summary } satisfies EvaluateReply);
    } catch (e) {
      port.postMessage({ type: 'error', id: task.id, message: e instanceof Error ? e.message : String(e) } satisfies EvaluateReply);
    }
  });
}
