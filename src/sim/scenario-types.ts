/**
 * The normalized scenario: what a scenario file (YAML or JSON) becomes after validation and defaults
 * (see `scenario.ts` for the schema and its error messages). All durations are milliseconds here;
 * rates are per second. The simulator, `lbsim live` and the report read only this shape.
 */

/** A service-time (or think-time, or network-latency) distribution, in ms. */
export type Distribution =
  | { dist: 'constant'; value: number }
  | { dist: 'exponential'; mean: number }
  | { dist: 'uniform'; min: number; max: number }
  | { dist: 'lognormal'; mu: number; sigma: number } // of ln(ms); `median`/`p99` inputs are converted
  | { dist: 'pareto'; scale: number; shape: number } // xm (ms) and alpha
  | { dist: 'gamma'; shape: number; scale: number } // k and θ (ms)
  | { dist: 'mixture'; parts: { weight: number; of: Distribution }[] }
  | { dist: 'empirical'; samples: number[] }; // ms; `file:` inputs are read at load time

/** Arrival process of the clients. */
export type Arrival =
  | { arrival: 'poisson'; rate: number }
  | { arrival: 'constant'; rate: number }
  | { arrival: 'bursty'; rate: number; burstRate: number; onMs: number; offMs: number } // on/off modulated Poisson: `burstRate` during on-periods, `rate` otherwise
  | { arrival: 'schedule'; steps: { atMs: number; rate: number; ramp: boolean }[] } // rate at times; ramp = linear from the previous step
  | { arrival: 'closed'; users: number; think: Distribution };

/** Key population for hash keys / sessions / client addresses. */
export interface KeyPopulation {
  /** Number of distinct values. */
  count: number;
  /** `uniform` or `zipf` popularity. */
  popularity: 'uniform' | 'zipf';
  /** Zipf exponent s (> 0), used when popularity is zipf. */
  exponent: number;
}

/** A request class: share of requests and a service-time multiplier. */
export interface RequestClass {
  name: string;
  share: number; // normalized so shares sum to 1
  serviceFactor: number;
}

/** The clients section. */
export interface Clients {
  process: Arrival;
  /** Client addresses (ip-hash): `count` IPv4 addresses, uniform or zipf. */
  addresses: KeyPopulation;
  /** Hash keys (consistent-hash, maglev, rendezvous, bounded-load). */
  keys: KeyPopulation;
  /** Session keys (sticky). */
  sessions: KeyPopulation;
  classes: RequestClass[];
}

/** One group of identical backends. */
export interface BackendGroup {
  /** Group name; backend ids are `${name}-${k}`, or `b${index}` when unnamed. */
  name: string | null;
  count: number;
  weight: number;
  /** Requests served concurrently; the rest wait FIFO in the backend. */
  workers: number;
  /** `fifo` (workers serve one each) or `ps` (processor sharing over the workers' capacity). */
  discipline: 'fifo' | 'ps';
  /** Requests waiting beyond the workers before the backend refuses (rejected); null = unbounded. */
  queueLimit: number | null;
  /** Service-rate multiplier (2 = twice as fast). */
  speed: number;
  service: Distribution;
  /** Balancer-side concurrency cap for each backend of the group (0 = none). */
  maxConn: number;
}

/** One strategy to compare: registry name, label shown in results, options. */
export interface StrategyChoice {
  name: string;
  label: string;
  options: Record<string, unknown>;
}

/** The balancer section (feeds the core's options). */
export interface BalancerSettings {
  passive: { maxFails: number; failTimeoutMs: number } | false;
  outlier: { consecutive5xx: number; baseEjectionMs: number; maxEjectionMs: number; maxEjectionPercent: number } | false;
  panicThreshold: number;
  slowStart: { windowMs: number; minWeightPercent: number; aggression: number } | false;
  rateLimit: { rate: number; burst: number; nodelay: boolean; delay: number; key: 'global' | 'client' | 'session' | 'hash' } | false;
  connLimit: { perKey: number; key: 'global' | 'client' | 'session' | 'hash' } | false;
  queue: { maxQueue: number; timeoutMs: number } | false;
  /** Retries to a different backend after a failure (connect error, timeout, 5xx). */
  retries: number;
  /** Per-attempt timeout in ms (0 = none). */
  timeoutMs: number;
  /** Network latency between balancer and backend, each way. */
  network: Distribution;
  /** Fixed per-request overhead of the balancer itself, ms (models proxy cost; 0 by default). */
  overheadMs: number;
}

/** A whole normalized scenario. */
export interface Scenario {
  name: string;
  /** What the scenario teaches (the file's `description`, optional). */
  description: string;
  seed: number;
  /** Measured time after warm-up, ms. */
  durationMs: number;
  warmupMs: number;
  replications: number;
  /** Time-series window, ms (default: duration / 60, at least 100 ms). */
  intervalMs: number;
  clients: Clients;
  backends: BackendGroup[];
  balancer: BalancerSettings;
  strategies: StrategyChoice[];
}
