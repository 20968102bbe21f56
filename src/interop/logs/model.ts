/**
 * From the streaming pass (accumulate.ts) to a workload model in scenario terms, every number with
 * where it came from and how well it fits:
 *
 * - servers: the log's upstream servers matched to the config's (same name, same address, or the
 *   only server on that port); each server's workers and de-queued service sample (fit/service.ts);
 * - speed: a server whose de-queued mean differs from the pooled mean by more than 10 % with a
 *   Welch t statistic above 4 gets speed = pooled mean / its mean; the others speed 1;
 * - service: one distribution for all servers, fitted (fit/families.ts) to the pooled de-queued
 *   samples, each server's scaled by its speed (so demand ÷ speed gives back each server's times);
 *   each server's own KS distance to the scaled fit is reported too;
 * - classes: URL patterns taking at least 1 % of requests whose mean service time (from requests that
 *   found their server idle, when concurrency is known) differs from the rest by more than 25 % with
 *   |t| > 4 — at most 6, the rest pooled as `other` — each with its share and `serviceFactor` (its
 *   mean over the overall mean); the common distribution is then the class-free base, with its
 *   log-moments (lognormal) or first two moments (gamma) corrected for the factors so the mixture
 *   over classes keeps the logged distribution;
 * - errors: each server's share of attempts answered 5xx or not at all, as an `errors` fault;
 * - arrivals (fit/arrivals.ts), keys / clients / sessions (fit/popularity.ts), retries counted.
 */
import { groupName } from '../common.js';
import type { LbServer } from '../types.js';
import type { LogAccumulator } from './accumulate.js';
import { fitArrivals, type ArrivalFit } from './fit/arrivals.js';
import { chooseServiceFit, ksDistance, meanOfFit, type FittedDist, type ServiceFit } from './fit/families.js';
import { fitPopulation, type PopulationFit } from './fit/popularity.js';
import { estimateDemand, type DemandEstimate } from './fit/service.js';
import { Moments, Sketch } from './fit/sketch.js';

/** One server's part of the model. */
export interface ServerModel {
  /** As the log names it (`127.0.0.1:9001`, HAProxy's server name). */
  logName: string;
  /** The scenario's backend group. */
  group: string;
  requests: number;
  share: number;
  demand: DemandEstimate;
  /** De-queued mean (ms). */
  meanMs: number;
  speed: number;
  /** Why the speed is what it is. */
  speedNote: string;
  /** KS distance of this server's sample to the common fit scaled by 1/speed. */
  ksD: number;
  errors?: { fraction: number; status: number; latency: number; fives: number; failures: number; attempts: number };
}

/** A request class. */
export interface ClassModel {
  name: string;
  share: number;
  serviceFactor: number;
  meanMs: number;
  n: number;
  t: number;
}

/** The fitted workload. */
export interface LogModel {
  requests: number;
  spanMs: number;
  arrivals: ArrivalFit;
  service: ServiceFit;
  /** The common distribution actually written (the class-free base when classes are written). */
  base: FittedDist;
  /** The fit of the class-free base, when classes are written. */
  baseFit?: ServiceFit;
  servers: ServerModel[];
  /** Config servers with no request in the log. */
  idleServers: string[];
  classes: ClassModel[];
  classNote: string;
  keys?: PopulationFit;
  clients?: PopulationFit;
  sessions?: PopulationFit;
  retries: { requests: number; extra: number; fraction: number };
  observed: { p50: number; p90: number; p99: number; mean: number; n: number; what: string; shares: Record<string, number> };
  /** How demand was de-queued (one line per distinct method). */
  dequeue: string[];
  /** Duration resolution (ms; 0 = finer than 1 ms). */
  resolutionMs: number;
  notes: string[];
}

