/**
 * Scenario variants the searches evaluate, made on the normalized scenario (copies; the input is
 * never changed): the arrival rate scaled by a factor, one group's backend count, every group's
 * speed scaled, and a shorter run for cheap estimates. Only the keys named change, so every
 * variant keeps the scenario's seeds and with them the common random numbers across strategies.
 */
import type { Arrival, Scenario } from '../scenario/types.js';
import { scenarioFacts } from '../sim/run.js';

/** True when the arrival process has a rate to scale (every process but the closed loop). */
export function hasOpenArrivals(s: Scenario): boolean {
  return s.clients.process.arrival !== 'closed';
}

/** `a` with every rate multiplied by `m`. @throws for the closed loop (no rate) */
export function scaleArrival(a: Arrival, m: number): Arrival {
  switch (a.arrival) {
    case 'poisson':
    case 'constant':
      return { ...a, rate: a.rate * m };
    case 'bursty':
      return { ...a, rate: a.rate * m, burstRate: a.burstRate * m };
    case 'schedule':
      return { ...a, steps: a.steps.map((s) => ({ ...s, rate: s.rate * m })) };
    case 'trace':
      return { ...a, speed: a.speed * m }; // a replay at m× speed offers m× the rate
    case 'closed':
      throw new Error('a closed-loop arrival process has no rate to scale');
  }
}

/** The scenario with its offered rate multiplied by `m`. */
export function withRateFactor(s: Scenario, m: number): Scenario {
  const { load: _load, ...clients } = s.clients;
  return { ...s, clients: { ...clients, process: scaleArrival(s.clients.process, m) } };
}

/** The scenario with backend group `group` at `count` backends (an autoscaled group keeps its bounds valid). */
export function withCount(s: Scenario, group: number, count: number): Scenario {
  const backends = s.backends.map((g, i) => (i === group ? { ...g, count } : g));
  const out: Scenario = { ...s, backends };
  if (s.autoscale && s.autoscale.group === group) {
    out.autoscale = { ...s.autoscale, min: Math.min(s.autoscale.min, count), max: Math.max(s.autoscale.max, count) };
  }
  return out;
}

/** The scenario with the speed of group `group` (or of every group, when null) multiplied by `f`. */
export function withSpeedFactor(s: Scenario, f: number, group: number | null): Scenario {
  return { ...s, backends: s.backends.map((g, i) => (group === null || i === group ? { ...g, speed: g.speed * f } : g)) };
}

/**
 * True when the run's behaviour depends on absolute time (faults, autoscaling, a schedule, bursts),
 * so it cannot be shortened without changing what it simulates.
 */
export function timeDependent(s: Scenario): boolean {
  const a = s.clients.process.arrival;
  return (s.faults?.length ?? 0) > 0 || s.autoscale !== undefined || a === 'schedule' || a === 'bursty';
}

/**
 * A shorter version of `s` with about `requests` measured requests (the warm-up shrinks in the same
 * proportion, to at least 10 % of the new duration), or `s` itself when it is already that short or
 * is time-dependent (see {@link timeDependent}).
 */
export function shortened(s: Scenario, requests: number): Scenario {
  if (timeDependent(s)) return s;
  const rate = scenarioFacts(s).offeredRate;
  if (!(rate > 0) || !Number.isFinite(rate)) return s;
  const durationMs = (requests / rate) * 1000;
  if (durationMs >= s.durationMs) return s;
  const ratio = durationMs / s.durationMs;
  const warmupMs = Math.max(s.warmupMs * ratio, durationMs * 0.1);
  return { ...s, durationMs, warmupMs, intervalMs: Math.max(100, durationMs / 60) };
}
