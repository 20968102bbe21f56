/**
 * Pure transforms for the traffic placement figures (failover tiers and zones, `traffic` in the
 * results): whether a set of results has them, the share per zone and per tier over time for one
 * strategy, the cross-zone share and cost beside p99 per strategy, spill-over and panic spells as
 * chart bands, and the caption sentences. No DOM and no Chart.js here, so all of it is unit-tested.
 */
import { crossZoneVerdict, fmtShare, fmtUsd } from '../../src/results/traffic.js';
import type { StrategyResult, XY } from './types.js';
import type { TimeBand } from './failures.js';

export { crossZoneVerdict };

/** Whether some result has traffic placement (then the traffic card is shown). */
export function hasTraffic(results: readonly StrategyResult[]): boolean {
  return results.some((r) => r.traffic !== undefined);
}

/** Whether some result has cross-zone figures (client zones). */
export function hasCrossZone(results: readonly StrategyResult[]): boolean {
  return results.some((r) => r.traffic?.crossZone !== undefined);
}

/** One line of the share-over-time chart: a label, whether it is a tier, and its points (percent). */
export interface ShareLine {
  label: string;
  kind: 'zone' | 'tier' | 'cross';
  data: XY[];
}

/** Per backend zone, per tier and the cross-zone share of `r` over time, in percent (none without traffic). */
export function shareLines(r: StrategyResult | undefined): ShareLine[] {
  const t = r?.traffic;
  if (!r || !t) return [];
  const x = r.timeseries.t;
  const pts = (ys: readonly number[]): XY[] => x.map((tx, k) => ({ x: tx, y: ys[k] === undefined ? null : ys[k]! * 100 }));
  const out: ShareLine[] = [];
  t.zones?.names.forEach((z, i) => out.push({ label: `zone ${z}`, kind: 'zone', data: pts(t.zones!.series[i]!) }));
  t.tiers?.names.forEach((p, i) => out.push({ label: `priority ${p}`, kind: 'tier', data: pts(t.tiers!.series[i]!) }));
  if (t.crossZone) out.push({ label: 'cross-zone', kind: 'cross', data: pts(t.crossZone.series) });
  return out;
}

/** The spill-over and panic spells of `r` as chart bands (first replication). */
export function episodeBands(r: StrategyResult | undefined): TimeBand[] {
  return (r?.traffic?.episodes ?? []).map((e) => ({
    from: e.start,
    to: Math.max(e.end, e.start),
    label: e.kind === 'spill' ? `spill to priority ${e.tier}` : 'panic',
  }));
}

/** One strategy's point on the cross-zone chart: share (percent), p99 (ms), cost per million requests. */
export interface CrossZonePoint {
  strategy: string;
  share: number;
  p99: number;
  cost: number;
}

/** Cross-zone share against p99, one point per strategy with client zones. */
export function crossZonePoints(results: readonly StrategyResult[]): CrossZonePoint[] {
  return results
    .filter((r) => r.traffic?.crossZone !== undefined)
    .map((r) => ({ strategy: r.strategy, share: r.traffic!.crossZone!.share * 100, p99: r.latency.p99, cost: r.traffic!.crossZone!.costPerMillion }));
}

/**
 * The caption under the traffic charts for `r`: the share per zone and tier, the client zones'
 * p99, the spells, e.g. `round-robin: zone a 58 %, … ; p99 from a 15.5 ms, …; spill to priority 1 11.4–26.4 s.`
 */
export function trafficSentence(r: StrategyResult | undefined): string {
  const t = r?.traffic;
  if (!r || !t) return '';
  const parts: string[] = [];
  if (t.zones) parts.push(t.zones.names.map((z, i) => `zone ${z} ${fmtShare(t.zones!.share[i]!)}`).join(', '));
  if (t.tiers) parts.push(t.tiers.names.map((p, i) => `priority ${p} ${fmtShare(t.tiers!.share[i]!)}`).join(', '));
  if (t.clientZones) parts.push(`p99 by client zone: ${t.clientZones.map((c) => `${c.zone} ${Number.isFinite(c.p99) ? c.p99.toPrecision(3) : '-'} ms`).join(', ')}`);
  if (t.crossZone) {
    const c = t.crossZone;
    parts.push(`${fmtShare(c.share)} of attempts cross zones${c.bytesPerAttempt > 0 ? ` (${fmtUsd(c.costPerMillion)} USD per million requests)` : ''}`);
  }
  const eps = t.episodes.map((e) => `${e.kind === 'spill' ? `spill to priority ${e.tier}` : 'panic'} ${e.start.toFixed(1)}–${e.end.toFixed(1)} s`);
  if (t.tiers) parts.push(eps.length > 0 ? `${eps.slice(0, 6).join(', ')}${eps.length > 6 ? `, ${eps.length - 6} more` : ''}` : 'no spill-over or panic');
  else if (eps.length > 0) parts.push(eps.slice(0, 6).join(', '));
  return `${r.strategy}: ${parts.join('; ')}.`;
}
