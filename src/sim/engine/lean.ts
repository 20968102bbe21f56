/**
 * The discrete-event simulation of one scenario × one strategy × one seed, driving the REAL
 * balancing core (`Balancer`) on a virtual clock.
 *
 * Event scheduling in the style of SimPy (`Environment.step`: pop the earliest (time, seq) event,
 * set `now`, run it), but with integer event kinds and payloads in a typed-array heap instead of
 * generator processes, so the hot loop allocates nothing (see `event-queue.ts`). The next open-loop
 * arrival is kept in a register outside the heap and merged with it by (time, seq) — one heap
 * push and pop fewer per request (there is always exactly one pending arrival, so it needs no heap).
 * The core's `Clock` reads the event time; its `Timers` (balancer-queue timeouts) are events whose
 * payload indexes an array of callbacks (a rare path: one closure per timer).
 *
 * One request: arrival (class and demand drawn now, attributes derived on read from the arrival
 * number: common random numbers, `workload.ts`) →
 * `admit` (rate limit: refusal, or a delay) → `acquire` (a lease, a refusal, or QUEUED until the
 * queue listener grants it) → network → backend (`backend-model.ts`: FIFO or PS, may refuse with
 * 503 past its queue limit) → network back → `release(h, status, latency, error)` exactly once per
 * lease. A per-attempt timeout releases the lease as `timeout` and abandons the attempt (the
 * backend still finishes the work, as real servers do; its late answer is dropped). After a
 * failure (timeout or 5xx) the request is retried, immediately, up to `retries` times on backends
 * it has not tried (`exclude`). `overheadMs` is added to each request's end-to-end latency; the
 * zone network's one-way latency (`zoneWay`, 0 here) to each attempt's trip there and back.
 *
 * Window: requests arriving in [warm-up, warm-up + duration) are measured. Arrivals stop at the end
 * of the window; requests still in flight are DRAINED (followed to completion, recorded), then the
 * run stops, so every lease has been released: the engine asserts
 * `balancer.leasesOutstanding === 0`. Abandoned attempts still at the backends are dropped then.
 *
 * This is the LEAN engine, and its request life cycle is the only one: scenarios with faults,
 * health checks, hedging, a retry budget, several balancers, caches or autoscaling run on its
 * subclass {@link FullSimulation} (`src/sim/engine/full.ts`), which adds its lines through the
 * protected hooks at the end of this class (`arrived`, `balancerOf`, `attemptStarted`,
 * `enterBackend`, `released`, `succeeded`, `copiesLive`, `retryAllowed`, `failed`) and re-implements
 * no step. Here each hook is a no-op or one field read: V8 inlines such a call (a few bytes of
 * bytecode, one receiver class), so the lean hot path pays nothing for the hooks and still
 * allocates nothing per request. Attempt states, failure codes and the map to the results' error
 * kinds are in `codes.ts`.
 */
import { QUEUED, REFUSED_RATE_LIMITED, type Balancer, type QueueListener } from '../../core/balancer/index.js';
import { backend, type BackendSpec } from '../../core/backend.js';
import type { Cancel, Timers } from '../../core/clock.js';
import { Rng } from '../../core/rng.js';
import { strategyOf } from '../../strategies/index.js';
import { buildBalancer } from '../../core/balancer/build.js';
import { backendIds } from '../../scenario/backend-ids.js';
import { BackendFarm } from '../model/backend-model.js';
import { EventQueue } from './event-queue.js';
import { retryable, retryTable } from './retry-on.js';
import { SimClock } from './sim-clock.js';
import { Recorder, type RunSummary } from './recorder.js';
import {
  ATT_ABANDONED,
  ATT_ACTIVE,
  ATT_FREE,
  errorCounts,
  errorKindOf,
  FAIL_FULL,
  FAIL_NONE,
  FAIL_TIMEOUT,
  RELEASE_ERROR,
} from './codes.js';
import type { BackendGroup, StrategyChoice } from '../../scenario/types.js';
import { AttemptTable, RequestTable } from './tables.js';
import { Workload, type WorkloadModel } from '../model/workload.js';
import { SimRequestInfo } from './request-info.js';
import { meanRate } from '../model/arrivals.js';
import { balancerPlacement } from '../features/zones.js';

