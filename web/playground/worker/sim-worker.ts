/**
 * The playground's simulator, in a Web Worker: the same modules `lbsim run` uses (scenario parsing
 * and validation, `runScenario` over src/sim, src/core and src/strategies, and the decision of
 * `src/decide/decide.ts`), so the results file is the one the CLI writes for the same scenario and
 * seed (without the headroom line, which needs more runs). Messages: `web/playground/src/protocol.ts`.
 *
 * The page cancels a run by terminating the worker. Chrome stops a worker that is running script
 * only after a grace period (two seconds), but one that is between tasks at once; so the run goes
 * in slices (`runScenarioSteps`: the same events in the same order) of about {@link SLICE_MS} and
 * the worker returns to its event loop between them, which also lets it report finer progress.
 */
import { InputError } from '../../../src/input/errors.js';
import { RESULTS_SCHEMA, type ResultsFile } from '../../../src/results/schema.js';
import { normalizeScenario } from '../../../src/scenario/normalize.js';
import { parseDocument } from '../../../src/scenario/parse-document.js';
import { estimatedRequests, runScenarioSteps, scenarioFacts, type RunStep } from '../../../src/sim/run.js';
import { VERSION } from '../../../src/cli/version.js';
import { decideResults } from '../../../src/decide/decide.js';
import type { RunRequest, WorkerMessage } from '../src/protocol.js';

/** Work per slice before the worker yields (ms): Cancel takes effect within about this. */
const SLICE_MS = 40;
/** Simulated events between two looks at the clock. */
const EVENTS_PER_STEP = 20_000;

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
    const steps = runScenarioSteps(
      scenario,
      {
        onProgress: (done, total) => post({ type: 'progress', id, done, total }),
        onResult: (result, index, total) => post({ type: 'result', id, index, total, result }),
      },
      EVENTS_PER_STEP,
    );
    // Yield through a message channel: unlike nested timers, it is not clamped to 4 ms.
    const channel = new MessageChannel();
    const slice = (): void => {
      const until = performance.now() + SLICE_MS;
      let r: IteratorResult<RunStep, ResultsFile>;
      try {
        do r = steps.next();
        while (!r.done && performance.now() < until);
      } catch (e) {
        channel.port1.close();
        fail(id, e);
        return;
      }
      if (r.done) {
        channel.port1.close();
        // The same comparison and recommendation as lbsim run (the headroom search, which needs more
        // runs, is the CLI's alone).
        post({ type: 'done', id, results: decideResults(r.value, scenario), ms: performance.now() - t0 });
        return;
      }
      post({ type: 'progress', id, done: r.value.done + r.value.fraction, total: r.value.total });
      channel.port2.postMessage(null);
    };
    channel.port1.onmessage = slice;
    slice();
  } catch (e) {
    fail(id, e);
  }
}

function fail(id: number, e: unknown): void {
  if (e instanceof InputError) post({ type: 'invalid', id, problems: e.problems });
  else post({ type: 'failed', id, message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) });
}

self.addEventListener('message', (e: MessageEvent<RunRequest>) => {
  if (e.data?.type === 'run') run(e.data);
});
