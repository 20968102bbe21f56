/**
 * The Balancer: one strategy + the load signals, health state and limits around it, driven by a
 * clock it is handed. Both drivers use it the same way: the simulator on virtual time, the proxy on
 * real time.
 *
 *   admit(req)          → delay before forwarding (rate limit, nginx `limit_req`) or a refusal
 *   acquire(req, token) → a lease handle (≥ 0) on one backend, or a refusal code (< 0), or QUEUED
 *   release(h, status, latencyMs, error) exactly once per lease → updates load, health, strategy
 *
 * This file is the coordinator; its parts compose, each in its own file:
 *   topology.ts      members, drain, re-weight, counters          (positions never move)
 *   eligibility.ts   health + panic → eligible list and weights   (nginx, Envoy, HAProxy maxconn)
 *   tiers.ts         failover tiers: backup servers, priorities   (nginx, HAProxy, Envoy)
 *   priority-load.ts Envoy's priority load and panic per priority
 *   zones.ts         zone layer: zone-aware routing, locality weights (Envoy)
 *   leases.ts        slot + generation handles in typed arrays    (0 bytes per acquire/release)
 *   wait-queue.ts    requests waiting for a free backend slot     (HAProxy maxqueue / timeout queue)
 *   admission.ts     keys of the per-key limits                   (nginx limit_req / limit_conn)
 *   options.ts       what a balancer is built from
 *   codes.ts         refusal, error-kind and backend-state codes
 *   introspection.ts status rows for admin pages and metrics
 * The hot path (acquire, release) keeps its checks here and calls each part monomorphically: the
 * common pick compares the view's version with the eligibility's and repoints the view only when it
 * changed. No fractional number is passed to a part on that path (the time travels in `view.now`):
 * V8 boxes one on the heap whenever it does not inline the call, which depends on the caller.
 */
import type { BackendSpec } from '../backend.js';
import type { Clock } from '../clock.js';
import type { Rng } from '../rng.js';
import type { LatencySignal, LeastTimeOptions, LoadSignals, PeakEwmaOptions, Strategy, StrategyEnv } from '../strategy.js';
import type { RequestInfo } from '../view.js';
import { PeakEwmaSignal } from '../load/peak-ewma.js';
import { LeastTimeSignal } from '../load/least-time.js';
import { PassiveHealth, PASSIVE_DEFAULTS } from '../health/passive.js';
import { OutlierDetector, OUTLIER_DEFAULTS } from '../health/outlier.js';
import { ActiveHealth, ACTIVE_DEFAULTS } from '../health/active.js';
import { SlowStart } from '../health/slow-start.js';
import { LeakyBucket } from '../limits/leaky-bucket.js';
import { ConnLimit } from '../limits/conn-limit.js';
import { keyOf, type LimitKey } from './admission.js';
import {
  QUEUED,
  REFUSED_ALL_BUSY,
  REFUSED_CONN_LIMITED,
  REFUSED_NO_BACKEND,
  REFUSED_QUEUE_FULL,
  REFUSED_RATE_LIMITED,
  type ErrorKind,
} from './codes.js';
import { Eligibility, type HealthMechanisms, type PoolView } from './eligibility.js';
import { statusRows, type BackendStatus } from './introspection.js';
import { LeaseTable } from './leases.js';
import type { BalancerOptions } from './options.js';
import { FAILOVER_DEFAULT_MODE, priorityOf, Tiers } from './tiers.js';
import { OVERPROVISIONING_DEFAULT_PERCENT } from './priority-load.js';
import { ZONE_ALL, ZONE_FAIL, Zones } from './zones.js';
import { Topology } from './topology.js';
import { BalancerQueue, type QueueListener } from './wait-queue.js';

export type { BalancerOptions };

/** {@link Balancer} internal: the tiered pick found nothing eligible (or the strategy declined). */
const PICK_NONE = -1;
/** {@link Balancer} internal: the tiered pick found eligible backends, all at `maxConn`. */
const PICK_BUSY = -2;
/** {@link Balancer} internal: the tier's strategy returned -1 although backends were eligible. */
const PICK_DECLINED = -3;
/** {@link Balancer} internal: the zone layer fails the pick (Envoy `fail_traffic_on_panic`). */
const PICK_FAILED = -4;

