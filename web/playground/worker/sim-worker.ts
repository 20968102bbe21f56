/**
 * The playground's simulator, in a Web Worker: the same modules `lbsim run` uses (scenario parsing
 * and validation, `runScenario` over src/sim, src/core and src/strategies), so the results file is
 * the one the CLI writes for the same scenario and seed. Messages: `web/playground/src/protocol.ts`.
 * The page cancels a run by terminating the worker (a run is one synchronous computation).
 */
import { InputError } from '../../../src/input/errors.js';
import { RESULTS_SCHEMA, type ResultsFile } from '../../../src/results/schema.js';
import { normalizeScenario } from '../../../src/scenario/normalize.js';
import { parseDocument } from '../../../src/scenario/parse-document.js';
import { estimatedRequests, runScenario, scenarioFacts } from '../../../src/sim/run.js';
import { VERSION } from '../../../src/cli/version.js';
import type { RunRequest, WorkerMessage } from '../src/protocol.js';

/** Posts a message to the page (typed). */
function post(message: WorkerMessage): void {
  (self as unknown as { postMessage(m: WorkerMessage): void }).postMessage(message);
}

function run(req: RunRequest): void {
  const id = req.id;
  try {
    const scenario = normalizeScenario(parseDocument(req.text, req.file), req.file);
    const requests = estimatedRequests(scenario);
    const replications = Math.max(1, scenario.replications);
    if (requests > req.confirmAbove) {
      post({ type: 'confirm', id, requests, strategies: scenario.strategies.length, replications });
      return;
    }
    // What the charts need before the first strategy finishes: the header facts of the results file.
    const partial: ResultsFile = {
      schema: RESULTS_SCHEMA,
      mode: 'sim',
      generator: `lbsim ${VERSION}`,
      scenario: scenario as unknown as Record<string, unknown>,
      summary: { ...scenarioFacts(scenario), durationS: scenario.durationMs / 1000, seed: scenario.seed, replications },
      results: [],
      warnings: [],
    };
    post({ type: 'start', id, requests, total: scenario.strategies.length * replications, partial });
    const t0 = performance.now();
    const results = runScenario(scenario, {
      onProgress: (done, total) => post({ type: 'progress', id, done, total }),
      onResult: (result, index, total) => post({ type: 'result', id, index, total, result }),
    });
    post({ type: 'done', id, results, ms: performance.now() - t0 });
  } catch (e) {
    if (e instanceof InputError) post({ type: 'invalid', id, problems: e.problems });
    else post({ type: 'failed', id, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
  }
}

self.addEventListener('message', (e: MessageEvent<RunRequest>) => {
  if (e.data?.type === 'run') run(e.data);
});
