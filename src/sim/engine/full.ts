/**
 * The FULL engine: the lean engine's request life cycle (`src/sim/engine/lean.ts`) with failures, health and
 * elasticity, all acted out through the real core's own mechanisms on the virtual clock. It adds
 * its lines through the lean engine's hooks (a request's balancer and copies, what happens at the
 * backend, after a release, on success, on failure) and its own event kinds; it re-implements no
 * step of the life cycle.
 *
 * - Faults (`faults.ts`): a crashed or flapped-down backend refuses connections (the attempt ends
 *   after the round trip with status 0 / `connect`) and loses its work in flight (`reset`); a hung
 *   one accepts and never answers (the per-attempt timeout fires; what it held is reset when the
 *   hang ends); `slow` and `pause` change its speed (the farm's tracked mode re-times the work in
 *   service exactly); `errors` answer a fraction of arrivals with a 5xx after a fraction of their
 *   service time.
 * - Active health checks: each balancer probes each backend every `interval`, from a random phase.
 *   A probe is a real job on the backend (it occupies a worker for `cost` work units and queues
 *   behind requests), answered over the network and failed after `timeout`; results feed
 *   `Balancer.reportProbe` (rise/fall). Passive health and outlier ejection see every release.
 * - Retries go to backends the request has not tried (`exclude`), within `retries` and the retry
 *   budget (`retry-budget.ts`). Hedging (`hedge.delay`): if the first attempt has not answered
 *   after the delay, a copy goes to another backend; the first success wins and the other is
 *   released as `cancelled` (exactly once); a failure waits for the other copy before retrying. A
 *   cancelled copy that its backend has not started (still on the way or waiting in its queue) is
 *   dropped there, as with the tied requests of Dean & Barroso, "The Tail at Scale" (CACM 2013) or
 *   gRPC cancellation; one already in service runs to completion and its answer is dropped.
 *   Timed-out attempts, by contrast, are still served (the lean engine's rule): the server cannot
 *   tell that the client gave up.
 * - `balancers: K` independent Balancer instances (own strategy state, load view, health, limits
 *   and random stream `lb/k`), each request bound to one, round robin or at random (`spread`).
 * - Per-backend caches (`key-lru.ts`): an arrival whose hash key is cached is served in
 *   `hitFactor` × its service time.
 * - Autoscaling (`autoscale.ts`): backends join after the provisioning delay through
 *   `Balancer.addBackend` (slow start when configured); removed ones are drained
 *   (`setDraining`) and taken out (`removeBackend`) once idle.
 * - Zones (`zones.ts`): each request's client zone is drawn and it goes to a balancer of that
 *   zone; the zone network's latency is added to each attempt both ways.
 * Results beyond the lean engine's are collected by `dynamics.ts`, and where the traffic went
 * (tiers, zones, cross-zone share and cost, spill-over and panic) by `traffic.ts`.
 *
 * For a scenario with none of these features, this engine gives exactly the lean engine's output
 * (a test holds it to that); `needsFullEngine` decides which one runs.
 */
import {
  BACKEND_DRAINING,
  BACKEND_REMOVED,
  BACKEND_UP,
  QUEUED,
  type Balancer,
} from '../../core/balancer/index.js';
import { backend } from '../../core/backend.js';
import type { Rng } from '../../core/rng.js';
import { Autoscaler, type FleetHost } from '../features/autoscale.js';
import { DynamicsRecorder } from '../features/dynamics.js';
import { balancerFor, EV_FIRST_FREE, Simulation, tierOf } from './lean.js';
import {
  ATT_ABANDONED,
  ATT_ACTIVE,
  ATT_PROBE,
  FAIL_5XX,
  FAIL_CANCELLED,
  FAIL_CONNECT,
  FAIL_RESET,
  RELEASE_ERROR,
  REQ_FAULTY,
  REQ_HEDGED,
} from './codes.js';
import { FaultRuntime, type FaultHooks } from '../features/faults.js';
import { HealthProber } from '../features/health-probes.js';
import { KeyLru } from '../features/key-lru.js';
import type { RunSummary } from './recorder.js';
import { RetryBudget } from '../features/retry-budget.js';
import type { FaultKind, Scenario, StrategyChoice } from '../../scenario/types.js';
import { backendId } from '../../scenario/backend-ids.js';
import type { WorkloadModel } from '../model/workload.js';
import { balancerPlacement, ZoneRuntime } from '../features/zones.js';
import { TrafficRecorder } from '../features/traffic.js';
import { zonesOf } from '../../scenario/zone-placement.js';