/** A load balancer instance: strategy, load, health and limits for one pool of backends. */
export class Balancer {
  /** The strategy's registry name. */
  readonly strategyName: string;
  private readonly clock: Clock;
  private readonly strategy: Strategy;
  /**
   * One strategy instance per failover tier (`tiers.ts`), the first being {@link strategy}; a
   * single entry when the backends have no priorities.
   */
  private readonly strategies: Strategy[];
  /** Failover tiers, when the backends have priorities (else undefined: the untiered path). */
  private readonly tiers: Tiers | undefined;
  /** The zone layer (`zones.ts`), when `zones` routing is configured (else undefined). */
  private readonly zones: Zones | undefined;
  /**
   * Zone layer only: every strategy instance, the tiers' first (index = tier), then one per tier
   * and zone, created on the zone's first pick; {@link zoneInstance} maps (tier, zone) to an index.
   */
  private readonly instances: Strategy[] = [];
  private readonly zoneInstance: number[][] = [];
  /** Zone layer only: the instance whose pick is being leased (recorded on the lease). */
  private pickedBy = 0;
  /** Leases record the strategy instance that picked (zone layer or degraded sources). */
  private readonly recordSource: boolean;
  private readonly makeStrategy: (stream: string) => Strategy;
  /** Envoy's priority draw (its own stream: the strategies' streams are unchanged by tiers). */
  private readonly tierRng: Rng | undefined;
  private readonly topo = new Topology();
  private readonly health: HealthMechanisms;
  private readonly elig: Eligibility;
  /** The eligibility's view, kept here too: the hot path reads it on every pick. */
  private readonly view: PoolView;
  private readonly leases = new LeaseTable();

  // Mechanisms the hot path reaches without going through a part.
  private readonly passive: PassiveHealth | undefined;
  private readonly passiveCounts5xx: boolean;
  private readonly outlier: OutlierDetector | undefined;
  private readonly limiter: LeakyBucket | undefined;
  private readonly limiterKey: LimitKey;
  private readonly connLimit: ConnLimit | undefined;
  private readonly connKey: LimitKey;
  private readonly queue: BalancerQueue | undefined;
  private readonly peakSignals: PeakEwmaSignal[] = [];
  private readonly timeSignals: LeastTimeSignal[] = [];
  /**
   * Whether anything watches finished attempts (outlier detection, a load signal, a strategy's
   * `released`); set when the strategy is built or asks for a signal. Saves the release path its
   * checks otherwise.
   */
  private observed = false;
  /** The queued request being granted (reused: draining the queue allocates no request object). */
  private readonly scratchReq: RequestInfo = { clientAddr: '', hashKey: '', sessionKey: '', attempt: 1 };

