/**
 * Time as the core receives it.
 *
 * The balancing core never reads real time: a driver hands it a {@link Clock} (and {@link Timers}
 * where something must happen later). The simulator's clock is its event queue's virtual time; the
 * proxy's is the process's monotonic high-resolution clock. This is the split of SimPy's `Environment` / `RealtimeEnvironment`
 * and of linkerd2-proxy's paused-clock balancer tests.
 */

/** A source of the current time in milliseconds. Monotonic; the origin is the driver's choice. */
export interface Clock {
  /** Current time in milliseconds. */
  now(): number;
}

/** Cancels a scheduled callback; calling it after the callback ran (or twice) does nothing. */
export type Cancel = () => void;

/** Deferred callbacks on the driver's clock (virtual events in the simulator, real timers in the proxy). */
export interface Timers {
  /** Runs `fn` once, `ms` milliseconds from now. */
  after(ms: number, fn: () => void): Cancel;
}

/**
 * A clock and timer queue moved by hand: for tests of time-dependent mechanisms.
 * `advance(ms)` runs every callback that falls due, in time order (ties in scheduling order).
 */
export class ManualClock implements Clock, Timers {
  private t: number;
  private seq = 0;
  private pending: { at: number; seq: number; fn: () => void; live: boolean }[] = [];

  /** @param start initial time in ms (default 0) */
  constructor(start = 0) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  after(ms: number, fn: () => void): Cancel {
    const entry = { at: this.t + Math.max(0, ms), seq: this.seq++, fn, live: true };
    this.pending.push(entry);
    return () => {
      entry.live = false;
    };
  }

  /** Moves time forward by `ms`, running due callbacks at their own times. */
  advance(ms: number): void {
    this.advanceTo(this.t + ms);
  }

  /** Moves time forward to `target` (never backwards), running due callbacks at their own times. */
  advanceTo(target: number): void {
    for (;;) {
      let best = -1;
      for (let i = 0; i < this.pending.length; i++) {
        const p = this.pending[i]!;
        if (!p.live || p.at > target) continue;
        const b = best < 0 ? undefined : this.pending[best]!;
        if (b === undefined || p.at < b.at || (p.at === b.at && p.seq < b.seq)) best = i;
      }
      if (best < 0) break;
      const [due] = this.pending.splice(best, 1);
      this.t = Math.max(this.t, due!.at);
      due!.fn();
    }
    this.pending = this.pending.filter((p) => p.live);
    if (target > this.t) this.t = target;
  }

  /** Sets the time without running callbacks (for pure-projection tests). */
  set(t: number): void {
    this.t = t;
  }
}
