/**
 * Envoy outlier detection, consecutive-5xx detector, with ejection back-off and the ejection cap.
 *
 * References: Envoy architecture docs "Outlier detection" and `source/common/upstream/
 * outlier_detection_impl.cc` (`DetectorImpl::ejectHost`, `checkHostForUneject`,
 * `onConsecutiveErrorWorker`):
 *
 * - every 5xx bumps the host's consecutive counter and a non-5xx clears it; when the counter reaches
 *   `consecutive_5xx` an ejection is attempted and the counter is cleared whether or not the host
 *   was ejected;
 * - the cap: a host may be ejected if `100 × (ejected + 1) / hosts <= max_ejection_percent`, and
 *   (as with Envoy's `always_eject_one_host`) the first ejection is always allowed, so 3 hosts at
 *   10 % still allow one;
 * - on ejection the back-off multiplier grows by one while `backoff × base < max + base`; the host
 *   stays out for `min(base × backoff, max)`: 30, 60, 90 … 300 s with the defaults;
 * - on un-ejection the consecutive counters are reset; while healthy, each detector interval
 *   (`interval`, 10 s) takes one off the back-off multiplier, so a host that behaves again earns
 *   its short ejections back.
 *
 * Envoy evaluates un-ejection and back-off decay on its interval timer; lbsim, which has no timer
 * here, evaluates them lazily from the `now` it is given: a host is back exactly at
 * `ejectedAt + duration`, and the decay counts whole intervals since that moment (Envoy's ticks
 * aligned to the un-ejection). Results reported for a host while it is ejected are ignored (Envoy
 * counts them but clears the counter on un-ejection, which comes to the same). `now` must not go
 * backwards between calls.
 * Sources, test vectors and departures: docs/mechanisms.md#outlier-detection.
 */

import { checkSize, resizeF64, resizeI32 } from './typed.js';

/** Options of Envoy-style consecutive-5xx outlier detection. */
export interface OutlierOptions {
  /** Consecutive failures that trigger an ejection; 0 disables the detector (Envoy `consecutive_5xx`, 5). */
  consecutive5xx: number;
  /** Base ejection time in ms (Envoy `base_ejection_time`, 30 s). */
  baseEjectionMs: number;
  /** Longest ejection in ms (Envoy `max_ejection_time`, 300 s). */
  maxEjectionMs: number;
  /** Most backends ejected at once, in percent of all; one is always allowed (Envoy `max_ejection_percent`, 10). */
  maxEjectionPercent: number;
  /** Detector interval in ms: one step of back-off decay per healthy interval (Envoy `interval`, 10 s). */
  intervalMs?: number;
}

/** Envoy defaults. */
export const OUTLIER_DEFAULTS: Readonly<Required<OutlierOptions>> = Object.freeze({
  consecutive5xx: 5,
  baseEjectionMs: 30_000,
  maxEjectionMs: 300_000,
  maxEjectionPercent: 10,
  intervalMs: 10_000,
});

/** Per-backend consecutive-5xx outlier state, indexed by backend position. */
export class OutlierDetector {
  /** Effective `consecutive_5xx` (0 = disabled). */
  readonly consecutive5xx: number;
  /** Effective base ejection time (ms). */
  readonly baseEjectionMs: number;
  /** Effective maximum ejection time (ms). */
  readonly maxEjectionMs: number;
  /** Effective maximum ejection percentage. */
  readonly maxEjectionPercent: number;
  /** Effective decay interval (ms). */
  readonly intervalMs: number;

  private consecutive: Int32Array;
  /** 1 while an ejection is recorded and not yet processed as over. */
  private ejected: Int32Array;
  /** End of the current (or last) ejection; -Infinity if never ejected. */
  private until: Float64Array;
  /** Envoy `eject_time_backoff_`. */
  private backoff: Int32Array;
  /** Envoy `num_ejections`: lifetime count. */
  private times: Int32Array;
  /** Cached count of `ejected` flags and the earliest `until` among them. */
  private active = 0;
  private minUntil = Infinity;
  private overflowCount = 0;

  /**
   * @param opts options; missing fields take {@link OUTLIER_DEFAULTS}
   * @param size number of backends
   */
  constructor(opts: Partial<OutlierOptions>, size: number) {
    const o = { ...OUTLIER_DEFAULTS, ...stripUndefined(opts) };
    if (!(Number.isInteger(o.consecutive5xx) && o.consecutive5xx >= 0)) {
      throw new RangeError(`outlier detection: consecutive5xx must be a non-negative integer, got ${o.consecutive5xx}`);
    }
    if (!(o.baseEjectionMs > 0 && Number.isFinite(o.baseEjectionMs))) {
      throw new RangeError(`outlier detection: baseEjectionMs must be > 0, got ${o.baseEjectionMs}`);
    }
    if (!(o.maxEjectionMs >= o.baseEjectionMs)) {
      // Envoy: "max_ejection_time cannot be smaller than base_ejection_time".
      throw new RangeError(`outlier detection: maxEjectionMs (${o.maxEjectionMs}) must be >= baseEjectionMs`);
    }
    if (!(o.maxEjectionPercent >= 0 && o.maxEjectionPercent <= 100)) {
      throw new RangeError(`outlier detection: maxEjectionPercent must be in [0, 100], got ${o.maxEjectionPercent}`);
    }
    if (!(o.intervalMs > 0)) {
      throw new RangeError(`outlier detection: intervalMs must be > 0, got ${o.intervalMs}`);
    }
    checkSize(size);
    this.consecutive5xx = o.consecutive5xx;
    this.baseEjectionMs = o.baseEjectionMs;
    this.maxEjectionMs = o.maxEjectionMs;
    this.maxEjectionPercent = o.maxEjectionPercent;
    this.intervalMs = o.intervalMs;
    this.consecutive = new Int32Array(size);
    this.ejected = new Int32Array(size);
    this.until = new Float64Array(size).fill(-Infinity);
    this.backoff = new Int32Array(size);
    this.times = new Int32Array(size);
  }

