/**
 * Peak EWMA of round-trip time, per backend: the latency signal behind the `peak-ewma` strategy.
 *
 * Reference: Finagle `PeakEwma` (finagle-core `loadbalancer/PeakEwma.scala`), tower
 * `tower::load::peak_ewma::RttEstimate` and linkerd2-proxy (docs/mechanisms.md#peak-ewma-signal).
 * Each backend keeps a cost (ms) and the time it was last updated. On an observation `rtt` at
 * `now`, with `td = now − stamp` and `w = exp(−td/τ)`:
 *   - if `rtt > cost` the cost jumps to `rtt` (the "peak": react to slowness at once);
 *   - otherwise `cost = cost·w + rtt·(1 − w)` (decay toward the new sample, faster after a gap);
 * and `stamp = now`. A read projects the cost decayed toward `now` — `cost·exp(−td/τ)`, as tower's
 * `RttEstimate::decay` — without writing anything, so reads are pure and repeatable. A backend with
 * no observation starts at `defaultRttMs`, stamped when its slot was created or reset.
 * Elapsed time is clamped at 0 (a read or sample stamped before the last update decays nothing).
 * Storage: two Float64Arrays (cost, stamp); observe and value allocate nothing.
 */
import type { LatencySignal, PeakEwmaOptions } from '../strategy.js';
import { exp } from '../math.js';

/** Per-backend peak-EWMA RTT estimates (ms), updated on each observation, read as pure projections. */
export class PeakEwmaSignal implements LatencySignal {
  /** Decay time constant τ (ms). */
  readonly tauMs: number;
  /** Cost given to new or reset slots (ms). */
  readonly defaultRttMs: number;
  private cost: Float64Array;
  private stamp: Float64Array;

  /**
   * @param opts τ and default RTT (both > 0; defaultRtt ≥ 0)
   * @param size number of backend slots
   * @param now time (ms) stamped on the initial slots
   */
  constructor(opts: PeakEwmaOptions, size: number, now: number) {
    if (!(opts.tauMs > 0)) throw new RangeError(`peak-ewma: tauMs must be > 0, got ${opts.tauMs}`);
    if (!(opts.defaultRttMs >= 0)) {
      throw new RangeError(`peak-ewma: defaultRttMs must be ≥ 0, got ${opts.defaultRttMs}`);
    }
    this.tauMs = opts.tauMs;
    this.defaultRttMs = opts.defaultRttMs;
    this.cost = new Float64Array(size).fill(opts.defaultRttMs);
    this.stamp = new Float64Array(size).fill(now);
  }

  /** Number of slots. */
  get size(): number {
    return this.cost.length;
  }

  /** Grows or shrinks to `size` slots, keeping existing ones; new slots start at defaultRtt stamped `now`. */
  resize(size: number, now: number): void {
    const old = this.cost.length;
    if (size === old) return;
    const cost = new Float64Array(size);
    const stamp = new Float64Array(size);
    const keep = size < old ? size : old;
    cost.set(this.cost.subarray(0, keep));
    stamp.set(this.stamp.subarray(0, keep));
    cost.fill(this.defaultRttMs, keep);
    stamp.fill(now, keep);
    this.cost = cost;
    this.stamp = stamp;
  }

  /** Forgets backend `i`'s history: back to defaultRtt, stamped `now` (a new backend in that slot). */
  reset(i: number, now: number): void {
    this.cost[i] = this.defaultRttMs;
    this.stamp[i] = now;
  }

  /** Records a round trip of `rttMs` for backend `i`, observed at `now`. */
  observe(i: number, rttMs: number, now: number): void {
    const cost = this.cost[i]!;
    if (rttMs > cost) {
      this.cost[i] = rttMs;
    } else {
      let td = now - this.stamp[i]!;
      if (td < 0) td = 0;
      const w = exp(-td / this.tauMs);
      this.cost[i] = cost * w + rttMs * (1 - w);
    }
    this.stamp[i] = now;
  }

  /** Backend `i`'s cost decayed toward `now`: `cost·exp(−td/τ)`. Pure: does not mutate. */
  value(i: number, now: number): number {
    let td = now - this.stamp[i]!;
    if (td < 0) td = 0;
    return this.cost[i]! * exp(-td / this.tauMs);
  }

  /** Writes every backend's decayed cost at `now` into `out`. Pure. */
  valuesAt(out: Float64Array, now: number): void {
    const n = Math.min(out.length, this.cost.length);
    for (let i = 0; i < n; i++) {
      let td = now - this.stamp[i]!;
      if (td < 0) td = 0;
      out[i] = this.cost[i]! * exp(-td / this.tauMs);
    }
  }
}
