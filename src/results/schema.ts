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

/** Share of attempts per failover tier or per zone: in total and per time-series slice. */
export interface TrafficShares {
  /** Tier numbers ("0" = primary) or zone names, in order. */
  names: string[];
  /** Share of the measured requests' attempts sent to each, 0..1. */
  share: number[];
  /** Per name, per slice: its share of the slice's attempts (0 in a slice without attempts). */
  series: number[][];
}

/** The requests of one client zone. */
export interface ClientZoneResult {
  zone: string;
  /** Measured requests from this zone. */
  requests: number;
  /** Latency of its completed requests (ms; NaN when none completed). */
  p50: number;
  p99: number;
  /** Share of its attempts sent to a backend in another zone, 0..1. */
  crossZoneShare: number;
}

/** Attempts that crossed zones, and what they cost. */
export interface CrossZoneResult {
  /** Share of the measured requests' attempts sent to a backend outside the client's zone, 0..1. */
  share: number;
  /** The share per time-series slice. */
  series: number[];
  /** Attempts per measured request (retries and hedges count). */
  attemptsPerRequest: number;
  /** Bytes a cross-zone attempt moves (`network.crossZoneBytes`) and their price (USD per GB). */
  bytesPerAttempt: number;
  pricePerGB: number;
  /** USD per million measured requests: cross-zone attempts × bytes × price. */
  costPerMillion: number;
}

/** A spell of spill-over to a lower failover tier, or of panic (seconds since the end of warm-up). */
export interface TrafficEpisode {
  kind: 'spill' | 'panic';
  /** The tier spilled to (spill only). */
  tier?: number;
  /** The first attempt of the spell, and the last before a gap of at least one interval. */
  start: number;
  end: number;
}

/** Attempts sent to hosts marked degraded (Envoy `DEGRADED`): share of all attempts, in total and per time-series slice. */
export interface DegradedShare {
  share: number;
  series: number[];
}

/** Where the traffic went: present only when the scenario has failover tiers, zones or degraded hosts. */
export interface TrafficResult {
  /** Per failover tier (scenarios with priorities). */
  tiers?: TrafficShares;
  /** Per backend zone (scenarios whose backends have zones). */
  zones?: TrafficShares;
  /** Per client zone (scenarios with client zones). */
  clientZones?: ClientZoneResult[];
  /** Cross-zone attempts (scenarios with client zones). */
  crossZone?: CrossZoneResult;
  /** Attempts sent to degraded hosts (scenarios with `backends[].degraded`). */
  degraded?: DegradedShare;
  /** Spill-over and panic spells (first replication). */
  episodes: TrafficEpisode[];
}

/** One replication's headline figures (latencies in ms). */
export interface ReplicationSummary {
  seed: number;
  mean: number;
  p99: number;
  p999?: number;
  /** Completed measured requests in this replication. */
  completed?: number;
  /** Completed / measured requests, 0..1 (simulated runs). */
  availability?: number;
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
  /**
   * Per-replication summaries when replications > 1: mean, p99 and (files from this version on)
   * p99.9, completed requests and availability, paired by seed in comparisons (`compare.ts`).
   */
  replications?: ReplicationSummary[];
  /** Completed / measured requests, 0..1 (simulated runs). */
  availability?: number;
  /** Measured requests that did not complete, by kind (simulated runs). */
  errors?: ErrorCounts;
  /**
   * Of `requests.failed`, those answered only more than the measured duration after they arrived
   * (counted as failed, kind timeout; see `src/sim/engine/recorder.ts`); absent when none.
   */
  overBound?: number;
  /** Retries sent by measured requests (simulated runs with `retries` > 0, and the full engine's). */
  retries?: number;
  // Present when the scenario has faults, health checks, retry budgets, hedging, several
  // balancers, caches or autoscaling (the full engine):
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
  /** Traffic per failover tier and zone, cross-zone share and cost (scenarios with tiers or zones). */
  traffic?: TrafficResult;
}

/** One point of a sweep: the varied parameter's value and every strategy's result there. */
export interface SweepPoint {
  /** The first axis's value here (the first axis is numeric: the x of tables and charts). */
  value: number;
  /** Every axis's value here, in the order of `sweep.axes` (absent in files from before grids). */
  at?: AxisValue[];
  /** Offered load / capacity at this point. */
  load: number;
  results: StrategyResult[];
}

/**
 * A value on a sweep axis: a number, or on the second and later axes also a name
 * (`--vary strategies[bounded-load].options.flavor=paper,haproxy`) or a boolean.
 */
export type AxisValue = number | string | boolean;

