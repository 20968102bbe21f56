/**
 * The Balancer: one strategy + the load signals, health state and limits around it, driven by a
 * clock it is handed. Both drivers use it the same way: the simulator on virtual time, the proxy on
 * real time.
 *
 *   admit(req)          → delay before forwarding (rate limit, nginx `limit_req`) or a refusal
 *   acquire(req, token) → a lease handle (≥ 0) on one backend, or a refusal code (< 0), or QUEUED
 *   release(h, status, latencyMs, error) exactly once per lease → updates load, health, strategy
 *
 * Leases are integer handles into typed arrays (slot + generation), so acquiring and releasing
 * allocates nothing and a second release of the same handle is detected and refused.
 *
 * Eligibility (what the strategy may pick) = live, not draining, not down by passive health (nginx
 * max_fails/fail_timeout), not ejected (Envoy outlier detection), not down by active checks —
 * unless fewer than the panic threshold are healthy (Envoy panic mode: balance over all) — and, per
 * pick, not already tried by this request and below its `maxConn` (HAProxy maxconn; the rest waits
 * in the balancer queue, HAProxy maxqueue / timeout queue). Effective weight = weight × re-weight ×
 * slow-start ramp (Envoy slow start).
 */
import type { BackendSpec } from './backend.js';
import type { Cancel, Clock, Timers } from './clock.js';
import type { Rng } from './rng.js';
import type {
  LatencySignal,
  LeastTimeOptions,
  LoadSignals,
  PeakEwmaOptions,
  Strategy,
  StrategyDef,
  StrategyEnv,
} from './strategy.js';
import type { PickView, RequestInfo } from './view.js';
import { PeakEwmaSignal } from './load/peak-ewma.js';
import { LeastTimeSignal } from './load/least-time.js';
import { PassiveHealth, type PassiveOptions, PASSIVE_DEFAULTS } from './health/passive.js';
import { OutlierDetector, type OutlierOptions, OUTLIER_DEFAULTS } from './health/outlier.js';
import { ActiveHealth, type ActiveOptions, ACTIVE_DEFAULTS } from './health/active.js';
import { SlowStart, type SlowStartOptions } from './health/slow-start.js';
import { inPanic } from './health/panic.js';
import { LeakyBucket, type RateLimitOptions } from './limits/leaky-bucket.js';
import { ConnLimit } from './limits/conn-limit.js';
import { WaitQueue } from './limits/queue.js';

/** No backend is eligible (all down, drained, or excluded by retries). */
export const REFUSED_NO_BACKEND = -1;
/** The rate limiter rejected the request (nginx limit_req). */
export const REFUSED_RATE_LIMITED = -2;
/** Every eligible backend is at maxConn and the balancer queue is full. */
export const REFUSED_QUEUE_FULL = -3;
/** The request waits in the balancer queue; the listener will be told `granted` or `refused`. */
export const QUEUED = -4;
/** The per-key concurrency limit is reached (nginx limit_conn). */
export const REFUSED_CONN_LIMITED = -5;
/** The request waited in the balancer queue longer than `queue.timeoutMs`. */
export const REFUSED_QUEUE_TIMEOUT = -6;
/** Every eligible backend is at maxConn and there is no balancer queue. */
export const REFUSED_ALL_BUSY = -7;

/** Why a request was refused, in words (used in results, metrics and 503 bodies). */
export type RefusalReason =
  | 'no-backend'
  | 'rate-limited'
  | 'queue-full'
  | 'conn-limited'
  | 'queue-timeout'
  | 'all-busy';

/** Maps a negative refusal code to its reason. */
export function refusalReason(code: number): RefusalReason {
  switch (code) {
    case REFUSED_RATE_LIMITED:
      return 'rate-limited';
    case REFUSED_QUEUE_FULL:
      return 'queue-full';
    case REFUSED_CONN_LIMITED:
      return 'conn-limited';
    case REFUSED_QUEUE_TIMEOUT:
      return 'queue-timeout';
    case REFUSED_ALL_BUSY:
      return 'all-busy';
    default:
      return 'no-backend';
  }
}

