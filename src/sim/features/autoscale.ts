/**
 * Target-utilization autoscaling, as the Kubernetes Horizontal Pod Autoscaler does it
 * (kubernetes.io, "Horizontal Pod Autoscaling", algorithm details):
 * `desired = ceil(serving × utilization / target)`, no action while the ratio
 * `utilization / target` is within `tolerance` of 1 (HPA default 0.1), clamped to [min, max];
 * after an action no other for `cooldown` (HPA's stabilization window, simplified to one
 * cooldown for both directions). Utilization is the group's busy worker-time over its serving
 * worker-time in the last `window` (a ring of per-evaluation sums, {@link UtilizationWindow}).
 * New backends serve after `provisioningDelay` (boot time); the engine makes them join through
 * the balancer's slow start. Scaling in cancels pending joins first, then drains the newest
 * serving backends (no new requests) and takes each out once it is idle. {@link Autoscaler} runs
 * this in simulated time through a {@link FleetHost}, the engine's side of it.
 */
import type { EventQueue } from '../engine/event-queue.js';
import type { AutoscaleSettings } from '../../scenario/types.js';
import type { SimClock } from '../engine/sim-clock.js';

/** Utilization over a sliding window of evaluation intervals. */
export class UtilizationWindow {
  private readonly busy: Float64Array;
  private readonly cap: Float64Array;
  private k = 0;
  private n = 0;

  /** @param slots evaluations the window spans (window / interval, at least 1) */
  constructor(slots: number) {
    const s = Math.max(1, Math.round(slots));
    this.busy = new Float64Array(s);
    this.cap = new Float64Array(s);
  }

  /** Adds one interval: busy worker-ms and available worker-ms. */
  add(busy: number, capacity: number): void {
    this.busy[this.k] = busy;
    this.cap[this.k] = capacity;
    this.k = (this.k + 1) % this.busy.length;
    if (this.n < this.busy.length) this.n++;
  }

  /** Busy / available over the intervals held (0 when nothing was available). */
  value(): number {
    let b = 0;
    let c = 0;
    for (let i = 0; i < this.n; i++) {
      b += this.busy[i]!;
      c += this.cap[i]!;
    }
    return c > 0 ? b / c : 0;
  }
}

/** The scaling decision; see the module header. */
export class ScalePolicy {
  private lastAction = -Infinity;

  constructor(readonly settings: AutoscaleSettings) {}

  /**
   * The backend count wanted at `now`.
   * @param current backends serving or being provisioned (the count the last decision set)
   * @param serving backends serving now
   * @param utilization the window's utilization, 0..1
   * @returns the new target count; `current` when nothing is to be done (tolerance, cooldown, bounds)
   */
  decide(now: number, current: number, serving: number, utilization: number): number {
    const s = this.settings;
    if (now - this.lastAction < s.cooldownMs) return current;
    const ratio = utilization / s.target;
    let desired = current;
    if (Math.abs(ratio - 1) > s.tolerance) desired = Math.ceil(serving * ratio - 1e-9);
    if (desired < s.min) desired = s.min;
    if (desired > s.max) desired = s.max;
    if (desired !== current) this.lastAction = now;
    return desired;
  }
}

/** The engine's side of autoscaling. */
export interface FleetHost {
  /** A new backend of the scaled group joins now; returns its index. */
  join(): number;
  /** Backend `b` stops taking new requests (draining in every balancer). */
  drain(b: number): void;
  /** Whether backend `b` has no request left (at the backend or leased). */
  idle(b: number): boolean;
  /** Backend `b` leaves every balancer. */
  remove(b: number): void;
  /** Busy worker-ms of backend `b` so far (flushed to now). */
  busyArea(b: number): number;
  /** Workers of backend `b`. */
  workers(b: number): number;
  /** The target count changed from `from` to `to` at `now` (for the results). */
  scaled(now: number, from: number, to: number): void;
}

/** Runs the policy every `interval` over the group's serving backends; see the module header. */
export class Autoscaler {
  private readonly policy: ScalePolicy;
  private readonly window: UtilizationWindow;
  /** Serving backends of the group, oldest first. */
  private readonly serving: number[];
  private readonly draining: number[] = [];
  private readonly tickets: boolean[] = []; // pending joins (false = joined or cancelled)
  private pending = 0;
  private lastTick = 0;
  private readonly lastBusy = new Map<number, number>();
  private readonly joinedAt = new Map<number, number>();

  /**
   * @param settings the scenario's autoscaling
   * @param initial the group's backends at the start
   * @param host the engine
   * @param q the event queue (ticks and joins are scheduled on it)
   * @param clock the virtual clock
   * @param tickKind event kind of an evaluation
   * @param joinKind event kind of a join (payload: ticket)
   * @param until no evaluation at or after this time (end of the measured window)
   */
  constructor(
    readonly settings: AutoscaleSettings,
    initial: readonly number[],
    private readonly host: FleetHost,
    private readonly q: EventQueue,
    private readonly clock: SimClock,
    private readonly tickKind: number,
    private readonly joinKind: number,
    private readonly until: number,
  ) {
    this.policy = new ScalePolicy(settings);
    this.window = new UtilizationWindow(settings.windowMs / settings.intervalMs);
    this.serving = initial.slice();
    for (const b of initial) {
      this.lastBusy.set(b, 0);
      this.joinedAt.set(b, 0);
    }
  }

  /** Schedules the first evaluation. */
  start(): void {
    if (this.settings.intervalMs < this.until) this.q.push(this.settings.intervalMs, this.tickKind, 0);
  }

  /** One evaluation (its event fired). */
  tick(): void {
    const s = this.settings;
    const host = this.host;
    const now = this.clock.t;
    let busy = 0;
    let cap = 0;
    for (const b of this.serving) {
      const area = host.busyArea(b);
      busy += area - this.lastBusy.get(b)!;
      this.lastBusy.set(b, area);
      cap += host.workers(b) * (now - Math.max(this.lastTick, this.joinedAt.get(b)!));
    }
    this.lastTick = now;
    this.window.add(busy, cap);
    const current = this.serving.length + this.pending;
    const desired = this.policy.decide(now, current, this.serving.length, this.window.value());
    if (desired > current) {
      for (let i = current; i < desired; i++) {
        this.pending++;
        this.q.push(now + s.provisioningDelayMs, this.joinKind, this.tickets.push(true) - 1);
      }
    } else if (desired < current) {
      let drop = current - desired;
      for (let t = this.tickets.length - 1; t >= 0 && drop > 0 && this.pending > 0; t--) {
        if (!this.tickets[t]) continue;
        this.tickets[t] = false;
        this.pending--;
        drop--;
      }
      while (drop-- > 0 && this.serving.length > 0) {
        const b = this.serving.pop()!;
        host.drain(b);
        this.draining.push(b);
      }
    }
    if (desired !== current) host.scaled(now, current, desired);
    for (let j = this.draining.length - 1; j >= 0; j--) {
      const b = this.draining[j]!;
      if (!host.idle(b)) continue;
      host.remove(b);
      this.draining.splice(j, 1);
    }
    if (now + s.intervalMs < this.until) this.q.push(now + s.intervalMs, this.tickKind, 0);
  }

  /** A provisioned backend is ready (its event fired): it joins unless the join was cancelled. */
  join(ticket: number): void {
    if (!this.tickets[ticket]) return;
    this.tickets[ticket] = false;
    this.pending--;
    const b = this.host.join();
    this.serving.push(b);
    this.lastBusy.set(b, 0);
    this.joinedAt.set(b, this.clock.t);
  }
}
