/**
 * Combining independent replications (Law, "Simulation Modeling and Analysis", 5th ed., §9.4:
 * the method of independent replications): each run yields one summary; the reported figure is the
 * mean over runs, and the 95 % Student-t interval (`stats.ts`) is built from the per-run means and
 * p99s. Time series are averaged slice by slice (null-aware), CDFs quantile by quantile (averaging
 * the x at each common fraction, i.e. Vincentization, Ratcliff 1979).
 */
import type { BackendResult, StrategyResult, TimeSeries } from './results.js';
import type { RunSummary } from './recorder.js';
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

function avgSeries(runs: readonly RunSummary[]): TimeSeries {
  const first = runs[0]!.timeseries;
  const len = first.t.length;
  const idx = Array.from({ length: len }, (_, k) => k);
  const ts: TimeSeries = {
    interval: first.interval,
    t: first.t.slice(),
    throughput: idx.map((k) => avg(runs.map((r) => r.timeseries.throughput[k]!))),
    p50: idx.map((k) => avgNullable(runs.map((r) => r.timeseries.p50[k]!))),
    p99: idx.map((k) => avgNullable(runs.map((r) => r.timeseries.p99[k]!))),
    utilization: first.utilization.map((_, b) => idx.map((k) => avg(runs.map((r) => r.timeseries.utilization[b]![k]!)))),
    inflight: first.inflight.map((_, b) => idx.map((k) => avg(runs.map((r) => r.timeseries.inflight[b]![k]!)))),
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
  const backends: BackendResult[] = runs[0]!.backends.map((b, i) => ({
    id: b.id,
    requests: avg(runs.map((r) => r.backends[i]!.requests)),
    share: avg(runs.map((r) => r.backends[i]!.share)),
    idealShare: b.idealShare,
    utilization: avg(runs.map((r) => r.backends[i]!.utilization)),
    meanQueue: avg(runs.map((r) => r.backends[i]!.meanQueue)),
  }));
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
    timeseries: one ? runs[0]!.timeseries : avgSeries(runs),
    cdf: one ? runs[0]!.cdf : avgCdf(runs),
  };
  if (!one) result.replications = runs.map((r, k) => ({ seed: seeds[k]!, mean: r.latency.mean, p99: r.latency.p99 }));
  return result;
}