/**
 * How an attempt ended, as the driver saw it. `none` with a status is a response;
 * `cancelled` (client went away, hedge lost) has no effect on health or latency signals.
 */
export type ErrorKind = 'none' | 'connect' | 'timeout' | 'reset' | 'cancelled';

/** Which request attribute keys a per-key limit. */
export type LimitKey = 'global' | 'client' | 'session' | 'hash';

/** Options of a {@link Balancer}. Every mechanism is optional; defaults follow nginx/Envoy. */
export interface BalancerOptions {
  /** Initial backends (positions become their indices). */
  backends: readonly BackendSpec[];
  /** The strategy definition (from the registry) and its already-validated options. */
  strategy: StrategyDef<any>;
  strategyOptions?: unknown;
  /** Looks up other strategies by name, for wrappers such as `sticky` (the registry's `findStrategy`). */
  resolveStrategy?: (name: string) => StrategyDef<any> | undefined;
  /** The driver's clock. */
  clock: Clock;
  /** The driver's timers; needed only for the balancer queue timeout. */
  timers?: Timers;
  /** Randomness; the strategy receives `rng.fork('strategy')`. */
  rng: Rng;
  /** Passive health (nginx max_fails/fail_timeout). Default on with nginx defaults; `false` disables. */
  passive?: (Partial<PassiveOptions> & { count5xx?: boolean }) | false;
  /** Outlier ejection (Envoy consecutive 5xx). Default off. */
  outlier?: Partial<OutlierOptions> | false;
  /** Active health-check state (rise/fall), fed through {@link Balancer.reportProbe}. Default off. */
  active?: Partial<ActiveOptions> | false;
  /** Panic threshold in percent (Envoy default 50); 0 disables. */
  panicThreshold?: number;
  /** Slow start after join or recovery (Envoy). Default off. */
  slowStart?: Partial<SlowStartOptions> | false;
  /** Leaky-bucket rate limit applied by {@link Balancer.admit}. Default off. */
  rateLimit?: (RateLimitOptions & { key?: LimitKey }) | false;
  /** Concurrent requests per key (nginx limit_conn). Default off. */
  connLimit?: { perKey: number; key?: LimitKey } | false;
  /** Balancer queue for requests when every eligible backend is at maxConn (HAProxy). Default off. */
  queue?: { maxQueue: number; timeoutMs: number } | false;
}

/** Receives the outcome of a queued request (see {@link QUEUED}). */
export interface QueueListener {
  /** The request identified by `token` now holds lease `handle`. */
  granted(token: number, handle: number): void;
  /** The request identified by `token` was refused (`code` < 0) while waiting. */
  refused(token: number, code: number): void;
}

/** A point-in-time description of one backend for status pages and metrics. */
export interface BackendStatus {
  index: number;
  id: string;
  weight: number;
  effectiveWeight: number;
  active: number;
  eligible: boolean;
  state: 'up' | 'down' | 'ejected' | 'draining' | 'removed';
  passiveDown: boolean;
  ejected: boolean;
  activeDown: boolean;
  draining: boolean;
  requests: number;
  failures: number;
}

/** Thrown when a lease handle is released twice or was never issued: a driver bug. */
export class LeaseError extends Error {
  override name = 'LeaseError';
}

// A handle is gen × 2^21 + slot and must stay below 2^30 so V8 keeps it a small integer (Smi):
// a boxed handle would allocate on every acquire/release. 2^21 (2M) concurrent leases per balancer,
// and a slot's generation wraps after 512 reuses (a stale handle is caught unless it is exactly
// 512 reuses old).
const SLOT_SPACE = 2097152;
const GEN_LIMIT = 512;

/** The mutable view object behind {@link PickView}; only the balancer writes it. */
class View implements PickView {
  size = 0;
  specs: BackendSpec[] = [];
  list: Int32Array = new Int32Array(0);
  count = 0;
  eligible: Uint8Array = new Uint8Array(0);
  weight: Float64Array = new Float64Array(0);
  active: Int32Array = new Int32Array(0);
  totalActive = 0;
  now = 0;
  version = 0;
}