// Event kinds (the full engine adds its own from EV_FIRST_FREE).
const EV_ARRIVAL = 0;
/** Event kind: a request admitted with a delay is dispatched (payload: request). */
const EV_DISPATCH = 1;
/** Event kind: an attempt reaches its backend (payload: attempt). */
const EV_AT_BACKEND = 2;
const EV_FIFO_DONE = 3;
const EV_PS_DONE = 4;
const EV_RESPONSE = 5;
/** Event kind: an attempt's timeout (payload: attempt; the sequence number must match). */
const EV_TIMEOUT = 6;
const EV_TIMER = 7;
const EV_BOUNDARY = 8;
const EV_GRANTED = 9;
/** First event kind free for subclasses. */
export const EV_FIRST_FREE = 10;

/** Facts about one run beyond its summary: event counts and common-random-number checks. */
export interface RunCounters {
  /** Events processed. */
  events: number;
  /** Requests generated (warm-up included). */
  arrivals: number;
  /** Requests generated inside the measured window. */
  measuredArrivals: number;
  /** Sum over all requests of their first service demand (work units): identical across strategies. */
  totalDemand: number;
  /** Sum of all arrival times (ms): identical across strategies for open-loop workloads. */
  arrivalTimeSum: number;
}

/** One run's output: the summary plus counters. */
export interface SimulationOutput {
  summary: RunSummary;
  counters: RunCounters;
}

/**
 * One balancer of a run, built from the scenario's balancer settings (shared by the lean and the
 * full engine); `placement` is its zone and the balancers' distribution over zones, when placed.
 */
export function balancerFor(
  model: WorkloadModel,
  choice: StrategyChoice,
  specs: readonly BackendSpec[],
  clock: SimClock,
  timers: Timers,
  rng: Rng,
  placement: { localZone?: string; localZoneShares?: Record<string, number> } = {},
): Balancer {
  return buildBalancer(model.scenario.balancer, { ...strategyOf(choice.name, choice.options), backends: specs, clock, timers, rng, ...placement });
}

/** A group's failover tier and zone, for its backends' descriptors (nothing when the group has none). */
export function tierOf(g: BackendGroup): { priority?: number; zone?: string; degraded?: boolean } {
  return {
    ...(g.priority !== undefined ? { priority: g.priority } : {}),
    ...(g.zone !== undefined ? { zone: g.zone } : {}),
    ...(g.degraded === true ? { degraded: true } : {}),
  };
}

/** Backend descriptors of a scenario, named by {@link backendId}. */
export function scenarioBackends(model: WorkloadModel): { specs: BackendSpec[]; group: Int32Array } {
  const specs: BackendSpec[] = [];
  const group: number[] = [];
  const sc = model.scenario;
  for (const { id, group: gi, k } of backendIds(sc.backends, sc.autoscale?.group)) {
    const g = sc.backends[gi]!;
    const address = g.addresses?.[k];
    const hostname = g.hostnames?.[k];
    specs.push(
      backend({
        id,
        weight: g.weight,
        maxConn: g.maxConn,
        ...tierOf(g),
        ...(address !== undefined ? { address } : {}),
        ...(hostname !== undefined ? { hostname } : {}),
      }),
    );
    group.push(gi);
  }
  return { specs, group: Int32Array.from(group) };
}

/** One simulation run; construct, then call {@link run} once. */
export class Simulation implements Timers, QueueListener {
  protected readonly clock = new SimClock();
  protected readonly q = new EventQueue(1024);
  protected readonly lb: Balancer;
  protected readonly farm: BackendFarm;
  protected readonly wl: Workload;
  protected readonly rec: Recorder;
  protected readonly req: RequestTable;
  protected readonly att: AttemptTable;
  protected readonly info: SimRequestInfo;
  protected readonly specs: BackendSpec[];
  protected svc: Int32Array; // service-distribution index per backend
  protected readonly S: number; // demands per request
  protected readonly M: number; // max attempts per request
  /** Which failures are retried (`retry-on.ts`): failure-code slots and status codes. */
  protected readonly retryOn: Uint8Array;
  /** Retries sent by measured requests. */
  protected retriesSent = 0;
  protected readonly excludeViews: Int32Array[];
  protected readonly warmup: number;
  protected readonly end: number;
  protected readonly timeoutMs: number;
  protected readonly overheadMs: number;
  protected readonly closed: boolean;
  protected readonly limited: boolean;
  protected readonly netZero: boolean;
  protected boundaryDone = false;
  /**
   * Attempt slot = request slot. True on the lean engine without timeouts: an attempt then never
   * outlives its request and a request has at most one attempt in flight (a retry starts after
   * the failed attempt ended), so the attempt table needs no allocation of its own. The full
   * engine (hedges, probes, cancellations) turns it off.
   */
  protected attPerRequest: boolean;
  private arrivalAt = Infinity;
  private arrivalSeq = 0;
  private ran = false;
  /** The run is over (the window ended and every request drained, or no event is left). */
  private over = false;
  /** The run's root random stream (every stream is forked from it by name). */
  protected readonly root: Rng;
  // core timers (rare path)
  private readonly cb: ((() => void) | null)[] = [];
  private readonly cbSeq: number[] = [];
  private readonly cbFree: number[] = [];