/** Scales a fitted distribution's values by f. */
export function scaleFit(d: FittedDist, f: number): FittedDist {
  const l = Math.log(f);
  switch (d.dist) {
    case 'lognormal':
      return { ...d, mu: d.mu + l };
    case 'gamma':
      return { ...d, scale: d.scale * f };
    case 'mixture':
      return { dist: 'mixture', parts: d.parts.map((p) => ({ weight: p.weight, of: { ...p.of, mu: p.of.mu + l } })) };
    case 'empirical':
      return { dist: 'empirical', samples: d.samples.map((x) => x * f) };
  }
}

/** Matches the log's server names to the config's servers. */
export function matchServers(logNames: string[], config: LbServer[]): Map<string, string> {
  const out = new Map<string, string>();
  const active = config.filter((s) => s.role === 'active');
  const portOf = (a: string) => /:(\d+)$/.exec(a)?.[1];
  for (const name of logNames) {
    const hit =
      active.find((s) => s.name === name) ??
      active.find((s) => s.address === name) ??
      (() => {
        const p = portOf(name);
        const same = p ? active.filter((s) => portOf(s.address) === p) : [];
        return same.length === 1 ? same[0] : undefined;
      })();
    if (hit) out.set(name, hit.name);
  }
  return out;
}

function welch(a: Moments, b: Moments): number {
  const se = Math.sqrt(a.variance / a.n + b.variance / b.n);
  return se > 0 ? (a.mean - b.mean) / se : 0;
}

function round(x: number, digits = 3): number {
  return +x.toPrecision(digits);
}

/** Options of {@link buildModel}. */
export interface ModelOptions {
  /** The config's active servers (group names and addresses); absent for a log-only import. */
  servers?: LbServer[];
}

/**
 * Fits the model (see the module header). The caller has checked that there are requests.
 */
