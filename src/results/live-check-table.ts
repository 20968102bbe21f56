/**
 * The columns of the live check's table ("simulated versus measured", `lbsim compare-live`):
 * one list of headers and one way to fill a row, shared by the terminal (`src/live/compare.ts`
 * `renderComparison`) and the report (`web/src/live-check.ts` `liveCheckTable`), each with its
 * own number formats. Pure; no Node or DOM.
 */
import type { LiveCheckRow } from './schema.js';

/** The table's headers, in order. */
export const LIVE_CHECK_HEADERS: readonly string[] = [
  'strategy', 'p50 sim', 'p50 live', 'Δp50', 'p99 sim', 'p99 live', 'Δp99', 'p99 spread',
  'mean sim', 'mean live', 'Δmean', 'util sim', 'util live', 'max Δshare',
];

/** How a surface writes each kind of number (each returns its own mark for a missing value). */
export interface LiveCheckFormats {
  /** A latency in (scaled) ms. */
  ms(x: number): string;
  /** A relative difference, signed. */
  signed(x: number): string;
  /** A fraction 0..1 as a percentage (utilization). */
  percent(x: number): string;
  /** The p99 spread: a relative half-width, or null when not simulated. */
  spread(x: number | null): string;
  /** The largest share difference, a fraction, in percentage points. */
  points(x: number): string;
}

/** The cells of one row under {@link LIVE_CHECK_HEADERS}. */
export function liveCheckCells(r: LiveCheckRow, f: LiveCheckFormats): string[] {
  // each latency's three columns: simulated, measured, relative difference
  const latency = (k: 'p50' | 'p99' | 'mean'): string[] => [f.ms(r.sim[k]), f.ms(r.live[k]), f.signed(r.diff[k])];
  return [
    r.strategy,
    ...latency('p50'),
    ...latency('p99'),
    f.spread(r.p99spread),
    ...latency('mean'),
    f.percent(r.sim.utilization),
    f.percent(r.live.utilization),
    f.points(r.shareDiff),
  ];
}
