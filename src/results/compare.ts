/**
 * Comparing strategies honestly: paired differences over replications on common random numbers.
 *
 * Every strategy of a run sees the same arrivals and service demands in replication k (the
 * simulator draws them from streams seeded by the replication's seed, `replicationSeed` in
 * `src/sim/run.ts`), so the difference d_k = X_a,k − X_b,k of a metric between two strategies is
 * free of most of the workload's noise. The interval on the mean difference is the paired-t
 * interval d̄ ± t(0.975, n−1)·s_d/√n (Law, "Simulation Modeling and Analysis", 5th ed., §10.2.1;
 * common random numbers §11.2): replications are independent and each X is a mean or a percentile
 * of tens of thousands of requests, so the d_k are close to normal and the t interval holds with
 * the 2–30 replications people run. A bootstrap is not used: with n ≤ 10 values a resample takes
 * at most a few hundred distinct values and percentile-bootstrap intervals are too narrow (they
 * ignore the t-correction for small n; Efron & Tibshirani, "An Introduction to the Bootstrap",
 * 1993, §13.3), so they would call more differences real than the data support.
 *
 * Ranking and ties: strategies are ranked by the point estimate of the metric (p99 by default).
 * Tied groups are built greedily: the best unassigned strategy leads a group and every later one
 * whose paired interval against the leader contains 0 joins it. Each interval is a 95 % interval
 * on its own (not simultaneous), so the group of the best is "cannot be told apart from the best at
 * 95 %". A winner is named only when the best is alone in its group, there are at least two
 * replications, and every strategy in contention (one whose best replication is not worse than the
 * best strategy's worst) has at least {@link MIN_TAIL} requests beyond the
 * ranked percentile in each replication (a p99 from 500 requests is the 5th-largest value; a p99.9
 * from 500 requests is the maximum); otherwise the verdict says why there is none and what to do.
 */
import type { CompareMetric, Comparison, PairedDifference, StrategyComparison, StrategyResult } from './schema.js';
import { ci95 } from './stats.js';

/** Requests beyond a percentile, per replication, below which that percentile is not compared. */
export const MIN_TAIL = 100;

/** The fraction of requests at or below each ranked percentile (the mean has no tail requirement). */
const TAIL_FRACTION: Record<CompareMetric, number> = { mean: 0, p99: 0.01, p999: 0.001 };

/** Printable name of a metric. */
export function metricName(m: CompareMetric): string {
  return m === 'p999' ? 'p99.9' : m;
}

/** One replication's figures of one strategy. */
interface Rep {
  seed: number;
  mean: number;
  p99: number;
  p999: number | undefined;
  completed: number;
}

/** Per-replication figures of `r` (the single run's figures when it has one replication). */
export function replicationsOf(r: StrategyResult, seed = 0): Rep[] {
  if (r.replications && r.replications.length > 0)
    return r.replications.map((x) => ({
      seed: x.seed,
      mean: x.mean,
      p99: x.p99,
      p999: x.p999,
      completed: x.completed ?? r.requests.completed,
    }));
  return [{ seed, mean: r.latency.mean, p99: r.latency.p99, p999: r.latency.p999, completed: r.requests.completed }];
}

/**
 * The paired difference a − b of `metric`: replications paired by seed; the interval is the paired-t
 * 95 % interval (null with fewer than two pairs). NaN diff when no pair has both values.
 */
export function pairedDifference(a: readonly Rep[], b: readonly Rep[], metric: CompareMetric): PairedDifference {
  const bySeed = new Map(b.map((x) => [x.seed, x]));
  const d: number[] = [];
  for (const x of a) {
    const y = bySeed.get(x.seed);
    const va = x[metric];
    const vb = y?.[metric];
    if (va === undefined || vb === undefined || !Number.isFinite(va) || !Number.isFinite(vb)) continue;
    d.push(va - vb);
  }
  const diff = d.length > 0 ? d.reduce((s, v) => s + v, 0) / d.length : NaN;
  return { diff, ci95: ci95(d), n: d.length };
}

/** True when the interval contains 0 (or there is none). */
function containsZero(d: PairedDifference): boolean {
  return d.ci95 === null || (d.ci95[0] <= 0 && d.ci95[1] >= 0);
}

/** Options of {@link compareResults}. */
export interface CompareOptions {
  /** The metric to rank by (default p99). */
  metric?: CompareMetric;
  /** Label of the baseline strategy, or null/absent for none. */
  baseline?: string | null;
  /** Seed used for single-replication results (only pairs them; default 0). */
  seed?: number;
}