const EV_FIFO_DONE_T = EV_FIRST_FREE; // tracked FIFO completion (payload: job)
const EV_FAULT = EV_FIRST_FREE + 1; // a fault instance's transition (payload: instance)
const EV_HEDGE = EV_FIRST_FREE + 2; // payload: request
const EV_SCALE = EV_FIRST_FREE + 3; // autoscaler evaluation
const EV_JOIN = EV_FIRST_FREE + 4; // a provisioned backend joins (payload: ticket)
const EV_PROBE = EV_FIRST_FREE + 5; // the prober's four kinds (health-probes.ts)

/** One attempt as the test hook sees it. */
export interface AttemptTrace {
  /** Arrival number of the request. */
  request: number;
  /** Attempt number (1 = first). */
  attempt: number;
  /** Backend index. */
  backend: number;
  /** True for a hedged copy, false for a first attempt or a retry. */
  hedge: boolean;
}

/** Options of {@link FullSimulation} beyond the scenario. */
export interface FullOptions {
  /** Called for every attempt started (tests). */
  trace?: (t: AttemptTrace) => void;
}

/** Whether a scenario uses anything only the full engine simulates. */
export function needsFullEngine(sc: Scenario): boolean {
  const b = sc.balancer;
  return (
    (sc.faults !== undefined && sc.faults.length > 0) ||
    b.healthCheck !== undefined ||
    b.retryBudget !== undefined ||
    b.hedge !== undefined ||
    (sc.balancers !== undefined && sc.balancers.count > 1) ||
    sc.autoscale !== undefined ||
    sc.backends.some((g) => g.cache !== undefined) ||
    hasTiersOrZones(sc)
  );
}

/** Whether a scenario has failover tiers or zones (then its results say where the traffic went). */
export function hasTiersOrZones(sc: Scenario): boolean {
  return sc.clients.zones !== undefined || sc.backends.some((g) => (g.priority ?? 0) > 0 || g.zone !== undefined || g.degraded === true);
}

/** One simulation run with faults, health checks, hedging, several balancers, caches or autoscaling. */
export class FullSimulation extends Simulation implements FaultHooks, FleetHost {
  private readonly lbs: Balancer[];
  private readonly K: number;
  private readonly spreadRng: Rng | null;
  private readonly faults: FaultRuntime | null;
  private readonly tracked: boolean;
  private readonly prober: HealthProber | null;
  private readonly budget: RetryBudget | null;
  private readonly retries: number;
  private readonly hedgeDelay: number;
  private readonly caches: (KeyLru | null)[] = [];
  private readonly hitFactor: number[] = [];
  private readonly dyn: DynamicsRecorder;
  private readonly trace: ((t: AttemptTrace) => void) | undefined;
  private readonly scaler: Autoscaler | null;
  private readonly removed: number[] = []; // 1 = taken out by the autoscaler
  private nextK = 0; // next backend number in the scaled group
  private hedging = false; // a hedge is being started (for the trace)
  private readonly zones: ZoneRuntime | null;
  private traffic: TrafficRecorder | null = null;
  private backendZone = new Int32Array(0); // zone index of each backend for `traffic` (-1 = none)

