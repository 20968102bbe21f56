/**
 * The comparison table printed by `lbsim run` (and `sweep` per point): one row per strategy,
 * sorted by p99, the best row highlighted. The web report's summary table shows the same columns.
 */
import type { StrategyResult } from '../sim/results.js';
import { styles } from './output.js';

/** Columns of the comparison table (header, cell formatter, alignment). */
const COLUMNS: { head: string; cell: (r: StrategyResult) => string }[] = [
  { head: 'strategy', cell: (r) => r.strategy },
  { head: 'mean ms', cell: (r) => fmt(r.latency.mean) },
  { head: 'p50', cell: (r) => fmt(r.latency.p50) },
  { head: 'p90', cell: (r) => fmt(r.latency.p90) },
  { head: 'p99', cell: (r) => fmt(r.latency.p99) },
  { head: 'p99.9', cell: (r) => fmt(r.latency.p999) },
  { head: 'max', cell: (r) => fmt(r.latency.max) },
  { head: 'p99 95% CI', cell: (r) => (r.ci95.p99 ? `${fmt(r.ci95.p99[0])}–${fmt(r.ci95.p99[1])}` : '') },
  { head: 'req/s', cell: (r) => r.throughput.toFixed(0) },
  { head: 'failed', cell: (r) => String(r.requests.failed) },
  { head: 'rejected', cell: (r) => String(r.requests.rejected) },
  { head: 'fairness', cell: (r) => r.fairness.toFixed(3) },
  { head: 'max util', cell: (r) => `${(Math.max(0, ...r.backends.map((b) => b.utilization)) * 100).toFixed(0)}%` },
];

/** Formats a latency in ms with 3 significant digits. */
export function fmt(ms: number): string {
  if (!Number.isFinite(ms)) return '-';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(ms >= 1 ? 2 : 3);
}

/** Sorts results by p99 (then mean), failed-heavy results last. */
export function sortByP99(results: readonly StrategyResult[]): StrategyResult[] {
  return [...results].sort((a, b) => a.latency.p99 - b.latency.p99 || a.latency.mean - b.latency.mean);
}

/** Renders the table; the best (lowest p99) row is marked `*` and, with colour, green and bold. */
export function renderTable(results: readonly StrategyResult[], color: boolean): string {
  const st = styles(color);
  const rows = sortByP99(results).map((r) => COLUMNS.map((c) => c.cell(r)));
  const widths = COLUMNS.map((c, k) => Math.max(c.head.length, ...rows.map((r) => r[k]!.length)));
  const line = (cells: string[]) =>
    cells.map((s, k) => (k === 0 ? s.padEnd(widths[k]!) : s.padStart(widths[k]!))).join('  ');
  const out = [`  ${st.bold(line(COLUMNS.map((c) => c.head)))}`];
  rows.forEach((r, k) => {
    const text = line(r);
    out.push(k === 0 ? `${st.green(st.bold(`* ${text}`))}` : `  ${text}`);
  });
  return out.join('\n');
}
