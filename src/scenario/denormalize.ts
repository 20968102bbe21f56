/**
 * A normalized {@link Scenario} written back as a scenario document (the file form `parseScenario`
 * reads): `parseScenario(denormalize(s))` gives `s` again, field for field. Results files carry the
 * normalized scenario, not its source text, so this is how a report links its scenario to the
 * playground and how the playground shows the scenario of a results file loaded back.
 *
 * Durations are written with the largest unit that reads back to exactly the same number of ms
 * (`60s`, `1ms`, `0.1ms`), otherwise as a number of ms; distributions in their normalized
 * parameters (a lognormal given by median and p99 comes back as mu and sigma); values equal to the
 * defaults normalization fills in are left out (the defaults are those of the schema in
 * `scenario.ts`; the round-trip test over every shipped scenario catches a default that changed).
 */
import { findStrategy, strategyNames } from '../strategies/registry.js';
import { parseDuration } from '../input/units.js';
import type { Distribution, Fault, Scenario, StrategyChoice } from './types.js';

type Doc = Record<string, unknown>;

const UNITS: readonly [string, number][] = [
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** `ms` as a duration a person reads (`60s`, `250ms`) when that parses back to exactly `ms`; else the number. */
export function writeDuration(ms: number): number | string {
  if (!Number.isFinite(ms) || ms === 0) return ms;
  // Whole numbers of the largest unit first (90s, not 1.5m), then fractions (1.5ms).
  for (const whole of [true, false]) {
    for (const [unit, size] of UNITS) {
      const v = ms / size;
      const text = `${v}${unit}`;
      if (Number.isInteger(v) === whole && Math.abs(v) >= 1 && !text.includes('e') && parseDuration(text) === ms) return text;
    }
  }
  const text = `${ms}ms`;
  return !text.includes('e') && parseDuration(text) === ms ? text : ms;
}

function dist(d: Distribution): Doc {
  switch (d.dist) {
    case 'constant':
      return { dist: 'constant', value: writeDuration(d.value) };
    case 'exponential':
      return { dist: 'exponential', mean: writeDuration(d.mean) };
    case 'uniform':
      return { dist: 'uniform', min: writeDuration(d.min), max: writeDuration(d.max) };
    case 'lognormal':
      if (d.median !== undefined && d.p99 !== undefined) return { dist: 'lognormal', median: writeDuration(d.median), p99: writeDuration(d.p99) };
      return { dist: 'lognormal', mu: d.mu, sigma: d.sigma };
    case 'pareto':
      if (d.mean !== undefined) return { dist: 'pareto', mean: writeDuration(d.mean), shape: d.shape };
      return { dist: 'pareto', scale: writeDuration(d.scale), shape: d.shape };
    case 'gamma':
      if (d.mean !== undefined) return { dist: 'gamma', shape: d.shape, mean: writeDuration(d.mean) };
      return { dist: 'gamma', shape: d.shape, scale: writeDuration(d.scale) };
    case 'mixture':
      return { dist: 'mixture', parts: d.parts.map((p) => ({ weight: p.weight, of: dist(p.of) })) };
    case 'empirical':
      return { dist: 'empirical', samples: [...d.samples] };
  }
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function strategies(list: readonly StrategyChoice[]): unknown {
  const defaults = (name: string): unknown => findStrategy(name)?.options.safeParse({}).data;
  const plain = list.every((c) => c.label === c.name && sameJson(c.options, defaults(c.name)));
  if (plain && sameJson(list.map((c) => c.name), strategyNames())) return 'all';
  return list.map((c) => {
    if (sameJson(c.options, defaults(c.name))) return c.label === c.name ? c.name : { name: c.name, label: c.label };
    return { name: c.name, ...(c.label !== c.name ? { label: c.label } : {}), options: c.options };
  });
}

function fault(f: Fault): Doc {
  const out: Doc = {
    kind: f.kind,
    backends: f.backends.length === 1 ? f.backends[0] : [...f.backends],
  };
  if (f.atMs !== 0) out['at'] = writeDuration(f.atMs);
  if (f.durationMs !== null) out['duration'] = writeDuration(f.durationMs);
  switch (f.kind) {
    case 'crash':
    case 'hang':
      if (f.mtbfMs !== null) out['mtbf'] = writeDuration(f.mtbfMs);
      if (f.mttrMs !== null) out['mttr'] = writeDuration(f.mttrMs);
      break;
    case 'slow':
      out['factor'] = f.factor;
      break;
    case 'errors':
      Object.assign(out, { fraction: f.fraction, status: f.status, latency: f.latency });
      break;
    case 'pause':
      Object.assign(out, { every: writeDuration(f.everyMs), length: writeDuration(f.lengthMs) });
      break;
    case 'flap':
      Object.assign(out, { up: writeDuration(f.upMs), down: writeDuration(f.downMs) });
      break;
  }
  return out;
}

function clients(s: Scenario): Doc {
  const c = s.clients;
  const p = c.process;
  const out: Doc = { arrival: p.arrival };
  switch (p.arrival) {
    case 'poisson':
    case 'constant':
      // a rate derived from clients.load is written as the load (it normalizes to the same rate)
      if (c.load !== undefined) out['load'] = c.load;
      else out['rate'] = p.rate;
      break;
    case 'bursty':
      Object.assign(out, { rate: p.rate, burstRate: p.burstRate, on: writeDuration(p.onMs), off: writeDuration(p.offMs) });
      break;
    case 'schedule':
      out['schedule'] = p.steps.map((st) => ({ at: writeDuration(st.atMs), rate: st.rate, ...(st.ramp ? { ramp: true } : {}) }));
      break;
    case 'closed':
      Object.assign(out, { users: p.users, think: dist(p.think) });
      break;
    case 'trace':
      Object.assign(out, {
        file: p.file,
        format: p.format,
        ...(p.speed !== 1 ? { speed: p.speed } : {}),
        ...(p.loop ? { loop: true } : {}),
        ...(p.attributes.length > 0 ? { attributes: [...p.attributes] } : {}),
      });
      break;
  }
  const population = (key: 'addresses' | 'keys' | 'sessions', defaultCount: number): void => {
    const p = c[key];
    if (p.popularity === 'uniform' && p.exponent === 1) {
      if (p.count !== defaultCount) out[key] = p.count;
    } else out[key] = { ...p };
  };
  population('addresses', 1000);
  population('keys', 10_000);
  population('sessions', 1000);
  const defaultClass = c.classes.length === 1 && sameJson(c.classes[0], { name: 'default', share: 1, serviceFactor: 1 });
  if (!defaultClass) {
    out['classes'] = c.classes.map((k) => ({ name: k.name, share: k.share, ...(k.serviceFactor !== 1 ? { serviceFactor: k.serviceFactor } : {}) }));
  }
  if (c.zones) out['zones'] = Object.fromEntries(c.zones.map((z) => [z.zone, z.share]));
  return out;
}

/** Keeps the entries of `doc` whose value differs from `defaults[key]` (compared as JSON). */
function withoutDefaults(doc: Doc, defaults: Doc): Doc {
  const out: Doc = {};
  for (const [k, v] of Object.entries(doc)) if (!(k in defaults) || !sameJson(v, defaults[k])) out[k] = v;
  return out;
}

/** The balancer section's defaults, in written form. */
const BALANCER_DEFAULTS: Doc = {
  passive: { maxFails: 1, failTimeout: '10s' },
  outlier: false,
  panicThreshold: 50,
  slowStart: false,
  rateLimit: false,
  connLimit: false,
  queue: false,
  retries: 0,
  timeout: 0,
  network: { dist: 'constant', value: 0 },
  overhead: 0,
};

/** A backend group's defaults, in written form. */
const BACKEND_DEFAULTS: Doc = { weight: 1, workers: 1, discipline: 'fifo', queueLimit: null, speed: 1, maxConn: 0 };

/** Autoscaling defaults, in written form. */
const AUTOSCALE_DEFAULTS: Doc = { window: '10s', interval: '1s', cooldown: '10s', provisioningDelay: 0, tolerance: 0.1 };

/** The scenario document that normalizes to `s` (see the module header). */
export function denormalize(s: Scenario): Doc {
  const b = s.balancer;
  const balancer: Doc = {
    passive: b.passive === false ? false : { maxFails: b.passive.maxFails, failTimeout: writeDuration(b.passive.failTimeoutMs) },
    outlier:
      b.outlier === false
        ? false
        : {
            consecutive5xx: b.outlier.consecutive5xx,
            baseEjection: writeDuration(b.outlier.baseEjectionMs),
            maxEjection: writeDuration(b.outlier.maxEjectionMs),
            maxEjectionPercent: b.outlier.maxEjectionPercent,
          },
    panicThreshold: b.panicThreshold,
    slowStart:
      b.slowStart === false
        ? false
        : { window: writeDuration(b.slowStart.windowMs), minWeightPercent: b.slowStart.minWeightPercent, aggression: b.slowStart.aggression },
    rateLimit: b.rateLimit === false ? false : { ...b.rateLimit },
    connLimit: b.connLimit === false ? false : { ...b.connLimit },
    queue: b.queue === false ? false : { maxQueue: b.queue.maxQueue, timeout: writeDuration(b.queue.timeoutMs) },
    retries: b.retries,
    timeout: writeDuration(b.timeoutMs),
    network: dist(b.network),
    overhead: writeDuration(b.overheadMs),
  };
  if (b.healthCheck) {
    const h = b.healthCheck;
    balancer['healthCheck'] = {
      interval: writeDuration(h.intervalMs),
      timeout: writeDuration(h.timeoutMs),
      rise: h.rise,
      fall: h.fall,
      cost: writeDuration(h.costMs),
    };
  }
  if (b.retryOn) balancer['retryOn'] = [...b.retryOn];
  if (b.failover !== undefined) balancer['failover'] = b.failover === false ? false : { ...b.failover };
  if (b.zones !== undefined) balancer['zones'] = b.zones === false ? false : { ...b.zones, ...(b.zones.localityWeights ? { localityWeights: { ...b.zones.localityWeights } } : {}) };
  if (b.retryBudget) balancer['retryBudget'] = { ...b.retryBudget };
  if (b.hedge) balancer['hedge'] = { delay: writeDuration(b.hedge.delayMs) };
  const doc: Doc = {
    name: s.name,
    ...(s.description !== '' ? { description: s.description } : {}),
    seed: s.seed,
    duration: writeDuration(s.durationMs),
  };
  if (s.warmupMs !== Math.min(s.durationMs * 0.1, 10_000)) doc['warmup'] = writeDuration(s.warmupMs);
  if (s.replications !== 1) doc['replications'] = s.replications;
  if (s.intervalMs !== Math.max(100, s.durationMs / 60)) doc['interval'] = writeDuration(s.intervalMs);
  doc['clients'] = clients(s);
  doc['backends'] = s.backends.map((g) => ({
    ...(g.name !== null ? { name: g.name } : {}),
    count: g.count,
    ...withoutDefaults(
      { weight: g.weight, workers: g.workers, discipline: g.discipline, queueLimit: g.queueLimit, speed: g.speed, maxConn: g.maxConn },
      BACKEND_DEFAULTS,
    ),
    ...(g.priority !== undefined ? { priority: g.priority } : {}),
    ...(g.degraded === true ? { degraded: true } : {}),
    ...(g.zone !== undefined ? { zone: g.zone } : {}),
    service: dist(g.service),
    ...(g.cache ? { cache: { ...g.cache } } : {}),
    ...(g.addresses ? { address: g.count === 1 ? g.addresses[0]! : [...g.addresses] } : {}),
    ...(g.hostnames ? { hostname: g.count === 1 ? g.hostnames[0]! : [...g.hostnames] } : {}),
  }));
  const written = withoutDefaults(balancer, BALANCER_DEFAULTS);
  if (Object.keys(written).length > 0) doc['balancer'] = written;
  doc['strategies'] = strategies(s.strategies);
  if (s.faults) doc['faults'] = s.faults.map(fault);
  if (s.autoscale) {
    const a = s.autoscale;
    const group = s.backends[a.group]?.name;
    doc['autoscale'] = {
      ...(group ? { group } : {}),
      min: a.min,
      max: a.max,
      target: a.target,
      ...withoutDefaults(
        {
          window: writeDuration(a.windowMs),
          interval: writeDuration(a.intervalMs),
          cooldown: writeDuration(a.cooldownMs),
          provisioningDelay: writeDuration(a.provisioningDelayMs),
          tolerance: a.tolerance,
        },
        AUTOSCALE_DEFAULTS,
      ),
    };
  }
  if (s.balancers?.zones) {
    // placed by zone (with client zones): the count follows from the zones
    doc['balancers'] = { spread: s.balancers.spread, zones: Object.fromEntries(s.balancers.zones.map((z) => [z.zone, z.count])) };
  } else if (s.balancers) doc['balancers'] = s.balancers.spread === 'round-robin' ? s.balancers.count : { ...s.balancers };
  if (s.network) {
    const n = s.network;
    doc['network'] = {
      sameZone: writeDuration(n.sameZoneMs),
      crossZone: writeDuration(n.crossZoneMs),
      ...(Object.keys(n.latencyMs).length > 0
        ? { latency: Object.fromEntries(Object.entries(n.latencyMs).map(([a, row]) => [a, Object.fromEntries(Object.entries(row).map(([b, ms]) => [b, writeDuration(ms)]))])) }
        : {}),
      crossZoneBytes: n.crossZoneBytes,
      pricePerGB: n.pricePerGB,
    };
  }
  if (s.observed) {
    const o = s.observed;
    doc['observed'] = {
      source: o.source,
      what: o.what,
      p50: writeDuration(o.p50Ms),
      p90: writeDuration(o.p90Ms),
      p99: writeDuration(o.p99Ms),
      shares: { ...o.shares },
      ...(o.strategy !== undefined ? { strategy: o.strategy } : {}),
      ...(o.verdict !== undefined ? { verdict: o.verdict } : {}),
    };
  }
  if (s.slo) {
    const slo: Doc = {};
    if (s.slo.p99Ms !== undefined) slo['p99'] = writeDuration(s.slo.p99Ms);
    if (s.slo.p999Ms !== undefined) slo['p999'] = writeDuration(s.slo.p999Ms);
    if (s.slo.availability !== undefined) slo['availability'] = s.slo.availability;
    doc['slo'] = slo;
  }
  if (s.baseline !== undefined) doc['baseline'] = s.baseline;
  if (s.proxy !== undefined) doc['proxy'] = s.proxy;
  if (s.imported) {
    const { healthCheck: h, ...rest } = s.imported;
    doc['imported'] = {
      ...structuredClone(rest),
      ...(h
        ? { healthCheck: { interval: writeDuration(h.intervalMs), timeout: writeDuration(h.timeoutMs), rise: h.rise, fall: h.fall, ...(h.path !== undefined ? { path: h.path } : {}) } }
        : {}),
    };
  }
  return doc;
}