  /**
   * @param model the scenario's workload model
   * @param choice the strategy to drive
   * @param seed the run's seed
   * @param opts test hooks
   */
  constructor(model: WorkloadModel, choice: StrategyChoice, seed: number, opts: FullOptions = {}) {
    super(model, choice, seed);
    this.attPerRequest = false; // hedged copies, probes and cancelled attempts need slots of their own
    const sc = model.scenario;
    const bs = sc.balancer;
    this.trace = opts.trace;
    this.K = Math.max(1, sc.balancers?.count ?? 1);
    this.lbs = [this.lb];
    for (let k = 1; k < this.K; k++) {
      const lb = balancerFor(model, choice, this.specs, this.clock, this, this.root.fork(`lb/${k}`), balancerPlacement(sc, k));
      lb.setQueueListener(this);
      this.lbs.push(lb);
    }
    this.spreadRng = this.K > 1 && sc.balancers!.spread === 'random' ? this.root.fork('spread') : null;
    this.zones = sc.clients.zones ? new ZoneRuntime(sc, this.specs, this.root.fork('zones'), this.spreadRng) : null;
    const ids = this.specs.map((s) => s.id);
    this.faults = sc.faults && sc.faults.length > 0 ? new FaultRuntime(sc.faults, ids, this.root, this.end) : null;
    for (let b = 0; b < this.specs.length; b++) this.removed.push(0);
    this.prober = bs.healthCheck
      ? new HealthProber(
          bs.healthCheck,
          this.K,
          this.root.fork('health'),
          {
            clock: this.clock,
            q: this.q,
            att: this.att,
            farm: this.farm,
            faults: this.faults,
            wl: this.wl,
            removed: this.removed,
            report: (k, b, ok) => this.report(k, b, ok),
          },
          EV_PROBE,
        )
      : null;
    this.tracked = this.faults !== null || this.prober !== null;
    if (this.tracked) this.farm.enableTracking(this.att, EV_FIFO_DONE_T);
    this.budget = bs.retryBudget ? new RetryBudget(bs.retryBudget) : null;
    this.retries = Math.max(0, bs.retries);
    this.hedgeDelay = bs.hedge ? bs.hedge.delayMs : 0;
    const groupOf: number[] = [];
    sc.backends.forEach((g, gi) => {
      for (let k = 0; k < g.count; k++) groupOf.push(gi);
    });
    for (const gi of groupOf) this.addCache(gi);
    const withCache = sc.backends.some((g) => g.cache !== undefined);
    const as = sc.autoscale;
    this.scaler = as
      ? new Autoscaler(as, groupOf.flatMap((g, b) => (g === as.group ? [b] : [])), this, this.q, this.clock, EV_SCALE, EV_JOIN, this.end)
      : null;
    if (as) this.nextK = sc.backends[as.group]!.count;
    const withSeries = this.faults !== null || this.prober !== null || this.scaler !== null;
    this.dyn = new DynamicsRecorder(sc.warmupMs, sc.durationMs, sc.intervalMs, this.rec.slices, this.specs.length, withCache, withSeries);
    if (hasTiersOrZones(sc)) {
      const backendZones = this.zones ? this.zones.allZones : zonesOf(sc.backends);
      this.backendZone = Int32Array.from(this.specs, (x) => (x.zone === undefined ? -1 : backendZones.indexOf(x.zone)));
      this.traffic = new TrafficRecorder(
        1 + Math.max(...sc.backends.map((g) => g.priority ?? 0)),
        backendZones,
        this.zones ? this.zones.names : [],
        this.rec.slices,
        sc.warmupMs,
        sc.intervalMs,
        this.end,
        sc.network ?? null,
        sc.backends.some((g) => g.degraded === true),
      );
    }
  }

  /** The balancer instances (tests: each has its own state). */
  get balancers(): readonly Balancer[] {
    return this.lbs;
  }

  private addCache(group: number): void {
    const c = this.model.scenario.backends[group]!.cache;
    this.caches.push(c ? new KeyLru(c.size) : null);
    this.hitFactor.push(c ? c.hitFactor : 1);
  }

  // ---------------------------------------------------------------- start, events, end