function grow<T extends Int32Array | Float64Array | Uint8Array>(a: T, n: number, fill = 0): T {
  if (a.length >= n) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, a.length * 2, 8));
  b.set(a);
  if (fill !== 0) b.fill(fill, a.length);
  return b;
}

/** A load balancer instance: strategy, load, health and limits for one pool of backends. */
export class Balancer {
  /** The strategy's registry name. */
  readonly strategyName: string;
  private readonly clock: Clock;
  private readonly timers: Timers | undefined;
  private readonly strategy: Strategy;
  private readonly view = new View();

  // Per-backend state, indexed by position.
  private n = 0;
  private specs: BackendSpec[] = [];
  private live = new Uint8Array(0); // 1 while a member of the pool
  private draining = new Uint8Array(0);
  private reweight = new Float64Array(0); // runtime weight override, 0 = none
  private up = new Uint8Array(0); // healthy, as of the last recompute
  private baseMask = new Uint8Array(0);
  private baseList = new Int32Array(0);
  private baseCount = 0;
  private pickMask = new Uint8Array(0);
  private pickList = new Int32Array(0);
  private requests = new Float64Array(0);
  private failures = new Float64Array(0);
  private anyMaxConn = false;
  /** Version of the base list and weights; the view shows it as an even number (filtered lists get odd ones). */
  private baseVersion = 0;
  /** True when the view currently shows a per-pick filtered list rather than the base list. */
  private filtered = false;
  private filterSeq = 0;

  // Mechanisms.
  private readonly passive: PassiveHealth | undefined;
  private readonly passiveCounts5xx: boolean;
  private readonly outlier: OutlierDetector | undefined;
  private readonly activeHealth: ActiveHealth | undefined;
  private readonly panicThreshold: number;
  private readonly slowStart: SlowStart | undefined;
  private readonly limiter: LeakyBucket | undefined;
  private readonly limiterKey: LimitKey;
  private readonly connLimit: ConnLimit | undefined;
  private readonly connKey: LimitKey;
  private readonly queue: WaitQueue | undefined;
  private readonly queueTimeoutMs: number;
  private readonly peakSignals: PeakEwmaSignal[] = [];
  private readonly timeSignals: LeastTimeSignal[] = [];
  /**
   * Whether anything watches finished attempts (outlier detection, a load signal, a strategy's
   * `released`); set when the strategy is built or asks for a signal. Saves the release path its
   * checks otherwise.
   */
  private observed = false;

  // Recompute bookkeeping.
  private dirty = true;
  private nextChangeAt = Infinity;
  private rampUntil = -Infinity;
  private panic = false;

  // Leases.
  private lBackend = new Int32Array(0);
  private lStart = new Float64Array(0);
  private lGen = new Int32Array(0);
  private lKey: string[] = [];
  private free = new Int32Array(0);
  private freeTop = 0;
  private slots = 0;
  private outstanding = 0;

  // Queue bookkeeping (only when queue is configured).
  private listener: QueueListener | undefined;
  private qReq = new Map<number, { req: RequestInfo; exclude: number[] | undefined }>();
  private qTimer: Cancel | undefined;
  private qTimerAt = Infinity;
  private readonly scratchReq: RequestInfo = { clientAddr: '', hashKey: '', sessionKey: '', attempt: 1 };

