/**
 * `lbsim tune`: the best value of a strategy's numeric options (and, when asked, balancer settings)
 * for the chosen metric, against the SLO. Each setting is run on the scenario's replication seeds
 * (common random numbers: every setting replays the same workload, so settings are compared
 * paired); its value is the metric's mean over replications. The search (`tune-search.ts`)
 * minimizes the metric, settings that meet the SLO (at 95 %, `slo.ts`) ranking before all that do
 * not. The best setting is compared with the scenario's own by a paired-t interval
 * (`src/results/compare.ts`), so a "better" setting inside the noise is reported as such.
 */
import { aggregate } from '../results/aggregate.js';
import { metricName, pairedDifference, replicationsOf } from '../results/compare.js';
import type { CompareMetric, StrategyResult, TunePoint, TuneReport } from '../results/schema.js';
import type { Scenario, StrategyChoice } from '../scenario/types.js';
import { replicationSeed } from '../sim/run.js';
import type { Evaluate, RunSummary } from './evaluate.js';
import { checkSlo } from './slo.js';
import type { TuneParam } from './tune-params.js';
import { searchSettings } from './tune-search.js';

/** Options of {@link tuneScenario}. */
export interface TuneOptions {
  choice: StrategyChoice;
  params: readonly TuneParam[];
  metric: CompareMetric;
  /** Settings to evaluate at most (the scenario's own setting included). */
  budget: number;
  evaluate: Evaluate;
}

/** What {@link tuneScenario} returns: the report and the initial and best settings as results. */
export interface TuneOutcome {
  report: TuneReport;
  initial: StrategyResult;
  best: StrategyResult;
}

/** "draws 3, balancer.hedge.delay 12ms". */
export function describeSettings(params: readonly TuneParam[], settings: Record<string, number>): string {
  return params
    .filter((p) => settings[p.path] !== undefined)
    .map((p) => `${p.path} ${p.unit === 'ms' ? `${+settings[p.path]!.toPrecision(3)}ms` : +settings[p.path]!.toPrecision(4)}`)
    .join(', ');
}

/** Runs the search (see the module header). */
export async function tuneScenario(scenario: Scenario, o: TuneOptions): Promise<TuneOutcome> {
  const seeds = Array.from({ length: Math.max(1, scenario.replications) }, (_, k) => replicationSeed(scenario.seed, k));
  const runsBy = new Map<string, RunSummary[]>();
  const points = new Map<string, TunePoint>();
  const order: string[] = [];
  const variant = (x: readonly (number | null)[]): { scenario: Scenario; choice: StrategyChoice; settings: Record<string, number> } => {
    let s = scenario;
    let c = o.choice;
    const settings: Record<string, number> = {};
    o.params.forEach((p, i) => {
      const v = x[i];
      if (v === null || v === undefined) return;
      ({ scenario: s, choice: c } = p.apply(s, c, v));
      settings[p.path] = v;
    });
    return { scenario: s, choice: c, settings };
  };
  const label = (settings: Record<string, number>): string => {
    const d = describeSettings(o.params, settings);
    return `${o.choice.label}${d ? ` (${d})` : ''}`;
  };
  const resultOf = (k: string): StrategyResult => {
    const v = variantOfKey.get(k)!;
    return aggregate(label(v.settings), v.choice.name, v.choice.options, runsBy.get(k)!, seeds);
  };
  const variantOfKey = new Map<string, ReturnType<typeof variant>>();
  const slo = scenario.slo;
  const score = (p: TunePoint): number => (p.meetsSlo === false ? 1e12 : 0) + (Number.isFinite(p.value) ? p.value : 1e15);
  /** Runs the settings not run yet (one batch: every setting × every seed); returns each one's score. */
  const evalSettings = async (xs: readonly (readonly (number | null)[])[]): Promise<number[]> => {
    const keys = xs.map((x) => JSON.stringify(x));
    const fresh = keys.map((k, i) => ({ k, v: variant(xs[i]!) })).filter((f, i) => !runsBy.has(f.k) && keys.indexOf(f.k) === i);
    const jobs = fresh.flatMap((f) => seeds.map((seed) => ({ scenario: f.v.scenario, choice: f.v.choice, seed })));
    const runs = jobs.length > 0 ? await o.evaluate(jobs) : [];
    fresh.forEach((f, i) => {
      runsBy.set(f.k, runs.slice(i * seeds.length, (i + 1) * seeds.length));
      variantOfKey.set(f.k, f.v);
      const r = resultOf(f.k);
      const value = r.latency[o.metric];
      const ci = o.metric === 'p99' ? r.ci95.p99 : o.metric === 'mean' ? r.ci95.mean : null;
      order.push(f.k);
      points.set(f.k, { settings: f.v.settings, value, ci95: ci, meetsSlo: slo ? checkSlo(r, slo).verdict === 'meets' : null });
    });
    return keys.map((k) => score(points.get(k)!));
  };

  // the scenario's own setting first (mechanisms that are off stay off)
  const initialX = o.params.map((p) => p.initial);
  await evalSettings([initialX]);
  const initialKey = JSON.stringify(initialX);
  const dims = o.params.map((p) => ({ min: p.min, max: p.max, integer: p.integer, log: p.log, initial: p.initial !== null && p.initial >= p.min && p.initial <= p.max ? p.initial : null }));
  // the search's own start may be the scenario's setting (then it is not run again)
  const startsAtInitial = dims.every((d, i) => d.initial !== null && d.initial === initialX[i]);
  await searchSettings(dims, (xs) => evalSettings(xs), { budget: Math.max(1, o.budget - (startsAtInitial ? 0 : 1)) });
  const bestKey = (() => {
    // the best over everything evaluated, the scenario's own setting included
    let k = initialKey;
    let v = points.get(initialKey)!;
    for (const key of order) {
      const p = points.get(key)!;
      if (score(p) < score(v)) {
        k = key;
        v = p;
      }
    }
    return k;
  })();
  const initial = resultOf(initialKey);
  const best = resultOf(bestKey);
  const improvement = pairedDifference(replicationsOf(best), replicationsOf(initial), o.metric);
  const warnings: string[] = [];
  if (seeds.length < 2) warnings.push('one replication: the improvement has no interval; use --replications N (e.g. 5)');
  if (slo && ![...points.values()].some((p) => p.meetsSlo)) warnings.push(`no setting in range meets the SLO; the best shown is the closest by ${metricName(o.metric)}`);
  const evaluations = points.size;
  const report: TuneReport = {
    strategy: o.choice.label,
    metric: o.metric,
    parameters: o.params.map((p) => ({ path: p.path, min: p.min, max: p.max, integer: p.integer, log: p.log, default: p.initial })),
    points: order.map((k) => points.get(k)!),
    best: points.get(bestKey)!,
    initial: points.get(initialKey)!,
    improvement,
    method:
      `coordinate descent: per setting a grid (every integer when few, else 5 points${o.params.some((p) => p.log) ? ', log-spaced for wide ranges' : ''}) then golden-section search; ` +
      `at most ${o.budget} settings, each run on ${seeds.length} replication seed${seeds.length === 1 ? '' : 's'} (common random numbers); minimizing ${metricName(o.metric)}${slo ? ', settings meeting the SLO first' : ''}`,
    evaluations,
    warnings,
  };
  return { report, initial, best };
}
