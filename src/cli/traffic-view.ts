/**
 * The terminal view of where the traffic went (scenarios with failover tiers or zones): columns for
 * the comparison table (cross-zone share and cost, share sent to lower tiers and to degraded hosts) and a table of its
 * own — per strategy the share of attempts per backend zone and per tier, the p99 of each client
 * zone, and the spill-over and panic spells — then the cross-zone verdict (`src/results/traffic.ts`).
 */
import { crossZoneVerdict, fmtShare, fmtUsd } from '../results/traffic.js';
import type { StrategyResult, TrafficEpisode } from '../results/schema.js';
import type { Column } from './table.js';

/** Comparison-table columns for results with traffic placement (none without). */
export function trafficColumns(results: readonly StrategyResult[]): Column[] {
  const cols: Column[] = [];
  if (results.some((r) => r.traffic?.tiers)) {
    cols.push({ head: 'lower tiers', cell: (r) => (r.traffic?.tiers ? fmtShare(1 - r.traffic.tiers.share[0]!) : '') });
  }
  if (results.some((r) => r.traffic?.degraded)) {
    cols.push({ head: 'degraded', cell: (r) => (r.traffic?.degraded ? fmtShare(r.traffic.degraded.share) : '') });
  }
  if (results.some((r) => r.traffic?.crossZone)) {
    cols.push({ head: 'cross-zone', cell: (r) => (r.traffic?.crossZone ? fmtShare(r.traffic.crossZone.share) : '') });
    if (results.some((r) => (r.traffic?.crossZone?.bytesPerAttempt ?? 0) > 0)) {
      cols.push({ head: 'USD/M req', cell: (r) => (r.traffic?.crossZone ? fmtUsd(r.traffic.crossZone.costPerMillion) : '') });
    }
  }
  return cols;
}

/** A spell as `spill→P1 10.0–26.5s` or `panic 3.0–4.1s`. */
function episode(e: TrafficEpisode): string {
  return `${e.kind === 'spill' ? `spill→P${e.tier}` : 'panic'} ${e.start.toFixed(1)}–${e.end.toFixed(1)}s`;
}

/** Renders rows of cells, first column left-aligned, the others right-aligned. */
function render(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (cells: string[]) => cells.map((s, k) => (k === 0 || k === cells.length - 1 ? s.padEnd(widths[k]!) : s.padStart(widths[k]!))).join('  ').trimEnd();
  return [`  ${line(head)}`, ...rows.map((r) => `  ${line(r)}`)];
}

/**
 * The traffic table and verdict (lines to print under the comparison table); empty when no result
 * has traffic placement.
 */
export function trafficLines(results: readonly StrategyResult[]): string[] {
  const withT = results.filter((r) => r.traffic !== undefined);
  if (withT.length === 0) return [];
  const t0 = withT[0]!.traffic!;
  const zones = t0.zones?.names ?? [];
  const tiers = t0.tiers?.names ?? [];
  const clientZones = t0.clientZones?.map((c) => c.zone) ?? [];
  if (zones.length === 0 && tiers.length === 0 && clientZones.length === 0) return []; // degraded hosts only: a column of the comparison table
  const head = [
    'strategy',
    ...zones.map((z) => `zone ${z}`),
    ...tiers.map((t) => `P${t}`),
    ...clientZones.map((z) => `p99 from ${z}`),
    'spill-over / panic (s since warm-up)',
  ];
  const rows = withT.map((r) => {
    const t = r.traffic!;
    const eps = t.episodes.slice(0, 4).map(episode).join(', ') + (t.episodes.length > 4 ? `, … (${t.episodes.length})` : '');
    return [
      r.strategy,
      ...zones.map((_, i) => fmtShare(t.zones?.share[i] ?? NaN)),
      ...tiers.map((_, i) => fmtShare(t.tiers?.share[i] ?? NaN)),
      ...clientZones.map((_, i) => {
        const p = t.clientZones?.[i]?.p99 ?? NaN;
        return Number.isFinite(p) ? p.toPrecision(3) : '-';
      }),
      eps === '' ? (tiers.length > 0 ? 'none' : '') : eps,
    ];
  });
  const what = [zones.length > 0 ? 'per backend zone' : '', tiers.length > 0 ? 'per tier' : ''].filter((s) => s !== '').join(' and ');
  const out = [`Traffic ${what} (share of attempts)${clientZones.length > 0 ? ', p99 ms by client zone' : ''}:`, ...render(head, rows)];
  const verdict = crossZoneVerdict(results);
  if (verdict) out.push('', verdict);
  return out;
}