  constructor(opts: BalancerOptions) {
    this.clock = opts.clock;
    this.timers = opts.timers;
    this.strategyName = opts.strategy.name;
    const size = opts.backends.length;
    const p = opts.passive === undefined ? {} : opts.passive;
    this.passive = p === false ? undefined : new PassiveHealth({ ...PASSIVE_DEFAULTS, ...p }, size);
    this.passiveCounts5xx = p !== false && p.count5xx === true;
    this.outlier = opts.outlier ? new OutlierDetector({ ...OUTLIER_DEFAULTS, ...opts.outlier }, size) : undefined;
    this.activeHealth = opts.active ? new ActiveHealth({ ...ACTIVE_DEFAULTS, ...opts.active }, size) : undefined;
    this.panicThreshold = opts.panicThreshold ?? 50;
    this.slowStart =
      opts.slowStart && (opts.slowStart.windowMs ?? 0) > 0
        ? new SlowStart({ windowMs: 0, minWeightPercent: 10, aggression: 1, ...opts.slowStart }, size)
        : undefined;
    this.limiter = opts.rateLimit ? new LeakyBucket(opts.rateLimit) : undefined;
    this.limiterKey = (opts.rateLimit && opts.rateLimit.key) || 'global';
    this.connLimit = opts.connLimit ? new ConnLimit(opts.connLimit.perKey) : undefined;
    this.connKey = (opts.connLimit && opts.connLimit.key) || 'client';
    this.queue = opts.queue && opts.queue.maxQueue > 0 ? new WaitQueue(opts.queue.maxQueue) : undefined;
    this.queueTimeoutMs = opts.queue ? opts.queue.timeoutMs : 0;

    for (const spec of opts.backends) this.pushBackend(spec, false);
    const signals: LoadSignals = {
      peakEwma: (o: PeakEwmaOptions): LatencySignal => {
        const s = new PeakEwmaSignal(o, this.n, this.clock.now());
        this.peakSignals.push(s);
        this.observed = true;
        return s;
      },
      leastTime: (o: LeastTimeOptions): LatencySignal => {
        const s = new LeastTimeSignal(o, this.n, this.clock.now());
        this.timeSignals.push(s);
        this.observed = true;
        return s;
      },
    };
    const rng = opts.rng.fork('strategy');
    const env: StrategyEnv = {
      rng,
      load: signals,
      create: (name: string, options: unknown): Strategy => {
        const def = opts.resolveStrategy?.(name);
        if (!def) throw new Error(`unknown strategy "${name}"`);
        return def.create(def.options.parse(options ?? {}), { ...env, rng: rng.fork(name) });
      },
    };
    const parsed = opts.strategy.options.parse(opts.strategyOptions ?? {});
    this.strategy = opts.strategy.create(parsed, env);
    this.observed ||= this.outlier !== undefined || this.strategy.released !== undefined;
    this.strategy.rebuild?.(this.specs);
    this.recompute(this.clock.now());
  }

  // ---------------------------------------------------------------- topology

  /**
   * Appends a backend slot. `resizeHealth` is false in the constructor, whose mechanisms are already
   * created at the initial size (resizing per backend there made construction O(n²)).
   */
  private pushBackend(spec: BackendSpec, resizeHealth = true): number {
    const i = this.n++;
    const n = this.n;
    this.specs.push(spec);
    this.view.specs = this.specs;
    this.view.size = n;
    this.live = grow(this.live, n);
    this.draining = grow(this.draining, n);
    this.reweight = grow(this.reweight, n);
    this.up = grow(this.up, n);
    this.baseMask = grow(this.baseMask, n);
    this.baseList = grow(this.baseList, n);
    this.pickMask = grow(this.pickMask, n);
    this.pickList = grow(this.pickList, n);
    this.requests = grow(this.requests, n);
    this.failures = grow(this.failures, n);
    this.view.weight = grow(this.view.weight, n);
    this.view.active = grow(this.view.active, n);
    this.live[i] = 1;
    this.draining[i] = 0;
    this.reweight[i] = 0;
    this.up[i] = 1;
    if (spec.maxConn > 0) this.anyMaxConn = true;
    if (resizeHealth) {
      this.passive?.resize(n);
      this.outlier?.resize(n);
      this.activeHealth?.resize(n);
      this.slowStart?.resize(n);
    }
    this.dirty = true;
    return i;
  }

  /** Adds a backend (autoscaling, admin); it joins through slow start when configured. Returns its index. */
  addBackend(spec: BackendSpec): number {
    if (this.indexOf(spec.id) >= 0) throw new Error(`backend "${spec.id}" already exists`);
    const now = this.clock.now();
    const i = this.pushBackend(spec);
    for (const s of this.peakSignals) s.resize(this.n, now);
    for (const s of this.timeSignals) s.resize(this.n, now);
    this.slowStart?.start(i, now);
    this.strategy.rebuild?.(this.specs);
    this.recompute(now);
    return i;
  }

