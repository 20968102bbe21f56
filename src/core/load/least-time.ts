/**
 * Average response time per backend, as nginx `least_time` keeps it: the signal behind the
 * `least-time` strategy.
 *
 * Reference: nginx 1.31 `ngx_http_upstream_response_time_avg` (src/http/ngx_http_upstream_round_robin.h,
 * used by src/http/modules/ngx_http_upstream_least_time_module.c; docs/mechanisms.md#least-time-signal):
 *   `avg = avg ? (ngx_msec_t) (0.5 + v·0.05 + avg·0.95) : v`
 * i.e. an EWMA with α = 0.05 whose FIRST sample replaces the "no data" value (nginx marks "no data"
 * by 0). Here "no data" is an explicit per-slot flag and the value before any sample is `defaultMs`
 * (the `least-time` strategy passes 0 by default, as nginx). Then each sample does
 * `avg += α·(rtt − avg)`. Differences from nginx: times are float ms, not rounded to integer
 * ms; α is an option (nginx fixes 0.05). The signal does not decide which samples count: nginx
 * averages only successful attempts, which is the caller's (the balancer's) choice.
 * `value` is pure and ignores `now` (the average does not decay with time). No allocation.
 */
import type { LatencySignal, LeastTimeOptions } from '../strategy.js';

/** Per-backend EWMA of response time (ms), nginx `least_time` style. */
export class LeastTimeSignal implements LatencySignal {
  /** Weight of a new sample, in (0, 1]. */
  readonly alpha: number;
  /** Value of a slot with no sample yet (ms). */
  readonly defaultMs: number;
  private avg: Float64Array;
  private seen: Uint8Array;

  /**
   * @param opts smoothing α in (0, 1] and the value before any sample (≥ 0)
   * @param size number of backend slots
   * @param _now creation time (unused: the average does not decay; kept for a uniform signal API)
   */
  constructor(opts: LeastTimeOptions, size: number, _now: number) {
    if (!(opts.alpha > 0 && opts.alpha <= 1)) {
      throw new RangeError(`least-time: alpha must be in (0, 1], got ${opts.alpha}`);
    }
    if (!(opts.defaultMs >= 0)) throw new RangeError(`least-time: defaultMs must be ≥ 0, got ${opts.defaultMs}`);
    this.alpha = opts.alpha;
    this.defaultMs = opts.defaultMs;
    this.avg = new Float64Array(size).fill(opts.defaultMs);
    this.seen = new Uint8Array(size);
  }

  /** Number of slots. */
  get size(): number {
    return this.avg.length;
  }

  /** Grows or shrinks to `size` slots, keeping existing ones; new slots have no sample. */
  resize(size: number, _now: number): void {
    const old = this.avg.length;
    if (size === old) return;
    const avg = new Float64Array(size);
    const seen = new Uint8Array(size);
    const keep = size < old ? size : old;
    avg.set(this.avg.subarray(0, keep));
    seen.set(this.seen.subarray(0, keep));
    avg.fill(this.defaultMs, keep);
    this.avg = avg;
    this.seen = seen;
  }

  /** Forgets backend `i`'s history (back to `defaultMs`, no sample). */
  reset(i: number, _now: number): void {
    this.avg[i] = this.defaultMs;
    this.seen[i] = 0;
  }

  /** Records a response time of `rttMs` for backend `i`: the first replaces, later ones smooth by α. */
  observe(i: number, rttMs: number, _now: number): void {
    if (this.seen[i] === 0) {
      this.seen[i] = 1;
      this.avg[i] = rttMs;
    } else {
      const a = this.avg[i]!;
      this.avg[i] = a + this.alpha * (rttMs - a);
    }
  }

  /** Backend `i`'s average response time (ms), or `defaultMs` before any sample. Pure. */
  value(i: number, _now: number): number {
    return this.avg[i]!;
  }

  /** Copies every backend's value into `out` (the average does not decay with time). */
  valuesAt(out: Float64Array, _now: number): void {
    const n = Math.min(out.length, this.avg.length);
    for (let i = 0; i < n; i++) out[i] = this.avg[i]!;
  }
}
