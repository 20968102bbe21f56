/**
 * Combining independent replications (Law, "Simulation Modeling and Analysis", 5th ed., §9.4:
 * the method of independent replications): each run yields one summary; the reported figure is the
 * mean over runs, and the 95 % Student-t interval (`stats.ts`) is built from the per-run means and
 * p99s. Time series are averaged slice by slice (null-aware), CDFs quantile by quantile (averaging
 * the x at each common fraction, i.e. Vincentization, Ratcliff 1979).
 *
 * With autoscaling, replications may end with different backends: per-backend figures are then
 * aligned by id (a backend missing from a run counts as idle there). The full engine's extra
 * figures (`dynamics`) are averaged too; ratios (availability aside) are pooled over the runs
 * (total hits / total lookups), and lists of events are those of the first replication. Traffic
 * placement (tiers, zones, cross-zone cost) is averaged likewise; its episodes are the first run's.
 */
import type { BackendResult, StrategyResult, TimeSeries, TrafficResult, TrafficShares } from './schema.js';
import type { RunSummary } from '../sim/engine/recorder.js';
import type { DynamicsSummary } from '../sim/features/dynamics.js';
import { ci95 } from './stats.js';

function avg(xs: readonly number[]): number {
  let s = 0;
  for (const x of xs) s += x;
  return xs.length > 0 ? s / xs.length : NaN;
}

function avgNullable(xs: readonly (number | null)[]): number | null {
  let s = 0;
  let n = 0;
  for (const x of xs) {
    if (x !== null) {
      s += x;
      n++;
    }
  }
  return n > 0 ? s / n : null;
}

/** Backend ids over all runs, in order of first appearance, and each run's index of each (-1 = absent). */
function alignBackends(runs: readonly RunSummary[]): { ids: string[]; at: number[][] } {
  const ids = runs[0]!.backends.map((b) => b.id);
  const same = runs.every((r) => r.backends.length === ids.length && r.backends.every((b, i) => b.id === ids[i]));
  if (!same) {
    for (const r of runs) for (const b of r.backends) if (!ids.includes(b.id)) ids.push(b.id);
  }
  const at = runs.map((r) => (same ? ids.map((_, i) => i) : ids.map((id) => r.backends.findIndex((b) => b.id === id))));
  return { ids, at };
}

function avgSeries(runs: readonly RunSummary[], at: number[][]): TimeSeries {
  const first = runs[0]!.timeseries;
  const len = first.t.length;
  const idx = Array.from({ length: len }, (_, k) => k);
  const perBackend = (pick: (ts: TimeSeries) => number[][]): number[][] =>
    at[0]!.map((_, i) => idx.map((k) => avg(runs.map((r, j) => (at[j]![i]! >= 0 ? pick(r.timeseries)[at[j]![i]!]![k]! : 0)))));
  const ts: TimeSeries = {
    interval: first.interval,
    t: first.t.slice(),
    throughput: idx.map((k) => avg(runs.map((r) => r.timeseries.throughput[k]!))),
    p50: idx.map((k) => avgNullable(runs.map((r) => r.timeseries.p50[k]!))),
    p99: idx.map((k) => avgNullable(runs.map((r) => r.timeseries.p99[k]!))),
    utilization: perBackend((t) => t.utilization),
    inflight: perBackend((t) => t.inflight),
  };
  if (runs.some((r) => r.timeseries.balancerQueue)) {
    ts.balancerQueue = idx.map((k) => avg(runs.map((r) => r.timeseries.balancerQueue?.[k] ?? 0)));
  }
  return ts;
}

function avgCdf(runs: readonly RunSummary[]): { p: number[]; x: number[] } {
  const withData = runs.filter((r) => r.cdf.p.length > 0);
  if (withData.length === 0) return { p: [], x: [] };
  // fraction lists are prefixes of one another plus a final 1 (see cdfFractions)
  const common = Math.min(...withData.map((r) => r.cdf.p.length - 1));
  const p = withData[0]!.cdf.p.slice(0, common);
  const x = p.map((_, k) => avg(withData.map((r) => r.cdf.x[k]!)));
  p.push(1);
  x.push(avg(withData.map((r) => r.cdf.x[r.cdf.x.length - 1]!)));
  return { p, x };
}

/**
 * One strategy's result from its replications' summaries.
 * @param label the label shown in results
 * @param name registry name
 * @param options options after defaults
 * @param runs one summary per replication, in seed order
 * @param seeds the replications' seeds
 */