  /**
   * Removes a backend from the pool: no new picks; leases already held still release normally.
   * Its slot (index) is kept so indices stay stable.
   */
  removeBackend(id: string): void {
    const i = this.requireIndex(id);
    this.live[i] = 0;
    this.dirty = true;
  }

  /** Drains (`true`) or undrains a backend: a draining backend gets no new requests. */
  setDraining(id: string, on: boolean): void {
    const i = this.requireIndex(id);
    this.draining[i] = on ? 1 : 0;
    this.dirty = true;
    if (!on) this.slowStart?.start(i, this.clock.now());
  }

  /** Overrides a backend's weight at run time (`weight` > 0), or restores the configured one (`null`). */
  setWeight(id: string, weight: number | null): void {
    const i = this.requireIndex(id);
    if (weight !== null && !(weight > 0 && Number.isFinite(weight))) throw new RangeError(`weight must be > 0`);
    this.reweight[i] = weight ?? 0;
    this.dirty = true;
  }

  /** Index of backend `id`, or -1. */
  indexOf(id: string): number {
    for (let i = 0; i < this.n; i++) if (this.specs[i]!.id === id) return i;
    return -1;
  }

  private requireIndex(id: string): number {
    const i = this.indexOf(id);
    if (i < 0) throw new Error(`unknown backend "${id}"`);
    return i;
  }

  /** Descriptors by index (including removed slots). */
  get backends(): readonly BackendSpec[] {
    return this.specs;
  }

  // ---------------------------------------------------------------- health input

  /** Feeds one active health-check result for backend `i` (rise/fall state machine). */
  reportProbe(i: number, ok: boolean): void {
    if (!this.activeHealth) return;
    if (this.activeHealth.report(i, ok)) this.dirty = true;
  }

  /** Recomputes eligibility and weights if anything changed or a timed transition is due. */
  private refresh(now: number): void {
    if (this.dirty || now >= this.nextChangeAt) this.recompute(now);
    else if (now < this.rampUntil + 1) this.recomputeWeights(now);
  }

  private recompute(now: number): void {
    const n = this.n;
    let healthy = 0;
    let pool = 0;
    let next = Infinity;
    for (let i = 0; i < n; i++) {
      if (this.live[i] === 0 || this.draining[i] === 1) {
        this.up[i] = 0;
        continue;
      }
      pool++;
      const down =
        (this.passive !== undefined && this.passive.isDown(i, now)) ||
        (this.outlier !== undefined && this.outlier.isEjected(i, now)) ||
        (this.activeHealth !== undefined && this.activeHealth.isDown(i));
      if (!down) {
        healthy++;
        if (this.up[i] === 0) this.slowStart?.start(i, now); // recovered
      }
      this.up[i] = down ? 0 : 1;
    }
    if (this.passive) next = Math.min(next, this.passive.nextChange(now));
    if (this.outlier) next = Math.min(next, this.outlier.nextChange(now));
    this.nextChangeAt = next;
    this.panic = healthy < pool && inPanic(healthy, pool, this.panicThreshold);
    let c = 0;
    for (let i = 0; i < n; i++) {
      const ok = this.live[i] === 1 && this.draining[i] === 0 && (this.panic || this.up[i] === 1);
      this.baseMask[i] = ok ? 1 : 0;
      if (ok) this.baseList[c++] = i;
    }
    this.baseCount = c;
    this.dirty = false;
    this.baseVersion++;
    this.recomputeWeights(now);
  }

  private recomputeWeights(now: number): void {
    const w = this.view.weight;
    for (let i = 0; i < this.n; i++) {
      const base = this.reweight[i]! > 0 ? this.reweight[i]! : this.specs[i]!.weight;
      w[i] = this.slowStart ? base * this.slowStart.factor(i, now) : base;
    }
    this.baseVersion++;
    this.rampUntil = this.slowStart ? this.slowStart.rampingUntil() : -Infinity;
  }

  // ---------------------------------------------------------------- admission

