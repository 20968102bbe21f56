/**
 * Slow start: a backend that just joined or recovered takes a growing share of its weight.
 *
 * Reference: Envoy `slow_start_config` (round robin / least request) and
 * `EdfLoadBalancerBase::applySlowStartFactor` (Envoy 1.36,
 * `source/extensions/load_balancing_policies/common/load_balancer_impl.cc`; docs/mechanisms.md#slow-start):
 * while `t < slow_start_window` (t = time since the host became healthy),
 * `weight × max(min_weight_percent, time_factor^(1 / aggression))` with
 * `time_factor = max(1 ms, t) / window`; after the window the full weight. Defaults:
 * `min_weight_percent` 10 %, `aggression` 1 (linear). nginx Plus `slow_start=` is the linear case.
 * This module returns the factor; the balancer multiplies weights by it.
 */

import { checkSize, resizeF64 } from './typed.js';
import { pow } from '../math.js';

/** Options of Envoy-style slow start. */
export interface SlowStartOptions {
  /** Ramp length in ms; 0 turns slow start off (Envoy `slow_start_window`). */
  windowMs: number;
  /** Lowest factor, in percent (Envoy `min_weight_percent`, default 10). */
  minWeightPercent: number;
  /** Curve shape: 1 linear, > 1 faster early, < 1 slower early (Envoy `aggression`, default 1). */
  aggression: number;
}

/** Envoy defaults, with slow start off. */
export const SLOW_START_DEFAULTS: Readonly<SlowStartOptions> = Object.freeze({
  windowMs: 0,
  minWeightPercent: 10,
  aggression: 1,
});

/** Per-backend ramp start times, indexed by backend position. */
export class SlowStart {
  /** Effective window (ms). */
  readonly windowMs: number;
  /** Effective minimum factor (fraction, `minWeightPercent / 100`). */
  readonly minFactor: number;
  /** Effective aggression. */
  readonly aggression: number;
  private readonly invAggression: number;
  private started: Float64Array;
  private latestEnd = -Infinity;

  /**
   * @param opts options; missing fields take {@link SLOW_START_DEFAULTS}
   * @param size number of backends
   */
  constructor(opts: Partial<SlowStartOptions>, size: number) {
    const windowMs = opts.windowMs ?? SLOW_START_DEFAULTS.windowMs;
    const minWeightPercent = opts.minWeightPercent ?? SLOW_START_DEFAULTS.minWeightPercent;
    const aggression = opts.aggression ?? SLOW_START_DEFAULTS.aggression;
    if (!(windowMs >= 0 && Number.isFinite(windowMs))) throw new RangeError(`slow start: windowMs must be >= 0, got ${windowMs}`);
    if (!(minWeightPercent >= 0 && minWeightPercent <= 100)) {
      throw new RangeError(`slow start: minWeightPercent must be in [0, 100], got ${minWeightPercent}`);
    }
    if (!(aggression > 0 && Number.isFinite(aggression))) throw new RangeError(`slow start: aggression must be > 0, got ${aggression}`);
    checkSize(size);
    this.windowMs = windowMs;
    this.minFactor = minWeightPercent / 100;
    this.aggression = aggression;
    this.invAggression = 1 / aggression;
    this.started = new Float64Array(size).fill(-Infinity);
  }

  /** Number of backends tracked. */
  get size(): number {
    return this.started.length;
  }

  /** Changes the number of backends; existing ramps continue, new backends are not ramping. */
  resize(size: number): void {
    checkSize(size);
    this.started = resizeF64(this.started, size, -Infinity);
    this.recomputeLatest();
  }

  /** Backend `i` joined or recovered at `now`: its ramp starts (no-op when slow start is off). */
  start(i: number, now: number): void {
    if (this.windowMs === 0) return;
    this.started[i] = now;
    const end = now + this.windowMs;
    if (end > this.latestEnd) this.latestEnd = end;
  }

  /** Cancels backend `i`'s ramp (it takes full weight). */
  clear(i: number): void {
    this.started[i] = -Infinity;
    this.recomputeLatest();
  }

  /** Weight multiplier of backend `i` at `now`, in `[minWeightPercent / 100, 1]`. */
  factor(i: number, now: number): number {
    const t = now - this.started[i]!;
    if (!(t < this.windowMs)) return 1; // also off (window 0) and never started (t = Infinity)
    const tf = (t > 1 ? t : 1) / this.windowMs;
    const f = this.aggression === 1 ? tf : pow(tf, this.invAggression);
    return f > this.minFactor ? f : this.minFactor;
  }

  /**
   * Latest end of any ramp that is still running: after `now` if `now` is given; without `now`,
   * the latest end of any ramp started. -Infinity if none.
   */
  rampingUntil(now = -Infinity): number {
    return this.latestEnd > now ? this.latestEnd : -Infinity;
  }

  private recomputeLatest(): void {
    let latest = -Infinity;
    const n = this.started.length;
    for (let i = 0; i < n; i++) {
      const end = this.started[i]! + this.windowMs;
      if (end > latest) latest = end;
    }
    this.latestEnd = this.windowMs === 0 ? -Infinity : latest;
  }
}