  constructor(opts: BalancerOptions) {
    this.clock = opts.clock;
    this.strategyName = opts.strategy.name;
    const size = opts.backends.length;
    const p = opts.passive === undefined ? {} : opts.passive;
    this.passive = p === false ? undefined : new PassiveHealth({ ...PASSIVE_DEFAULTS, ...p }, size);
    this.passiveCounts5xx = p !== false && p.count5xx === true;
    this.outlier = opts.outlier ? new OutlierDetector({ ...OUTLIER_DEFAULTS, ...opts.outlier }, size) : undefined;
    this.health = {
      passive: this.passive,
      outlier: this.outlier,
      active: opts.active ? new ActiveHealth({ ...ACTIVE_DEFAULTS, ...opts.active }, size) : undefined,
      slowStart:
        opts.slowStart && (opts.slowStart.windowMs ?? 0) > 0
          ? new SlowStart({ windowMs: 0, minWeightPercent: 10, aggression: 1, ...opts.slowStart }, size)
          : undefined,
      panicThreshold: opts.panicThreshold ?? 50,
    };
    let top = 0;
    let degraded = false;
    for (const spec of opts.backends) {
      top = Math.max(top, priorityOf(spec));
      if (spec.degraded === true) degraded = true;
    }
    const failover = opts.failover ?? { mode: FAILOVER_DEFAULT_MODE };
    if (degraded && (failover === false || failover.mode !== 'envoy')) {
      throw new RangeError(`degraded backends need Envoy failover semantics (failover mode envoy), got ${failover === false ? 'none' : failover.mode}`);
    }
    // Degraded hosts need the tier layer even with one priority level (their own host source).
    this.tiers = failover !== false && (top > 0 || degraded) ? new Tiers(top + 1, failover, degraded) : undefined;
    this.tierRng = this.tiers?.mode === 'envoy' ? opts.rng.fork('priority') : undefined;
    const z = opts.zones;
    const opf = failover === false ? OVERPROVISIONING_DEFAULT_PERCENT : Math.round((failover.overprovisioningFactor ?? OVERPROVISIONING_DEFAULT_PERCENT / 100) * 100);
    this.zones =
      z && z.routing !== 'none'
        ? new Zones(z, this.tiers?.count ?? 1, opf, opts.rng.fork('zones'), opts.rng.fork('zones/runtime'), opts.localZone, opts.localZoneShares)
        : undefined;
    this.recordSource = this.zones !== undefined || this.tiers?.degraded === true;
    this.elig = new Eligibility(this.topo, this.health, this.tiers, this.zones);
    this.view = this.elig.view;
    this.limiter = opts.rateLimit ? new LeakyBucket(opts.rateLimit) : undefined;
    this.limiterKey = (opts.rateLimit && opts.rateLimit.key) || 'global';
    this.connLimit = opts.connLimit ? new ConnLimit(opts.connLimit.perKey) : undefined;
    this.connKey = (opts.connLimit && opts.connLimit.key) || 'client';
    this.queue =
      opts.queue && opts.queue.maxQueue > 0
        ? new BalancerQueue(opts.queue.maxQueue, opts.queue.timeoutMs, opts.clock, opts.timers)
        : undefined;

    for (const spec of opts.backends) this.pushBackend(spec, false);
    const signals: LoadSignals = {
      peakEwma: (o: PeakEwmaOptions): LatencySignal => {
        const s = new PeakEwmaSignal(o, this.topo.n, this.clock.now());
        this.peakSignals.push(s);
        this.observed = true;
        return s;
      },
      leastTime: (o: LeastTimeOptions): LatencySignal => {
        const s = new LeastTimeSignal(o, this.topo.n, this.clock.now());
        this.timeSignals.push(s);
        this.observed = true;
        return s;
      },
    };
    const envFor = (rng: Rng): StrategyEnv => {
      const env: StrategyEnv = {
        rng,
        load: signals,
        create: (name: string, options: unknown): Strategy => {
          const def = opts.resolveStrategy?.(name);
          if (!def) throw new Error(`unknown strategy "${name}"`);
          return def.create(def.options.parse(options ?? {}), { ...env, rng: rng.fork(name) });
        },
      };
      return env;
    };
    const parsed = opts.strategy.options.parse(opts.strategyOptions ?? {});
    this.makeStrategy = (stream: string) => opts.strategy.create(parsed, envFor(opts.rng.fork(stream)));
    this.strategy = opts.strategy.create(parsed, envFor(opts.rng.fork('strategy')));
    this.strategies = [this.strategy];
    // Tier t > 0 gets its own instance and stream (tier 0 keeps the untiered stream).
    for (let t = 1; t < (this.tiers?.count ?? 1); t++) {
      this.strategies.push(opts.strategy.create(parsed, envFor(opts.rng.fork(`strategy/tier-${t}`))));
    }
    // Degraded sources (index count + t): Envoy keeps a scheduler per `DegradedHosts` source
    // (`EdfLoadBalancerBase::refresh`), so each gets its own instance and stream.
    if (this.tiers?.degraded === true) {
      for (let t = 0; t < this.tiers.count; t++) {
        this.strategies.push(opts.strategy.create(parsed, envFor(opts.rng.fork(`strategy/tier-${t}/degraded`))));
      }
    }
    this.observed ||= this.outlier !== undefined || this.strategy.released !== undefined;
    for (const s of this.strategies) s.rebuild?.(this.topo.specs);
    if (this.zones) {
      this.instances.push(...this.strategies);
      for (let t = 0; t < this.zones.tierCount; t++) this.zoneInstance.push([]);
    }
    this.elig.recompute(this.clock.now());
  }

