/**
 * Worker thread of a sweep (`sweep.ts`): receives `{ id, scenario }`, runs every strategy of that
 * scenario (`runScenario`), reports `{ type: 'progress', id }` after each single run and finally
 * `{ type: 'done', id, result }` (or `{ type: 'error', id, message }`). One worker runs many points,
 * one at a time.
 */
import { parentPort } from 'node:worker_threads';
import { runScenario } from './run.js';
import { preloadTraces } from './model/trace-load.js';
import type { ResultsFile } from '../results/schema.js';
import type { Scenario } from '../scenario/types.js';

/** A sweep point sent to a worker. */
export interface SweepTask {
  id: number;
  scenario: Scenario;
}

/** What a worker sends back. */
export type SweepReply =
  | { type: 'progress'; id: number }
  | { type: 'done'; id: number; result: ResultsFile }
  | { type: 'error'; id: number; message: string };

const port = parentPort;
if (port) {
  port.on('message', async (task: SweepTask) => {
    try {
      await preloadTraces(task.scenario);
      const result = runScenario(task.scenario, {
        onProgress: () => port.postMessage({ type: 'progress', id: task.id } satisfies SweepReply),
      });
      port.postMessage({ type: 'done', id: task.id, result } satisfies SweepReply);
    } catch (e) {
      port.postMessage({ type: 'error', id: task.id, message: e instanceof Error ? e.message : String(e) } satisfies SweepReply);
    }
  });
}