  private keyOf(req: Readonly<RequestInfo>, key: LimitKey): string {
    switch (key) {
      case 'client':
        return req.clientAddr;
      case 'session':
        return req.sessionKey;
      case 'hash':
        return req.hashKey;
      default:
        return '';
    }
  }

  /**
   * Rate limiting for a new request (call once per request, before the first `acquire`):
   * returns the delay in ms before forwarding (0 = now) or {@link REFUSED_RATE_LIMITED}.
   */
  admit(req: Readonly<RequestInfo>): number {
    if (!this.limiter) return 0;
    const d = this.limiter.admit(this.keyOf(req, this.limiterKey), this.clock.now());
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
    this.refresh(now);
    const view = this.view;
    view.now = now;
    let busy = false;
    if (exclude === undefined || exclude.length === 0) {
      if (!this.anyMaxConn) {
        // The view already shows the base list unless a filtered list or a recompute replaced it
        // (both change the version): no stores, so no write barriers, on the common path.
        if (this.filtered || view.version !== this.baseVersion * 2) {
          view.list = this.baseList;
          view.count = this.baseCount;
          view.eligible = this.baseMask;
          this.filtered = false;
          view.version = this.baseVersion * 2;
        }
      } else busy = this.filter(undefined);
    } else busy = this.filter(exclude);

    let key = '';
    if (this.connLimit) {
      key = this.keyOf(req, this.connKey);
      if (!this.connLimit.tryAcquire(key)) return REFUSED_CONN_LIMITED;
    }
    if (view.count === 0) {
      if (this.connLimit) this.connLimit.release(key);
      if (busy) {
        if (!this.queue) return REFUSED_ALL_BUSY;
        if (!this.queue.push(token, now)) return REFUSED_QUEUE_FULL;
        this.qReq.set(token, {
          req: { clientAddr: req.clientAddr, hashKey: req.hashKey, sessionKey: req.sessionKey, attempt: req.attempt },
          exclude: exclude && exclude.length > 0 ? Array.from(exclude) : undefined,
        });
        this.armQueueTimer();
        return QUEUED;
      }
      return REFUSED_NO_BACKEND;
    }
    const i = this.strategy.pick(view, req);
    if (i < 0 || i >= this.n || view.eligible[i] !== 1) {
      if (this.connLimit) this.connLimit.release(key);
      if (i < 0) return REFUSED_NO_BACKEND;
      throw new Error(`strategy ${this.strategyName} picked ineligible backend ${i}`);
    }
    return this.lease(i, key);
  }

  /** Builds the per-pick list: base eligibility minus excluded and full backends. Returns true if some were full. */
  private filter(exclude: ArrayLike<number> | undefined): boolean {
    const view = this.view;
    const mask = this.pickMask;
    let busy = false;
    const base = this.baseMask;
    for (let i = 0; i < this.n; i++) mask[i] = base[i]!;
    if (exclude) for (let k = 0; k < exclude.length; k++) mask[exclude[k]!] = 0;
    if (this.anyMaxConn) {
      const active = view.active;
      for (let i = 0; i < this.n; i++) {
        const m = this.specs[i]!.maxConn;
        if (mask[i] === 1 && m > 0 && active[i]! >= m) {
          mask[i] = 0;
          busy = true;
        }
      }
    }
    let c = 0;
    for (let i = 0; i < this.n; i++) if (mask[i] === 1) this.pickList[c++] = i;
    view.list = this.pickList;
    view.count = c;
    view.eligible = mask;
    // A filtered list may differ from the last one: give it a fresh (odd) version.
    this.filtered = true;
    this.filterSeq++;
    view.version = this.filterSeq * 2 + 1;
    return busy && c === 0;
  }