  // ---------------------------------------------------------------- topology

  /**
   * Appends a backend slot. `resizeHealth` is false in the constructor, whose mechanisms are already
   * created at the initial size (resizing per backend there made construction O(n²)).
   */
  private pushBackend(spec: BackendSpec, resizeHealth = true): number {
    const i = this.topo.push(spec);
    this.elig.added(i);
    if (resizeHealth) {
      const n = this.topo.n;
      const h = this.health;
      h.passive?.resize(n);
      h.outlier?.resize(n);
      h.active?.resize(n);
      h.slowStart?.resize(n);
    }
    return i;
  }

  /** Adds a backend (autoscaling, admin); it joins through slow start when configured. Returns its index. */
  addBackend(spec: BackendSpec): number {
    if (this.topo.indexOf(spec.id) >= 0) throw new Error(`backend "${spec.id}" already exists`);
    const now = this.clock.now();
    const i = this.pushBackend(spec);
    for (const s of this.peakSignals) s.resize(this.topo.n, now);
    for (const s of this.timeSignals) s.resize(this.topo.n, now);
    this.health.slowStart?.start(i, now);
    for (const s of this.zones ? this.instances : this.strategies) s.rebuild?.(this.topo.specs);
    this.elig.recompute(now);
    return i;
  }

  /**
   * Removes a backend from the pool: no new picks; leases already held still release normally.
   * Its slot (index) is kept so indices stay stable.
   */
  removeBackend(id: string): void {
    this.topo.live[this.topo.requireIndex(id)] = 0;
    this.elig.dirty = true;
  }

  /** Drains (`true`) or undrains a backend: a draining backend gets no new requests. */
  setDraining(id: string, on: boolean): void {
    const i = this.topo.requireIndex(id);
    this.topo.draining[i] = on ? 1 : 0;
    this.elig.dirty = true;
    if (!on) this.health.slowStart?.start(i, this.clock.now());
  }

  /** Overrides a backend's weight at run time (`weight` > 0), or restores the configured one (`null`). */
  setWeight(id: string, weight: number | null): void {
    const i = this.topo.requireIndex(id);
    if (weight !== null && !(weight > 0 && Number.isFinite(weight))) throw new RangeError(`weight must be > 0`);
    this.topo.reweight[i] = weight ?? 0;
    this.elig.dirty = true;
  }

  /** Index of backend `id`, or -1. */
  indexOf(id: string): number {
    return this.topo.indexOf(id);
  }

  /** Descriptors by index (including removed slots). */
  get backends(): readonly BackendSpec[] {
    return this.topo.specs;
  }

  /** Feeds one active health-check result for backend `i` (rise/fall state machine). */
  reportProbe(i: number, ok: boolean): void {
    const active = this.health.active;
    if (active && active.report(i, ok)) this.elig.dirty = true;
  }

  // ---------------------------------------------------------------- admission

  /**
   * Rate limiting for a new request (call once per request, before the first `acquire`):
   * returns the delay in ms before forwarding (0 = now) or {@link REFUSED_RATE_LIMITED}.
   */
  admit(req: Readonly<RequestInfo>): number {
    if (!this.limiter) return 0;
    const d = this.limiter.admit(keyOf(req, this.limiterKey), this.clock.now());
    return d < 0 ? REFUSED_RATE_LIMITED : d;
  }

  // ---------------------------------------------------------------- acquire / release

