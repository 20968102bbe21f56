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
  /** Share of its lookups that hit its cache, 0..1 (only with `cache`). */
  cacheHitRatio?: number;
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
  // Present with faults, health checks or autoscaling (the full engine):
  /** Backends in the pool (not draining, not removed) at window end. */
  backends?: number[];
  /** Of those, healthy in the (first) balancer's view (not down, not ejected) at window end. */
  healthy?: number[];
  /** Of those, actually able to serve (not crashed, hung or flapped down) at window end. */
  up?: number[];
  /** Requests that ended in failure (any error or refusal) per second in each window. */
  errors?: number[];
}

/**
 * Measured requests that did not complete, by how their last attempt ended; the kinds sum to
 * `requests.failed + requests.rejected`.
 */
export interface ErrorCounts {
  /** Connection refused: a crashed (or flapped-down) backend. */
  refused: number;
  /** The attempt timed out (a hung, paused or overloaded backend). */
  timeout: number;
  /** Answered 5xx: an `errors` fault, or a full backend queue's 503. */
  http5xx: number;
  /** Connection reset mid-request: the backend crashed, or a hang ended, with the request on it. */
  reset: number;
  /** Refused by the balancer's rate limit. */
  rateLimited: number;
  /** Refused by the balancer otherwise: no eligible backend, conn limit, queue full or timed out. */
  unavailable: number;
}

/** One failure window on one backend (times in seconds since the end of warm-up). */
export interface FaultEvent {
  backend: string;
  kind: string;
  start: number;
  /** End of the window; null if it lasted to the end of the run. */
  end: number | null;
  /** Start → the backend is down or ejected in a balancer's view (ms); null if never. */
  detectMs: number | null;
  /** End → the backend's first successful answer after it was detected (ms); null if none. */
  recoverMs: number | null;
}

/** Detection of failure windows (crash, hang, errors, flap) by the balancer's health mechanisms. */
export interface DetectionResult {
  /** Failure windows in the run. */
  faults: number;
  /** Of those, detected (backend down or ejected) while open. */
  detected: number;
  /** Mean / largest time to detect (ms); null when none was detected. */
  meanDetectMs: number | null;
  maxDetectMs: number | null;
  /** Mean / largest time to recover after a detected window ended (ms); null when none. */
  meanRecoverMs: number | null;
  maxRecoverMs: number | null;
  /** The windows (first replication; at most 200). */
  events: FaultEvent[];
}

/** What the autoscaler did (figures averaged over replications; actions of the first). */
export interface AutoscaleResult {
  /** Decisions to add backends. */
  scaleOuts: number;
  /** Decisions to remove backends. */
  scaleIns: number;
  /** Fewest / most / time-averaged backends serving in the measured window. */
  minBackends: number;
  maxBackends: number;
  meanBackends: number;
  /** Each decision: time (s since warm-up end) and target count before → after. */
  actions: { t: number; from: number; to: number }[];
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
  /** Completed / measured requests, 0..1 (simulated runs). */
  availability?: number;
  /** Measured requests that did not complete, by kind (simulated runs). */
  errors?: ErrorCounts;
  // Present when the scenario has faults, health checks, retry budgets, hedging, several
  // balancers, caches or autoscaling (the full engine):
  /** Retries sent by measured requests. */
  retries?: number;
  /** Retries a retry budget refused. */
  retriesDenied?: number;
  /** Hedged copies sent by measured requests. */
  hedges?: number;
  /** Measured requests that failed after an attempt met a faulty backend (crash, hang, errors, flap). */
  lostInFailover?: number;
  /** Time to detect and to recover from failure windows. */
  detection?: DetectionResult;
  /** Cache hits over lookups at the backends (measured requests), with `cache`. */
  cache?: { hitRatio: number; hits: number; misses: number };
  /** Autoscaling activity. */
  autoscale?: AutoscaleResult;
}

/** One point of a sweep: the varied parameter's value and every strategy's result there. */
export interface SweepPoint {
  /** The first axis's value here. */
  value: number;
  /** Every axis's value here, in the order of `sweep.axes` (absent in files from before grids). */
  at?: number[];
  /** Offered load / capacity at this point. */
  load: number;
  results: StrategyResult[];
}

/** One axis of a sweep grid: a key of the scenario (e.g. `clients.rate`) and its values. */
export interface SweepAxis {
  key: string;
  values: number[];
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
  /**
   * Present for sweeps: the varied keys and the points. `key` is the first axis's key; `axes` every
   * axis (one per `--vary`; absent in files from before grids); `points` cover the grid in
   * row-major order over `axes` (the last axis varies fastest).
   */
  sweep?: { key: string; axes?: SweepAxis[]; points: SweepPoint[] };
  /** Warnings raised while running (e.g. offered load above capacity). */
  warnings: string[];
}