  protected readonly counters: RunCounters = { events: 0, arrivals: 0, measuredArrivals: 0, totalDemand: 0, arrivalTimeSum: 0 };

  /**
   * @param model the scenario's workload model
   * @param choice the strategy to drive
   * @param seed the run's seed (every random stream is forked from it by name)
   */
  constructor(
    readonly model: WorkloadModel,
    readonly choice: StrategyChoice,
    readonly seed: number,
  ) {
    const sc = model.scenario;
    const root = new Rng(seed);
    this.root = root;
    this.wl = new Workload(model, root);
    const { specs, group } = scenarioBackends(model);
    this.specs = specs;
    this.svc = Int32Array.from(group, (g) => model.serviceIndex[g]!);
    this.S = this.wl.serviceCount;
    const bs = sc.balancer;
    this.M = 1 + Math.max(0, bs.retries) + (bs.hedge ? 1 : 0);
    this.retryOn = retryTable(bs.retryOn);
    this.excludeViews = Array.from({ length: this.M }, (_, k) => new Int32Array(k));
    this.warmup = sc.warmupMs;
    this.end = sc.warmupMs + sc.durationMs;
    this.timeoutMs = bs.timeoutMs;
    this.attPerRequest = bs.timeoutMs === 0;
    this.overheadMs = bs.overheadMs;
    this.closed = sc.clients.process.arrival === 'closed';
    this.limited = bs.rateLimit !== false;
    this.netZero = this.wl.netZero;
    this.info = new SimRequestInfo(this.wl);
    this.att = new AttemptTable();
    this.farm = new BackendFarm(
      Array.from(group, (g) => sc.backends[g]!),
      this.clock,
      this.att,
      this.q,
      EV_FIFO_DONE,
      EV_PS_DONE,
    );
    const p = sc.clients.process;
    const expected =
      p.arrival === 'closed' ? 4096 : Math.max(1, meanRate(p, sc.warmupMs, this.end)) * (sc.durationMs / 1000);
    this.req = new RequestTable(this.S, this.M);
    this.rec = new Recorder(sc.warmupMs, sc.durationMs, sc.intervalMs, specs.length, expected, bs.queue !== false);
    this.lb = balancerFor(model, choice, specs, this.clock, this, root.fork('lb'), balancerPlacement(sc, 0));
    this.lb.setQueueListener(this);
  }

  // ---------------------------------------------------------------- Timers for the core

  /** {@link Timers.after} on virtual time (used by the balancer queue's timeout). */
  after(ms: number, fn: () => void): Cancel {
    const slot = this.cbFree.length > 0 ? this.cbFree.pop()! : this.cb.length;
    const seq = this.q.push(this.clock.t + Math.max(0, ms), EV_TIMER, slot);
    this.cb[slot] = fn;
    this.cbSeq[slot] = seq;
    return () => {
      if (this.cbSeq[slot] === seq) this.freeTimer(slot);
    };
  }

  private freeTimer(slot: number): void {
    this.cb[slot] = null;
    this.cbSeq[slot] = -1;
    this.cbFree.push(slot);
  }

  protected onTimer(slot: number, seq: number): void {
    if (this.cbSeq[slot] !== seq) return;
    const fn = this.cb[slot]!;
    this.freeTimer(slot);
    fn();
  }

  // ---------------------------------------------------------------- QueueListener for the core

