/**
 * Pure data → chart transforms for the report: CDF points, per-backend share stacks with ideal
 * boundaries, percentile bars with CI whiskers, time-series lines, sweep lines, table rows and
 * sorting, and the verdict paragraph. No DOM and no Chart.js here, so all of it is unit-tested.
 * Latencies are ms, shares and utilization 0..1 in the input (charts show percent).
 */
import { thinPercentiles } from '../../src/results/compare.js';
import { availabilitySentence, failureSentences, hasCache, hasFailures } from './failures.js';
import { fmtCount, fmtFairness, fmtMs, fmtPct, fmtRel } from './format.js';
import type { Comparison, Decision, ResultsFile, StrategyResult, SweepPoint, XY } from './types.js';

/** Utilization above which a backend counts as overloaded in the verdict. */
export const OVERLOAD_UTILIZATION = 0.95;
/** Relative distance |share − ideal| / ideal above which a share counts as far from ideal. */
export const SHARE_SKEW = 0.25;
/** The baseline strategy the verdict compares against when present. */
export const BASELINE = 'round-robin';

/**
 * Latency CDF as chart points: x = latency (ms), y = cumulative percent of requests. Points are
 * sorted by latency; with `logX` points at x ≤ 0 are dropped (a log axis cannot place them).
 */
export function cdfPoints(cdf: { p: readonly number[]; x: readonly number[] }, logX: boolean): XY[] {
  const out: XY[] = [];
  const n = Math.min(cdf.p.length, cdf.x.length);
  for (let i = 0; i < n; i++) {
    const x = cdf.x[i] as number;
    const p = cdf.p[i] as number;
    if (logX && !(x > 0)) continue;
    out.push({ x, y: p * 100 });
  }
  out.sort((a, b) => a.x - b.x || (a.y as number) - (b.y as number));
  return out;
}

/**
 * Left end of a log-scaled CDF axis: the power of ten at or below the lowest latency by which any
 * series has reached 0.1 % of its requests, so a handful of near-zero latencies do not squeeze
 * every curve into the right third. Undefined when no series has a positive point.
 */
export function cdfLogMin(series: readonly (readonly XY[])[]): number | undefined {
  let lo = Infinity;
  for (const pts of series) {
    const first = pts.find((q) => (q.y ?? 0) >= 0.1 && q.x > 0) ?? pts.find((q) => q.x > 0);
    if (first && first.x < lo) lo = first.x;
  }
  return Number.isFinite(lo) ? 10 ** Math.floor(Math.log10(lo) + 1e-9) : undefined;
}

/** Stacked request shares: `share[b][s]` and `ideal[b][s]` in percent, backend b, strategy s. */
export interface ShareStacks {
  backends: string[];
  strategies: string[];
  share: number[][];
  ideal: number[][];
}

/** Shares per backend per strategy (backends in first-seen order; a missing backend counts 0). */
export function shareStacks(results: readonly StrategyResult[]): ShareStacks {
  const backends: string[] = [];
  for (const r of results) for (const b of r.backends) if (!backends.includes(b.id)) backends.push(b.id);
  const share = backends.map((id) => results.map((r) => 100 * (r.backends.find((b) => b.id === id)?.share ?? 0)));
  const ideal = backends.map((id) =>
    results.map((r) => 100 * (r.backends.find((b) => b.id === id)?.idealShare ?? 0)),
  );
  return { backends, strategies: results.map((r) => r.strategy), share, ideal };
}

/**
 * Where the stack boundaries would be with ideal shares, per strategy: the running sums of the
 * ideal shares (percent) without the final 100 % (e.g. three equal backends → [33.3, 66.7]).
 */
export function idealBoundaries(stacks: ShareStacks): number[][] {
  return stacks.strategies.map((_, s) => {
    const out: number[] = [];
    let sum = 0;
    for (let b = 0; b < stacks.backends.length - 1; b++) {
      sum += stacks.ideal[b]?.[s] ?? 0;
      out.push(sum);
    }
    return out;
  });
}