export function aggregate(
  label: string,
  name: string,
  options: Record<string, unknown>,
  runs: readonly RunSummary[],
  seeds: readonly number[],
): StrategyResult {
  if (runs.length === 0) throw new Error('aggregate: no runs');
  const one = runs.length === 1;
  const lat = (f: keyof RunSummary['latency']) => avg(runs.map((r) => r.latency[f]));
  const { ids, at } = alignBackends(runs);
  const field = (i: number, f: 'requests' | 'share' | 'utilization' | 'meanQueue'): number =>
    avg(runs.map((r, j) => (at[j]![i]! >= 0 ? r.backends[at[j]![i]!]![f] : 0)));
  const backends: BackendResult[] = ids.map((id, i) => {
    const j = at.findIndex((a) => a[i]! >= 0); // the first run that has this backend
    return {
      id,
      requests: field(i, 'requests'),
      share: field(i, 'share'),
      idealShare: runs[j]!.backends[at[j]![i]!]!.idealShare,
      utilization: field(i, 'utilization'),
      meanQueue: field(i, 'meanQueue'),
    };
  });
  const result: StrategyResult = {
    strategy: label,
    name,
    options,
    latency: { mean: lat('mean'), p50: lat('p50'), p90: lat('p90'), p99: lat('p99'), p999: lat('p999'), max: lat('max') },
    ci95: {
      mean: one ? null : ci95(runs.map((r) => r.latency.mean)),
      p99: one ? null : ci95(runs.map((r) => r.latency.p99)),
    },
    requests: {
      completed: avg(runs.map((r) => r.requests.completed)),
      failed: avg(runs.map((r) => r.requests.failed)),
      rejected: avg(runs.map((r) => r.requests.rejected)),
    },
    throughput: avg(runs.map((r) => r.throughput)),
    fairness: avg(runs.map((r) => r.fairness)),
    backends,
    timeseries: one ? runs[0]!.timeseries : avgSeries(runs, at),
    cdf: one ? runs[0]!.cdf : avgCdf(runs),
  };
  if (!one)
    result.replications = runs.map((r, k) => ({
      seed: seeds[k]!,
      mean: r.latency.mean,
      p99: r.latency.p99,
      p999: r.latency.p999,
      completed: r.requests.completed,
      ...(r.availability !== undefined ? { availability: r.availability } : {}),
    }));
  if (runs.every((r) => r.errors !== undefined && r.availability !== undefined)) {
    result.availability = avg(runs.map((r) => r.availability!));
    const e = (k: keyof NonNullable<RunSummary['errors']>): number => avg(runs.map((r) => r.errors![k]));
    result.errors = {
      refused: e('refused'),
      timeout: e('timeout'),
      http5xx: e('http5xx'),
      reset: e('reset'),
      rateLimited: e('rateLimited'),
      unavailable: e('unavailable'),
    };
  }
  if (runs.some((r) => r.overBound !== undefined)) result.overBound = avg(runs.map((r) => r.overBound ?? 0));
  const dyn = runs.map((r) => r.dynamics).filter((d): d is DynamicsSummary => d !== undefined);
  if (dyn.length === runs.length && dyn.length > 0) mergeDynamics(result, runs, dyn, ids, at);
  else if (runs.every((r) => r.retries !== undefined)) result.retries = avg(runs.map((r) => r.retries!));
  const traffic = runs.map((r) => r.traffic).filter((t): t is TrafficResult => t !== undefined);
  if (traffic.length === runs.length && traffic.length > 0) result.traffic = one ? traffic[0]! : mergeTraffic(traffic);
  return result;
}

