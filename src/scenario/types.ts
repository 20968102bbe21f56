/**
 * The normalized scenario: what a scenario file (YAML or JSON) becomes after validation and defaults
 * (see `schema.ts` for the file format and `normalize.ts` for the rules). All durations are milliseconds
 * here; rates are per second. The simulator, `lbsim live` and the report read only this shape.
 */
import type { ActiveCheckSettings, BalancerSettings as CoreBalancerSettings } from '../core/balancer/settings.js';
import type { ImportedInfo } from './imported.js';

/** A service-time (or think-time, or network-latency) distribution, in ms. */
export type Distribution =
  | { dist: 'constant'; value: number }
  | { dist: 'exponential'; mean: number }
  | { dist: 'uniform'; min: number; max: number }
  // Where the file gave other terms (a lognormal's median and p99, a pareto's or gamma's mean), they
  // are kept beside the parameters (ms) so that summaries show the user's own terms.
  | { dist: 'lognormal'; mu: number; sigma: number; median?: number; p99?: number } // of ln(ms)
  | { dist: 'pareto'; scale: number; shape: number; mean?: number } // xm (ms) and alpha
  | { dist: 'gamma'; shape: number; scale: number; mean?: number } // k and θ (ms)
  | { dist: 'mixture'; parts: { weight: number; of: Distribution }[] }
  | { dist: 'empirical'; samples: number[] }; // ms; `file:` inputs are read at load time

/** Arrival process of the clients. */
export type Arrival =
  | { arrival: 'poisson'; rate: number }
  | { arrival: 'constant'; rate: number }
  | { arrival: 'bursty'; rate: number; burstRate: number; onMs: number; offMs: number } // on/off modulated Poisson: `burstRate` during on-periods, `rate` otherwise
  | { arrival: 'schedule'; steps: { atMs: number; rate: number; ramp: boolean }[] } // rate at times; ramp = linear from the previous step
  | { arrival: 'closed'; users: number; think: Distribution }
  | TraceArrival;

/** A request attribute a trace replay can take from the log instead of drawing it. */
export type TraceAttribute = 'key' | 'client' | 'session' | 'class';

/** Replay of the arrival times logged in an access log (src/sim/model/trace.ts). */
export interface TraceArrival {
  arrival: 'trace';
  /** The log (absolute path; plain or gzip). */
  file: string;
  /** How to read it, in `lbsim import --log-format` syntax (`haproxy`, `nginx:<log_format>`, …). */
  format: string;
  /** Time compression: 2 replays the log twice as fast (twice the rate). */
  speed: number;
  /** Repeat the trace after its end (else arrivals stop there). */
  loop: boolean;
  /** Attributes taken from the log (the others are drawn as usual). */
  attributes: TraceAttribute[];
}

/**
 * What an access log showed, for a scenario fitted from it (`lbsim import --log`): the figures the
 * simulation is checked against, carried into results files and shown by the report.
 */
export interface ObservedLog {
  /** The log file(s). */
  source: string;
  /** What the latencies are (the proxy's response time, or the upstream time). */
  what: string;
  /** Logged latency percentiles (ms) of successful requests. */
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** Share of requests per backend group. */
  shares: Record<string, number>;
  /** The strategy the config uses (the check ran it). */
  strategy?: string;
  /** The check's verdict at import time. */
  verdict?: string;
}

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
  /**
   * The load factor the file gave instead of a rate (`clients.load: 0.7`): the arrival rate is then
   * load × the fleet's capacity (see `capacity.ts`). Absent when the file gave the rate itself.
   */
  load?: number;
  /** Client addresses (ip-hash): `count` IPv4 addresses, uniform or zipf. */
  addresses: KeyPopulation;
  /** Hash keys (consistent-hash, maglev, rendezvous, bounded-load). */
  keys: KeyPopulation;
  /** Session keys (sticky). */
  sessions: KeyPopulation;
  classes: RequestClass[];
  /**
   * Client zones and their shares of requests (summing to 1), in file order; each request's zone
   * is drawn from a random stream of its own (`src/sim/features/zones.ts`). Absent = no zones.
   */
  zones?: ZoneShare[];
}

/** A client zone and its share of the requests. */
export interface ZoneShare {
  zone: string;
  share: number;
}

/**
 * The zone network: round-trip latency from a client's zone to a backend's zone (added to every
 * attempt, half on the way there and half on the way back, on top of `balancer.network`), and
 * what a cross-zone attempt costs.
 */