/** The categories of the percentile chart, in order, with the latency field each reads. */
export const PERCENTILE_CATEGORIES = [
  { label: 'mean', key: 'mean' },
  { label: 'p50', key: 'p50' },
  { label: 'p90', key: 'p90' },
  { label: 'p99', key: 'p99' },
  { label: 'p99.9', key: 'p999' },
] as const;

/** One strategy's percentile bars (ms) and their 95 % CI whiskers (mean and p99 only; else null). */
export function percentileBars(r: StrategyResult): { values: number[]; whiskers: ([number, number] | null)[] } {
  return {
    values: PERCENTILE_CATEGORIES.map((c) => r.latency[c.key]),
    whiskers: PERCENTILE_CATEGORIES.map((c) =>
      c.key === 'mean' ? (r.ci95?.mean ?? null) : c.key === 'p99' ? (r.ci95?.p99 ?? null) : null,
    ),
  };
}

/** A time-series line: x = window end (s), y = the value (null kept, so the chart shows a gap). */
export function timeLine(t: readonly number[], values: readonly (number | null)[]): XY[] {
  return t.map((x, k) => ({ x, y: values[k] ?? null }));
}

/** Per-backend lines over time for one strategy; utilization is converted to percent. */
export function backendLines(r: StrategyResult, what: 'utilization' | 'inflight'): { id: string; points: XY[] }[] {
  const rows = r.timeseries[what];
  const scale = what === 'utilization' ? 100 : 1;
  return r.backends.map((b, i) => ({
    id: b.id,
    points: timeLine(
      r.timeseries.t,
      (rows[i] ?? []).map((v) => v * scale),
    ),
  }));
}

/** Sweep lines: for each strategy (first-seen order), `metric` versus offered load, sorted by load. */
export function sweepLines(
  points: readonly SweepPoint[],
  metric: 'p99' | 'mean',
): { strategy: string; points: XY[] }[] {
  const order: string[] = [];
  const byStrategy = new Map<string, XY[]>();
  const sorted = [...points].sort((a, b) => a.load - b.load);
  for (const p of sorted)
    for (const r of p.results) {
      let line = byStrategy.get(r.strategy);
      if (!line) {
        line = [];
        byStrategy.set(r.strategy, line);
        order.push(r.strategy);
      }
      line.push({ x: p.load, y: r.latency[metric] });
    }
  return order.map((strategy) => ({ strategy, points: byStrategy.get(strategy) ?? [] }));
}

/** A row of the summary table (the CLI table's columns). */
export interface TableRow {
  strategy: string;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
  throughput: number;
  failed: number;
  rejected: number;
  fairness: number;
  /** Completed / measured requests, 0..1 (simulated runs; shown with {@link FAILURE_COLUMNS}). */
  availability?: number;
  /** Retries sent (full engine). */
  retries?: number;
  /** Cache hit ratio over all backends, 0..1 (runs with caches). */
  cacheHitRatio?: number;
  /** Share of attempts sent to failover tiers below the primary, 0..1 (runs with tiers). */
  lowerTiers?: number;
  /** Share of attempts sent to degraded hosts, 0..1 (runs with `backends[].degraded`). */
  degraded?: number;
  /** Share of attempts sent to another zone, 0..1, and its cost in USD per million requests (runs with client zones). */
  crossZone?: number;
  crossZoneCost?: number;
  /** 95 % CI of p99 when there were replications. */
  p99ci: [number, number] | null;
  /** Retries a retry budget refused (for the retries cell's tooltip). */
  retriesDenied?: number;
  /** Statistically tied group from the run's comparison (1 = tied with the best). */
  tieGroup?: number;
  /** The strategy's SLO verdict, when the scenario has an SLO. */
  slo?: 'meets' | 'fails' | 'uncertain';
  /** Requests beyond p99 / p99.9 in the thinnest replication, for those with too few (`thinPercentiles`). */
  thin: Partial<Record<'p99' | 'p999', number>>;
}