/** Traffic placement averaged over the runs (shares, series, latencies, cost); the first run's episodes. */
function mergeTraffic(ts: readonly TrafficResult[]): TrafficResult {
  const t0 = ts[0]!;
  const shares = (pick: (t: TrafficResult) => TrafficShares): TrafficShares => {
    const s0 = pick(t0);
    return {
      names: s0.names,
      share: s0.share.map((_, i) => avg(ts.map((t) => pick(t).share[i]!))),
      series: s0.series.map((row, i) => row.map((_, k) => avg(ts.map((t) => pick(t).series[i]![k]!)))),
    };
  };
  const out: TrafficResult = { episodes: t0.episodes };
  if (t0.tiers) out.tiers = shares((t) => t.tiers!);
  if (t0.zones) out.zones = shares((t) => t.zones!);
  if (t0.clientZones) {
    out.clientZones = t0.clientZones.map((c, i) => ({
      zone: c.zone,
      requests: avg(ts.map((t) => t.clientZones![i]!.requests)),
      p50: avg(ts.map((t) => t.clientZones![i]!.p50)),
      p99: avg(ts.map((t) => t.clientZones![i]!.p99)),
      crossZoneShare: avg(ts.map((t) => t.clientZones![i]!.crossZoneShare)),
    }));
  }
  if (t0.crossZone) {
    const x = ts.map((t) => t.crossZone!);
    out.crossZone = {
      share: avg(x.map((c) => c.share)),
      series: x[0]!.series.map((_, k) => avg(x.map((c) => c.series[k]!))),
      attemptsPerRequest: avg(x.map((c) => c.attemptsPerRequest)),
      bytesPerAttempt: x[0]!.bytesPerAttempt,
      pricePerGB: x[0]!.pricePerGB,
      costPerMillion: avg(x.map((c) => c.costPerMillion)),
    };
  }
  if (t0.degraded) {
    const d = ts.map((t) => t.degraded!);
    out.degraded = { share: avg(d.map((x) => x.share)), series: d[0]!.series.map((_, k) => avg(d.map((x) => x.series[k]!))) };
  }
  return out;
}

/** Adds the full engine's figures, averaged over the runs, to `result` (see the module header). */
function mergeDynamics(
  result: StrategyResult,
  runs: readonly RunSummary[],
  dyn: readonly DynamicsSummary[],
  ids: readonly string[],
  at: readonly number[][],
): void {
  const mean = (f: (d: DynamicsSummary) => number): number => avg(dyn.map(f));
  result.retries = mean((d) => d.retries);
  result.retriesDenied = mean((d) => d.retriesDenied);
  result.hedges = mean((d) => d.hedges);
  result.lostInFailover = mean((d) => d.lostInFailover);
  const d0 = dyn[0]!;
  if (d0.detection) {
    const det = dyn.map((d) => d.detection!);
    const maxOf = (xs: (number | null)[]): number | null => {
      const v = xs.filter((x): x is number => x !== null);
      return v.length > 0 ? Math.max(...v) : null;
    };
    result.detection = {
      faults: avg(det.map((x) => x.faults)),
      detected: avg(det.map((x) => x.detected)),
      meanDetectMs: avgNullable(det.map((x) => x.meanDetectMs)),
      maxDetectMs: maxOf(det.map((x) => x.maxDetectMs)),
      meanRecoverMs: avgNullable(det.map((x) => x.meanRecoverMs)),
      maxRecoverMs: maxOf(det.map((x) => x.maxRecoverMs)),
      events: det[0]!.events,
    };
  }
  if (d0.cache) {
    const hits = dyn.reduce((s, d) => s + d.cache!.hits, 0);
    const misses = dyn.reduce((s, d) => s + d.cache!.misses, 0);
    result.cache = { hitRatio: hits + misses > 0 ? hits / (hits + misses) : 0, hits: hits / dyn.length, misses: misses / dyn.length };
    ids.forEach((_, i) => {
      let h = 0;
      let m = 0;
      dyn.forEach((d, j) => {
        const b = at[j]![i]!;
        if (b < 0) return;
        h += d.cache!.hitsPerBackend[b] ?? 0;
        m += d.cache!.missesPerBackend[b] ?? 0;
      });
      result.backends[i]!.cacheHitRatio = h + m > 0 ? h / (h + m) : 0;
    });
  }
  if (d0.autoscale) {
    const a = dyn.map((d) => d.autoscale!);
    result.autoscale = {
      scaleOuts: avg(a.map((x) => x.scaleOuts)),
      scaleIns: avg(a.map((x) => x.scaleIns)),
      minBackends: Math.min(...a.map((x) => x.minBackends)),
      maxBackends: Math.max(...a.map((x) => x.maxBackends)),
      meanBackends: avg(a.map((x) => x.meanBackends)),
      actions: a[0]!.actions,
    };
  }
  if (d0.series) {
    const len = runs[0]!.timeseries.t.length;
    const series = (f: (s: NonNullable<DynamicsSummary['series']>) => number[]): number[] =>
      Array.from({ length: len }, (_, k) => avg(dyn.map((d) => f(d.series!)[k] ?? 0)));
    const ts = result.timeseries === runs[0]!.timeseries ? { ...result.timeseries } : result.timeseries;
    ts.backends = series((s) => s.backends);
    ts.healthy = series((s) => s.healthy);
    ts.up = series((s) => s.up);
    ts.errors = series((s) => s.errors);
    result.timeseries = ts;
  }
}