  /** Leases backend `i` at `view.now` (read there, not passed: a fractional argument is boxed when the call is not inlined). */
  private lease(i: number, key: string): number {
    const now = this.view.now;
    let slot: number;
    if (this.freeTop > 0) slot = this.free[--this.freeTop]!;
    else {
      slot = this.slots++;
      if (slot >= SLOT_SPACE) {
        throw new Error(`more than ${SLOT_SPACE} requests in flight on one balancer: the offered load far exceeds capacity for too long`);
      }
      this.lBackend = grow(this.lBackend, this.slots);
      this.lStart = grow(this.lStart, this.slots);
      this.lGen = grow(this.lGen, this.slots);
      this.free = grow(this.free, this.slots);
    }
    this.lBackend[slot] = i;
    this.lStart[slot] = now;
    if (this.connLimit) this.lKey[slot] = key;
    this.view.active[i]!++;
    this.view.totalActive++;
    this.requests[i]!++;
    this.outstanding++;
    return this.lGen[slot]! * SLOT_SPACE + slot;
  }

  private slotOf(h: number): number {
    // Low 21 bits by a mask, and the generation checked by multiplying back rather than `%` and `/`:
    // the simulator passes handles read from a Float64Array, on which V8 does floating-point
    // remainder and division (measured ~4 % of a simulated request). Same outcome for every h: a
    // valid handle is an integer below 2^30; anything else (fractional, negative, NaN, ≥ 2^30)
    // still fails the last comparison.
    const slot = h & (SLOT_SPACE - 1);
    if (!(h >= 0) || slot >= this.slots || this.lBackend[slot]! < 0 || this.lGen[slot]! * SLOT_SPACE + slot !== h) {
      throw new LeaseError(`lease ${h} was already released or never issued`);
    }
    return slot;
  }

  /** Backend index held by lease `h`. */
  backendOf(h: number): number {
    return this.lBackend[this.slotOf(h)]!;
  }

  /** Time at which lease `h` was acquired (driver clock, ms). */
  startOf(h: number): number {
    return this.lStart[this.slotOf(h)]!;
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
    const slot = this.slotOf(h);
    const i = this.lBackend[slot]!;
    const now = this.clock.now();
    const latency = latencyMs === undefined || latencyMs !== latencyMs ? now - this.lStart[slot]! : latencyMs;
    this.lBackend[slot] = -1;
    this.lGen[slot] = (this.lGen[slot]! + 1) & (GEN_LIMIT - 1); // GEN_LIMIT is a power of two
    this.free[this.freeTop++] = slot;
    this.outstanding--;
    this.view.active[i]!--;
    this.view.totalActive--;
    if (this.connLimit) {
      this.connLimit.release(this.lKey[slot]!);
      this.lKey[slot] = '';
    }
    if (error !== 'cancelled') {
      const is5xx = status >= 500;
      const hardError = error !== 'none';
      const failed = hardError || is5xx;
      if (failed) this.failures[i]!++;
      if (this.passive) {
        if (hardError || (is5xx && this.passiveCounts5xx)) {
          if (this.passive.recordFailure(i, now)) this.dirty = true;
        } else this.passive.recordSuccess(i, now);
      }
      if (this.observed) {
        // inline, not a helper: `latency` and `now` passed to a call V8 does not inline are boxed
        if (this.outlier && this.outlier.record(i, failed, now)) this.dirty = true;
        for (let k = 0; k < this.peakSignals.length; k++) this.peakSignals[k]!.observe(i, latency, now);
        // nginx least_time records response times of successful attempts only.
        if (!failed) for (let k = 0; k < this.timeSignals.length; k++) this.timeSignals[k]!.observe(i, latency, now);
        this.strategy.released?.(i, failed, latency, now, this.view.active[i]!);
      }
    }
    if (this.queue !== undefined && this.queue.length > 0) this.drainQueue();
  }

  // ---------------------------------------------------------------- balancer queue

  /** Sets who hears about queued requests (required when `queue` is configured). */
  setQueueListener(l: QueueListener): void {
    this.listener = l;
  }

  /** Number of requests waiting in the balancer queue. */
  get queued(): number {
    return this.queue ? this.queue.length : 0;
  }

  /** Removes a queued request (its client went away). Returns true if it was waiting. */
  cancelQueued(token: number): boolean {
    if (!this.queue || !this.queue.remove(token)) return false;
    this.qReq.delete(token);
    return true;
  }