/** Sortable column keys of the table. */
export type ColumnKey = Exclude<keyof TableRow, 'p99ci' | 'retriesDenied' | 'thin'>;

/** A column of the summary table: row key, header text and unit. */
export interface TableColumn {
  key: ColumnKey;
  label: string;
  unit: string;
}

/** The table's columns, in CLI order, with header text and unit. */
export const TABLE_COLUMNS: readonly TableColumn[] = [
  { key: 'strategy', label: 'strategy', unit: '' },
  { key: 'mean', label: 'mean', unit: 'ms' },
  { key: 'p50', label: 'p50', unit: 'ms' },
  { key: 'p90', label: 'p90', unit: 'ms' },
  { key: 'p99', label: 'p99', unit: 'ms' },
  { key: 'p999', label: 'p99.9', unit: 'ms' },
  { key: 'max', label: 'max', unit: 'ms' },
  { key: 'throughput', label: 'throughput', unit: 'req/s' },
  { key: 'failed', label: 'failed', unit: 'req' },
  { key: 'rejected', label: 'rejected', unit: 'req' },
  { key: 'fairness', label: 'fairness', unit: 'Jain' },
];

/** Availability and retries: shown when failures are worth showing (`hasFailures`), as in the CLI. */
export const FAILURE_COLUMNS: readonly TableColumn[] = [
  { key: 'availability', label: 'availability', unit: '%' },
  { key: 'retries', label: 'retries', unit: 'sent' },
];

/** The comparison's tied groups and the SLO verdict: shown when the run has them. */
export const DECISION_COLUMNS: readonly TableColumn[] = [
  { key: 'tieGroup', label: 'tie group', unit: '1 = best' },
  { key: 'slo', label: 'SLO', unit: '' },
];

/** Cache hit ratio: shown when some result has caches. */
export const CACHE_COLUMNS: readonly TableColumn[] = [{ key: 'cacheHitRatio', label: 'cache hit', unit: '%' }];

/** Traffic placement: the share sent to lower tiers (runs with tiers); cross-zone share and cost beside p99 (runs with client zones). */
export const TIER_COLUMNS: readonly TableColumn[] = [{ key: 'lowerTiers', label: 'lower tiers', unit: '%' }];
/** The share sent to degraded hosts (runs with Envoy degraded hosts). */
export const DEGRADED_COLUMNS: readonly TableColumn[] = [{ key: 'degraded', label: 'degraded', unit: '%' }];
export const ZONE_COLUMNS: readonly TableColumn[] = [
  { key: 'crossZone', label: 'cross-zone', unit: '%' },
  { key: 'crossZoneCost', label: 'cross-zone cost', unit: 'USD per million requests' },
];

/**
 * The columns for `results` (all strategies at the point, so toggling one keeps the columns); the
 * tie-group column when the comparison has replications, the SLO column when the decision has an SLO.
 */
export function tableColumns(results: readonly StrategyResult[], comparison?: Comparison | null, decision?: Decision): TableColumn[] {
  return [
    ...TABLE_COLUMNS,
    ...(hasFailures(results) ? FAILURE_COLUMNS : []),
    ...(hasCache(results) ? CACHE_COLUMNS : []),
    ...(results.some((r) => r.traffic?.tiers) ? TIER_COLUMNS : []),
    ...(results.some((r) => r.traffic?.degraded) ? DEGRADED_COLUMNS : []),
    ...(results.some((r) => r.traffic?.crossZone) ? ZONE_COLUMNS : []),
    ...(comparison && comparison.replications >= 2 && comparison.tied.length > 0 ? DECISION_COLUMNS.slice(0, 1) : []),
    ...(decision && decision.sloResults.length > 0 ? DECISION_COLUMNS.slice(1) : []),
  ];
}

/**
 * Table rows: in the comparison's order (by the ranked metric) when there is one and `byRank`, else
 * the results' order; with each strategy's tied group and SLO verdict when known.
 */