  /**
   * Picks a backend for `req` and leases it. Returns a handle ≥ 0, or a negative refusal code, or
   * {@link QUEUED} (then the {@link QueueListener} hears about `token` later).
   * @param req request attributes (read now, not kept — except copied when queued)
   * @param token the driver's id for this request (used only when it is queued)
   * @param exclude backend indices already tried by this request (retries)
   */
  acquire(req: Readonly<RequestInfo>, token = 0, exclude?: ArrayLike<number>): number {
    const now = this.clock.now();
    const view = this.view;
    view.now = now;
    const elig = this.elig;
    elig.refresh();
    if (this.tiers !== undefined || this.zones !== undefined) return this.acquireTiered(req, token, exclude);
    let busy = false;
    if ((exclude === undefined || exclude.length === 0) && !elig.anyMaxConn) {
      // The view already shows the base list unless a filtered list or a recompute replaced it
      // (both change the version): no stores, so no write barriers, on the common path.
      const version = elig.baseVersion * 2;
      if (view.version !== version) {
        view.list = elig.baseList;
        view.count = elig.baseCount;
        view.eligible = elig.baseMask;
        view.members = elig.baseMask;
        view.version = version;
      }
    } else busy = elig.filter(exclude);
    let key = '';
    if (this.connLimit) {
      key = keyOf(req, this.connKey);
      if (!this.connLimit.tryAcquire(key)) return REFUSED_CONN_LIMITED;
    }
    if (view.count === 0) {
      if (this.connLimit) this.connLimit.release(key);
      if (!busy) return REFUSED_NO_BACKEND;
      if (!this.queue) return REFUSED_ALL_BUSY;
      return this.queue.push(token, req, exclude, now) ? QUEUED : REFUSED_QUEUE_FULL;
    }
    const i = this.strategy.pick(view, req);
    if (i < 0 || i >= this.topo.n || view.eligible[i] !== 1) {
      if (this.connLimit) this.connLimit.release(key);
      if (i < 0) return REFUSED_NO_BACKEND;
      throw new Error(`strategy ${this.strategyName} picked ineligible backend ${i}`);
    }
    return this.lease(i, key);
  }

  /**
   * {@link acquire} when the backends have failover tiers: the tier comes first (`tiers.ts`), the
   * tier's own strategy instance picks within it. nginx falls through to later tiers per pick
   * (primaries down, full or tried); HAProxy stays in the tier its server states select; Envoy
   * draws a priority with the priority load and, when this request's exclusions or full backends
   * leave nothing there, tries the other priorities in order (lbsim's rule: Envoy's own retry
   * re-selection is not modelled).
   */
  private acquireTiered(req: Readonly<RequestInfo>, token: number, exclude: ArrayLike<number> | undefined): number {
    let key = '';
    if (this.connLimit) {
      key = keyOf(req, this.connKey);
      if (!this.connLimit.tryAcquire(key)) return REFUSED_CONN_LIMITED;
    }
    const i = this.pickTiered(req, exclude);
    if (i >= 0) {
      const h = this.lease(i, key);
      if (this.recordSource) this.leases.source[this.leases.slotOf(h)] = this.pickedBy;
      return h;
    }
    if (this.connLimit) this.connLimit.release(key);
    if (i !== PICK_BUSY) return REFUSED_NO_BACKEND;
    if (!this.queue) return REFUSED_ALL_BUSY;
    return this.queue.push(token, req, exclude, this.view.now) ? QUEUED : REFUSED_QUEUE_FULL;
  }