/** One axis of a sweep grid: a key of the scenario (e.g. `clients.rate`) and its values (numbers on the first axis). */
export interface SweepAxis {
  key: string;
  values: AxisValue[];
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
  /** The statistical comparison of `results` (`src/results/compare.ts`); absent in older files. */
  comparison?: Comparison;
  /** The decision drawn from it: SLO checks, recommendation, headroom (`src/decide/`). */
  decision?: Decision;
  /** Written by `lbsim capacity`: per strategy, the fleet size / rate / speed that meets the SLO. */
  capacity?: CapacityReport;
  /** Written by `lbsim tune`: the settings searched and the best found. */
  tune?: TuneReport;
  /**
   * Present when the command was interrupted (Ctrl-C): the file holds only what finished (whole
   * strategies of a run, whole points of a sweep); `missing` names what was left out.
   */
  partial?: { reason: string; missing: string[] };
  /**
   * Written by `lbsim compare-live` into both files it compares (`side` says which this is): the
   * simulated-versus-measured table the terminal prints, so the report can show it.
   */
  liveCheck?: LiveCheck;
}

/** Simulated and measured figures of one strategy (latencies in scaled ms). */
export interface LiveCheckFigures {
  p50: number;
  p99: number;
  mean: number;
  /** Mean backend utilization 0..1. */
  utilization: number;
}

/** One strategy in a {@link LiveCheck}. */
export interface LiveCheckRow {
  strategy: string;
  sim: LiveCheckFigures;
  live: LiveCheckFigures;
  /** (live − sim) / sim. */
  diff: { p50: number; p99: number; mean: number };
  /** Largest |live share − simulated share| over the backends. */
  shareDiff: number;
  /** Relative half-width of one window's simulated p99 95 % prediction interval, or null. */
  p99spread: number | null;
  ok: { p50: boolean; p99: boolean };
}

/** `lbsim compare-live`'s comparison (src/live/compare.ts), as results files carry it. */
export interface LiveCheck {
  /** Which of the two compared files this is. */
  side: 'sim' | 'live';
  /** Time scale of both runs: every service, think and network time ×scale, every rate ÷scale. */
  scale: number;
  /** Proxy overhead (ms) the simulation ran with. */
  overheadMs: number;
  /** Relative tolerances of agreement. */
  tolerance: { p50: number; p99: number };
  rows: LiveCheckRow[];
  /** Rankings by p99, best first. */
  ranking: { sim: string[]; live: string[]; same: boolean; consistent: boolean };
  agree: boolean;
  /** Numbers that explain the differences. */
  notes: string[];
}

/** Latency figures a comparison can rank by. */
export type CompareMetric = 'mean' | 'p99' | 'p999';

/** A difference a − b of one metric, paired over replications on common random numbers. */
export interface PairedDifference {
  /** Mean over replications of (a − b) in that replication (ms). */
  diff: number;
  /** 95 % paired-t interval of the mean difference; null with one replication. */
  ci95: [number, number] | null;
  /** Replications paired (by seed). */
  n: number;
}

/** One strategy in a {@link Comparison}. */
export interface StrategyComparison {
  strategy: string;
  /** Position by the metric's point estimate, 1 = lowest. */
  rank: number;
  /**
   * Statistically tied group (1 = the best's): a group is a leader and every later strategy whose
   * paired interval against the leader contains 0. Null when the comparison cannot decide (one
   * replication, or too few requests beyond the percentile).
   */
  group: number | null;
  /** This strategy − the best (lowest point estimate), per metric. */
  vsBest: Partial<Record<CompareMetric, PairedDifference>>;
  /** This strategy − the baseline, per metric; null without a baseline (or for the baseline itself). */
  vsBaseline: Partial<Record<CompareMetric, PairedDifference>> | null;
  /** Why the ranked percentile is not trustworthy for this strategy (too few requests beyond it). */
  sampleWarning?: string;
}

/** The statistical comparison of a run's strategies (`src/results/compare.ts`). */
export interface Comparison {
  /** The metric strategies are ranked and grouped by. */
  metric: CompareMetric;
  /** How the intervals were computed, in words. */
  method: string;
  /** Replications paired. */
  replications: number;
  /** Lowest point estimate of the metric (not a claim by itself). */
  best: string;
  /** `best` when it is statistically better than every other strategy; null otherwise (see `verdict`). */
  winner: string | null;
  /** One sentence: the winner and why, or why there is none. */
  verdict: string;
  /** Strategies tied with the best (the best included); empty when the comparison cannot decide. */
  tied: string[];
  /** The strategy every other is compared with (label), or null. */
  baseline: string | null;
  /** Every strategy, in rank order. */
  strategies: StrategyComparison[];
  /** Why parts of the comparison cannot be trusted, with what to do. */
  warnings: string[];
}

/** One objective checked for one strategy. */
export interface SloCheck {
  objective: 'p99' | 'p999' | 'availability';
  /** Target: ms for percentiles, percent for availability. */
  target: number;
  /** The strategy's value (mean over replications), in the target's unit. */
  value: number;
  /** 95 % interval of the value over replications; null with one replication. */
  ci95: [number, number] | null;
  /** `meets` / `fails` with 95 % confidence (or by the point estimate with one replication), else `uncertain`. */
  verdict: 'meets' | 'fails' | 'uncertain';
  /** Why the verdict is weaker than it looks (one replication, too few requests beyond the percentile). */
  note?: string;
}