export function tableRows(
  results: readonly StrategyResult[],
  comparison?: Comparison | null,
  decision?: Decision,
  byRank = true,
): TableRow[] {
  const rank = new Map(comparison?.strategies.map((s) => [s.strategy, s.rank]) ?? []);
  const group = new Map(comparison?.strategies.map((s) => [s.strategy, s.group]) ?? []);
  const slo = new Map(decision?.sloResults.map((s) => [s.strategy, s.verdict]) ?? []);
  const ordered =
    comparison && byRank ? [...results].sort((a, b) => (rank.get(a.strategy) ?? Infinity) - (rank.get(b.strategy) ?? Infinity)) : results;
  return ordered.map((r) => ({
    strategy: r.strategy,
    mean: r.latency.mean,
    p50: r.latency.p50,
    p90: r.latency.p90,
    p99: r.latency.p99,
    p999: r.latency.p999,
    max: r.latency.max,
    throughput: r.throughput,
    failed: r.requests.failed,
    rejected: r.requests.rejected,
    fairness: r.fairness,
    availability: r.availability,
    retries: r.retries,
    cacheHitRatio: r.cache?.hitRatio,
    lowerTiers: r.traffic?.tiers ? 1 - r.traffic.tiers.share[0]! : undefined,
    degraded: r.traffic?.degraded?.share,
    crossZone: r.traffic?.crossZone?.share,
    crossZoneCost: r.traffic?.crossZone?.costPerMillion,
    p99ci: r.ci95?.p99 ?? null,
    retriesDenied: r.retriesDenied,
    tieGroup: group.get(r.strategy) ?? undefined,
    slo: slo.get(r.strategy),
    thin: thinPercentiles(r),
  }));
}

/**
 * A new array of `rows` sorted by `key` (numbers numerically, names alphabetically); stable. Rows
 * without the value (e.g. no cache) go last in either direction.
 */
export function sortRows(rows: readonly TableRow[], key: ColumnKey, dir: 'asc' | 'desc'): TableRow[] {
  const sign = dir === 'asc' ? 1 : -1;
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => {
      const va = a.row[key];
      const vb = b.row[key];
      if (va === undefined || vb === undefined) return va === vb ? a.i - b.i : va === undefined ? 1 : -1;
      const c = typeof va === 'string' || typeof vb === 'string' ? String(va).localeCompare(String(vb)) : va - vb;
      // ties on p99 broken by the mean, as the terminal's table (`src/cli/table.ts` sortByP99)
      const tie = key === 'p99' ? a.row.mean - b.row.mean : 0;
      return c !== 0 ? sign * c : tie !== 0 ? sign * tie : a.i - b.i;
    })
    .map((x) => x.row);
}

/** The result with the lowest p99 (ties: lowest mean; first wins), the terminal's best row; undefined when none has a p99. */
export function bestByP99<R extends { latency: { p99: number; mean: number } }>(results: readonly R[]): R | undefined {
  let best: R | undefined;
  for (const r of results) {
    if (!Number.isFinite(r.latency.p99)) continue;
    if (!best || r.latency.p99 < best.latency.p99 || (r.latency.p99 === best.latency.p99 && r.latency.mean < best.latency.mean)) best = r;
  }
  return best ?? results[0];
}

/** Whether two closed intervals overlap. */
function overlaps(a: [number, number], b: [number, number]): boolean {
  return a[0] <= b[1] && b[0] <= a[1];
}

