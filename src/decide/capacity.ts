/**
 * `lbsim capacity`: per strategy, the smallest backend count (of one group), the largest arrival
 * rate, or the smallest speed multiplier at which the scenario meets its SLO.
 *
 * For every strategy and every replication seed, a bisection (`bisection.ts`) finds the boundary
 * on that seed alone — common random numbers: every setting and every strategy replays the same
 * arrivals and service demands of the seed — and the answers are summarized across replications
 * (Law, "Simulation Modeling and Analysis", 5th ed., §9.4, independent replications): counts by
 * the largest (the count that meets the SLO on every replication), with the range and a 95 %
 * Student-t interval of the mean; rates and speeds by the mean with its 95 % interval. Each step
 * of all searches is one batch for the evaluator, so a parallel evaluator uses every core; a run
 * already made is never repeated. The SLO is assumed monotone in the setting (more backends never
 * hurt); a search reports the closest setting when nothing in range meets it.
 *
 * Default ranges: backends from the smallest stable count (total capacity above the offered rate;
 * one fewer is taken as failing without a run) to twice the larger of it and the current count;
 * rates 5–99 % of capacity to 1 %; speeds from the stability bound (load 0.99) to 4× the current
 * speed (or 4× the load factor, if larger), to 1 %.
 */
import { InputError } from '../input/errors.js';
import { tailWarningFor } from '../results/compare.js';
import type { CapacityReport, CapacityRow } from '../results/schema.js';
import { ci95 } from '../results/stats.js';
import { fleetCapacity, meanClassFactor } from '../scenario/capacity.js';
import type { Scenario, Slo } from '../scenario/types.js';
import { replicationSeed, scenarioFacts } from '../sim/run.js';
import { Bisection } from './bisection.js';
import { driveSearches, type DrivenSearch } from './drive.js';
import type { Evaluate } from './evaluate.js';
import { runMeetsSlo, sloDistance, sloTargets } from './slo.js';
import { hasOpenArrivals, withCount, withRateFactor, withSpeedFactor } from './variants.js';

/** What `lbsim capacity` varies. */
export type CapacityVary = 'backends' | 'rate' | 'speed';

/** Options of {@link capacitySearch}. */
export interface CapacityOptions {
  vary: CapacityVary;
  /** Group index to vary (`backends`: required with several groups; `speed`: null = every group). */
  group: number | null;
  /** Range to search instead of the default (see the module header). */
  range?: [number, number];
  evaluate: Evaluate;
}

/** The offered rate's share that one backend of `group` serves at full utilization. */
function perBackend(s: Scenario, group: number): number {
  const g = s.backends[group]!;
  return fleetCapacity([{ ...g, count: 1 }], meanClassFactor(s.clients.classes));
}

/** Smallest count of `group` whose fleet capacity exceeds the offered rate (at least 1). */
export function stableCount(s: Scenario, group: number): number {
  const offered = scenarioFacts(s).offeredRate;
  const others = fleetCapacity(
    s.backends.filter((_, i) => i !== group),
    meanClassFactor(s.clients.classes),
  );
  const one = perBackend(s, group);
  if (!(one > 0) || !Number.isFinite(one)) return 1;
  return Math.max(1, Math.floor(Math.max(0, offered - others) / one) + 1);
}

/** Checks the options against the scenario. @throws InputError naming the flag */
function checkOptions(s: Scenario, o: CapacityOptions): void {
  if (!s.slo) throw new InputError('--slo', [{ path: '', message: 'capacity needs an SLO: add slo: { p99: 10ms } to the scenario or pass --slo p99=10ms' }]);
  if (o.vary === 'backends') {
    if (o.group === null) {
      if (s.backends.length > 1)
        throw new InputError('--group', [{ path: '', message: `the scenario has ${s.backends.length} backend groups: name the one to vary with --group (${s.backends.map((g, i) => g.name ?? String(i)).join(', ')})` }]);
    } else if (s.autoscale?.group === o.group) {
      throw new InputError('--group', [{ path: '', message: 'that group is autoscaled: its count is the autoscaler\'s; vary rate or speed instead, or remove autoscale' }]);
    }
  }
  if (o.vary === 'rate' && !hasOpenArrivals(s))
    throw new InputError('--vary', [{ path: '', message: 'rate: the closed-loop workload has no arrival rate (its load is set by users)' }]);
  if (o.range) {
    const [lo, hi] = o.range;
    if (!(lo > 0 && hi >= lo) || (o.vary === 'backends' && !(Number.isInteger(lo) && Number.isInteger(hi))))
      throw new InputError('--range', [{ path: '', message: `expected LO:HI with 0 < LO ≤ HI${o.vary === 'backends' ? ', whole numbers' : ''}, got ${lo}:${hi}` }]);
  }
}

