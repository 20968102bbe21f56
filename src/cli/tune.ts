/**
 * `lbsim tune <scenario> --strategy NAME [--param …]`: searches one strategy's numeric options
 * (and balancer settings named with `--param balancer.…`) for the best value of the metric against
 * the SLO (`src/decide/tune.ts`). Prints every evaluated setting and the best against the
 * scenario's own, writes the results JSON (the two settings as results, and `tune`) and/or the
 * report with its metric-versus-setting chart.
 */
import { decisionMetric } from '../decide/decide.js';
import { describeSettings, tuneScenario } from '../decide/tune.js';
import { tuneParams } from '../decide/tune-params.js';
import { InputError } from '../input/errors.js';
import { compareResults, fmtDifference, fmtMs, metricName } from '../results/compare.js';
import { RESULTS_SCHEMA, type ResultsFile } from '../results/schema.js';
import { resolveStrategyRef } from '../scenario/normalize.js';
import type { StrategyChoice } from '../scenario/types.js';
import { scenarioFacts } from '../sim/run.js';
import { findStrategy } from '../strategies/registry.js';
import { VERSION } from './version.js';
import { describeScenario } from './describe.js';
import { parseMetric, type DecisionOverrides } from './decision-overrides.js';
import { wrap } from './decision-view.js';
import { evaluateOn } from './evaluator.js';
import { openExecutor, refuseTraceOnQueue, type ExecFlags } from './exec-flags.js';
import { styles, useColor } from './output.js';
import type { ScenarioOverrides } from './overrides.js';
import { progress } from './progress.js';
import { writeOutputs } from './run.js';
import { parseLimits } from '../input/limits.js';
import { loadScenarioArg } from './scenario-file.js';

/** Flags of `lbsim tune`. */
export interface TuneFlags extends Omit<ScenarioOverrides, 'strategies'>, DecisionOverrides, ExecFlags {
  /** `--limit NAME=N` values (`src/input/limits.ts`). */
  limit?: string[];
  strategy: string;
  param?: string[];
  budget?: string;
  metric?: string;
  json?: string;
  report?: string;
  quiet?: boolean;
}

/** Default settings evaluated by `tune`. */
export const DEFAULT_BUDGET = 20;

/** Runs the command; returns the exit code. */
export async function tuneCommand(arg: string, flags: TuneFlags): Promise<number> {
  const scenario = await loadScenarioArg(arg, flags, parseLimits(flags.limit), (s) => refuseTraceOnQueue(flags, [s]));
  const ref = resolveStrategyRef(flags.strategy, scenario.strategies);
  let choice: StrategyChoice;
  if (ref !== null) choice = scenario.strategies.find((s) => s.label === ref)!;
  else {
    const def = findStrategy(flags.strategy);
    if (!def) throw new InputError('--strategy', [{ path: '', message: `"${flags.strategy}" is neither a strategy of the scenario (${scenario.strategies.map((s) => s.label).join(', ')}) nor a registered strategy` }]);
    choice = { name: def.name, label: def.name, options: def.options.parse({}) as Record<string, unknown> };
  }
  const params = tuneParams(scenario, choice, flags.param ?? []);
  const budget = flags.budget === undefined ? DEFAULT_BUDGET : Number(flags.budget);
  if (!Number.isInteger(budget) || budget < 2 || budget > 500)
    throw new InputError('--budget', [{ path: '', message: `expected an integer from 2 to 500 (settings to evaluate), got ${JSON.stringify(flags.budget)}` }]);
  const metric = decisionMetric(scenario, parseMetric(flags.metric));
  const t0 = performance.now();
  const executor = await openExecutor(flags, (line) => void (flags.quiet || process.stderr.write(`${line}\n`)));
  const bar = progress('tuning', Boolean(flags.quiet));
  const evaluate = evaluateOn(executor, (d, t) => bar.update(d, t));
  let outcome;
  try {
    outcome = await tuneScenario(scenario, { choice, params, metric, budget, evaluate });
  } finally {
    bar.stop();
    await executor.close();
  }
  const { report, initial, best } = outcome;
  const st = styles(useColor(process.stderr));
  for (const w of report.warnings) process.stderr.write(`${st.yellow('warning:')} ${w}\n`);
  const out = styles(useColor());
  const name = metricName(metric);
  process.stdout.write(`${describeScenario(scenario)}\n`);
  process.stdout.write(
    `Tuning ${choice.label}: ${params.map((p) => `${p.path} in ${p.min}${p.unit}–${p.max}${p.unit}${p.integer ? ' (integer)' : p.log ? ' (log scale)' : ''}`).join('; ')}; minimizing ${name}\n\n`,
  );
  const rows = report.points
    .map((p) => ({ p, text: describeSettings(params, p.settings) || '(scenario as given)' }))
    .sort((a, b) => a.p.value - b.p.value);
  const w = Math.max(8, ...rows.map((r) => r.text.length));
  process.stdout.write(`  ${out.bold(`${'setting'.padEnd(w)}  ${name.padStart(9)}  ${'95% CI'.padStart(15)}${scenario.slo ? '  SLO' : ''}`)}\n`);
  for (const r of rows) {
    const ci = r.p.ci95 ? `${fmtMs(r.p.ci95[0])}–${fmtMs(r.p.ci95[1])}` : '';
    const line = `${r.text.padEnd(w)}  ${fmtMs(r.p.value).padStart(9)}  ${ci.padStart(15)}${scenario.slo ? `  ${r.p.meetsSlo ? 'meets' : 'fails'}` : ''}`;
    const isBest = r.p === report.best;
    const isInit = r.p === report.initial;
    process.stdout.write(isBest ? `${out.green(out.bold(`* ${line}`))}\n` : `${isInit ? '> ' : '  '}${line}\n`);
  }
  const bestText = describeSettings(params, report.best.settings) || 'the scenario as given';
  const initText = describeSettings(params, report.initial.settings) || 'the scenario as given';
  const d = report.improvement;
  const same = report.best === report.initial;
  const verdict = same
    ? `Best: the scenario's own setting (${initText}); no other setting tried had a lower ${name}.`
    : `Best: ${bestText}, ${name} ${fmtMs(report.best.value)} ms, against ${fmtMs(report.initial.value)} ms for ${initText}: ` +
      `a difference of ${fmtDifference(d)}${d.ci95 && d.ci95[1] < 0 ? ', a real improvement' : d.ci95 ? ', within the noise: keep the current setting unless more replications confirm it' : ''}.`;
  process.stdout.write(`\n* best, > the scenario's setting.\n${out.bold(wrap(verdict))}\n${wrap(`Method: ${report.method}.`)}\n`);
  process.stdout.write(`${report.evaluations} settings (${report.evaluations * Math.max(1, scenario.replications)} runs) in ${((performance.now() - t0) / 1000).toFixed(1)} s.\n`);
  const facts = scenarioFacts(scenario);
  const results: ResultsFile = {
    schema: RESULTS_SCHEMA,
    mode: 'sim',
    generator: `lbsim ${VERSION}`,
    scenario: scenario as unknown as Record<string, unknown>,
    summary: { ...facts, durationS: scenario.durationMs / 1000, seed: scenario.seed, replications: Math.max(1, scenario.replications) },
    results: same ? [initial] : [best, initial],
    warnings: report.warnings,
    tune: report,
  };
  if (!same) results.comparison = compareResults(results.results, { metric, baseline: initial.strategy, seed: scenario.seed });
  await writeOutputs(results, flags);
  return 0;
}