/** Whether one strategy meets the scenario's SLO. */
export interface SloResult {
  strategy: string;
  /** `meets` when every objective meets, `fails` when one fails, else `uncertain`. */
  verdict: 'meets' | 'fails' | 'uncertain';
  checks: SloCheck[];
}

/** The load at which one strategy stops meeting the SLO (`src/decide/headroom.ts`). */
export interface HeadroomRow {
  strategy: string;
  /** Highest load factor (offered ÷ capacity) found to meet the SLO; null when even the lowest tried fails. */
  load: number | null;
  /** The same as a rate (req/s); null with `load`. */
  rate: number | null;
  /** Lowest load found to break it; null when none up to the search's top breaks it. */
  breaksAt: number | null;
}

/** Headroom of every strategy: how far the load can grow before the SLO breaks. */
export interface Headroom {
  /** How it was found, in words (bisection on the arrival rate, run length, resolution). */
  method: string;
  rows: HeadroomRow[];
}

/** The decision drawn from a run: SLO, candidates, recommendation (`src/decide/recommend.ts`). */
export interface Decision {
  /** The scenario's objectives as checked (latencies in ms, availability in percent); null without one. */
  slo: { p99?: number; p999?: number; availability?: number } | null;
  /** Per strategy, in comparison order; empty without an SLO. */
  sloResults: SloResult[];
  /** The proxy the candidates were limited to, or null (any: `lbsim proxy` runs every strategy). */
  proxy: string | null;
  /** Strategies left out of the candidates, and why (the proxy cannot run them, or they are pathological). */
  excluded: { strategy: string; reason: string }[];
  /** Strategies that behave pathologically in this scenario, with the reason (collapsed in the report). */
  pathological: { strategy: string; reason: string }[];
  /** The recommended strategy (label), or null with the reason in `paragraph`. */
  recommended: string | null;
  /** Its registry name and options, for export. */
  settings: { name: string; options: Record<string, unknown> } | null;
  /** What the recommendation costs or needs (nginx Plus, health checks, …). */
  costs: string[];
  /** The recommendation as one paragraph (shown first in the terminal and in the report). */
  paragraph: string;
  /** Load at which each strategy breaks the SLO, when computed. */
  headroom?: Headroom;
}

/** One strategy's answer in `lbsim capacity`. */
export interface CapacityRow {
  strategy: string;
  /**
   * The answer per replication: the smallest backend count / largest rate / smallest speed that
   * meets the SLO on that replication's seed; null where nothing in the range meets it.
   */
  perReplication: (number | null)[];
  /** Mean over replications (counts: the largest, so every replication meets); null when none met. */
  value: number | null;
  /** 95 % interval over replications (rate and speed; counts give the range); null with one or none. */
  ci95: [number, number] | null;
  /** When nothing in range meets the SLO: the closest setting and the objective's value there. */
  closest?: { setting: number; value: number; objective: string };
  /** Simulation runs this strategy's search used. */
  runs: number;
}

/** What `lbsim capacity` found. */
export interface CapacityReport {
  /** What was varied: backends of a group (count), the arrival rate, or the backends' speed. */
  vary: 'backends' | 'rate' | 'speed';
  /** For `backends`: the group varied (its name or index). */
  group?: string;
  /** The range searched (backend counts, req/s, or speed multipliers of the scenario's speeds). */
  range: [number, number];
  /** The scenario's own setting, in the same unit (for comparison with the answers). */
  current: number;
  /** Objectives (latencies ms, availability percent). */
  slo: { p99?: number; p999?: number; availability?: number };
  /** How it was searched, in words. */
  method: string;
  rows: CapacityRow[];
  /** Total simulation runs (wall time is printed, not stored: results stay byte-identical per seed). */
  runs: number;
  /** What limits the answer (one replication, too few requests beyond the percentile, …). */
  warnings: string[];
}

/** One evaluated setting in `lbsim tune`. */
export interface TunePoint {
  /** Parameter values (by parameter path). */
  settings: Record<string, number>;
  /** Metric (ms) mean over replications, and its 95 % interval. */
  value: number;
  ci95: [number, number] | null;
  /** Whether the setting meets the SLO (null without one). */
  meetsSlo: boolean | null;
}

/** What `lbsim tune` found. */
export interface TuneReport {
  strategy: string;
  metric: CompareMetric;
  /** Parameters searched: path, range, integer or continuous, log scale, the scenario's value (null: off). */
  parameters: { path: string; min: number; max: number; integer: boolean; log: boolean; default: number | null }[];
  /** Every evaluated setting, in evaluation order. */
  points: TunePoint[];
  /** The best setting (lowest metric among those meeting the SLO, else overall). */
  best: TunePoint;
  /** The setting the scenario had (defaults filled). */
  initial: TunePoint;
  /** best − initial, paired over replications. */
  improvement: PairedDifference;
  /** How it was searched and the evaluation budget, in words. */
  method: string;
  /** Settings evaluated (each = one run per replication). */
  evaluations: number;
  /** What limits the answer (one replication, nothing in range meets the SLO, …). */
  warnings: string[];
}