  /**
   * The tiered pick: a backend index, or {@link PICK_NONE} (nothing eligible), {@link PICK_BUSY}
   * (eligible backends exist but are all at `maxConn`) or {@link PICK_DECLINED} (the strategy
   * returned -1).
   */
  private pickTiered(req: Readonly<RequestInfo>, exclude: ArrayLike<number> | undefined): number {
    const tiers = this.tiers;
    if (tiers === undefined) {
      const i = this.pickIn(0, req, exclude);
      return i === PICK_FAILED ? PICK_NONE : i;
    }
    const first = tiers.firstTier(this.tierRng ? this.tierRng.int(100) : 0);
    let busy = false;
    // Host sources: the tiers, then (with degraded hosts) each tier's degraded hosts.
    const T = tiers.sources;
    for (let k = 0; k < T; k++) {
      // Envoy: the drawn source, then the others in order; nginx: 0, 1, …; HAProxy: one tier.
      const t = k === 0 ? first : tiers.mode === 'envoy' ? (k <= first ? k - 1 : k) : first + k;
      if (t >= T) break;
      const i = this.pickIn(t, req, exclude);
      if (i >= 0 || i === PICK_DECLINED) return i;
      if (i === PICK_FAILED) return PICK_NONE;
      if (i === PICK_BUSY) busy = true;
      if (tiers.mode === 'haproxy') break;
    }
    return busy ? PICK_BUSY : PICK_NONE;
  }

  /**
   * The pick within tier `t` (0 without tiers): through the zone layer when there is one (a zone's
   * list and that zone's strategy instance; when the chosen zone shows nothing to this request —
   * its exclusions or full backends — the whole tier, lbsim's rule), else the tier's list.
   * Returns a backend index, {@link PICK_NONE}, {@link PICK_BUSY}, {@link PICK_DECLINED} or
   * {@link PICK_FAILED}.
   */
  private pickIn(t: number, req: Readonly<RequestInfo>, exclude: ArrayLike<number> | undefined): number {
    const elig = this.elig;
    const view = this.view;
    const zones = this.zones;
    let busy = false;
    if (this.tiers !== undefined && t >= this.tiers.count) {
      // A tier's degraded hosts: the whole degraded list, without the zone layer (docs/zones.md).
      this.pickedBy = t;
      if (elig.showTier(t, exclude)) busy = true;
      if (view.count > 0) return this.checkPick(this.strategies[t]!.pick(view, req));
      return busy ? PICK_BUSY : PICK_NONE;
    }
    if (zones !== undefined) {
      const panic = this.tiers === undefined ? elig.panic : this.tiers.panic[t] === 1;
      const z = zones.source(t, panic);
      if (z === ZONE_FAIL) return PICK_FAILED;
      if (z !== ZONE_ALL) {
        busy = elig.showZone(t, z, exclude);
        if (view.count > 0) {
          const k = this.zoneStrategy(t, z);
          this.pickedBy = k;
          return this.checkPick(this.instances[k]!.pick(view, req));
        }
      }
    }
    this.pickedBy = t;
    if (this.tiers === undefined ? elig.showBase(exclude) : elig.showTier(t, exclude)) busy = true;
    if (view.count > 0) return this.checkPick(this.strategies[t]!.pick(view, req));
    return busy ? PICK_BUSY : PICK_NONE;
  }

  /** A strategy's answer: the index, or {@link PICK_DECLINED}; throws on an ineligible pick. */
  private checkPick(i: number): number {
    if (i < 0) return PICK_DECLINED;
    if (i >= this.topo.n || this.view.eligible[i] !== 1) throw new Error(`strategy ${this.strategyName} picked ineligible backend ${i}`);
    return i;
  }

  /**
   * Index in {@link instances} of tier `t`'s strategy instance for zone `z`, created on first use
   * with its own stream (`strategy/zone-<name>`, `strategy/tier-<t>/zone-<name>`), as Envoy keeps
   * one scheduler per locality host source (`EdfLoadBalancerBase::refresh`).
   */
  private zoneStrategy(t: number, z: number): number {
    const row = this.zoneInstance[t]!;
    let k = row[z];
    if (k === undefined) {
      const name = this.zones!.names[z]!;
      const s = this.makeStrategy(t === 0 ? `strategy/zone-${name}` : `strategy/tier-${t}/zone-${name}`);
      s.rebuild?.(this.topo.specs);
      k = this.instances.length;
      this.instances.push(s);
      row[z] = k;
    }
    return k;
  }

