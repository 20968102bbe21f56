/**
 * The strategy contract: a strategy chooses a backend index from a {@link PickView}; it may keep its
 * own selection state (a cursor, a ring, a table, session bindings), never load or health.
 * Load signals it needs (peak EWMA, least-time) it asks for through {@link StrategyEnv.load}; the
 * balancer keeps them and hands back read-only projections (tower's `Load` trait, composed under P2C).
 */
import type { z } from 'zod';
import type { BackendSpec } from './backend.js';
import type { Rng } from './rng.js';
import type { PickView, RequestInfo } from './view.js';

/** A read-only per-backend latency signal kept by the balancer; `value` is a pure projection at `now`. */
export interface LatencySignal {
  /** The signal's value for backend `i` at time `now` (ms); does not mutate. */
  value(i: number, now: number): number;
  /**
   * Writes `value(i, now)` for every backend `i < out.length` (bounded by the signal's size) into
   * `out`: one call for a full scan, so an O(n) strategy does not box a number per backend.
   */
  valuesAt(out: Float64Array, now: number): void;
}

/** Options of the peak-EWMA signal (Finagle `PeakEwma`, tower `peak_ewma`). */
export interface PeakEwmaOptions {
  /** Decay time constant τ in ms. */
  tauMs: number;
  /** RTT assumed for a backend with no observation yet, in ms. */
  defaultRttMs: number;
}

/** Options of the least-time signal (nginx `least_time`): EWMA of response time with smoothing α. */
export interface LeastTimeOptions {
  /** Weight of a new observation, in (0, 1]. */
  alpha: number;
  /** Value before any observation, in ms. */
  defaultMs: number;
}

/** Load signals a strategy may subscribe to at creation; the balancer updates them on every release. */
export interface LoadSignals {
  /** Subscribes to a peak-EWMA RTT signal with these options. */
  peakEwma(opts: PeakEwmaOptions): LatencySignal;
  /** Subscribes to a least-time EWMA signal with these options. */
  leastTime(opts: LeastTimeOptions): LatencySignal;
}

/** What a strategy receives when it is created. */
export interface StrategyEnv {
  /** The strategy's own random stream (never shared). */
  readonly rng: Rng;
  /** Load signals kept by the balancer. */
  readonly load: LoadSignals;
  /** Creates another registered strategy (for wrappers such as `sticky`) sharing this env's signals. */
  create(name: string, options: unknown): Strategy;
}

/** A selection algorithm instance, bound to one balancer. */
export interface Strategy {
  /**
   * Chooses a backend for `req`: an index `i` with `view.eligible[i] === 1`, or -1 when none is
   * eligible. Must not allocate on the hot path for O(1)/O(log n) strategies.
   */
  pick(view: PickView, req: Readonly<RequestInfo>): number;
  /** Called with the full backend list whenever it changes (add, remove, re-weight), and once at start. */
  rebuild?(specs: readonly BackendSpec[]): void;
  /**
   * Called when a lease on backend `i` ends (`failed`: error, timeout or 5xx); `active` is backend
   * `i`'s in-flight count after this release (what a server-side probe would report).
   */
  released?(i: number, failed: boolean, latencyMs: number, now: number, active: number): void;
}

/**
 * A strategy's flavors: where nginx, HAProxy, Envoy, AWS or the paper implement it differently,
 * the `flavor` option picks whose rule is followed (docs/strategies.md, `src/strategies/proxies.ts`).
 */
export interface StrategyFlavors {
  /** The flavor names it has, default first. */
  readonly list: readonly string[];
  /** The flavor used when the options name none. */
  readonly default: string;
  /** Per flavor, what differs, in one line (README, `lbsim list`). */
  readonly differs: Readonly<Record<string, string>>;
}

/** A registry entry: name, documentation, option schema and constructor. */
export interface StrategyDef<O = unknown> {
  /** Stable kebab-case name used in the CLI, scenarios, results and charts. */
  readonly name: string;
  /** One line for `lbsim list` and the README. */
  readonly description: string;
  /** Where the semantics come from (nginx, Envoy, a paper). */
  readonly reference: string;
  /** Validates and defaults the options (zod); unknown keys are rejected. */
  readonly options: z.ZodType<O>;
  /** True when the strategy honours backend weights (conformance checks shares ∝ weight). */
  readonly weighted: boolean;
  /** True when, under equal load and without keys, every eligible backend gets a share (no starvation). */
  readonly spreads: boolean;
  /** Cost class of a pick, for the benchmark targets. */
  readonly cost: 'O(1)' | 'O(log n)' | 'O(n)';
  /** The flavors, when proxies differ (absent: one rule for all). */
  readonly flavors?: StrategyFlavors;
  /** Creates an instance; `rebuild(specs)` is called by the balancer before the first pick. */
  create(options: O, env: StrategyEnv): Strategy;
}