  /** Number of backends tracked. */
  get size(): number {
    return this.consecutive.length;
  }

  /** Changes the number of backends; existing entries keep their state, new ones start fresh. */
  resize(size: number): void {
    checkSize(size);
    this.consecutive = resizeI32(this.consecutive, size, 0);
    this.ejected = resizeI32(this.ejected, size, 0);
    this.until = resizeF64(this.until, size, -Infinity);
    this.backoff = resizeI32(this.backoff, size, 0);
    this.times = resizeI32(this.times, size, 0);
    this.recount();
  }

  /**
   * Reports the result of a request to backend `i` at `now` (`failed` = 5xx, reset, connect failure).
   * @returns true if backend `i` was ejected by this result
   */
  record(i: number, failed: boolean, now: number): boolean {
    if (this.consecutive5xx === 0) return false;
    if (this.ejected[i] === 1) {
      if (now < this.until[i]!) return false;
      this.finish(i);
      this.active--;
    }
    if (!failed) {
      this.consecutive[i] = 0;
      return false;
    }
    const c = this.consecutive[i]! + 1;
    if (c < this.consecutive5xx) {
      this.consecutive[i] = c;
      return false;
    }
    // Envoy resets the counter after the ejection attempt, ejected or not.
    this.consecutive[i] = 0;
    return this.eject(i, now);
  }

  /** Whether backend `i` is ejected at `now`. */
  isEjected(i: number, now: number): boolean {
    return this.ejected[i] === 1 && now < this.until[i]!;
  }

  /** Earliest time after `now` at which an ejected backend returns, or Infinity. */
  nextChange(now: number): number {
    if (now >= this.minUntil) this.sweep(now);
    return this.minUntil;
  }

  /** Number of backends ejected at `now` (amortised O(1)). */
  ejectedCount(now: number): number {
    if (now >= this.minUntil) this.sweep(now);
    return this.active;
  }

  /** How many times backend `i` has been ejected in total (Envoy `num_ejections`). */
  timesEjected(i: number): number {
    return this.times[i]!;
  }

  /** Backend `i`'s current back-off multiplier (ejection time = min(base × this, max)), before decay. */
  ejectionMultiplier(i: number): number {
    return this.backoff[i]!;
  }

  /** Ejections refused because of `maxEjectionPercent` (Envoy `ejections_overflow`). */
  get overflows(): number {
    return this.overflowCount;
  }

  /**
   * Returns backend `i` to service at `now` if it is ejected (e.g. an active health check passed,
   * Envoy `successful_active_health_check_uneject_host`). Its decay starts from `now`.
   */
  uneject(i: number, now: number): void {
    if (this.ejected[i] !== 1) return;
    if (now < this.until[i]!) this.until[i] = now;
    this.finish(i);
    this.recount();
  }

  /** Forgets everything about backend `i` (e.g. it was replaced). */
  reset(i: number): void {
    this.consecutive[i] = 0;
    this.ejected[i] = 0;
    this.until[i] = -Infinity;
    this.backoff[i] = 0;
    this.times[i] = 0;
    this.recount();
  }

  private eject(i: number, now: number): boolean {
    const active = this.ejectedCount(now);
    const n = this.consecutive.length;
    if (active > 0 && (active + 1) * 100 > this.maxEjectionPercent * n) {
      this.overflowCount++;
      return false;
    }
    let b = this.backoff[i]!;
    const last = this.until[i]!;
    if (last > -Infinity) {
      // One step of decay per whole healthy interval since the last un-ejection.
      const steps = Math.floor((now - last) / this.intervalMs);
      b = steps >= b ? 0 : b - steps;
    }
    if (b * this.baseEjectionMs < this.maxEjectionMs + this.baseEjectionMs) b++;
    this.backoff[i] = b;
    const duration = Math.min(this.baseEjectionMs * b, this.maxEjectionMs);
    this.until[i] = now + duration;
    this.ejected[i] = 1;
    this.times[i] = this.times[i]! + 1;
    this.active++;
    if (this.until[i]! < this.minUntil) this.minUntil = this.until[i]!;
    return true;
  }

  /** Marks backend `i`'s ejection as over (does not touch the cached count). */
  private finish(i: number): void {
    this.ejected[i] = 0;
    this.consecutive[i] = 0;
  }

  /** Ends every ejection that is over at `now`, then recounts. */
  private sweep(now: number): void {
    const n = this.ejected.length;
    for (let i = 0; i < n; i++) {
      if (this.ejected[i] === 1 && now >= this.until[i]!) this.finish(i);
    }
    this.recount();
  }

  private recount(): void {
    let active = 0;
    let minUntil = Infinity;
    const n = this.ejected.length;
    for (let i = 0; i < n; i++) {
      if (this.ejected[i] !== 1) continue;
      active++;
      const u = this.until[i]!;
      if (u < minUntil) minUntil = u;
    }
    this.active = active;
    this.minUntil = minUntil;
  }
}

/** Copies `o` without its `undefined` fields, so they do not hide defaults when spread. */
function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const k of Object.keys(o) as (keyof T)[]) {
    if (o[k] !== undefined) out[k] = o[k];
  }
  return out;
}
