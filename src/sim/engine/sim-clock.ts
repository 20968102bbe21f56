/**
 * The simulator's virtual clock: the time of the event being processed, set by the engine's loop
 * (SimPy's `Environment.now`). It is the `Clock` handed to the balancing core, and the time source
 * of the backend model and the recorder, which read `t` directly instead of receiving the time as
 * an argument (fewer boxed doubles on the hot path).
 */
import type { Clock } from '../../core/clock.js';

/** A clock whose time the engine sets; see the module header. */
export class SimClock implements Clock {
  /** Current virtual time in ms. */
  t = 0;

  /** {@link Clock.now}: the current virtual time in ms. */
  now(): number {
    return this.t;
  }
}
