/**
 * Active health-check state machine: `rise` / `fall` hysteresis over probe results.
 *
 * Reference: HAProxy `src/check.c`, `set_server_check_status` (the `check->health` counter), and
 * the `rise`/`fall` server options; nginx Plus `health_check passes= fails=` has the same meaning.
 * HAProxy keeps one counter `health` in `[0, rise + fall - 1]`; the server is up while
 * `health >= rise`:
 *
 * - failed check: `health--`, and if it drops below `rise` it falls to 0 (down, rise progress lost);
 * - passed check: `health++`, and once it reaches `rise` it jumps to `rise + fall - 1` (fully up).
 *
 * So an up server goes down after `fall` consecutive failures (any success refills it) and a down
 * server comes up after `rise` consecutive successes (any failure empties it). Whoever runs the
 * probes (simulator events, the proxy's checker) feeds results in; this module has no clock.
 *
 * `initial: 'up'` starts fully up (needs `fall` failures to go down), like HAProxy's
 * `init-state fully-up`; HAProxy's default start (`health = rise`, down at the first failure) is not
 * offered. `initial: 'down'` starts at 0 and needs `rise` successes, like nginx Plus `mandatory`.
 * Sources, test vectors and departures: docs/mechanisms.md#active-health-checks.
 */

import { checkSize, resizeI32 } from './typed.js';

/** Options of the active-check state machine. */
export interface ActiveOptions {
  /** Consecutive passed checks that bring a down backend up (HAProxy `rise`, default 2). */
  rise: number;
  /** Consecutive failed checks that take an up backend down (HAProxy `fall`, default 3). */
  fall: number;
  /** State of a backend before any check (default `'up'`). */
  initial: 'up' | 'down';
}

/** HAProxy defaults `rise 2 fall 3`, backends start up. */
export const ACTIVE_DEFAULTS: Readonly<ActiveOptions> = Object.freeze({ rise: 2, fall: 3, initial: 'up' });

/** Per-backend rise/fall counters, indexed by backend position. */
export class ActiveHealth {
  /** Effective `rise`. */
  readonly rise: number;
  /** Effective `fall`. */
  readonly fall: number;
  /** Effective initial state. */
  readonly initial: 'up' | 'down';
  private readonly top: number;
  /** HAProxy `check->health`. */
  private health: Int32Array;

  /**
   * @param opts options; missing fields take {@link ACTIVE_DEFAULTS}
   * @param size number of backends
   */
  constructor(opts: Partial<ActiveOptions>, size: number) {
    const rise = opts.rise ?? ACTIVE_DEFAULTS.rise;
    const fall = opts.fall ?? ACTIVE_DEFAULTS.fall;
    const initial = opts.initial ?? ACTIVE_DEFAULTS.initial;
    if (!(Number.isInteger(rise) && rise >= 1)) throw new RangeError(`active health: rise must be an integer >= 1, got ${rise}`);
    if (!(Number.isInteger(fall) && fall >= 1)) throw new RangeError(`active health: fall must be an integer >= 1, got ${fall}`);
    if (initial !== 'up' && initial !== 'down') throw new RangeError(`active health: initial must be 'up' or 'down'`);
    checkSize(size);
    this.rise = rise;
    this.fall = fall;
    this.initial = initial;
    this.top = rise + fall - 1;
    this.health = new Int32Array(size).fill(this.start());
  }

  /** Number of backends tracked. */
  get size(): number {
    return this.health.length;
  }

  /** Changes the number of backends; existing entries keep their state, new ones take `initial`. */
  resize(size: number): void {
    checkSize(size);
    this.health = resizeI32(this.health, size, this.start());
  }

  /**
   * Feeds one check result for backend `i`.
   * @returns true if the backend's up/down state changed
   */
  report(i: number, ok: boolean): boolean {
    const h = this.health[i]!;
    const wasUp = h >= this.rise;
    let next: number;
    if (ok) {
      next = h < this.top ? h + 1 : h;
      if (next >= this.rise) next = this.top;
    } else {
      next = h > 0 ? h - 1 : 0;
      if (next < this.rise) next = 0;
    }
    this.health[i] = next;
    return wasUp !== next >= this.rise;
  }

  /** Whether backend `i` is down. */
  isDown(i: number): boolean {
    return this.health[i]! < this.rise;
  }

  /** Forces backend `i` fully up (as if `rise` checks had just passed). */
  setUp(i: number): void {
    this.health[i] = this.top;
  }

  /** Forces backend `i` down (as if `fall` checks had just failed). */
  setDown(i: number): void {
    this.health[i] = 0;
  }

  /** Backend `i`'s raw HAProxy health counter, in `[0, rise + fall - 1]`. */
  healthCounter(i: number): number {
    return this.health[i]!;
  }

  private start(): number {
    return this.initial === 'up' ? this.top : 0;
  }
}