/** The metrics every comparison reports differences for, besides the ranked one. */
const REPORTED: readonly CompareMetric[] = ['p99', 'mean', 'p999'];

function differences(a: readonly Rep[], b: readonly Rep[], ranked: CompareMetric): Partial<Record<CompareMetric, PairedDifference>> {
  const out: Partial<Record<CompareMetric, PairedDifference>> = {};
  for (const m of new Set<CompareMetric>([ranked, ...REPORTED])) {
    const d = pairedDifference(a, b, m);
    if (d.n > 0) out[m] = d;
  }
  return out;
}

/** Why `reps` cannot support `metric` (too few requests beyond it in some replication), or null. */
export function tailWarning(reps: readonly Rep[], metric: CompareMetric): string | null {
  return tailWarningFor(Math.min(...reps.map((x) => x.completed)), metric);
}

/** Why a run with `completed` requests cannot support `metric` (too few beyond it), or null. */
export function tailWarningFor(completed: number, metric: CompareMetric): string | null {
  const f = TAIL_FRACTION[metric];
  if (f === 0) return null;
  const beyond = Math.floor(completed * f);
  if (beyond >= MIN_TAIL) return null;
  const need = Math.ceil(MIN_TAIL / f);
  return `${beyond} requests beyond the ${metricName(metric)} per replication (fewer than ${MIN_TAIL}): run at least ${need.toLocaleString('en-US')} requests per replication (longer --duration)`;
}

/** Percentiles the tables show that can rest on a thin tail. */
export type TailPercentile = 'p99' | 'p999';

/**
 * Requests beyond each shown percentile of `r` in its replication with the fewest completions,
 * for the percentiles with fewer than {@link MIN_TAIL} (e.g. `{ p999: 8 }`: that p99.9 is about
 * the 9th-largest latency, close to the maximum). Empty when every shown percentile has enough.
 * The tables mark these cells, so a percentile of a short run is not read as a precise one.
 */
export function thinPercentiles(r: StrategyResult): Partial<Record<TailPercentile, number>> {
  const completed = Math.min(...replicationsOf(r).map((x) => x.completed));
  const out: Partial<Record<TailPercentile, number>> = {};
  for (const m of ['p99', 'p999'] as const) {
    const beyond = Math.floor(completed * TAIL_FRACTION[m]);
    if (beyond < MIN_TAIL && completed > 0) out[m] = beyond;
  }
  return out;
}

/** Formats ms for sentences (3 significant digits). */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  const a = Math.abs(ms);
  return a >= 100 ? ms.toFixed(0) : a >= 10 ? ms.toFixed(1) : a >= 1 ? ms.toFixed(2) : ms.toFixed(3);
}

/** "0.41 ms (95 % CI 0.30 to 0.52)" or "0.41 ms (one replication, no interval)". */
export function fmtDifference(d: PairedDifference): string {
  if (d.ci95 !== null && d.diff === 0 && d.ci95[0] === 0 && d.ci95[1] === 0) return '0 ms (identical in every replication)';
  if (d.ci95 === null) return `${fmtMs(d.diff)} ms (no interval: ${d.n} replication${d.n === 1 ? '' : 's'})`;
  return `${fmtMs(d.diff)} ms (95 % CI ${fmtMs(d.ci95[0])} to ${fmtMs(d.ci95[1])})`;
}

/**
 * Compares the strategies of one run (see the module header): ranks by `metric`, groups ties,
 * computes every strategy's paired differences against the best and the baseline, and names a
 * winner only when the data support one.
 */
