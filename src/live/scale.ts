/**
 * Time dilation for live runs: a scenario with every duration multiplied by a factor S and every
 * rate divided by S describes the same queueing system in slower time (Kleinrock, "Queueing
 * Systems" vol. 1, §1: a queue's behaviour depends on time only through the products λ·E[S]; the
 * load factor and every latency ratio are invariant under a common change of time unit). With the
 * same seed the simulator draws exactly the same arrivals and service demands, each multiplied by S.
 *
 * `lbsim live` needs this because the scenario's services are often sub-millisecond: a timer on
 * Node's event loop has a granularity of about 1 ms (libuv keeps loop time in whole milliseconds),
 * and 2 cores cannot push the proxy, the load generator and the backends through thousands of
 * requests per second without the harness itself becoming the bottleneck. {@link chooseScale} picks
 * S so that the mean service time is at least a target (default 20 ms) and the total request rate
 * at most a ceiling (default 600 req/s), and {@link liveScenario} then shortens the measured
 * duration to a real-time budget.
 */
import { meanOf } from '../sim/model/distributions.js';
import { meanRate } from '../sim/model/arrivals.js';
import type { Arrival, Distribution, Fault, Scenario } from '../scenario/types.js';

/** Options of {@link chooseScale}. */
export interface ScaleTargets {
  /** Smallest mean service time after scaling, ms (default 20). */
  minServiceMs?: number;
  /** Largest mean offered request rate after scaling, requests/s (default 600). */
  maxRate?: number;
}

/** The mean service demand of a scenario (ms at speed 1, averaged over groups by backend count). */
export function meanServiceMs(scenario: Scenario): number {
  let s = 0;
  let n = 0;
  for (const g of scenario.backends) {
    s += (g.count * meanOf(g.service)) / g.speed;
    n += g.count;
  }
  return n > 0 ? s / n : 0;
}

/** Mean offered rate of the open-loop process over the whole run (NaN for the closed loop). */
export function offeredRate(scenario: Scenario): number {
  const p = scenario.clients.process;
  if (p.arrival === 'closed') return Number.NaN;
  return meanRate(p, 0, scenario.warmupMs + scenario.durationMs);
}

/**
 * The time-scale factor for a live run: the smallest S ≥ 1 with mean service × S ≥ `minServiceMs`
 * and offered rate / S ≤ `maxRate`, rounded up to a "nice" value (1, 2, 2.5, 5 × 10^k).
 */
export function chooseScale(scenario: Scenario, targets: ScaleTargets = {}): number {
  const minService = targets.minServiceMs ?? 20;
  const maxRate = targets.maxRate ?? 600;
  const svc = meanServiceMs(scenario);
  let s = 1;
  if (svc > 0 && Number.isFinite(svc)) s = Math.max(s, minService / svc);
  const rate = offeredRate(scenario);
  if (Number.isFinite(rate) && rate > 0) s = Math.max(s, rate / maxRate);
  return niceCeil(s);
}

/** The smallest of 1, 2, 2.5, 5 × 10^k that is ≥ x (x ≥ 1). */
export function niceCeil(x: number): number {
  if (!(x > 1)) return 1;
  const e = Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) {
    const v = m * 10 ** e;
    if (v >= x * (1 - 1e-12)) return v;
  }
  return 10 ** (e + 1);
}

/** `d` with every time multiplied by `s`. */
export function scaleDistribution(d: Distribution, s: number): Distribution {
  switch (d.dist) {
    case 'constant':
      return { dist: 'constant', value: d.value * s };
    case 'exponential':
      return { dist: 'exponential', mean: d.mean * s };
    case 'uniform':
      return { dist: 'uniform', min: d.min * s, max: d.max * s };
    case 'lognormal':
      return { dist: 'lognormal', mu: d.mu + Math.log(s), sigma: d.sigma, ...(d.median !== undefined && d.p99 !== undefined ? { median: d.median * s, p99: d.p99 * s } : {}) };
    case 'pareto':
      return { dist: 'pareto', scale: d.scale * s, shape: d.shape, ...(d.mean !== undefined ? { mean: d.mean * s } : {}) };
    case 'gamma':
      return { dist: 'gamma', shape: d.shape, scale: d.scale * s, ...(d.mean !== undefined ? { mean: d.mean * s } : {}) };
    case 'mixture':
      return { dist: 'mixture', parts: d.parts.map((p) => ({ weight: p.weight, of: scaleDistribution(p.of, s) })) };
    case 'empirical':
      return { dist: 'empirical', samples: d.samples.map((x) => x * s) };
  }
}