  /**
   * A request queued in the balancer got lease `handle`. The attempt starts from its own event at
   * the same instant, so the engine never re-enters the balancer while it is draining its queue.
   */
  granted(token: number, handle: number): void {
    this.req.handle[token] = handle;
    this.q.push(this.clock.t, EV_GRANTED, token);
  }

  /** A request queued in the balancer was refused while waiting. */
  refused(token: number, code: number): void {
    this.onRefused(token, code);
  }

  // ---------------------------------------------------------------- run

  /** Runs the simulation to the end of the window plus the drain, and summarizes it. */
  run(): SimulationOutput {
    this.begin();
    this.advance(Number.POSITIVE_INFINITY);
    return this.conclude();
  }

  /**
   * Schedules the first events; then {@link advance} until it returns true, then {@link conclude}.
   * (`run()` does all three; a driver that must stay responsive, the playground's worker, advances
   * in slices and yields between them. Slicing changes nothing simulated: the same events in the
   * same order.)
   */
  begin(): void {
    if (this.ran) throw new Error('a Simulation runs once');
    this.ran = true;
    const q = this.q;
    const end = this.end;
    q.push(this.warmup, EV_BOUNDARY, 0);
    this.start();
    if (this.closed) {
      const users = (this.model.scenario.clients.process as { users: number }).users;
      for (let u = 0; u < users; u++) {
        const t = this.wl.think();
        if (t < end) q.push(t, EV_ARRIVAL, u);
      }
    } else this.armArrival(this.wl.arrivals!.next(0));
  }

  /** Processes up to `budget` events; true when the run is over (the window ended and drained). */
  advance(budget: number): boolean {
    if (this.over) return true;
    const q = this.q;
    const clock = this.clock;
    const end = this.end;
    let events = 0;
    const req = this.req;
    for (;;) {
      // the next open-loop arrival is kept outside the heap and merged by (time, seq)
      const at = this.arrivalAt;
      const ht = q.peekTime();
      let now: number;
      if (at < ht || (at === ht && at !== Infinity && this.arrivalSeq < q.peekSeq())) {
        now = at;
        clock.t = now;
        this.onArrival(-1);
      } else {
        if (!q.pop()) {
          this.over = true;
          break;
        }
        now = q.time;
        clock.t = now;
        const kind = q.kind;
        if (kind === EV_FIFO_DONE) this.onFifoDone(q.payload);
        else if (kind === EV_ARRIVAL) this.onArrival(q.payload);
        else this.onOther(kind, q.payload, q.seq);
      }
      events++;
      if (this.boundaryDone && now >= end && req.live === 0) {
        this.over = true;
        break;
      }
      if (events >= budget) break;
    }
    this.counters.events += events;
    return this.over;
  }

  /** Simulated time reached, as a fraction of the run (warm-up and window; the drain counts as done). */
  progress(): number {
    return this.over ? 1 : Math.min(1, this.clock.t / this.end);
  }

  /** Checks the run ended cleanly and summarizes it (after {@link advance} returned true). */
  conclude(): SimulationOutput {
    const req = this.req;
    if (!this.over) throw new Error('conclude() before the run is over');
    if (req.live !== 0 || !this.boundaryDone) throw new Error(`simulation ended with ${req.live} requests in flight`);
    this.checkLeases();
    return { summary: this.summarize(), counters: { ...this.counters } };
  }

  /** Called once before the first event (subclasses schedule their own events here). */
  protected start(): void {}

  /** Throws unless every lease was released (called after the drain). */
  protected checkLeases(): void {
    if (this.lb.leasesOutstanding !== 0) {
      throw new Error(`simulation ended with ${this.lb.leasesOutstanding} leases outstanding`);
    }
  }

  /** The run's summary (called once, after the drain). */
  protected summarize(): RunSummary {
    const rec = this.rec;
    const s = rec.summarize(
      this.specs.map((s) => s.id),
      this.specs.map((s) => s.weight),
      this.farm.workers,
    );
    const measured = rec.completed + rec.failed + rec.rejected;
    s.availability = measured > 0 ? rec.completed / measured : NaN;
    s.errors = errorCounts(rec.errors);
    if (this.model.scenario.balancer.retries > 0) s.retries = this.retriesSent;
    return s;
  }

