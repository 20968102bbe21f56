/**
 * Reading the traffic placement of results (`TrafficResult`, collected by
 * `src/sim/features/traffic.ts`): the verdict sentence when the strategies differ in how much
 * traffic they send across zones, shared by the terminal table and the web report.
 */
import type { StrategyResult } from './schema.js';

/** Cross-zone shares closer than this (absolute, 2 percentage points) are not called a difference. */
export const CROSS_ZONE_DIFFERENCE = 0.02;

/** A price in USD with 3 significant digits (`0.0486`, `1.25`, `120`). */
export function fmtUsd(x: number): string {
  if (!Number.isFinite(x)) return '-';
  if (x === 0) return '0';
  return x >= 100 ? x.toFixed(0) : x.toPrecision(3);
}

/** A share 0..1 as a whole percentage (`0.607` → `61%`). */
export function fmtShare(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : '-';
}

/**
 * One sentence when the strategies' choices move traffic across zones: the strategy that keeps
 * the most traffic in its zone and the one that sends the most across, with their cross-zone
 * share, cost per million requests and p99; null when the scenario has no client zones, there is
 * one strategy, or the shares differ by less than {@link CROSS_ZONE_DIFFERENCE}.
 */
export function crossZoneVerdict(results: readonly StrategyResult[]): string | null {
  const rs = results.filter((r) => r.traffic?.crossZone !== undefined);
  if (rs.length < 2) return null;
  const share = (r: StrategyResult): number => r.traffic!.crossZone!.share;
  const sorted = [...rs].sort((a, b) => share(a) - share(b) || a.latency.p99 - b.latency.p99);
  const lo = sorted[0]!;
  const hi = sorted[sorted.length - 1]!;
  const gap = share(hi) - share(lo);
  if (!(gap >= CROSS_ZONE_DIFFERENCE)) return null;
  const cost = (r: StrategyResult): string => {
    const c = r.traffic!.crossZone!;
    return c.bytesPerAttempt > 0 ? `${fmtUsd(c.costPerMillion)} USD per million requests, ` : '';
  };
  const p99 = (r: StrategyResult): string => `p99 ${r.latency.p99.toPrecision(3)} ms`;
  return (
    `The strategy moves traffic across zones: ${lo.strategy} sends ${fmtShare(share(lo))} of attempts to another zone ` +
    `(${cost(lo)}${p99(lo)}), ${hi.strategy} ${fmtShare(share(hi))} (${cost(hi)}${p99(hi)}): ` +
    `${(gap * 100).toFixed(0)} points apart.`
  );
}