  /** Leases backend `i` at `view.now` (read there, not passed: a fractional argument is boxed when the call is not inlined). */
  private lease(i: number, key: string): number {
    const leases = this.leases;
    const slot = leases.open(i);
    leases.start[slot] = this.view.now;
    if (this.connLimit) leases.key[slot] = key;
    this.view.active[i]!++;
    this.view.totalActive++;
    this.topo.requests[i]!++;
    return leases.handleOf(slot);
  }

  /** Backend index held by lease `h`. */
  backendOf(h: number): number {
    return this.leases.backend[this.leases.slotOf(h)]!;
  }

  /** Time at which lease `h` was acquired (driver clock, ms). */
  startOf(h: number): number {
    return this.leases.start[this.leases.slotOf(h)]!;
  }

  /**
   * Ends lease `h`, exactly once. Updates in-flight, load signals, health and the strategy.
   * @param status HTTP status (0 when there was no response)
   * @param latencyMs observed latency (time to response headers in the proxy); when omitted (or
   *   NaN), the time since `acquire` on the balancer's clock, as the simulator wants
   * @param error how the attempt failed, if it did
   * @throws LeaseError on a second release of the same handle
   */
  release(h: number, status: number, latencyMs?: number, error: ErrorKind = 'none'): void {
    const leases = this.leases;
    const slot = leases.slotOf(h);
    const i = leases.backend[slot]!;
    const by = leases.source[slot]!;
    const now = this.clock.now();
    const latency = latencyMs === undefined || latencyMs !== latencyMs ? now - leases.start[slot]! : latencyMs;
    leases.close(slot);
    this.view.active[i]!--;
    this.view.totalActive--;
    if (this.connLimit) {
      this.connLimit.release(leases.key[slot]!);
      leases.key[slot] = '';
    }
    if (error !== 'cancelled') {
      const is5xx = status >= 500;
      const hardError = error !== 'none';
      const failed = hardError || is5xx;
      if (failed) this.topo.failures[i]!++;
      if (this.passive) {
        if (hardError || (is5xx && this.passiveCounts5xx)) {
          if (this.passive.recordFailure(i, now)) this.elig.dirty = true;
        } else this.passive.recordSuccess(i, now);
      }
      if (this.observed) {
        // inline, not a helper: `latency` and `now` passed to a call V8 does not inline are boxed
        if (this.outlier && this.outlier.record(i, failed, now)) this.elig.dirty = true;
        for (let k = 0; k < this.peakSignals.length; k++) this.peakSignals[k]!.observe(i, latency, now);
        // nginx least_time records response times of successful attempts only.
        if (!failed) for (let k = 0; k < this.timeSignals.length; k++) this.timeSignals[k]!.observe(i, latency, now);
        const s =
          this.zones !== undefined
            ? this.instances[by]!
            : this.tiers === undefined
              ? this.strategy
              : this.recordSource
                ? this.strategies[by]!
                : this.strategies[this.tiers.tierOf[i]!]!;
        s.released?.(i, failed, latency, now, this.view.active[i]!);
      }
    }
    if (this.queue !== undefined && this.queue.length > 0) this.drainQueue();
  }

  // ---------------------------------------------------------------- balancer queue

  /** Sets who hears about queued requests (required when `queue` is configured). */
  setQueueListener(l: QueueListener): void {
    if (this.queue) this.queue.listener = l;
  }

  /** Number of requests waiting in the balancer queue. */
  get queued(): number {
    return this.queue ? this.queue.length : 0;
  }

  /** Removes a queued request (its client went away). Returns true if it was waiting. */
  cancelQueued(token: number): boolean {
    return this.queue !== undefined && this.queue.cancel(token);
  }