  protected override start(): void {
    const q = this.q;
    const f = this.faults;
    if (f) {
      for (let i = 0; i < f.count; i++) {
        const t = f.firstAt(i);
        if (t < Infinity) q.push(t, EV_FAULT, i);
      }
    }
    if (this.prober) for (let b = 0; b < this.specs.length; b++) this.prober.start(b, 0);
    this.scaler?.start();
  }

  protected override onOther(kind: number, payload: number, seq: number): void {
    switch (kind) {
      case EV_FIFO_DONE_T:
        if (this.farm.fifoDoneTracked(this.att.backend[payload]!, payload, seq)) this.backendDone(payload);
        return;
      case EV_FAULT: {
        const t = this.faults!.fire(payload, this.clock.t, this);
        if (t < Infinity) this.q.push(t, EV_FAULT, payload);
        return;
      }
      case EV_HEDGE:
        this.onHedge(payload, seq);
        return;
      case EV_SCALE:
        this.scaler!.tick();
        return;
      case EV_JOIN:
        this.scaler!.join(payload);
        return;
      default:
        if (kind < EV_PROBE || !this.prober!.onEvent(kind, payload, seq)) super.onOther(kind, payload, seq);
    }
  }

  protected override onBoundary(k: number): void {
    super.onBoundary(k);
    if (k === 0 || !this.dyn.withSeries) return;
    const lb = this.lb;
    const n = lb.backends.length;
    let pool = 0;
    let healthy = 0;
    let up = 0;
    for (let b = 0; b < n; b++) {
      const state = lb.backendState(b);
      if (state === BACKEND_REMOVED || state === BACKEND_DRAINING) continue;
      pool++;
      if (state === BACKEND_UP) healthy++;
      if (!this.faults || this.faults.isUp(b)) up++;
    }
    this.dyn.sample(k - 1, pool, healthy, up);
  }

  protected override checkLeases(): void {
    this.lbs.forEach((lb, k) => {
      if (lb.leasesOutstanding !== 0) throw new Error(`simulation ended with ${lb.leasesOutstanding} leases outstanding on balancer ${k}`);
    });
  }

  protected override summarize(): RunSummary {
    const s = super.summarize();
    s.dynamics = this.dyn.summarize(
      this.specs.map((x) => x.id),
      this.scaler !== null,
      this.faults !== null,
    );
    if (this.traffic) s.traffic = this.traffic.summarize();
    return s;
  }

  // ---------------------------------------------------------------- requests: the lean life cycle's hooks

  /** Binds request `r` to a balancer (round robin by arrival number, or at random), no copies yet; a retry-budget deposit. */
  protected override arrived(r: number): void {
    const req = this.req;
    if (this.zones) {
      req.lbi[r] = this.zones.arrive(r);
      if (req.measured[r] === 1) this.traffic!.request(this.zones.clientZone[r]!);
    } else req.lbi[r] = this.K === 1 ? 0 : this.spreadRng ? this.spreadRng.int(this.K) : req.seqNo[r]! % this.K;
    req.nLive[r] = 0;
    req.liveAtt[2 * r] = -1;
    req.liveAtt[2 * r + 1] = -1;
    req.hedgeSeq[r] = -1;
    req.flags[r] = 0;
    this.budget?.deposit();
  }

  protected override balancerOf(r: number): Balancer {
    return this.lbs[this.req.lbi[r]!]!;
  }

  /** Attempt `a` is one of request `r`'s live copies; a first attempt arms the hedge timer. */
  protected override attemptStarted(r: number, a: number): void {
    const req = this.req;
    const n = req.attempts[r]!;
    req.liveAtt[2 * r + (req.liveAtt[2 * r] === -1 ? 0 : 1)] = a;
    req.nLive[r]!++;
    if (this.hedgeDelay > 0 && n === 1) req.hedgeSeq[r] = this.q.push(this.clock.t + this.hedgeDelay, EV_HEDGE, r);
    this.trace?.({ request: req.seqNo[r]!, attempt: n, backend: this.att.backend[a]!, hedge: this.hedging });
    if (this.traffic && req.measured[r] === 1) {
      const b = this.att.backend[a]!;
      const z = this.zones;
      this.traffic.attempt(
        this.clock.t,
        this.specs[b]!.priority ?? 0,
        this.backendZone[b]!,
        z ? z.clientZone[r]! : -1,
        z !== null && z.crosses(r, b),
        this.balancerOf(r).inPanic,
        this.specs[b]!.degraded === true,
      );
    }
  }