export function buildModel(acc: LogAccumulator, opts: ModelOptions = {}): LogModel {
  const notes: string[] = [];
  const res = acc.wholeMs ? 1 : 0;
  const arrivals = fitArrivals(acc.arrivals)!;
  const logNames = acc.servers.map((s) => s.name);
  const matched = opts.servers ? matchServers(logNames, opts.servers) : new Map<string, string>();
  const used = new Set<string>(opts.servers?.map((s) => s.name) ?? []);
  const totalReq = acc.servers.reduce((a, s) => a + s.requests, 0);

  // per-server demand
  const demands = acc.servers.map((s) => estimateDemand(s));
  const withData = acc.servers.map((s, i) => ({ s, d: demands[i]!, i })).filter((x) => x.d.moments.n > 0);
  // speed 1 is the typical server: the request-weighted median of the servers' de-queued means
  const byMean = [...withData].sort((a, b) => a.d.moments.mean - b.d.moments.mean);
  const half = byMean.reduce((a, x) => a + x.d.moments.n, 0) / 2;
  let acc2 = 0;
  let typical = byMean[0]!;
  for (const x of byMean) {
    acc2 += x.d.moments.n;
    if (acc2 >= half) {
      typical = x;
      break;
    }
  }
  const M = typical.d.moments.mean;
  const speeds = acc.servers.map(() => 1);
  const speedNotes = acc.servers.map(() => '');
  for (const x of withData) {
    const m = x.d.moments;
    const t = x === typical ? 0 : welch(m, typical.d.moments);
    const ratio = m.mean / M;
    if (withData.length > 1 && Math.abs(ratio - 1) > 0.1 && Math.abs(t) > 4) {
      speeds[x.i] = round(M / m.mean, 3);
      speedNotes[x.i] = `speed ${speeds[x.i]}: de-queued mean ${m.mean.toFixed(2)} ms vs ${M.toFixed(2)} ms for the typical server (Welch t ${t.toFixed(1)})`;
    } else {
      speedNotes[x.i] =
        x === typical
          ? `speed 1: the typical server (median of the servers' de-queued means), ${m.mean.toFixed(2)} ms`
          : `speed 1: de-queued mean ${m.mean.toFixed(2)} ms, within 10 % of the typical server's ${M.toFixed(2)} ms or not significant (Welch t ${t.toFixed(1)})`;
    }
  }
  const pooledSketch = new Sketch();
  const pooledScaled = new Moments();
  const spread = acc.servers.map(() => new Sketch());
  for (const x of withData) {
    spread[x.i]!.addSpread(x.d.sketch, 1, res);
    pooledSketch.addSpread(x.d.sketch, speeds[x.i]!, res);
    pooledScaled.mergeScaled(x.d.moments, speeds[x.i]!);
  }
  // the sketches hold continuous values now (rounding spread out): the test needs no widening
  const service = chooseServiceFit(pooledScaled, pooledSketch, 0);

  const servers: ServerModel[] = acc.servers.map((s, i) => {
    const d = demands[i]!;
    let group = matched.get(s.name);
    if (!group) {
      group = groupName(s.name, used);
      if (opts.servers) notes.push(`server ${s.name} in the log is not an active server of the config: simulated as its own group "${group}"`);
    }
    const ks = d.moments.n > 0 ? ksDistance(spread[i]!, scaleFit(service.chosen, 1 / speeds[i]!), 0).d : NaN;
    const fails = s.errors5xx + s.failures;
    const m: ServerModel = {
      logName: s.name,
      group,
      requests: s.requests,
      share: totalReq > 0 ? s.requests / totalReq : 0,
      demand: d,
      meanMs: d.moments.mean,
      speed: speeds[i]!,
      speedNote: speedNotes[i] || 'speed 1: no successful request to measure',
      ksD: ks,
    };
    if (s.attempts > 0 && fails / s.attempts >= 0.001) {
      let status = s.failures > s.errors5xx ? 502 : 500;
      let best = 0;
      for (const [code, n] of s.statusCounts) if (code >= 500 && code <= 599 && n > best) [status, best] = [code, n];
      const lat = s.errorTime.n > 0 && d.moments.n > 0 ? Math.max(0, s.errorTime.mean / d.moments.mean) : 0.1;
      m.errors = { fraction: round(fails / s.attempts, 3), status, latency: round(lat, 2), fives: s.errors5xx, failures: s.failures, attempts: s.attempts };
    }
    return m;
  });
  const idleServers = (opts.servers ?? []).filter((c) => !servers.some((s) => s.group === c.name)).map((c) => c.name);
  for (const name of idleServers) notes.push(`config server ${name} has no request in the log: simulated with the common fit, speed 1`);

  // classes: means from un-queued samples, each server's scaled by its speed
  const normalized = (c: (typeof acc.classes)[number]): Moments => {
    if (c.byServer.size === 0) return c.idle.n >= 30 ? c.idle : c.all;
    const m = new Moments();
    for (const [srv, e] of c.byServer) m.mergeScaled(e.moments, speeds[srv]!);
    return m;
  };
  const clsM = acc.classes.map(normalized);
  const overallCls = new Moments();
  for (const m of clsM) overallCls.merge(m);
  const minCount = Math.max(100, 0.01 * totalReq);
  const order = acc.classes.map((c, i) => ({ c, i })).filter((x) => x.c.count >= minCount && clsM[x.i]!.n >= 30).sort((a, b) => b.c.count - a.c.count);
  const chosen: (ClassModel & { i: number })[] = [];
  for (const { c, i } of order) {
    if (chosen.length >= 6) break;
    const m = clsM[i]!;
    const rest = new Moments();
    clsM.forEach((o, j) => {
      if (j !== i) rest.merge(o);
    });
    if (rest.n < 2) continue;
    const t = welch(m, rest);
    if (Math.abs(m.mean / rest.mean - 1) > 0.25 && Math.abs(t) > 4) {
      chosen.push({ name: c.pattern, share: c.count, serviceFactor: m.mean / overallCls.mean, meanMs: m.mean, n: m.n, t, i });
    }
  }
  let classes: ClassModel[] = [];
  let classNote = '';
  let base: FittedDist = service.chosen;
  let baseFit: ServiceFit | undefined;
  const countedTotal = acc.classes.reduce((a, c) => a + c.count, 0);
  if (chosen.length > 0 && countedTotal > 0) {
    const restM = new Moments();
    let restCount = 0;
    acc.classes.forEach((c, i) => {
      if (chosen.some((k) => k.i === i)) return;
      restM.merge(clsM[i]!);
      restCount += c.count;
    });
    const otherFactor = restM.n > 0 ? restM.mean / overallCls.mean : 1;
    // the class-free base: every un-queued sample divided by its class factor, times its server's speed
    const baseSketch = new Sketch();
    const baseMoments = new Moments();
    acc.classes.forEach((c, i) => {
      const f = chosen.find((k) => k.i === i)?.serviceFactor ?? otherFactor;
      for (const [srv, e] of c.byServer) {
        baseSketch.addSpread(e.sketch, speeds[srv]! / f, res);
        baseMoments.mergeScaled(e.moments, speeds[srv]! / f);
      }
    });
    if (baseMoments.n >= 200) {
      baseFit = chooseServiceFit(baseMoments, baseSketch, 0);
      base = baseFit.chosen;
      classes = chosen.map(({ i: _i, ...c }) => ({ ...c, share: round(c.share / countedTotal, 4), serviceFactor: round(c.serviceFactor, 3) }));
      if (restCount > 0 && restM.n > 0) classes.push({ name: 'other', share: round(restCount / countedTotal, 4), serviceFactor: round(otherFactor, 3), meanMs: restM.mean, n: restM.n, t: NaN });
      classNote =
        `${classes.length} classes by URL pattern (factor = class mean / overall mean of un-queued requests, speed-normalized; kept when Welch |t| > 4 and > 25 % from the rest); ` +
        `the service distribution is the class-free base, fitted to ${baseMoments.n} un-queued requests each divided by its class factor: ${baseFit.reason}`;
    } else {
      classNote = `URL patterns differ (${chosen.map((c) => `${c.name} ×${c.serviceFactor.toFixed(2)}`).join(', ')}) but too few un-queued requests (${baseMoments.n}) to fit a class-free base: classes not written`;
    }
  } else {
    classNote = acc.classes.length > 0 ? 'no URL pattern with ≥ 1 % of requests differs from the rest by > 25 % (Welch |t| > 4): one class' : 'the log has no request URIs: one class';
  }

  const dequeue = [...new Set(servers.filter((s) => s.requests > 0).map((s) => s.demand.summary))];
  const shares: Record<string, number> = {};
  for (const s of servers) shares[s.group] = (shares[s.group] ?? 0) + s.share;
  // observed percentiles with the log's rounding spread out, like the service samples
  const r = new Sketch();
  r.addSpread(acc.response, 1, res);
  const total = acc.requests;
  return {
    requests: acc.requests,
    spanMs: arrivals.spanMs,
    arrivals,
    service,
    base,
    ...(baseFit ? { baseFit } : {}),
    servers,
    idleServers,
    classes,
    classNote,
    ...(acc.keys.total > 0 ? { keys: fitPopulation(acc.keys)! } : {}),
    ...(acc.clients.total > 0 ? { clients: fitPopulation(acc.clients)! } : {}),
    ...(acc.sessions.total > 0 ? { sessions: fitPopulation(acc.sessions)! } : {}),
    retries: { requests: acc.retried, extra: acc.extraAttempts, fraction: total > 0 ? acc.retried / total : 0 },
    observed: {
      p50: r.quantile(0.5),
      p90: r.quantile(0.9),
      p99: r.quantile(0.99),
      mean: r.mean,
      n: r.count,
      what: acc.responseLogged ? 'response time at the proxy' : 'upstream response time (the log has no total request time)',
      shares,
    },
    dequeue,
    resolutionMs: res,
    notes,
  };
}

/** Mean of the written service distribution (for capacity). */
export function baseMean(m: LogModel): number {
  return meanOfFit(m.base);
}
