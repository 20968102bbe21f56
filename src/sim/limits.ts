/**
 * The input limits of a simulation, checked on the normalized scenario before anything runs
 * (`lbsim validate` checks exactly what `lbsim run` and `lbsim sweep` check): estimated requests
 * and timed events per run, backends, time-series cells, Zipf populations and closed-loop users,
 * and ketama ring points. Each problem names its field and the limit with the `--limit` flag that
 * raises it (`src/input/limits.ts`); the README lists the defaults and what a run costs per unit.
 *
 * Estimates: requests per run = the arrival process's mean rate over warm-up + measured time × that
 * time (open loops: what arrives whatever the capacity), or for the closed loop the smaller of its
 * zero-queueing rate and the capacity (`scenarioFacts` in `run.ts`); timed events are health-check
 * probes (backends × time / interval), periodic faults (targets × time / period) and autoscaler
 * ticks. A ketama ring has 160 points per unit of weight (nginx `ngx_http_upstream_init_chash`,
 * src/http/modules/ngx_http_upstream_hash_module.c); its default cap is Envoy's ring-hash
 * `maximum_ring_size` default and ceiling, 8M = 8,388,608 entries (`RingHash.maximum_ring_size` in
 * api/envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash.proto).
 */
import { InputError, type InputProblem } from '../input/errors.js';
import { DEFAULT_LIMITS, formatCount, limitHint, type InputLimits } from '../input/limits.js';
import { formatMs } from '../input/units.js';
import type { Scenario } from '../scenario/types.js';
import { POINTS_PER_WEIGHT } from '../strategies/support/ketama-ring.js';
import { meanRate } from './model/arrivals.js';
import { scenarioFacts } from './run.js';

/** A duration in seconds for people: `60 s`, `1,000,000,000 s`, `0.5 s`. */
function seconds(ms: number): string {
  return ms >= 10_000 ? `${formatCount(ms / 1000)} s` : formatMs(ms);
}

/** Strategies that build a ketama ring over the backends' weights. */
const RING_STRATEGIES = new Set(['consistent-hash', 'bounded-load']);