  /** Half the round trip between request `att.req[a]`'s client zone and its backend's zone. */
  protected override zoneWay(a: number): number {
    return this.zones ? this.zones.oneWay(this.att.req[a]!, this.att.backend[a]!) : 0;
  }

  /**
   * At the backend: a cancelled copy is dropped; a crashed or flapped-down backend refuses the
   * connection; an `errors` fault answers a 5xx after a fraction of the work; a cached key is served
   * in `hitFactor` × its work. Then the (tracked) farm takes it.
   */
  protected override enterBackend(a: number, b: number): boolean {
    const att = this.att;
    const active = att.state[a] === ATT_ACTIVE;
    if (!active && att.err[a] === FAIL_CANCELLED) {
      att.release(a); // a cancelled hedge copy arrives: dropped before it starts
      return true;
    }
    const f = this.faults;
    let answered = true;
    if (f !== null) {
      if (active && f.isFailing(b)) this.req.flags[att.req[a]!]! |= REQ_FAULTY;
      if (f.down[b]! > 0) {
        att.status[a] = 0;
        att.err[a] = FAIL_CONNECT;
        this.respond(a);
        return true;
      }
      if (f.errFraction[b]! > 0 && f.drawError(b)) {
        att.status[a] = f.errStatus[b]!;
        att.err[a] = FAIL_5XX;
        att.work[a]! *= f.errLatency[b]!;
        answered = false;
      }
    }
    if (answered && active) {
      const cache = this.caches[b];
      if (cache) {
        const r = att.req[a]!;
        const hit = cache.touch(this.wl.keyIndexOf(this.req.seqNo[r]!));
        if (hit) att.work[a]! *= this.hitFactor[b]!;
        if (this.req.measured[r] === 1) {
          if (hit) this.dyn.hits[b]!++;
          else this.dyn.misses[b]!++;
        }
      }
    }
    return this.tracked ? this.farm.arriveTracked(b, a) : this.farm.arrive(b, a);
  }

  protected override backendDone(a: number): void {
    if (this.att.state[a]! >= ATT_PROBE) this.prober!.leave(a);
    else this.respond(a);
  }

  /** Attempt `a` is no longer live (a pending hedge is called off); an open failure window may now be detected. */
  protected override released(r: number, a: number, lb: Balancer, b: number): void {
    const req = this.req;
    if (req.liveAtt[2 * r] === a) req.liveAtt[2 * r] = -1;
    else if (req.liveAtt[2 * r + 1] === a) req.liveAtt[2 * r + 1] = -1;
    req.nLive[r]!--;
    req.hedgeSeq[r] = -1;
    this.afterRelease(lb, b);
  }

  /** Request `r` was answered by `b`: a recovery may end; its other live copy (a hedge race) is released as cancelled. */
  protected override succeeded(r: number, b: number): void {
    if (this.dyn.awaitingRecovery(b)) this.dyn.answered(b, this.clock.t);
    const req = this.req;
    if (this.zones && req.measured[r] === 1) this.traffic!.latency(this.zones.clientZone[r]!, this.clock.t + this.overheadMs - req.arrive[r]!);
    if (req.nLive[r] === 0) return;
    const att = this.att;
    const lb = this.balancerOf(r);
    for (let k = 0; k < 2; k++) {
      const a = req.liveAtt[2 * r + k]!;
      if (a < 0) continue;
      req.liveAtt[2 * r + k] = -1;
      req.nLive[r]!--;
      att.state[a] = ATT_ABANDONED;
      att.err[a] = FAIL_CANCELLED;
      att.timerSeq[a] = -1;
      lb.release(att.handle[a]!, 0, undefined, RELEASE_ERROR[FAIL_CANCELLED]!);
      // not started yet: the server drops it (if it is still on the way, `enterBackend` does)
      if (this.farm.removeWaiting(att.backend[a]!, a)) att.release(a);
    }
  }

