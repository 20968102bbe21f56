/**
 * Headroom: the offered load at which each strategy stops meeting the SLO. Per strategy, a
 * bisection (`bisection.ts`) on the load factor (offered rate ÷ capacity) between 5 % and 99 %,
 * to 1 % of the load, on the scenario's own seed; each probe is a SHORT run of about
 * {@link HEADROOM_REQUESTS} measured requests (ten times that for a p99.9 objective), so that a
 * p99 rests on about 200 requests beyond it. It is cheap (about nine short runs per strategy) and
 * therefore an estimate: a one-seed p99 from 20,000 requests moves by several percent from seed to
 * seed, so the load found can be off by a few points; `lbsim capacity --vary rate` gives the same
 * answer from full-length runs over every replication, with an interval. Scenarios whose behaviour
 * depends on absolute time (faults, autoscaling, bursts, schedules) keep their full length.
 */
import type { Headroom, HeadroomRow } from '../results/schema.js';
import type { Scenario } from '../scenario/types.js';
import { scenarioFacts } from '../sim/run.js';
import { Bisection } from './bisection.js';
import { driveSearches, type DrivenSearch } from './drive.js';
import type { Evaluate } from './evaluate.js';
import { runMeetsSlo } from './slo.js';
import { hasOpenArrivals, shortened, timeDependent, withRateFactor } from './variants.js';

/** Measured requests per headroom probe for percentile objectives up to p99. */
export const HEADROOM_REQUESTS = 20_000;

/** The load factors searched. */
export const HEADROOM_RANGE: readonly [number, number] = [0.05, 0.99];

/**
 * Why headroom cannot be computed for `scenario` (no SLO, a closed loop, no finite capacity), or
 * null when it can.
 */
export function headroomUnavailable(scenario: Scenario): string | null {
  if (!scenario.slo) return 'set an SLO (slo: { p99: … }) to see the load at which each strategy breaks it';
  if (!hasOpenArrivals(scenario)) return 'not computed for a closed-loop workload (its load is set by users, not a rate)';
  const f = scenarioFacts(scenario);
  if (!(f.loadFactor > 0) || !Number.isFinite(f.capacity)) return 'not computed: the fleet has no finite capacity';
  return null;
}

/** Computes every strategy's headroom (see the module header). @throws when {@link headroomUnavailable} */
export async function computeHeadroom(scenario: Scenario, evaluate: Evaluate): Promise<Headroom> {
  const why = headroomUnavailable(scenario);
  if (why) throw new Error(why);
  const slo = scenario.slo!;
  const facts = scenarioFacts(scenario);
  const requests = slo.p999Ms !== undefined ? HEADROOM_REQUESTS * 10 : HEADROOM_REQUESTS;
  const variant = new Map<number, Scenario>();
  const at = (load: number): Scenario => {
    let s = variant.get(load);
    if (!s) {
      s = shortened(withRateFactor(scenario, load / facts.loadFactor), requests);
      variant.set(load, s);
    }
    return s;
  };
  const searches: DrivenSearch[] = scenario.strategies.map((choice) => ({
    search: new Bisection({ min: HEADROOM_RANGE[0], max: HEADROOM_RANGE[1], integer: false, okSide: 'low', tolerance: 0.01 }),
    job: (load: number) => ({ scenario: at(load), choice, seed: scenario.seed }),
    ok: (run) => runMeetsSlo(run, slo),
  }));
  const runs = await driveSearches(searches, evaluate);
  const rows: HeadroomRow[] = scenario.strategies.map((choice, i) => {
    const s = searches[i]!.search;
    const load = s.answer;
    return { strategy: choice.label, load, rate: load === null ? null : load * facts.capacity, breaksAt: s.badAt };
  });
  const length = timeDependent(scenario) ? 'full-length runs (the scenario depends on absolute time)' : `runs of about ${requests.toLocaleString('en-US')} requests`;
  return {
    method: `bisection on the offered load (${HEADROOM_RANGE[0] * 100}–${HEADROOM_RANGE[1] * 100} % of capacity, to 1 %) per strategy on seed ${scenario.seed}, ${length}; ${runs} runs: an estimate (lbsim capacity --vary rate gives intervals)`,
    rows,
  };
}
