/**
 * The comparison table printed by `lbsim run`: one row per strategy, in the order of the run's
 * comparison (`src/results/compare.ts`) with the winner or the tied group marked (`decision-view.ts`). The web report's summary table shows the same columns.
 * Runs with failures (availability below 1, errors, retries or fault windows) add `avail` and
 * `retries`; runs with backend caches add `cache hit`; runs with failover tiers or zones add
 * `lower tiers`, `cross-zone` and `USD/M req` (`traffic-view.ts`).
 */
import { MIN_TAIL, thinPercentiles, type TailPercentile } from '../results/compare.js';
import type { StrategyResult } from '../results/schema.js';
import { styles } from './output.js';
import { trafficColumns } from './traffic-view.js';

/** The mark of a percentile cell resting on too few requests beyond it (see {@link thinNote}). */
export const THIN_MARK = '†';

/** A percentile cell: the value, marked when its tail is thin. */
function pct(r: StrategyResult, m: TailPercentile): string {
  return `${fmt(r.latency[m])}${thinPercentiles(r)[m] !== undefined ? THIN_MARK : ''}`;
}

/**
 * The line under a table with marked percentile cells: what the mark means and how thin the
 * thinnest tail is; null when no cell is marked.
 */
export function thinNote(results: readonly StrategyResult[]): string | null {
  const beyond = results.flatMap((r) => Object.values(thinPercentiles(r)));
  if (beyond.length === 0) return null;
  const least = Math.min(...beyond);
  return (
    `${THIN_MARK} fewer than ${MIN_TAIL} requests beyond this percentile in a replication (as few as ${least}): ` +
    `an imprecise estimate${least <= 1 ? ', here the maximum itself' : ', close to the maximum'}; a longer --duration gives a precise one.`
  );
}

/** A column of the comparison table: header and cell formatter. */
export interface Column {
  head: string;
  cell: (r: StrategyResult) => string;
}

/** Columns every table has. */
const COLUMNS: Column[] = [
  { head: 'strategy', cell: (r) => r.strategy },
  { head: 'mean ms', cell: (r) => fmt(r.latency.mean) },
  { head: 'p50', cell: (r) => fmt(r.latency.p50) },
  { head: 'p90', cell: (r) => fmt(r.latency.p90) },
  { head: 'p99', cell: (r) => pct(r, 'p99') },
  { head: 'p99.9', cell: (r) => pct(r, 'p999') },
  { head: 'max', cell: (r) => fmt(r.latency.max) },
  { head: 'p99 95% CI', cell: (r) => (r.ci95.p99 ? `${fmt(r.ci95.p99[0])}–${fmt(r.ci95.p99[1])}` : '') },
  { head: 'req/s', cell: (r) => r.throughput.toFixed(0) },
  { head: 'failed', cell: (r) => count(r.requests.failed) },
  { head: 'rejected', cell: (r) => count(r.requests.rejected) },
  { head: 'fairness', cell: (r) => r.fairness.toFixed(3) },
  { head: 'max util', cell: (r) => `${(Math.max(0, ...r.backends.map((b) => b.utilization)) * 100).toFixed(0)}%` },
];

/** Availability and retries, for runs where requests can fail. */
const FAILURE_COLUMNS: Column[] = [
  { head: 'avail', cell: (r) => (r.availability === undefined ? '' : fmtAvailability(r.availability)) },
  // a simulated result without the field ran with `retries: 0` (results files from before the
  // lean engine counted retries too); a live one did not measure them
  { head: 'retries', cell: (r) => (r.retries !== undefined ? String(Math.round(r.retries)) : r.errors !== undefined ? '0' : '–') },
];

/** Cache hit ratio, for runs with backend caches. */
const CACHE_COLUMNS: Column[] = [
  { head: 'cache hit', cell: (r) => (r.cache ? `${(r.cache.hitRatio * 100).toFixed(1)}%` : '') },
];