export interface ZoneNetwork {
  /** Round trip within a zone, ms (default 0: `balancer.network` already models the hop). */
  sameZoneMs: number;
  /** Round trip between two different zones, ms (default 1). */
  crossZoneMs: number;
  /** Per pair overrides, symmetric: `latencyMs.a.b` is the round trip between zones a and b. */
  latencyMs: Record<string, Record<string, number>>;
  /** Bytes one cross-zone attempt moves (request + response; default 0). */
  crossZoneBytes: number;
  /** Price of a GB (10^9 bytes) crossing zones, USD (default 0.01). */
  pricePerGB: number;
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
  /** Failover tier (0 = primary, 1 = backup, …; absent = 0): see `balancer.failover`. */
  /**
   * Envoy `health_status: DEGRADED`: the group's backends are available but get only their
   * level's degraded share of the load (`core/balancer/tiers.ts`). Envoy failover mode only.
   */
  degraded?: boolean;
  priority?: number;
  /** Zone (locality) of the group's backends; carried to the backends and exports (absent = none). */
  zone?: string;
  /** Per-backend LRU cache of hash keys (absent = none). */
  cache?: CacheSettings;
  /**
   * Each backend's address as the proxy config writes it (`10.0.0.1:8080`), one per backend of the
   * group (absent = none: hashed by id). Hash strategies hash these exactly as the proxy does.
   */
  addresses?: string[];
  /**
   * Each backend's host name (Envoy's endpoint `hostname`), one per backend of the group (absent =
   * none). Envoy's ring hash and Maglev hash it instead of the address with `useHostnameForHashing`.
   */
  hostnames?: string[];
}

/** A per-backend LRU cache of request hash keys: a hit is served in `hitFactor` × the service time. */
export interface CacheSettings {
  /** Keys each backend keeps. */
  size: number;
  /** Service-time multiplier of a hit, 0..1. */
  hitFactor: number;
}

/** Fault kinds the simulator acts out (see `faults.ts`). */
export type FaultKind = 'crash' | 'hang' | 'slow' | 'errors' | 'pause' | 'flap';

/**
 * Fields every fault has. Times are absolute simulated ms (t = 0 is the start of the warm-up); a
 * fault is active in `[atMs, atMs + durationMs)`, and never past the end of the measured window.
 */
export interface FaultBase {
  /** Backend ids it applies to (group names, `{ zone }` and `{ priority }` in the file are expanded to their backends' ids). */
  backends: string[];
  /** Start (ms). */
  atMs: number;
  /** Length (ms); null = until the end of the measured window. */
  durationMs: number | null;
}

/**
 * One fault. `crash`: connections refused (in-flight requests reset); `hang`: requests accepted,
 * never answered (reset when it ends); both either for their whole window or, with `mtbfMs` and
 * `mttrMs`, down for exponential times of mean `mttrMs` after exponential up-times of mean `mtbfMs`
 * inside it. `slow`: service × `factor`. `errors`: a `fraction` of requests answered `status` after
 * `latency` × their service time. `pause`: every `everyMs`, no progress for `lengthMs` (each
 * backend at its own random phase). `flap`: down (refusing) for `downMs`, up for `upMs`, repeated.
 */
export type Fault =
  | (FaultBase & { kind: 'crash' | 'hang'; mtbfMs: number | null; mttrMs: number | null })
  | (FaultBase & { kind: 'slow'; factor: number })
  | (FaultBase & { kind: 'errors'; fraction: number; status: number; latency: number })
  | (FaultBase & { kind: 'pause'; everyMs: number; lengthMs: number })
  | (FaultBase & { kind: 'flap'; upMs: number; downMs: number });

/** Active health checks: probe requests from the balancer (HAProxy `check inter rise fall`). */
export interface HealthCheckSettings extends ActiveCheckSettings {
  /** Work a probe costs its backend (work units: ms on a speed-1 worker). */
  costMs: number;
}

/** Retry budget (Finagle `RetryBudget`): retries may not exceed `ratio` × requests. */
export interface RetryBudgetSettings {
  /** Retries allowed per request, 0..1. */
  ratio: number;
  /** Most unused retry allowance kept for later (tokens). */
  burst: number;
}

