/**
 * The balancer queue: requests that found every eligible backend at its `maxConn`, waiting in
 * arrival order for a slot (HAProxy `maxqueue` / `timeout queue`, `src/queue.c`; the FIFO itself is
 * `limits/queue.ts`).
 *
 * This part keeps what the FIFO does not: a copy of each waiting request's attributes and
 * exclusions (the driver reuses its own objects), the listener told `granted` or `refused`, and one
 * timer on the driver's clock for the oldest entry's timeout. Granting — picking and leasing for the
 * head — is the balancer's, which drains this queue whenever a lease ends.
 */
import type { Cancel, Clock, Timers } from '../clock.js';
import { WaitQueue } from '../limits/queue.js';
import type { RequestInfo } from '../view.js';
import { REFUSED_QUEUE_TIMEOUT } from './codes.js';

/** Receives the outcome of a queued request (see `QUEUED`). */
export interface QueueListener {
  /** The request identified by `token` now holds lease `handle`. */
  granted(token: number, handle: number): void;
  /** The request identified by `token` was refused (`code` < 0) while waiting. */
  refused(token: number, code: number): void;
}

interface Waiting {
  req: RequestInfo;
  exclude: number[] | undefined;
}

/** Waiting requests by token, with their timeout. */
export class BalancerQueue {
  /** Who hears about waiting requests. */
  listener: QueueListener | undefined;
  private readonly fifo: WaitQueue;
  private readonly waiting = new Map<number, Waiting>();
  private timer: Cancel | undefined;
  private timerAt = Infinity;

  /**
   * @param maxQueue most waiting requests (> 0, or Infinity)
   * @param timeoutMs longest wait; 0 = none
   */
  constructor(
    maxQueue: number,
    private readonly timeoutMs: number,
    private readonly clock: Clock,
    private readonly timers: Timers | undefined,
  ) {
    this.fifo = new WaitQueue(maxQueue);
  }

  /** Number of waiting requests. */
  get length(): number {
    return this.fifo.length;
  }

  /** Queues request `token` (copying `req` and `exclude`); false if the queue is full. */
  push(token: number, req: Readonly<RequestInfo>, exclude: ArrayLike<number> | undefined, now: number): boolean {
    if (!this.fifo.push(token, now)) return false;
    this.waiting.set(token, {
      req: { clientAddr: req.clientAddr, hashKey: req.hashKey, sessionKey: req.sessionKey, attempt: req.attempt },
      exclude: exclude && exclude.length > 0 ? Array.from(exclude) : undefined,
    });
    this.arm();
    return true;
  }

  /** Removes waiting request `token` (its client went away). Returns true if it was waiting. */
  cancel(token: number): boolean {
    if (!this.fifo.remove(token)) return false;
    this.waiting.delete(token);
    return true;
  }

  /** Copies the head request's attributes into `into` and returns its exclusions. Requires `length > 0`. */
  head(into: RequestInfo): number[] | undefined {
    const { req, exclude } = this.waiting.get(this.fifo.peekToken())!;
    into.clientAddr = req.clientAddr;
    into.hashKey = req.hashKey;
    into.sessionKey = req.sessionKey;
    into.attempt = req.attempt;
    return exclude;
  }

  /** Removes the head request and returns its token. */
  shift(): number {
    const token = this.fifo.shift();
    this.waiting.delete(token);
    return token;
  }

  /** Tells the listener that `token`, no longer waiting, holds lease `handle`. */
  granted(token: number, handle: number): void {
    if (this.listener) this.listener.granted(token, handle);
    else throw new Error('queued request granted but no queue listener is set');
  }

  /** Tells the listener that `token`, no longer waiting, was refused with `code`. */
  refused(token: number, code: number): void {
    this.listener?.refused(token, code);
  }

  /** Refuses every request that has waited `timeoutMs` or longer; with `timeoutMs` 0 (no limit) none. */
  expire(): void {
    if (!(this.timeoutMs > 0)) return;
    const q = this.fifo;
    const now = this.clock.now();
    while (q.length > 0 && q.peekTime() + this.timeoutMs <= now) this.refused(this.shift(), REFUSED_QUEUE_TIMEOUT);
  }

  /** Schedules the timer for the oldest request's timeout, if it is not already due earlier. */
  arm(): void {
    const q = this.fifo;
    if (!this.timers || q.length === 0 || !(this.timeoutMs > 0)) return;
    const at = q.peekTime() + this.timeoutMs;
    if (this.timer !== undefined && this.timerAt <= at) return;
    this.timer?.();
    this.timerAt = at;
    this.timer = this.timers.after(Math.max(0, at - this.clock.now()), this.onTimer);
  }

  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    this.expire();
    this.arm();
  };
}