/** Total measured requests that failed, over every error kind. */
function errorCount(r: StrategyResult): number {
  const e = r.errors;
  return e ? e.refused + e.timeout + e.http5xx + e.reset + e.rateLimited + e.unavailable : 0;
}

/** Whether some result lost requests, retried, or ran with fault windows. */
export function hasFailures(results: readonly StrategyResult[]): boolean {
  return results.some(
    (r) =>
      (r.availability !== undefined && r.availability < 1) ||
      errorCount(r) > 0 ||
      (r.retries ?? 0) > 0 ||
      (r.detection?.faults ?? 0) > 0,
  );
}

/** The columns for `results`: the fixed ones, then failure and cache columns when they apply. */
export function columnsFor(results: readonly StrategyResult[]): Column[] {
  return [
    ...COLUMNS,
    ...(hasFailures(results) ? FAILURE_COLUMNS : []),
    ...(results.some((r) => r.cache) ? CACHE_COLUMNS : []),
    ...trafficColumns(results),
  ];
}

/**
 * Availability as a percentage with enough decimals to show how far below 100 % it is, rounded
 * down so a loss never prints as `100%` (e.g. `0.9998704` → `99.987%`, `0.95` → `95.0%`).
 */
export function fmtAvailability(a: number): string {
  if (!Number.isFinite(a)) return '-';
  if (a >= 1) return '100%';
  const gap = 100 * (1 - a);
  const d = Math.min(4, Math.max(1, Math.ceil(-Math.log10(gap)) + 1));
  const f = 10 ** d;
  return `${(Math.floor(a * 100 * f + 1e-6) / f).toFixed(d)}%`;
}

/** A request count: whole, or a mean over replications with one decimal (`0.2`, never rounded to 0). */
function count(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/** Formats a latency in ms with 3 significant digits. */
export function fmt(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  const a = Math.abs(ms); // an interval's lower end can be negative
  if (a >= 100) return ms.toFixed(0);
  if (a >= 10) return ms.toFixed(1);
  return ms.toFixed(a >= 1 ? 2 : 3);
}

/** Sorts results by p99 (then mean), failed-heavy results last. */
export function sortByP99(results: readonly StrategyResult[]): StrategyResult[] {
  return [...results].sort((a, b) => a.latency.p99 - b.latency.p99 || a.latency.mean - b.latency.mean);
}

/**
 * How the decision marks the table (`decision-view.ts`): row order, a one-character mark per row
 * (`*` the winner, `=` tied with the best), rows to highlight, and extra columns.
 */
export interface TableDecoration {
  order: readonly string[];
  marks: ReadonlyMap<string, string>;
  highlight: ReadonlySet<string>;
  columns: readonly Column[];
}

/**
 * Renders the table. Without a decoration, sorted by p99 with no row marked; with one (from the
 * run's comparison), in its order with its marks and columns.
 */
export function renderTable(results: readonly StrategyResult[], color: boolean, deco?: TableDecoration): string {
  const st = styles(color);
  const columns = [...columnsFor(results), ...(deco?.columns ?? [])];
  const rank = new Map(deco?.order.map((s, i) => [s, i]) ?? []);
  const sorted = deco ? [...results].sort((a, b) => (rank.get(a.strategy) ?? Infinity) - (rank.get(b.strategy) ?? Infinity)) : sortByP99(results);
  const rows = sorted.map((r) => columns.map((c) => c.cell(r)));
  const widths = columns.map((c, k) => Math.max(c.head.length, ...rows.map((r) => r[k]!.length)));
  const line = (cells: string[]) =>
    cells.map((s, k) => (k === 0 ? s.padEnd(widths[k]!) : s.padStart(widths[k]!))).join('  ');
  const out = [`  ${st.bold(line(columns.map((c) => c.head)))}`];
  rows.forEach((r, k) => {
    const label = sorted[k]!.strategy;
    const mark = deco?.marks.get(label) ?? ' ';
    const text = `${mark} ${line(r)}`;
    out.push(deco?.highlight.has(label) ? st.green(st.bold(text)) : text);
  });
  return out.join('\n');
}