/** Every problem of `scenario` against `limits` (empty when it is within them). */
export function limitProblems(scenario: Scenario, limits: Readonly<InputLimits> = DEFAULT_LIMITS): InputProblem[] {
  const problems: InputProblem[] = [];
  const over = (path: string, what: string, name: keyof InputLimits) => problems.push({ path, message: `${what}; ${limitHint(name, limits)}` });
  const spanMs = scenario.warmupMs + scenario.durationMs;
  const span = `${seconds(scenario.durationMs)} + warm-up ${seconds(scenario.warmupMs)}`;

  // Backends (an autoscaled group at its max).
  const counts = scenario.backends.map((g, k) => (scenario.autoscale?.group === k ? Math.max(g.count, scenario.autoscale.max) : g.count));
  const backends = counts.reduce((s, c) => s + c, 0);
  if (backends > limits.backends) {
    const big = counts.indexOf(Math.max(...counts));
    const path = scenario.autoscale?.group === big && scenario.autoscale.max >= scenario.backends[big]!.count ? 'autoscale.max' : `backends[${big}].count`;
    over(path, `${formatCount(backends)} backends in all`, 'backends');
  }

  // Requests per run.
  const p = scenario.clients.process;
  if (p.arrival === 'closed') {
    if (p.users > limits.population) over('clients.users', `${formatCount(p.users)} users`, 'population');
    const { offeredRate, capacity } = scenarioFacts(scenario);
    const rate = Math.min(offeredRate, capacity);
    const requests = (rate * spanMs) / 1000;
    if (!(requests <= limits.requests)) {
      const why = Number.isFinite(rate) ? `about ${formatCount(requests)} requests per run (${formatCount(rate)} req/s over ${span})` : 'no think time and no service time: requests without end';
      over(Number.isFinite(rate) ? 'duration' : 'clients.think', why, 'requests');
    }
  } else {
    const rate = meanRate(p, 0, spanMs);
    const requests = (rate * spanMs) / 1000;
    if (!(requests <= limits.requests)) {
      // Blame the rate when it alone is out of proportion (over the default 60 s it would still be).
      const path = (rate * 66) > limits.requests ? (p.arrival === 'schedule' ? 'clients.schedule' : 'clients.rate') : 'duration';
      over(path, `about ${formatCount(requests)} requests per run (${formatCount(rate)} req/s over ${span})`, 'requests');
    }
  }

  // Timed events: health-check probes, periodic faults, autoscaler ticks.
  const hc = scenario.balancer.healthCheck;
  if (hc) {
    const probes = (backends * spanMs) / hc.intervalMs;
    if (!(probes <= limits.requests)) {
      over('balancer.healthCheck.interval', `about ${formatCount(probes)} health-check probes per run (${formatCount(backends)} backends every ${formatMs(hc.intervalMs)} over ${span})`, 'requests');
    }
  }
  (scenario.faults ?? []).forEach((f, k) => {
    let period = 0;
    let key = '';
    if (f.kind === 'pause') [period, key] = [f.everyMs, 'every'];
    else if (f.kind === 'flap') [period, key] = [f.upMs + f.downMs, 'up'];
    else if ((f.kind === 'crash' || f.kind === 'hang') && f.mtbfMs !== null && f.mttrMs !== null) [period, key] = [f.mtbfMs + f.mttrMs, 'mtbf'];
    if (period <= 0) return;
    const events = (f.backends.length * spanMs) / period;
    if (!(events <= limits.requests)) {
      over(`faults[${k}].${key}`, `about ${formatCount(events)} ${f.kind} events per run (${f.backends.length} backends every ${formatMs(period)} over ${span})`, 'requests');
    }
  });
  if (scenario.autoscale) {
    const ticks = spanMs / scenario.autoscale.intervalMs;
    if (!(ticks <= limits.requests)) over('autoscale.interval', `about ${formatCount(ticks)} autoscaler ticks per run`, 'requests');
  }

  // Time-series cells.
  const slices = Math.max(1, Math.ceil(scenario.durationMs / scenario.intervalMs - 1e-9));
  const cells = (backends + 1) * slices;
  if (!(cells <= limits.seriesCells) && backends <= limits.backends) {
    over('interval', `${formatCount(slices)} time-series slices of ${formatMs(scenario.intervalMs)} × ${formatCount(backends + 1)} series = ${formatCount(cells)} cells`, 'seriesCells');
  }

  // Zipf populations (a table of `count` numbers; uniform populations keep none).
  for (const key of ['addresses', 'keys', 'sessions'] as const) {
    const pop = scenario.clients[key];
    if (pop.popularity === 'zipf' && pop.count > limits.population) {
      over(`clients.${key}.count`, `a Zipf population of ${formatCount(pop.count)} values`, 'population');
    }
  }

  // Ketama rings.
  const weight = scenario.backends.reduce((s, g, k) => s + counts[k]! * g.weight, 0);
  const points = weight * POINTS_PER_WEIGHT;
  if (points > limits.ringPoints) {
    scenario.strategies.forEach((c, k) => {
      const ring = RING_STRATEGIES.has(c.name) || (c.name === 'sticky' && RING_STRATEGIES.has(String(c.options.inner)));
      if (!ring) return;
      const heaviest = scenario.backends.reduce((best, g, j) => (counts[j]! * g.weight > counts[best]! * scenario.backends[best]!.weight ? j : best), 0);
      over(
        `backends[${heaviest}].weight`,
        `strategy ${c.label} (strategies[${k}]) builds a ketama ring of ${POINTS_PER_WEIGHT} points per unit of weight: total weight ${formatCount(weight)} gives ${formatCount(points)} points`,
        'ringPoints',
      );
    });
  }
  return problems;
}

/**
 * Checks a scenario against the limits before it runs.
 * @param file the scenario's file name, for the error
 * @throws InputError naming the file, each field at fault and the limit it exceeds
 */
export function checkScenarioLimits(scenario: Scenario, file: string, limits: Readonly<InputLimits> = DEFAULT_LIMITS): void {
  const problems = limitProblems(scenario, limits);
  if (problems.length > 0) throw new InputError(file, problems);
}