  /** Grants waiting requests, oldest first, while a backend has room; refuses those timed out. */
  private drainQueue(): void {
    const q = this.queue!;
    const s = this.scratchReq;
    q.expire();
    while (q.length > 0) {
      const exclude = q.head(s);
      this.view.now = this.clock.now();
      this.elig.refresh();
      if (this.tiers !== undefined || this.zones !== undefined) {
        if (!this.drainTiered(q, s, exclude)) break;
        continue;
      }
      this.elig.filter(exclude);
      if (this.view.count === 0) break; // still busy (or nothing eligible): keep waiting
      const token = q.shift();
      let key = '';
      if (this.connLimit) {
        key = keyOf(s, this.connKey);
        if (!this.connLimit.tryAcquire(key)) {
          q.refused(token, REFUSED_CONN_LIMITED);
          continue;
        }
      }
      const i = this.strategy.pick(this.view, s);
      if (i < 0 || this.view.eligible[i] !== 1) {
        if (this.connLimit) this.connLimit.release(key);
        q.refused(token, REFUSED_NO_BACKEND);
        continue;
      }
      q.granted(token, this.lease(i, key));
    }
    q.arm();
  }

  /** Grants (or refuses) the queue's head in a tiered balancer; false while it must keep waiting. */
  private drainTiered(q: BalancerQueue, s: RequestInfo, exclude: ArrayLike<number> | undefined): boolean {
    const i = this.pickTiered(s, exclude);
    // Still busy, or nothing eligible: keep waiting (as the untiered path does).
    if (i === PICK_BUSY || i === PICK_NONE) return false;
    if (i === PICK_DECLINED) {
      q.refused(q.shift(), REFUSED_NO_BACKEND);
      return true;
    }
    const token = q.shift();
    let key = '';
    if (this.connLimit) {
      key = keyOf(s, this.connKey);
      if (!this.connLimit.tryAcquire(key)) {
        q.refused(token, REFUSED_CONN_LIMITED);
        return true;
      }
    }
    const h = this.lease(i, key);
    if (this.recordSource) this.leases.source[this.leases.slotOf(h)] = this.pickedBy;
    q.granted(token, h);
    return true;
  }

  // ---------------------------------------------------------------- introspection

  /** Leases currently held (acquired and not yet released). Zero after a clean run. */
  get leasesOutstanding(): number {
    return this.leases.outstanding;
  }

  /** In-flight count of backend `i`. */
  activeOf(i: number): number {
    return this.view.active[i]!;
  }

  /** True when fewer than the panic threshold of backends are healthy (balancing over all). */
  get inPanic(): boolean {
    this.refreshNow();
    return this.elig.panic;
  }

  /** Number of backends currently eligible for a first attempt (before maxConn/retry filtering). */
  get eligibleCount(): number {
    this.refreshNow();
    return this.elig.baseCount;
  }

  /**
   * State of backend `i` now, as a code (`BACKEND_UP`, `BACKEND_DOWN`, `BACKEND_EJECTED`,
   * `BACKEND_DRAINING`, `BACKEND_REMOVED`; names in `BACKEND_STATES`): the `state` of
   * {@link status}'s row `i` without building the rows. Brings eligibility up to date at the
   * clock's time, as `status()` does. Allocates nothing.
   * @throws RangeError when `i` is not a backend index
   */
  backendState(i: number): number {
    if (!(Number.isInteger(i) && i >= 0 && i < this.topo.n)) throw new RangeError(`no backend at index ${i}`);
    this.refreshNow();
    return this.elig.stateOf(i);
  }

  /**
   * Envoy failover mode: the priority load now, percent per tier for its healthy and its degraded
   * hosts (`priority-load.ts`); undefined without Envoy tiers. Allocates (reports and tests).
   */
  priorityLoad(): { healthy: number[]; degraded: number[] } | undefined {
    const tiers = this.tiers;
    if (tiers === undefined || tiers.mode !== 'envoy') return undefined;
    this.refreshNow();
    return { healthy: Array.from(tiers.load), degraded: Array.from(tiers.degradedLoad) };
  }

  /** Status of every backend (allocates: for admin pages and metrics, not the hot path). */
  status(): BackendStatus[] {
    this.refreshNow();
    return statusRows(this.topo, this.elig, this.health);
  }

  /** Brings eligibility up to date at the clock's time (outside a pick; the view's time is only read during picks). */
  private refreshNow(): void {
    this.view.now = this.clock.now();
    this.elig.refresh();
  }
}