  /** Arms the arrival register with the next open-loop arrival (none at or after the end). */
  protected armArrival(t: number): void {
    if (t < this.end) {
      this.arrivalAt = t;
      this.arrivalSeq = this.q.reserveSeq();
    } else this.arrivalAt = Infinity;
  }

  protected onFifoDone(job: number): void {
    this.farm.fifoDone(this.att.backend[job]!);
    this.backendDone(job);
  }

  /** Events other than the two per-request hot ones (arrival, FIFO completion). */
  protected onOther(kind: number, payload: number, seq: number): void {
    switch (kind) {
      case EV_PS_DONE: {
        const job = this.farm.psDone(payload, seq);
        if (job >= 0) this.backendDone(job);
        break;
      }
      case EV_AT_BACKEND:
        this.atBackend(payload);
        break;
      case EV_RESPONSE:
        this.onResponse(payload);
        break;
      case EV_TIMEOUT:
        this.onTimeout(payload, seq);
        break;
      case EV_DISPATCH:
        this.dispatch(payload);
        break;
      case EV_TIMER:
        this.onTimer(payload, seq);
        break;
      case EV_BOUNDARY:
        this.onBoundary(payload);
        break;
      case EV_GRANTED:
        this.startAttempt(payload, this.req.handle[payload]!);
        break;
    }
  }

  protected onBoundary(k: number): void {
    const rec = this.rec;
    rec.boundaryReached(k, this.farm, this.lb.queued);
    if (k < rec.slices) this.q.push(rec.boundary(k + 1), EV_BOUNDARY, k + 1);
    else this.boundaryDone = true;
  }

  // ---------------------------------------------------------------- request life cycle

  private onArrival(user: number): void {
    const now = this.clock.t;
    const wl = this.wl;
    if (user < 0) this.armArrival(wl.arrivals!.next(now));
    const req = this.req;
    const r = req.alloc();
    wl.drawRequest(r, req);
    req.seqNo[r] = this.counters.arrivals;
    req.arrive[r] = now;
    const measured = now >= this.warmup;
    req.measured[r] = measured ? 1 : 0;
    req.attempts[r] = 0;
    req.user[r] = user;
    req.lastError[r] = FAIL_NONE;
    const c = this.counters;
    c.arrivals++;
    if (measured) c.measuredArrivals++;
    c.totalDemand += req.demand[r * this.S]!;
    c.arrivalTimeSum += now;
    this.arrived(r);

    const delay = this.limited ? this.balancerOf(r).admit(this.setInfo(r)) : 0;
    if (delay < 0) this.onRefused(r, REFUSED_RATE_LIMITED);
    else if (delay > 0) this.q.push(now + delay, EV_DISPATCH, r);
    else this.dispatch(r);
  }

  protected setInfo(r: number): SimRequestInfo {
    const info = this.info;
    const req = this.req;
    info.n = req.seqNo[r]!;
    info.attempt = req.attempts[r]! > 0 ? req.attempts[r]! : 1;
    return info;
  }

  /** The backends request `r` tried in its first `count` attempts, as an exclude list (a reused view). */
  protected excludeOf(r: number, count: number): Int32Array {
    const ex = this.excludeViews[count]!;
    const tried = this.req.tried;
    const base = r * this.M;
    for (let k = 0; k < count; k++) ex[k] = tried[base + k]!;
    return ex;
  }

  /** The next attempt of request `r`: a lease (the attempt starts), a refusal, or a wait in the balancer queue. */
  private dispatch(r: number): void {
    const n = ++this.req.attempts[r]!;
    const lb = this.balancerOf(r);
    const info = this.setInfo(r);
    const h = n === 1 ? lb.acquire(info, r) : lb.acquire(info, r, this.excludeOf(r, n - 1));
    if (h >= 0) this.startAttempt(r, h);
    else if (h !== QUEUED) this.onRefused(r, h);
  }

  /** Request `r` holds lease `h`: its attempt is filled, then sent. */
  protected startAttempt(r: number, h: number): void {
    const a = this.newAttempt(r, h, this.balancerOf(r).backendOf(h));
    this.attemptStarted(r, a);
    this.sendAttempt(r, a);
  }

