/**
 * What every chart builder receives: the selected file, the strategies shown at the selected point,
 * their colours, the per-chart toggles, and a callback to hide/show a strategy everywhere.
 */
import type { ResultsFile, StrategyResult, SweepPoint } from './types.js';

/** Inputs of the chart builders in `charts/`. */
export interface View {
  file: ResultsFile;
  /** Strategies shown (not toggled off), at the selected sweep point for sweeps, in file order. */
  results: StrategyResult[];
  /** Colour of a strategy label (the same on every chart). */
  colour: (strategy: string) => string;
  /** Log-scaled latency axis on the CDF chart. */
  logCdf: boolean;
  /** Log-scaled latency axis on the percentile chart. */
  logPercentiles: boolean;
  /** Log-scaled latency axis on the sweep chart. */
  logSweep: boolean;
  /** Draw mean lines (dashed) on the sweep chart too. */
  sweepMean: boolean;
  /** Offered load of the selected sweep point (sweeps only). */
  pointLoad: number | undefined;
  /** The sweep points the sweep chart draws: along the first axis through the selected point (`grid.ts`). */
  sweepPoints: SweepPoint[];
  /** The strategy whose per-backend time series are drawn (utilization, in-flight). */
  selected: StrategyResult | undefined;
  /** Hide or show a strategy on every chart and in the table. */
  toggle: (strategy: string) => void;
}