function scaleArrival(a: Arrival, s: number): Arrival {
  switch (a.arrival) {
    case 'poisson':
    case 'constant':
      return { arrival: a.arrival, rate: a.rate / s };
    case 'bursty':
      return { arrival: 'bursty', rate: a.rate / s, burstRate: a.burstRate / s, onMs: a.onMs * s, offMs: a.offMs * s };
    case 'schedule':
      return { arrival: 'schedule', steps: a.steps.map((st) => ({ atMs: st.atMs * s, rate: st.rate / s, ramp: st.ramp })) };
    case 'closed':
      return { arrival: 'closed', users: a.users, think: scaleDistribution(a.think, s) };
    case 'trace':
      return { ...a, speed: a.speed / s };
  }
}

/** Fields of a fault that hold times in ms (scaled with the scenario). */
const FAULT_TIME_KEYS = ['atMs', 'durationMs', 'mtbfMs', 'mttrMs', 'everyMs', 'lengthMs', 'upMs', 'downMs'] as const;

function scaleFault(f: Fault, s: number): Fault {
  const copy = { ...f } as Record<string, unknown>;
  for (const k of FAULT_TIME_KEYS) if (typeof copy[k] === 'number') copy[k] = (copy[k] as number) * s;
  return copy as unknown as Fault;
}

/**
 * The scenario in time dilated by `s`: every duration × s, every rate ÷ s (arrival rates and the
 * rate limit); counts, weights, workers, queue limits and shares are unchanged, and so are the
 * strategies' own options (a strategy with a time constant, e.g. peak-ewma's decay, sees it in
 * scaled time). Faults, health checks, hedging and autoscaling times are scaled too.
 */
export function scaleScenario(sc: Scenario, s: number): Scenario {
  if (!(s > 0 && Number.isFinite(s))) throw new RangeError(`scale must be a positive number, got ${s}`);
  const b = sc.balancer;
  const out: Scenario = {
    ...sc,
    durationMs: sc.durationMs * s,
    warmupMs: sc.warmupMs * s,
    intervalMs: sc.intervalMs * s,
    clients: { ...sc.clients, process: scaleArrival(sc.clients.process, s) },
    backends: sc.backends.map((g) => ({ ...g, service: scaleDistribution(g.service, s) })),
    balancer: {
      ...b,
      passive: b.passive === false ? false : { ...b.passive, failTimeoutMs: b.passive.failTimeoutMs * s },
      outlier: b.outlier === false ? false : { ...b.outlier, baseEjectionMs: b.outlier.baseEjectionMs * s, maxEjectionMs: b.outlier.maxEjectionMs * s },
      slowStart: b.slowStart === false ? false : { ...b.slowStart, windowMs: b.slowStart.windowMs * s },
      rateLimit: b.rateLimit === false ? false : { ...b.rateLimit, rate: b.rateLimit.rate / s },
      queue: b.queue === false ? false : { ...b.queue, timeoutMs: b.queue.timeoutMs * s },
      timeoutMs: b.timeoutMs * s,
      network: scaleDistribution(b.network, s),
      overheadMs: b.overheadMs * s,
    },
  };
  if (sc.faults) out.faults = sc.faults.map((f) => scaleFault(f, s));
  if (b.healthCheck) out.balancer.healthCheck = { ...b.healthCheck, intervalMs: b.healthCheck.intervalMs * s, timeoutMs: b.healthCheck.timeoutMs * s, costMs: b.healthCheck.costMs * s };
  if (b.hedge) out.balancer.hedge = { delayMs: b.hedge.delayMs * s };
  if (sc.autoscale) {
    const a = sc.autoscale;
    out.autoscale = { ...a, windowMs: a.windowMs * s, intervalMs: a.intervalMs * s, cooldownMs: a.cooldownMs * s, provisioningDelayMs: a.provisioningDelayMs * s };
  }
  return out;
}

/** Options of {@link liveScenario}. */
export interface LiveWindow {
  /** Time-scale factor (from {@link chooseScale} when omitted). */
  scale?: number;
  /** Measured real time, ms (default: the scaled duration, capped at 20 s). */
  durationMs?: number;
  /** Real warm-up, ms (default: the scaled warm-up, capped at 3 s). */
  warmupMs?: number;
}

/**
 * The scenario a live run executes: scaled by S, with the measured window shortened to a real-time
 * budget (and the time-series interval to duration / 30, at least 250 ms). Returns it with S.
 */
export function liveScenario(sc: Scenario, w: LiveWindow = {}): { scenario: Scenario; scale: number } {
  const scale = w.scale ?? chooseScale(sc);
  const scaled = scaleScenario(sc, scale);
  const durationMs = w.durationMs ?? Math.min(scaled.durationMs, 20_000);
  const warmupMs = w.warmupMs ?? Math.min(scaled.warmupMs, 3_000);
  const intervalMs = Math.max(250, durationMs / 30);
  return { scenario: { ...scaled, durationMs, warmupMs, intervalMs, replications: 1 }, scale };
}