/** Runs the capacity search (see the module header). @throws InputError for options the scenario cannot take */
export async function capacitySearch(scenario: Scenario, o: CapacityOptions): Promise<CapacityReport> {
  checkOptions(scenario, o);
  const slo = scenario.slo as Slo;
  const facts = scenarioFacts(scenario);
  const group = o.vary === 'backends' ? (o.group ?? 0) : o.group;
  const seeds = Array.from({ length: Math.max(1, scenario.replications) }, (_, k) => replicationSeed(scenario.seed, k));

  let range: [number, number];
  let current: number;
  let integer = false;
  let okSide: 'high' | 'low' = 'high';
  let badEndKnown = false;
  let variantOf: (x: number) => Scenario;
  let unit: string;
  switch (o.vary) {
    case 'backends': {
      const g = group!;
      current = scenario.backends[g]!.count;
      const stable = stableCount(scenario, g);
      range = o.range ?? [stable, Math.max(2 * current, 2 * stable)];
      badEndKnown = o.range === undefined;
      integer = true;
      variantOf = (c) => withCount(scenario, g, c);
      unit = scenario.backends.length > 1 ? `group ${scenario.backends[g]!.name ?? g}` : '';
      break;
    }
    case 'rate':
      current = facts.offeredRate;
      range = o.range ?? [0.05 * facts.capacity, 0.99 * facts.capacity];
      okSide = 'low';
      variantOf = (r) => withRateFactor(scenario, r / facts.offeredRate);
      unit = 'req/s';
      break;
    case 'speed':
      current = 1;
      range = o.range ?? [facts.loadFactor / 0.99, Math.max(4, 4 * facts.loadFactor)];
      variantOf = (f) => withSpeedFactor(scenario, f, group);
      unit = 'a multiple of the current speed';
      break;
  }
  const variants = new Map<number, Scenario>();
  const variant = (x: number): Scenario => {
    let s = variants.get(x);
    if (!s) {
      s = variantOf(x);
      variants.set(x, s);
    }
    return s;
  };
  const searches: DrivenSearch[][] = scenario.strategies.map((choice) =>
    seeds.map((seed) => ({
      search: new Bisection({ min: range[0], max: range[1], integer, okSide, badEndKnown, tolerance: 0.01 }),
      job: (x: number) => ({ scenario: variant(x), choice, seed }),
      ok: (run) => runMeetsSlo(run, slo),
    })),
  );
  const runs = await driveSearches(searches.flat(), o.evaluate);

  const warnings: string[] = [];
  if (seeds.length < 2) warnings.push('one replication: no interval on the answers; use --replications N (e.g. 5) for one');
  const rows: CapacityRow[] = scenario.strategies.map((choice, i) => {
    const ss = searches[i]!;
    const per = ss.map((d) => d.search.answer);
    const met = per.filter((x): x is number => x !== null);
    const all = met.length === per.length;
    const value = !all ? null : integer ? Math.max(...met) : met.reduce((a, b) => a + b, 0) / met.length;
    const row: CapacityRow = { strategy: choice.label, perReplication: per, value, ci95: all && met.length >= 2 ? ci95(met) : null, runs: ss.reduce((n, d) => n + d.runs!.size, 0) };
    if (!all) {
      // the favourable end of the range, on the first seed that failed there
      const failed = ss.find((d) => d.search.answer === null)!;
      const end = okSide === 'high' ? range[1] : range[0];
      const run = failed.runs!.get(end);
      if (run) {
        const d = sloDistance(run, slo);
        row.closest = { setting: end, value: d.value, objective: d.objective };
      }
    }
    for (const d of ss)
      for (const run of d.runs!.values()) {
        const metric = slo.p999Ms !== undefined ? 'p999' : slo.p99Ms !== undefined ? 'p99' : 'mean';
        const few = tailWarningFor(run.requests.completed, metric);
        if (few && !warnings.some((w) => w.startsWith(choice.label))) warnings.push(`${choice.label}: ${few}`);
      }
    return row;
  });
  const what = o.vary === 'backends' ? 'smallest backend count' : o.vary === 'rate' ? 'largest arrival rate' : 'smallest speed';
  return {
    vary: o.vary,
    ...(group !== null && group !== undefined ? { group: scenario.backends[group]!.name ?? String(group) } : {}),
    range,
    current,
    slo: sloTargets(slo),
    method:
      `${what}${unit ? ` (${unit})` : ''} meeting the SLO, by bisection per strategy and per replication seed (${seeds.length}) on common random numbers` +
      `${integer ? '' : ', to 1 %'}; ${integer ? 'the answer is the largest over replications (meets on every one)' : 'mean and 95 % t interval over replications'}; ` +
      `${runs} runs of ${(scenario.durationMs / 1000).toLocaleString('en-US')} s`,
    rows,
    runs,
    warnings,
  };
}