  private drainQueue(): void {
    const q = this.queue!;
    this.expireQueue();
    while (q.length > 0) {
      const token = q.peekToken();
      const { req: r, exclude } = this.qReq.get(token)!;
      const s = this.scratchReq;
      s.clientAddr = r.clientAddr;
      s.hashKey = r.hashKey;
      s.sessionKey = r.sessionKey;
      s.attempt = r.attempt;
      const now = this.clock.now();
      this.refresh(now);
      this.view.now = now;
      this.filter(exclude);
      if (this.view.count === 0) break; // still busy (or nothing eligible): keep waiting
      q.shift();
      this.qReq.delete(token);
      let key = '';
      if (this.connLimit) {
        key = this.keyOf(s, this.connKey);
        if (!this.connLimit.tryAcquire(key)) {
          this.listener?.refused(token, REFUSED_CONN_LIMITED);
          continue;
        }
      }
      const i = this.strategy.pick(this.view, s);
      if (i < 0 || this.view.eligible[i] !== 1) {
        if (this.connLimit) this.connLimit.release(key);
        this.listener?.refused(token, REFUSED_NO_BACKEND);
        continue;
      }
      const h = this.lease(i, key);
      if (this.listener) this.listener.granted(token, h);
      else throw new Error('queued request granted but no queue listener is set');
    }
    this.armQueueTimer();
  }

  private expireQueue(): void {
    const q = this.queue!;
    const now = this.clock.now();
    while (q.length > 0 && q.peekTime() + this.queueTimeoutMs <= now) {
      const token = q.shift();
      this.qReq.delete(token);
      this.listener?.refused(token, REFUSED_QUEUE_TIMEOUT);
    }
  }

  private readonly onQueueTimer = (): void => {
    this.qTimer = undefined;
    this.qTimerAt = Infinity;
    this.expireQueue();
    this.armQueueTimer();
  };

  private armQueueTimer(): void {
    const q = this.queue;
    if (!q || !this.timers || q.length === 0 || !(this.queueTimeoutMs > 0)) return;
    const at = q.peekTime() + this.queueTimeoutMs;
    if (this.qTimer !== undefined && this.qTimerAt <= at) return;
    this.qTimer?.();
    this.qTimerAt = at;
    this.qTimer = this.timers.after(Math.max(0, at - this.clock.now()), this.onQueueTimer);
  }

  // ---------------------------------------------------------------- introspection

  /** Leases currently held (acquired and not yet released). Zero after a clean run. */
  get leasesOutstanding(): number {
    return this.outstanding;
  }

  /** In-flight count of backend `i`. */
  activeOf(i: number): number {
    return this.view.active[i]!;
  }

  /** True when fewer than the panic threshold of backends are healthy (balancing over all). */
  get inPanic(): boolean {
    this.refresh(this.clock.now());
    return this.panic;
  }

  /** Number of backends currently eligible for a first attempt (before maxConn/retry filtering). */
  get eligibleCount(): number {
    this.refresh(this.clock.now());
    return this.baseCount;
  }

  /** Status of every backend (allocates: for admin pages and metrics, not the hot path). */
  status(): BackendStatus[] {
    const now = this.clock.now();
    this.refresh(now);
    const out: BackendStatus[] = [];
    for (let i = 0; i < this.n; i++) {
      const passiveDown = this.passive?.isDown(i, now) ?? false;
      const ejected = this.outlier?.isEjected(i, now) ?? false;
      const activeDown = this.activeHealth?.isDown(i) ?? false;
      const state: BackendStatus['state'] =
        this.live[i] === 0
          ? 'removed'
          : this.draining[i] === 1
            ? 'draining'
            : ejected
              ? 'ejected'
              : passiveDown || activeDown
                ? 'down'
                : 'up';
      out.push({
        index: i,
        id: this.specs[i]!.id,
        weight: this.reweight[i]! > 0 ? this.reweight[i]! : this.specs[i]!.weight,
        effectiveWeight: this.view.weight[i]!,
        active: this.view.active[i]!,
        eligible: this.baseMask[i] === 1,
        state,
        passiveDown,
        ejected,
        activeDown,
        draining: this.draining[i] === 1,
        requests: this.requests[i]!,
        failures: this.failures[i]!,
      });
    }
    return out;
  }
}
