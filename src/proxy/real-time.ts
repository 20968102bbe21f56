/**
 * The proxy's real clock and timers, handed to the balancing core (which never reads time itself;
 * see `core/clock.ts`). Time is `performance.now()` (monotonic ms); timers are `setTimeout` with
 * `unref()`, so a pending balancer timer never keeps the process alive on its own.
 */
import { performance } from 'node:perf_hooks';
import type { Cancel, Clock, Timers } from '../core/clock.js';

/** Monotonic wall time in ms (`performance.now()`). */
export const realClock: Clock = { now: () => performance.now() };

/** Real `setTimeout` timers, unref'd. */
export const realTimers: Timers = {
  after(ms: number, fn: () => void): Cancel {
    const t = setTimeout(fn, Math.max(0, ms));
    t.unref();
    return () => clearTimeout(t);
  },
};
