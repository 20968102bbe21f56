/**
 * `lbsim export … --strategy best`: the strategy the decision recommends. From a results file, its
 * `decision.recommended`; from a scenario, the scenario is run (with its replications) and decided
 * first. When there is no recommendation (one replication, nothing meets the SLO, …) the decision's
 * paragraph says why, as the error.
 */
import { existsSync } from 'node:fs';
import { decideRun } from '../decide/decide.js';
import { InputError } from '../input/errors.js';
import { readInputFile } from '../input/read.js';
import type { Decision } from '../results/schema.js';
import { parseDocument } from '../scenario/index.js';
import { runScenario } from '../sim/run.js';
import { loadScenarioArg } from './scenario-file.js';

/** The recommended strategy's label for `file` (see the module header). @throws InputError */
export async function resolveBest(file: string): Promise<string> {
  let decision: Decision | undefined;
  const doc = existsSync(file) ? (parseDocument(readInputFile(file), file) as Record<string, unknown>) : null;
  if (doc && typeof doc.schema === 'string' && doc.schema.startsWith('lbsim/results')) {
    decision = doc.decision as Decision | undefined;
    if (!decision) throw new InputError(file, [{ path: 'decision', message: 'this results file has no decision (written by an older lbsim, or by sweep/capacity); run lbsim run again, or name the strategy' }]);
  } else {
    const scenario = await loadScenarioArg(file);
    process.stderr.write(`lbsim: running ${scenario.name} to find the best strategy (${scenario.strategies.length} strategies × ${scenario.replications} replications)\n`);
    decision = (await decideRun(runScenario(scenario), scenario)).decision!;
  }
  if (decision.recommended === null) throw new InputError('--strategy best', [{ path: '', message: decision.paragraph }]);
  process.stderr.write(`lbsim: best: ${decision.recommended}\n`);
  return decision.recommended;
}