export function compareResults(results: readonly StrategyResult[], opts: CompareOptions = {}): Comparison {
  const metric = opts.metric ?? 'p99';
  const name = metricName(metric);
  const reps = new Map(results.map((r) => [r.strategy, replicationsOf(r, opts.seed ?? 0)]));
  const n = Math.max(0, ...[...reps.values()].map((x) => x.length));
  const point = (r: StrategyResult): number => {
    const v = r.latency[metric];
    return Number.isFinite(v) ? v : Infinity;
  };
  const ranked = [...results].sort((a, b) => point(a) - point(b) || a.latency.mean - b.latency.mean);
  const best = ranked[0];
  const baseline = opts.baseline && results.some((r) => r.strategy === opts.baseline) ? opts.baseline : null;
  const baseReps = baseline ? reps.get(baseline)! : null;
  const warnings: string[] = [];
  if (!best) {
    return { metric, method: '', replications: 0, best: '', winner: null, verdict: 'No strategies to compare.', tied: [], baseline, strategies: [], warnings };
  }

  const tail = new Map(ranked.map((r) => [r.strategy, tailWarning(reps.get(r.strategy)!, metric)]));
  // every replication must carry the metric (files before p99.9 was kept per replication lack it)
  const perRep = ranked.every((r) => reps.get(r.strategy)!.every((x) => x[metric] !== undefined));
  // A strategy with too thin a tail is still out of contention when even its best replication is
  // worse than the best strategy's worst (HAProxy `first` without maxConn, whose backlog past the
  // measured duration counts as failed: a few hundred completions, p99 in seconds).
  const bestWorst = Math.max(...reps.get(best.strategy)!.map((x) => x[metric] ?? Infinity));
  const outOfContention = (r: StrategyResult): boolean =>
    r.strategy !== best.strategy && reps.get(r.strategy)!.every((x) => x[metric] !== undefined && x[metric] > bestWorst);
  const decidable = n >= 2 && perRep && ranked.every((r) => tail.get(r.strategy) === null || !Number.isFinite(point(r)) || outOfContention(r));
  // Tied groups: a leader and every later strategy whose interval against it contains 0.
  const group = new Map<string, number>();
  if (decidable) {
    let g = 0;
    for (const leader of ranked) {
      if (group.has(leader.strategy) || !Number.isFinite(point(leader))) continue;
      group.set(leader.strategy, ++g);
      const lr = reps.get(leader.strategy)!;
      for (const other of ranked) {
        if (group.has(other.strategy) || !Number.isFinite(point(other))) continue;
        if (containsZero(pairedDifference(reps.get(other.strategy)!, lr, metric))) group.set(other.strategy, g);
      }
    }
  }
  const bestReps = reps.get(best.strategy)!;
  const strategies: StrategyComparison[] = ranked.map((r, k) => {
    const rr = reps.get(r.strategy)!;
    const row: StrategyComparison = {
      strategy: r.strategy,
      rank: k + 1,
      group: group.get(r.strategy) ?? null,
      vsBest: differences(rr, bestReps, metric),
      vsBaseline: baseReps && r.strategy !== baseline ? differences(rr, baseReps, metric) : null,
    };
    const w = tail.get(r.strategy);
    if (w) row.sampleWarning = w;
    return row;
  });
  const tied = decidable ? strategies.filter((s) => s.group === 1).map((s) => s.strategy) : [];

  let winner: string | null = null;
  let verdict: string;
  if (ranked.length === 1) {
    verdict = `Only ${best.strategy} was run: nothing to compare it with.`;
  } else if (n < 2) {
    verdict =
      `No winner: one replication gives no interval on the differences, so the lowest ${name} (${best.strategy}, ${fmtMs(point(best))} ms) may be luck. ` +
      `Rerun with --replications 5 (or replications: 5 in the scenario) for 95 % intervals.`;
    warnings.push(`one replication: differences between strategies have no confidence interval; use --replications N (N ≥ 2, e.g. 5) to compare them`);
  } else if (!perRep) {
    verdict = `No winner: this file has no per-replication ${name} to pair; rerun to compare by ${name}.`;
  } else if (!decidable) {
    const few = ranked.find((r) => tail.get(r.strategy));
    verdict = `No winner: the ${name} rests on too few requests (${few ? tail.get(few.strategy) : ''}).`;
    warnings.push(`${name} comparison: ${few ? `${few.strategy}: ${tail.get(few.strategy)}` : ''}`);
  } else if (tied.length > 1) {
    const others = tied.filter((s) => s !== best.strategy);
    const d = strategies.find((s) => s.strategy === others[0])!.vsBest[metric]!;
    verdict =
      `No single winner on ${name}: ${best.strategy} (${fmtMs(point(best))} ms) is statistically tied with ${listOf(others)} ` +
      `(e.g. ${others[0]} − ${best.strategy} = ${fmtDifference(d)}, paired over ${n} replications).`;
  } else {
    winner = best.strategy;
    const second = strategies[1]!;
    verdict =
      `${best.strategy} has the lowest ${name}, ${fmtMs(point(best))} ms; the runner-up ${second.strategy} is ` +
      `${fmtDifference(second.vsBest[metric]!)} higher, paired over ${n} replications.`;
  }
  const method =
    n >= 2
      ? `paired differences over ${n} replications on common random numbers; 95 % paired-t intervals (each interval on its own); ties: interval against the group's leader contains 0`
      : 'one replication: point estimates only, no intervals';
  return { metric, method, replications: n, best: best.strategy, winner, verdict, tied, baseline, strategies, warnings };
}

/** "a", "a and b", "a, b and c". */
export function listOf(xs: readonly string[]): string {
  if (xs.length <= 1) return xs.join('');
  return `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`;
}