/** The sentence on the lowest p99, against round-robin when shown, else against the runner-up. */
function p99Sentence(results: readonly StrategyResult[]): string {
  const sorted = [...results].sort((a, b) => a.latency.p99 - b.latency.p99);
  const best = sorted[0] as StrategyResult;
  if (sorted.length === 1) return `Only ${best.strategy} is shown: p99 ${fmtMs(best.latency.p99)} ms.`;
  const base = results.find((r) => r.name === BASELINE || r.strategy === BASELINE);
  let other: StrategyResult;
  let text: string;
  if (base && base !== best) {
    other = base;
    const pct = (100 * (base.latency.p99 - best.latency.p99)) / base.latency.p99;
    text =
      pct === 0
        ? `${best.strategy} and ${base.strategy} tie for the lowest p99, ${fmtMs(best.latency.p99)} ms.`
        : `${best.strategy} has the lowest p99, ${fmtMs(best.latency.p99)} ms: ${fmtRel(pct)} lower than ` +
          `${base.strategy} (${fmtMs(base.latency.p99)} ms).`;
  } else {
    other = sorted[1] as StrategyResult;
    const pct = (100 * (other.latency.p99 - best.latency.p99)) / best.latency.p99;
    text =
      pct === 0
        ? `${best.strategy} and ${other.strategy} tie for the lowest p99, ${fmtMs(best.latency.p99)} ms.`
        : `${best.strategy} has the lowest p99, ${fmtMs(best.latency.p99)} ms; the next best, ` +
          `${other.strategy}, is ${fmtRel(pct)} higher (${fmtMs(other.latency.p99)} ms).`;
  }
  const a = best.ci95?.p99;
  const b = other.ci95?.p99;
  if (a && b)
    text += overlaps(a, b)
      ? ' Their 95 % confidence intervals overlap, so the difference may be noise.'
      : ' Their 95 % confidence intervals do not overlap.';
  return text;
}

/** A strategy's worst backend problem: overload (utilization) first, else a share far from ideal. */
export function backendProblem(r: StrategyResult): string | null {
  let busiest = r.backends[0];
  for (const b of r.backends) if (busiest && b.utilization > busiest.utilization) busiest = b;
  if (busiest && busiest.utilization > OVERLOAD_UTILIZATION)
    return `${r.strategy} overloads ${busiest.id} (utilization ${fmtPct(busiest.utilization)})`;
  let worst = null as (typeof r.backends)[number] | null;
  let worstSkew = 0;
  for (const b of r.backends) {
    if (!(b.idealShare > 0)) continue;
    const skew = Math.abs(b.share - b.idealShare) / b.idealShare;
    if (skew > worstSkew) {
      worstSkew = skew;
      worst = b;
    }
  }
  if (worst && worstSkew > SHARE_SKEW)
    return `${r.strategy} sends ${fmtPct(worst.share)} of requests to ${worst.id} (ideal ${fmtPct(worst.idealShare)})`;
  return null;
}

/** The sentence on overloaded backends and lopsided shares. */
function overloadSentence(results: readonly StrategyResult[]): string {
  const problems = results.map(backendProblem).filter((p): p is string => p !== null);
  if (problems.length === 0) {
    let where = '';
    let max = -1;
    for (const r of results)
      for (const b of r.backends)
        if (b.utilization > max) {
          max = b.utilization;
          where = `${b.id} under ${r.strategy}`;
        }
    return max < 0
      ? 'No backend figures are available.'
      : `No strategy overloads a backend: the busiest is ${where} at ${fmtPct(max)} utilization.`;
  }
  const allOver = results.every((r) => r.backends.some((b) => b.utilization > OVERLOAD_UTILIZATION));
  if (allOver && results.length > 1)
    return `Every strategy runs a backend above ${fmtPct(OVERLOAD_UTILIZATION)} utilization: the offered load is too close to capacity (${problems.join('; ')}).`;
  const list = problems.length > 3 ? [...problems.slice(0, 3), `${problems.length - 3} more`] : problems;
  return `Watch out: ${list.join('; ')}.`;
}

/** The sentence on the least even spread of work (Jain's index over backend utilization). */
function fairnessSentence(results: readonly StrategyResult[]): string | null {
  if (results.length < 2) return null;
  const worst = [...results].sort((a, b) => a.fairness - b.fairness)[0] as StrategyResult;
  if (worst.fairness >= 0.999) return `All strategies spread work evenly (Jain fairness ≥ ${fmtFairness(0.999)}).`;
  return `Least even spread of work: ${worst.strategy} (Jain fairness ${fmtFairness(worst.fairness)}; 1 = perfectly even).`;
}

