/**
 * Passive health checks as nginx does them: `max_fails` / `fail_timeout` on an upstream server.
 *
 * Reference: nginx `src/http/ngx_http_upstream_round_robin.c`, functions `ngx_http_upstream_get_peer`
 * and `ngx_http_upstream_free_round_robin_peer`, and the `server` directive of
 * ngx_http_upstream_module. Per peer nginx keeps `fails`, `accessed` (time of the last failure) and
 * `checked`:
 *
 * - a failed request: `fails++; accessed = checked = now` (so every failure restarts the window);
 * - the peer is skipped while `max_fails && fails >= max_fails && now - checked <= fail_timeout`;
 * - when the peer is picked and `now - checked > fail_timeout`, `checked = now`;
 * - a successful request with `accessed < checked` (i.e. one picked after a quiet period of
 *   `fail_timeout` since the last failure) resets `fails = 0`.
 *
 * Consequences this module reproduces: `max_fails` failures put the peer out for `fail_timeout`
 * after the LAST of them; a success inside the window does not clear the count; after the timeout
 * the peer is tried again and one more failure takes it straight back out, while one success makes
 * it fully healthy. Failures are only forgotten by such a success, not by time alone (nginx has no
 * timer for it): failures spaced wider than `fail_timeout` still add up if nothing succeeds between
 * them. `max_fails=0` disables the accounting.
 *
 * Differences from nginx, both forced by the interface: (1) lbsim has no "picked" hook, so the
 * `checked = now` refresh of `get_peer` is applied when the result is reported (at the response's
 * time rather than the pick's); (2) times are continuous milliseconds, so the peer is down for
 * `[checked, checked + failTimeoutMs)` and eligible again exactly at `checked + failTimeoutMs`
 * (nginx compares whole seconds with `<=`). {@link PassiveHealth.resetAll} models the "all peers
 * failed, mark them live" recovery that nginx removed in 1.11.5; the balancer does not call it, as
 * nginx 1.31 does not (docs/mechanisms.md#passive-health).
 */

import { checkSize, resizeF64, resizeI32 } from './typed.js';

/** Options of nginx-style passive health. */
export interface PassiveOptions {
  /** Failures that make a backend unavailable; 0 disables passive health (nginx `max_fails`, default 1). */
  maxFails: number;
  /** Window and ban length in ms (nginx `fail_timeout`, default 10 s). */
  failTimeoutMs: number;
}

/** nginx defaults: `max_fails=1 fail_timeout=10s`. */
export const PASSIVE_DEFAULTS: Readonly<PassiveOptions> = Object.freeze({ maxFails: 1, failTimeoutMs: 10_000 });

const FAILS_CAP = 0x7fffffff;

/** Per-backend nginx `max_fails`/`fail_timeout` state, indexed by backend position. */
export class PassiveHealth {
  /** Effective `max_fails`. */
  readonly maxFails: number;
  /** Effective `fail_timeout` in ms. */
  readonly failTimeoutMs: number;
  private fails: Int32Array;
  /** nginx `checked`: start of the current window (last failure, or last pick after a quiet period). */
  private checked: Float64Array;
  /** nginx `accessed`: time of the last failure. */
  private accessed: Float64Array;

  /**
   * @param opts options; missing fields take {@link PASSIVE_DEFAULTS}
   * @param size number of backends
   */
  constructor(opts: Partial<PassiveOptions>, size: number) {
    const maxFails = opts.maxFails ?? PASSIVE_DEFAULTS.maxFails;
    const failTimeoutMs = opts.failTimeoutMs ?? PASSIVE_DEFAULTS.failTimeoutMs;
    if (!(Number.isInteger(maxFails) && maxFails >= 0)) {
      throw new RangeError(`passive health: maxFails must be a non-negative integer, got ${maxFails}`);
    }
    if (!(failTimeoutMs >= 0)) {
      throw new RangeError(`passive health: failTimeoutMs must be >= 0, got ${failTimeoutMs}`);
    }
    checkSize(size);
    this.maxFails = maxFails;
    this.failTimeoutMs = failTimeoutMs;
    this.fails = new Int32Array(size);
    this.checked = new Float64Array(size).fill(-Infinity);
    this.accessed = new Float64Array(size).fill(-Infinity);
  }

  /** Number of backends tracked. */
  get size(): number {
    return this.fails.length;
  }

  /** Changes the number of backends; existing entries keep their state, new ones start healthy. */
  resize(size: number): void {
    checkSize(size);
    this.fails = resizeI32(this.fails, size, 0);
    this.checked = resizeF64(this.checked, size, -Infinity);
    this.accessed = resizeF64(this.accessed, size, -Infinity);
  }

  /**
   * A request to backend `i` failed at `now` (nginx `NGX_PEER_FAILED`).
   * @returns true if this failure made the backend unavailable (it was available just before)
   */
  recordFailure(i: number, now: number): boolean {
    const wasDown = this.isDown(i, now);
    const f = this.fails[i]!;
    if (f < FAILS_CAP) this.fails[i] = f + 1;
    this.accessed[i] = now;
    this.checked[i] = now;
    return !wasDown && this.maxFails > 0 && f + 1 >= this.maxFails;
  }

  /** A request to backend `i` succeeded at `now`: clears the failure count after a quiet period. */
  recordSuccess(i: number, now: number): void {
    // get_peer's refresh, applied at report time (see the module header).
    if (now - this.checked[i]! >= this.failTimeoutMs) this.checked[i] = now;
    // free_round_robin_peer: "mark peer live if check passed".
    if (this.accessed[i]! < this.checked[i]!) this.fails[i] = 0;
  }

  /** Whether backend `i` is unavailable at `now`. */
  isDown(i: number, now: number): boolean {
    return this.maxFails > 0 && this.fails[i]! >= this.maxFails && now - this.checked[i]! < this.failTimeoutMs;
  }

  /** Earliest time after `now` at which a backend that is down at `now` becomes available again, or Infinity. */
  nextChange(now: number): number {
    let best = Infinity;
    if (this.maxFails === 0) return best;
    const n = this.fails.length;
    for (let i = 0; i < n; i++) {
      if (!this.isDown(i, now)) continue;
      const t = this.checked[i]! + this.failTimeoutMs;
      if (t < best) best = t;
    }
    return best;
  }

  /** Failures currently counted for backend `i`. */
  failures(i: number): number {
    return this.fails[i]!;
  }

  /** Forgets backend `i`'s failures: it is available at once. */
  reset(i: number): void {
    this.fails[i] = 0;
    this.checked[i] = -Infinity;
    this.accessed[i] = -Infinity;
  }

  /** Forgets every backend's failures (the "all peers failed, mark them as live" recovery of nginx before 1.11.5). */
  resetAll(): void {
    this.fails.fill(0);
  }
}