  /**
   * Allocates and fills the attempt of request `r` holding lease `h` on backend `b`, and arms its
   * timeout; returns the attempt slot.
   */
  private newAttempt(r: number, h: number, b: number): number {
    const now = this.clock.t;
    const req = this.req;
    const att = this.att;
    let a: number;
    if (this.attPerRequest) att.claim((a = r));
    else a = att.alloc();
    const n = req.attempts[r]!;
    att.req[a] = r;
    att.backend[a] = b;
    att.handle[a] = h;
    att.state[a] = ATT_ACTIVE;
    att.err[a] = FAIL_NONE;
    att.first[a] = n === 1 ? 1 : 0;
    att.work[a] = req.demand[r * this.S + this.svc[b]!]!;
    if (this.M > 1) req.tried[r * this.M + n - 1] = b;
    if (req.measured[r] === 1) this.rec.backendRequests[b]!++;
    if (this.timeoutMs > 0) {
      this.q.at = now + this.timeoutMs;
      att.timerSeq[a] = this.q.schedule(EV_TIMEOUT, a);
    } else if (!this.attPerRequest) att.timerSeq[a] = -1; // (slots shared with requests never time out)
    return a;
  }

  /** Sends attempt `a` of request `r` over the network to its backend (or straight in with no network). */
  private sendAttempt(r: number, a: number): void {
    const net = (this.netZero ? 0 : this.req.attempts[r] === 1 ? this.req.netTo[r]! : this.wl.retryNet()) + this.zoneWay(a);
    if (net > 0) {
      this.q.at = this.clock.t + net;
      this.q.schedule(EV_AT_BACKEND, a);
    }
    else this.atBackend(a);
  }

  /** Attempt `a` reaches its backend: served (answering 200), or refused with a 503 when its queue is full. */
  private atBackend(a: number): void {
    const att = this.att;
    att.status[a] = 200;
    if (!this.enterBackend(a, att.backend[a]!)) {
      att.status[a] = 503;
      att.err[a] = FAIL_FULL;
      this.respond(a);
    }
  }

  /** A backend is done with attempt `a`. */
  protected backendDone(a: number): void {
    this.respond(a);
  }

  /** Attempt `a` leaves its backend: its answer travels back (an abandoned one is dropped). */
  protected respond(a: number): void {
    const att = this.att;
    if (att.state[a] === ATT_ABANDONED) {
      att.release(a);
      return;
    }
    const net = (this.netZero ? 0 : att.first[a] === 1 ? this.req.netBack[att.req[a]!]! : this.wl.retryNet()) + this.zoneWay(a);
    if (net > 0) {
      this.q.at = this.clock.t + net;
      this.q.schedule(EV_RESPONSE, a);
    }
    else this.onResponse(a);
  }

  /** Attempt `a`'s answer is back: the attempt is over with its failure code (none for an answer below 500). */
  private onResponse(a: number): void {
    const att = this.att;
    if (att.state[a] === ATT_ABANDONED) {
      att.release(a);
      return;
    }
    const r = att.req[a]!;
    const h = att.handle[a]!;
    const b = att.backend[a]!;
    const status = att.status[a]!;
    const failure = att.err[a]!;
    if (this.attPerRequest) att.state[a] = ATT_FREE;
    else att.release(a);
    this.attemptOver(r, a, h, b, status, failure);
  }

  /** Attempt `a`'s timeout fired: the attempt is over (abandoned: its backend still serves it, the answer is dropped). */
  private onTimeout(a: number, seq: number): void {
    const att = this.att;
    if (att.timerSeq[a] !== seq || att.state[a] !== ATT_ACTIVE) return;
    att.state[a] = ATT_ABANDONED;
    att.err[a] = FAIL_TIMEOUT;
    att.timerSeq[a] = -1;
    this.attemptOver(att.req[a]!, a, att.handle[a]!, att.backend[a]!, 0, FAIL_TIMEOUT);
  }

  /**
   * Attempt `a` of request `r` on backend `b` is over with `failure` (`FAIL_NONE`: answered): its
   * lease `h` is released, exactly once; then the request completes, waits for its other copy, is
   * retried, or fails.
   */
  private attemptOver(r: number, a: number, h: number, b: number, status: number, failure: number): void {
    const lb = this.balancerOf(r);
    // No latency argument: the balancer measures acquire → release on the virtual clock itself,
    // which keeps a fractional number from being boxed across the call.
    lb.release(h, status, undefined, RELEASE_ERROR[failure]!);
    this.released(r, a, lb, b);
    if (failure === FAIL_NONE) {
      this.succeeded(r, b);
      this.complete(r);
      return;
    }
    this.req.lastError[r] = failure;
    if (!this.copiesLive(r)) this.retryOrFinish(r, retryable(this.retryOn, failure, status));
  }