  /** A failed copy waits for the other one of a hedge race. */
  protected override copiesLive(r: number): boolean {
    return this.req.nLive[r]! > 0;
  }

  /** Within `retries` (a hedged copy is not a retry) and the retry budget. */
  protected override retryAllowed(r: number): boolean {
    const req = this.req;
    const measured = req.measured[r] === 1;
    const used = req.attempts[r]! - 1 - ((req.flags[r]! & REQ_HEDGED) !== 0 ? 1 : 0);
    if (used >= this.retries) return false;
    if (this.budget === null || this.budget.tryRetry()) {
      if (measured) this.dyn.retries++;
      return true;
    }
    if (measured) this.dyn.retriesDenied++;
    return false;
  }

  /** A failed request that met a faulty backend is lost in a failover; failure times feed the series. */
  protected override failed(r: number): void {
    if (this.req.measured[r] === 1 && (this.req.flags[r]! & REQ_FAULTY) !== 0) this.dyn.lost++;
    this.dyn.failureAt(this.clock.t);
  }

  protected override finish(r: number): void {
    this.req.hedgeSeq[r] = -1;
    super.finish(r);
  }

  private onHedge(r: number, seq: number): void {
    const req = this.req;
    if (req.hedgeSeq[r] !== seq) return;
    req.hedgeSeq[r] = -1;
    if (req.nLive[r] !== 1 || req.attempts[r]! >= this.M) return;
    const lb = this.balancerOf(r);
    const n = ++req.attempts[r]!;
    const h = lb.acquire(this.setInfo(r), r, this.excludeOf(r, n - 1));
    if (h >= 0) {
      req.flags[r]! |= REQ_HEDGED;
      if (req.measured[r] === 1) this.dyn.hedges++;
      this.hedging = true;
      this.startAttempt(r, h);
      this.hedging = false;
      return;
    }
    if (h === QUEUED) lb.cancelQueued(r); // a hedge never waits in the balancer queue
    req.attempts[r]!--;
  }

  // ---------------------------------------------------------------- health: detection polling

  /** Whether backend `b` is up (not down, not ejected) in `lb`'s view. */
  private static healthyIn(lb: Balancer, b: number): boolean {
    if (b >= lb.backends.length) return true;
    const state = lb.backendState(b);
    return state === BACKEND_UP || state === BACKEND_DRAINING;
  }

  /** After a release or a probe on backend `b` by `lb`: an open failure window may now be detected. */
  private afterRelease(lb: Balancer, b: number): void {
    if (this.dyn.awaitingDetection(b) && !FullSimulation.healthyIn(lb, b)) this.dyn.detected(b, this.clock.t);
  }

  // ---------------------------------------------------------------- fault hooks

  /** {@link FaultHooks.crashed}: the backend's work in flight is lost (connections reset). */
  crashed(b: number): void {
    this.dropAll(b);
  }

  /** {@link FaultHooks.unhung}: what the hung backend held is reset. */
  unhung(b: number): void {
    this.dropAll(b);
  }

  /** {@link FaultHooks.speedChanged}. */
  speedChanged(b: number, factor: number): void {
    this.farm.setSpeedFactor(b, factor);
  }

  /** {@link FaultHooks.faultOpened}: failure windows (not slow, not pause) are followed for detection. */
  faultOpened(b: number, kind: FaultKind, i: number): void {
    if (kind === 'slow' || kind === 'pause') return;
    this.dyn.windowOpened(i, b, kind, this.clock.t, this.lbs.every((lb) => FullSimulation.healthyIn(lb, b)));
  }

