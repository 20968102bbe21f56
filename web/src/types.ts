/**
 * The results schema as the page sees it: re-exported from the simulator's `src/results/schema.ts`
 * (type-only, so nothing from `src/` is bundled). The page's only input is `ResultsFile[]`.
 */
export type {
  AutoscaleResult,
  CapacityReport,
  CapacityRow,
  Comparison,
  CompareMetric,
  Decision,
  Headroom,
  PairedDifference,
  SloResult,
  StrategyComparison,
  TunePoint,
  TuneReport,
  BackendResult,
  DetectionResult,
  ErrorCounts,
  FaultEvent,
  LatencySummary,
  LiveCheck,
  LiveCheckRow,
  ResultsFile,
  StrategyResult,
  AxisValue,
  SweepAxis,
  SweepPoint,
  TimeSeries,
  TrafficResult,
  TrafficShares,
} from '../../src/results/schema.js';
export { RESULTS_SCHEMA } from '../../src/results/schema.js';

/** A point of a line chart; `y: null` leaves a gap (a window where nothing completed). */
export interface XY {
  x: number;
  y: number | null;
}