/** The sentence on lost requests, when any were lost. */
function lossSentence(results: readonly StrategyResult[]): string | null {
  const lost = (r: StrategyResult): number => r.requests.failed + r.requests.rejected;
  const worst = [...results].sort((a, b) => lost(b) - lost(a))[0];
  if (!worst || lost(worst) === 0) return null;
  return `Most requests lost: ${worst.strategy}, ${fmtCount(worst.requests.failed)} failed and ${fmtCount(worst.requests.rejected)} rejected.`;
}

/**
 * The verdict paragraph for `results` (the strategies shown): the comparison's verdict when given
 * (paired intervals and ties, `src/results/compare.ts`), else the lowest p99 and by how much versus
 * round-robin (with whether the 95 % CIs overlap), overloaded backends or shares far from ideal,
 * the least fair strategy, and lost requests; then, when the results have them, availability
 * (which replaces the lost-requests sentence), retries, failure detection, cache hit ratio and
 * autoscaling (see `failures.ts`).
 */
export function verdict(results: readonly StrategyResult[], comparison?: Comparison | null): string[] {
  if (results.length === 0) return ['No strategy is shown: switch one on above.'];
  const out = [comparison ? comparison.verdict : p99Sentence(results), overloadSentence(results)];
  const fair = fairnessSentence(results);
  if (fair) out.push(fair);
  const loss = availabilitySentence(results) ? null : lossSentence(results);
  if (loss) out.push(loss);
  out.push(...failureSentences(results));
  return out;
}

/**
 * For a sweep: how often each shown strategy has the lowest p99 across the points, as a sentence
 * (e.g. "Across the sweep, least-connections has the lowest p99 at 5 of 5 loads.").
 */
export function sweepSentence(
  points: readonly SweepPoint[],
  shown: (strategy: string) => boolean,
  unit: 'load' | 'point' = 'load',
): string | null {
  const wins = new Map<string, number>();
  let n = 0;
  for (const p of points) {
    const rs = p.results.filter((r) => shown(r.strategy));
    if (rs.length === 0) continue;
    n++;
    const best = rs.reduce((a, b) => (b.latency.p99 < a.latency.p99 ? b : a));
    wins.set(best.strategy, (wins.get(best.strategy) ?? 0) + 1);
  }
  if (n === 0) return null;
  const ranked = [...wins.entries()].sort((a, b) => b[1] - a[1]);
  const count = (ranked[0] as [string, number])[1];
  const top = ranked.filter((w) => w[1] === count).map((w) => w[0]);
  const loads = n === 1 ? unit : `${unit}s`;
  if (top.length > 1)
    return `Across the sweep, ${top.slice(0, -1).join(', ')} and ${top[top.length - 1]} each have the lowest p99 at ${count} of ${n} ${loads}.`;
  return `Across the sweep, ${top[0]} has the lowest p99 at ${count} of ${n} ${loads}.`;
}

/** The strategies at the selected point of `file`: its results, or the sweep point's results. */
export function resultsAt(file: ResultsFile, point: number): StrategyResult[] {
  if (file.sweep && file.sweep.points.length > 0) {
    const p = file.sweep.points[Math.min(Math.max(point, 0), file.sweep.points.length - 1)];
    return p ? p.results : [];
  }
  return file.results;
}

/** Latency spread beyond which charts start on a log scale (largest / smallest positive value). */
export const LOG_SPREAD = 100;

/** True when the positive values span more than {@link LOG_SPREAD}× (one outlier would flatten a linear axis). */
export function wideSpread(values: Iterable<number | null>): boolean {
  let lo = Infinity;
  let hi = 0;
  for (const v of values) {
    if (v === null || !(v > 0) || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return hi > 0 && hi / lo > LOG_SPREAD;
}