  /** {@link FaultHooks.faultClosed}. */
  faultClosed(_b: number, kind: FaultKind, i: number): void {
    if (kind === 'slow' || kind === 'pause') return;
    this.dyn.windowClosed(i, this.clock.t);
  }

  /** Drops every job at backend `b`: requests get a reset, probes fail. */
  private dropAll(b: number): void {
    const n = this.farm.kill(b);
    const killed = this.farm.killed.slice(0, n); // answering may re-enter the farm
    const att = this.att;
    for (let j = 0; j < n; j++) {
      const a = killed[j]!;
      att.status[a] = 0;
      att.err[a] = FAIL_RESET;
      const st = att.state[a]!;
      if (st === ATT_ACTIVE) this.req.flags[att.req[a]!]! |= REQ_FAULTY;
      if (st >= ATT_PROBE) this.prober!.leave(a);
      else this.respond(a);
    }
  }

  // ---------------------------------------------------------------- health checks, autoscaling

  /** A probe result from balancer `k` for backend `b`. */
  private report(k: number, b: number, ok: boolean): void {
    if (this.removed[b] === 1) return;
    const lb = this.lbs[k]!;
    lb.reportProbe(b, ok);
    this.afterRelease(lb, b);
  }

  /** {@link FleetHost.join}: a backend of the scaled group joins every balancer (slow start applies). */
  join(): number {
    const sc = this.model.scenario;
    const gi = sc.autoscale!.group;
    const g = sc.backends[gi]!;
    // A backend added beyond the group's listed addresses has none (it is hashed by its id).
    const address = g.addresses?.[this.nextK];
    const hostname = g.hostnames?.[this.nextK];
    const spec = backend({
      id: backendId(g.name, this.nextK++, this.specs.length),
      weight: g.weight,
      maxConn: g.maxConn,
      ...tierOf(g),
      ...(address !== undefined ? { address } : {}),
      ...(hostname !== undefined ? { hostname } : {}),
    });
    const b = this.farm.addBackend({ workers: g.workers, speed: g.speed, discipline: g.discipline, queueLimit: g.queueLimit });
    this.specs.push(spec);
    this.zones?.addBackend(g.zone);
    if (this.traffic) {
      const bz = new Int32Array(this.specs.length);
      bz.set(this.backendZone);
      bz[b] = g.zone === undefined ? -1 : this.traffic.zones.indexOf(g.zone);
      this.backendZone = bz;
    }
    const svc = new Int32Array(this.specs.length);
    svc.set(this.svc);
    svc[b] = this.model.serviceIndex[gi]!;
    this.svc = svc;
    this.rec.addBackend();
    this.dyn.addBackend();
    this.addCache(gi);
    this.removed.push(0);
    for (const lb of this.lbs) {
      const i = lb.addBackend(spec);
      if (i !== b) throw new Error(`autoscaler: balancer index ${i} ≠ farm index ${b}`);
    }
    this.prober?.start(b, this.clock.t);
    return b;
  }

  /** {@link FleetHost.drain}. */
  drain(b: number): void {
    const id = this.specs[b]!.id;
    for (const lb of this.lbs) lb.setDraining(id, true);
  }

  /** {@link FleetHost.idle}. */
  idle(b: number): boolean {
    return this.farm.inSystem(b) === 0 && this.lbs.every((lb) => lb.activeOf(b) === 0);
  }

  /** {@link FleetHost.remove}. */
  remove(b: number): void {
    const id = this.specs[b]!.id;
    for (const lb of this.lbs) lb.removeBackend(id);
    this.removed[b] = 1;
  }

  /** {@link FleetHost.busyArea}. */
  busyArea(b: number): number {
    this.farm.flush(b);
    return this.farm.busyArea[b]!;
  }

  /** {@link FleetHost.workers}. */
  workers(b: number): number {
    return this.farm.workers[b]!;
  }

  /** {@link FleetHost.scaled}. */
  scaled(now: number, from: number, to: number): void {
    this.dyn.scaled(now, from, to);
  }
}
