/**
 * The versioned results JSON (`schema: "lbsim/results@1"`): the only thing the web report reads, and
 * what `lbsim run --json`, `lbsim sweep --json` and `lbsim live --json` write. Latencies are in
 * milliseconds, throughput in requests per second, times in the time series in seconds since the end
 * of warm-up.
 */

/** Schema tag of this version of the results file. */
export const RESULTS_SCHEMA = 'lbsim/results@1';

/** Latency summary of completed requests (ms). */
export interface LatencySummary {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  max: number;
}

/** Per-backend figures for one strategy. */
export interface BackendResult {
  /** Backend id (e.g. `b0`, or `slow-0` for a named group). */
  id: string;
  /** Requests this backend received (attempts sent to it, after warm-up). */
  requests: number;
  /** Its share of all requests sent to backends, 0..1. */
  share: number;
  /** Share it would get if the balancer followed weights exactly (weight / total weight), 0..1. */
  idealShare: number;
  /** Busy worker-time / (workers × measured time), 0..1. */
  utilization: number;
  /** Time-averaged number of requests waiting in the backend's queue (not in service). */
  meanQueue: number;
}

/** Fixed-interval time series for one strategy. Arrays are parallel to `t`. */
export interface TimeSeries {
  /** Window length in seconds. */
  interval: number;
  /** Window end times, seconds since the end of warm-up. */
  t: number[];
  /** Completed requests per second in each window. */
  throughput: number[];
  /** Median latency (ms) of requests completed in the window; null when none completed. */
  p50: (number | null)[];
  /** p99 latency (ms) of requests completed in the window; null when none completed. */
  p99: (number | null)[];
  /** Per-backend utilization in each window: `utilization[b][k]` for backend b, window k. */
  utilization: number[][];
  /** Per-backend in-flight (in service + queued at the backend) sampled at window end. */
  inflight: number[][];
  /** Requests waiting in the balancer's own queue at window end (maxConn queueing), if any. */
  balancerQueue?: number[];
}

/** One strategy's result (mean over replications where there are several). */
export interface StrategyResult {
  /** Label shown in tables and charts (registry name, or the scenario's `label`). */
  strategy: string;
  /** Registry name of the algorithm. */
  name: string;
  /** Options it ran with (after defaults). */
  options: Record<string, unknown>;
  latency: LatencySummary;
  /** 95 % Student-t confidence intervals across replications; null with a single replication. */
  ci95: { mean: [number, number] | null; p99: [number, number] | null };
  requests: { completed: number; failed: number; rejected: number };
  /** Completed requests per second of measured time. */
  throughput: number;
  /** Jain's fairness index over backend utilization, 1 = perfectly even. */
  fairness: number;
  backends: BackendResult[];
  timeseries: TimeSeries;
  /** Latency CDF for charts: `x` latencies (ms) at cumulative fractions `p`. */
  cdf: { p: number[]; x: number[] };
  /** Per-replication summaries (mean, p99) when replications > 1. */
  replications?: { seed: number; mean: number; p99: number }[];
}

/** One point of a sweep: the varied parameter's value and every strategy's result there. */
export interface SweepPoint {
  value: number;
  /** Offered load / capacity at this point. */
  load: number;
  results: StrategyResult[];
}

/** The whole results file. */
export interface ResultsFile {
  schema: typeof RESULTS_SCHEMA;
  /** `sim` (simulated) or `live` (measured on real sockets). */
  mode: 'sim' | 'live';
  /** lbsim version that wrote it. */
  generator: string;
  /** The normalized scenario (defaults filled, durations in ms). */
  scenario: Record<string, unknown>;
  /** Derived facts about the scenario for headers: capacity and offered load. */
  summary: {
    /** Offered load in requests per second (mean). */
    offeredRate: number;
    /** Total service capacity in requests per second (workers × speed / mean service time, summed). */
    capacity: number;
    /** offeredRate / capacity. */
    loadFactor: number;
    /** Measured time per replication in seconds. */
    durationS: number;
    seed: number;
    replications: number;
  };
  /** Per-strategy results for a single run (empty for a sweep). */
  results: StrategyResult[];
  /** Present for sweeps: the varied key (e.g. `clients.rate`) and the points. */
  sweep?: { key: string; points: SweepPoint[] };
  /** Warnings raised while running (e.g. offered load above capacity). */
  warnings: string[];
}