  /**
   * Request `r`'s last attempt failed and none of its copies is in flight: retried if the failure
   * is `retryable` (`balancer.retryOn`) and {@link retryAllowed}, or it fails.
   */
  private retryOrFinish(r: number, retryable: boolean): void {
    if (retryable && this.retryAllowed(r)) {
      if (this.req.measured[r] === 1) this.retriesSent++;
      this.dispatch(r);
      return;
    }
    const e = this.req.lastError[r]!;
    this.fail(r, e === FAIL_FULL, errorKindOf(e, 0));
  }

  /** Refused by the balancer (admission, acquire or while queued) with refusal `code`. */
  private onRefused(r: number, code: number): void {
    const req = this.req;
    const e = req.lastError[r]!;
    // a retry that finds no other backend fails with the previous attempt's error
    this.fail(r, req.attempts[r]! <= 1 || e === FAIL_FULL, errorKindOf(e, code));
  }

  /** Request `r` ends without an answer: counted, if measured, as rejected or failed, by error kind. */
  private fail(r: number, rejected: boolean, kind: number): void {
    if (this.req.measured[r] === 1) {
      const rec = this.rec;
      if (rejected) rec.rejected++;
      else rec.failed++;
      rec.errors[kind]!++;
    }
    this.failed(r);
    this.finish(r);
  }

  private complete(r: number): void {
    const req = this.req;
    this.rec.complete(this.clock.t + this.overheadMs, req.arrive[r]!, req.measured[r] === 1);
    this.finish(r);
  }

  /** Request `r` is over: its slot is freed; a closed-loop user thinks, then sends the next. */
  protected finish(r: number): void {
    const req = this.req;
    const user = req.user[r]!;
    req.release(r);
    if (user >= 0) {
      const t = this.clock.t + this.overheadMs + this.wl.think();
      if (t < this.end) {
        this.q.at = t;
        this.q.schedule(EV_ARRIVAL, user);
      }
    }
  }

  // ---------------------------------------------------------------- hooks (the full engine overrides them)

  /** Hook: request `r` was drawn and counted, before admission (full: its balancer, its copies, the retry budget). */
  protected arrived(_r: number): void {}

  /** Hook: the zone network's one-way latency (ms) added to attempt `a` each way (full: client zone → backend zone). */
  protected zoneWay(_a: number): number {
    return 0;
  }

  /** Hook: the balancer serving request `r` (the full engine runs several). */
  protected balancerOf(_r: number): Balancer {
    return this.lb;
  }

  /** Hook: attempt `a` of request `r` is filled and its timeout armed, before it is sent (full: live copies, hedge timer). */
  protected attemptStarted(_r: number, _a: number): void {}

  /**
   * Hook: hands attempt `a` to backend `b`; false when the backend refuses it (its queue is full).
   * The full engine first acts out cancellations, faults and caches, and may end the attempt there
   * (then it returns true).
   */
  protected enterBackend(a: number, b: number): boolean {
    return this.farm.arrive(b, a);
  }

  /** Hook: attempt `a` of request `r` gave its lease on backend `b` back to `lb` (full: live copies, failure detection). */
  protected released(_r: number, _a: number, _lb: Balancer, _b: number): void {}

  /** Hook: request `r` was answered by backend `b`, before it completes (full: recovery time, the other copy cancelled). */
  protected succeeded(_r: number, _b: number): void {}

  /** Hook: whether a copy of request `r` is still in flight after one failed (full: hedging). */
  protected copiesLive(_r: number): boolean {
    return false;
  }

  /** Hook: whether request `r` may be retried after a failure (full: hedges do not count, the retry budget decides). */
  protected retryAllowed(r: number): boolean {
    return this.req.attempts[r]! < this.M;
  }

  /** Hook: request `r` ends without an answer, before its slot is freed (full: failover losses, failure times). */
  protected failed(_r: number): void {}
}