/** Target-utilization autoscaling of one backend group (Kubernetes HPA style). */
export interface AutoscaleSettings {
  /** Index of the scaled group in `backends`. */
  group: number;
  min: number;
  max: number;
  /** Target mean utilization of the group's serving backends, 0..1. */
  target: number;
  /** Utilization is averaged over this window (ms). */
  windowMs: number;
  /** Time between evaluations (ms). */
  intervalMs: number;
  /** No scaling action within this time of the previous one (ms). */
  cooldownMs: number;
  /** Time from the decision to scale out until the new backends serve (ms). */
  provisioningDelayMs: number;
  /** No action while |utilization / target − 1| ≤ tolerance. */
  tolerance: number;
}

/** Several independent balancer instances (nginx workers, client-side balancing). */
export interface BalancersSettings {
  /** Number of Balancer instances, each with its own state and random stream. */
  count: number;
  /** How arrivals are spread over them. */
  spread: 'round-robin' | 'random';
  /**
   * Balancer instances per zone, in order (their counts sum to `count`): instances are numbered
   * zone by zone; each gets the zone as its local zone, and a request goes to one in its client's
   * zone. Absent = no zones.
   */
  zones?: { zone: string; count: number }[];
}

/** One strategy to compare: registry name, label shown in results, options. */
export interface StrategyChoice {
  name: string;
  label: string;
  options: Record<string, unknown>;
}

/** A failure a retry may follow: an error kind, any 5xx, or one status code (400–599). */
export type RetryCondition = 'connect' | 'reset' | 'timeout' | '5xx' | number;

/**
 * The balancer section: the core's balancer settings (passive health, outlier ejection, panic
 * threshold, slow start, rate and connection limits, queue, active checks; built into the
 * Balancer by `src/core/balancer/build.ts`) and what the simulator adds around the balancer.
 */
export interface BalancerSettings extends CoreBalancerSettings {
  /** Retries to a different backend after a failure (connect error, timeout, 5xx). */
  retries: number;
  /**
   * Which failures are retried (absent = every one: connect errors, resets, timeouts and 5xx):
   * `connect`, `reset`, `timeout`, `5xx`, or a status code (nginx `proxy_next_upstream error
   * timeout http_502` → `[connect, reset, timeout, 502]`).
   */
  retryOn?: RetryCondition[];
  /** Per-attempt timeout in ms (0 = none). */
  timeoutMs: number;
  /** Network latency between balancer and backend, each way. */
  network: Distribution;
  /** Fixed per-request overhead of the balancer itself, ms (models proxy cost; 0 by default). */
  overheadMs: number;
  /** Active health checks (absent = none). */
  healthCheck?: HealthCheckSettings;
  /** Retry budget (absent = every failure may be retried up to `retries`). */
  retryBudget?: RetryBudgetSettings;
  /** Hedged requests: after `delayMs` without an answer, a second copy goes to another backend. */
  hedge?: { delayMs: number };
}

/**
 * Service-level objectives (`slo:` in the file; any of them): latency percentiles of completed
 * requests (ms) and availability (completed ÷ measured requests, in percent).
 */
export interface Slo {
  p99Ms?: number;
  p999Ms?: number;
  /** Percent, e.g. 99.9. */
  availability?: number;
}

/** The proxies a recommendation can be limited to (what each can run: `src/decide/proxies.ts`). */
export type ProxyTarget = 'nginx' | 'nginx-plus' | 'haproxy' | 'envoy';

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
  /** Faults acted out by the simulator (absent = none). */
  faults?: Fault[];
  /** Autoscaling of one group (absent = fixed fleet). */
  autoscale?: AutoscaleSettings;
  /** Several balancer instances (absent = one). */
  balancers?: BalancersSettings;
  /** What `lbsim import` kept for `lbsim export` (absent = not imported; `imported.ts`). */
  imported?: ImportedInfo;
  /** The zone network (present when clients have zones). */
  network?: ZoneNetwork;
  /** What the access log this scenario was fitted from showed (absent = not fitted from a log). */
  observed?: ObservedLog;
  /** Objectives the recommendation, `lbsim capacity` and `lbsim tune` check (absent = none). */
  slo?: Slo;
  /** Label of the strategy the user runs today, compared with every other (absent = none given). */
  baseline?: string;
  /** Limit recommendations to what this proxy can run (absent = any; `lbsim proxy` runs all). */
  proxy?: ProxyTarget;
}
