/**
 * The decision step of the data flow (scenario → runs → results → decision): adds to a results file
 * the comparison of its strategies (`src/results/compare.ts`) and the decision drawn from it
 * (`recommend.ts`), and, when asked, every strategy's headroom (`headroom.ts`). The terminal table,
 * the report and `--json` all read these two fields, so they cannot disagree.
 */
import { compareResults } from '../results/compare.js';
import type { CompareMetric, ResultsFile } from '../results/schema.js';
import type { Scenario } from '../scenario/types.js';
import type { Evaluate } from './evaluate.js';
import { computeHeadroom, headroomUnavailable } from './headroom.js';
import { recommend } from './recommend.js';

/** The baseline when the scenario names none: round robin, the default of nginx, HAProxy and Envoy, if it was run. */
export const DEFAULT_BASELINES = ['round-robin', 'weighted-round-robin'] as const;

/** The baseline label and whether it was defaulted (null when none applies). */
export function baselineOf(scenario: Scenario): { label: string; isDefault: boolean } | null {
  if (scenario.baseline) return { label: scenario.baseline, isDefault: false };
  for (const name of DEFAULT_BASELINES) {
    const c = scenario.strategies.find((s) => s.label === name);
    if (c) return { label: c.label, isDefault: true };
  }
  return null;
}

/** The metric a decision ranks by: the one asked for, else the SLO's percentile (p99 first), else p99. */
export function decisionMetric(scenario: Scenario, asked?: CompareMetric): CompareMetric {
  if (asked) return asked;
  if (scenario.slo?.p99Ms === undefined && scenario.slo?.p999Ms !== undefined) return 'p999';
  return 'p99';
}

/** Options of {@link decideRun}. */
export interface DecideOptions {
  metric?: CompareMetric;
  /** Evaluator for the headroom search; headroom is skipped without one. */
  headroom?: Evaluate;
}

/**
 * `results` with `comparison` and `decision` added, without headroom (no runs: pure, so the
 * playground's worker decides with it too).
 */
export function decideResults(results: ResultsFile, scenario: Scenario, opts: Omit<DecideOptions, 'headroom'> = {}): ResultsFile {
  const base = baselineOf(scenario);
  const comparison = compareResults(results.results, { metric: decisionMetric(scenario, opts.metric), baseline: base?.label ?? null, seed: scenario.seed });
  const decision = recommend(results.results, comparison, scenario, { defaultBaseline: base?.isDefault ?? false });
  return { ...results, comparison, decision };
}

/** `results` with `comparison` and `decision` (and headroom when asked and possible) added. */
export async function decideRun(results: ResultsFile, scenario: Scenario, opts: DecideOptions = {}): Promise<ResultsFile> {
  const out = decideResults(results, scenario, opts);
  if (opts.headroom && headroomUnavailable(scenario) === null) out.decision!.headroom = await computeHeadroom(scenario, opts.headroom);
  return out;
}
