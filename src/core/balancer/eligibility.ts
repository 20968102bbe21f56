/**
 * Eligibility: which backends a strategy may pick, and at what effective weight.
 *
 * Base eligibility = live, not draining, and healthy: not down by passive health (nginx
 * `max_fails`/`fail_timeout`), not ejected (Envoy outlier detection), not down by active checks —
 * unless fewer than the panic threshold are healthy, when all members are eligible (Envoy panic
 * mode, `LoadBalancerBase::isHostSetInPanic`; see `health/panic.ts`). Per pick the base list
 * is filtered further: backends already tried by this request (retries) and backends at their
 * `maxConn` (HAProxy `maxconn`; the request then waits in the balancer queue). Effective weight =
 * configured weight (or runtime re-weight) × slow-start ramp (Envoy slow start).
 *
 * Recomputing is lazy: on a health or topology change (`dirty`), when a timed transition falls due
 * (a passive ban or an ejection ends), and — weights only — while a slow-start ramp runs. The result
 * is published through one long-lived {@link PickView} whose `version` changes with its contents.
 */
import type { BackendSpec } from '../backend.js';
import type { ActiveHealth } from '../health/active.js';
import type { OutlierDetector } from '../health/outlier.js';
import { inPanic } from '../health/panic.js';
import type { PassiveHealth } from '../health/passive.js';
import type { SlowStart } from '../health/slow-start.js';
import type { PickView } from '../view.js';
import { BACKEND_DOWN, BACKEND_DRAINING, BACKEND_EJECTED, BACKEND_REMOVED, BACKEND_UP } from './codes.js';
import { grow } from './grow.js';
import type { Tiers } from './tiers.js';
import type { Zones } from './zones.js';
import type { Topology } from './topology.js';

/** The health mechanisms that decide eligibility; each is optional. */
export interface HealthMechanisms {
  passive: PassiveHealth | undefined;
  outlier: OutlierDetector | undefined;
  active: ActiveHealth | undefined;
  slowStart: SlowStart | undefined;
  /** Panic threshold in percent; 0 disables. */
  panicThreshold: number;
}

/** The mutable object behind {@link PickView}; only the balancer writes it. */
export class PoolView implements PickView {
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
  members: Uint8Array = new Uint8Array(0);
  membersVersion = 0;
}

/** Eligible lists, masks and effective weights over a {@link Topology}, kept current lazily. */
export class Eligibility {
  /** What the strategy sees; `list`, `count`, `eligible` and `version` show the base list (set by the balancer's pick) or a per-pick list ({@link filter}). */
  readonly view = new PoolView();
  /** Set by anything that may change eligibility; the next {@link refresh} recomputes. */
  dirty = true;
  /** True when fewer than the panic threshold of members are healthy. */
  panic = false;
  /** Number of backends in the base list. */
  baseCount = 0;
  /** 1 per backend in the base list. */
  baseMask = new Uint8Array(0);
  /** The base list: indices of the eligible backends, ascending; the first {@link baseCount} are valid. */
  baseList = new Int32Array(0);
  /** True once any backend has a `maxConn`: every pick must then filter out full backends. */
  anyMaxConn = false;
  private up = new Uint8Array(0); // healthy, as of the last recompute
  private pickMask = new Uint8Array(0);
  private pickList = new Int32Array(0);
  private nextChangeAt = Infinity;
  private rampUntil = -Infinity;
  /**
   * Version of the base list and weights. The view shows `baseVersion × 2` exactly when it shows
   * the current base list: filtered lists get odd versions, and a recompute bumps this one.
   */
  baseVersion = 0;
  private filterSeq = 0;

  /**
   * @param tiers failover tiers (`tiers.ts`) when the backends have priorities: the base list is
   *   then the union of the tiers' lists and a pick is shown one tier ({@link showTier})
   */
  constructor(
    private readonly topo: Topology,
    private readonly health: HealthMechanisms,
    readonly tiers?: Tiers,
    readonly zones?: Zones,
  ) {
    this.view.specs = topo.specs;
  }

  /** Makes room for backend `i` just appended to the topology (healthy until told otherwise). */
  added(i: number): void {
    const n = this.topo.n;
    const view = this.view;
    view.size = n;
    view.weight = grow(view.weight, n);
    view.active = grow(view.active, n);
    this.up = grow(this.up, n);
    this.baseMask = grow(this.baseMask, n);
    this.baseList = grow(this.baseList, n);
    this.pickMask = grow(this.pickMask, n);
    this.pickList = grow(this.pickList, n);
    this.up[i] = 1;
    this.tiers?.added(this.topo, i);
    this.zones?.added(this.topo, i);
    if (this.topo.specs[i]!.maxConn > 0) this.anyMaxConn = true;
    this.dirty = true;
  }

  /**
   * Recomputes eligibility and weights at `view.now` if anything changed or a timed transition is
   * due. The time is read from the view, not passed: a fractional argument is boxed (allocated)
   * when V8 does not inline the call, and whether it does depends on the caller.
   */
  refresh(): void {
    const now = this.view.now;
    if (this.dirty || now >= this.nextChangeAt) this.recompute(now);
    else if (now < this.rampUntil + 1) this.recomputeWeights(now);
  }

  /** Recomputes the base list, the panic flag and the weights at `now`. */
  recompute(now: number): void {
    const { live, draining, n } = this.topo;
    const { passive, outlier, active, slowStart } = this.health;
    let healthy = 0;
    let pool = 0;
    let next = Infinity;
    for (let i = 0; i < n; i++) {
      if (live[i] === 0 || draining[i] === 1) {
        this.up[i] = 0;
        continue;
      }
      pool++;
      const down =
        (passive !== undefined && passive.isDown(i, now)) ||
        (outlier !== undefined && outlier.isEjected(i, now)) ||
        (active !== undefined && active.isDown(i));
      if (!down) {
        healthy++;
        if (this.up[i] === 0) slowStart?.start(i, now); // recovered
      }
      this.up[i] = down ? 0 : 1;
    }
    if (passive) next = Math.min(next, passive.nextChange(now));
    if (outlier) next = Math.min(next, outlier.nextChange(now));
    this.nextChangeAt = next;
    // Health, panic, drain or membership may have changed: the host sets are new.
    this.view.membersVersion++;
    if (this.tiers !== undefined) {
      this.baseCount = this.tiers.recompute(this.topo, this.up, this.health.panicThreshold, this.baseMask, this.baseList);
      this.panic = this.tiers.anyPanic();
      this.zones?.recompute(this.topo, this.tiers.tierOf, this.tiers.masks, this.up);
      this.dirty = false;
      this.baseVersion++;
      this.recomputeWeights(now);
      return;
    }
    this.panic = healthy < pool && inPanic(healthy, pool, this.health.panicThreshold);
    let c = 0;
    for (let i = 0; i < n; i++) {
      const ok = live[i] === 1 && draining[i] === 0 && (this.panic || this.up[i] === 1);
      this.baseMask[i] = ok ? 1 : 0;
      if (ok) this.baseList[c++] = i;
    }
    this.baseCount = c;
    this.zones?.recompute(this.topo, undefined, [this.baseMask], this.up);
    this.dirty = false;
    this.baseVersion++;
    this.recomputeWeights(now);
  }

  private recomputeWeights(now: number): void {
    const w = this.view.weight;
    const slowStart = this.health.slowStart;
    for (let i = 0; i < this.topo.n; i++) {
      const base = this.topo.weightOf(i);
      w[i] = slowStart ? base * slowStart.factor(i, now) : base;
    }
    this.baseVersion++;
    this.tiers?.bump();
    this.zones?.bump();
    this.rampUntil = slowStart ? slowStart.rampingUntil() : -Infinity;
  }

  /** Builds the per-pick list: base eligibility minus excluded and full backends. Returns true if some were full. */
  filter(exclude: ArrayLike<number> | undefined): boolean {
    return this.filterFrom(this.baseMask, exclude);
  }

  /**
   * Shows tier `t`'s list to the strategy (see `tiers.ts`): as it is, with the tier's own version,
   * when nothing is excluded and no backend has a `maxConn`; else filtered like {@link filter}.
   * Returns true if backends were full and none is left.
   */
  showTier(t: number, exclude: ArrayLike<number> | undefined): boolean {
    const tiers = this.tiers!;
    if ((exclude === undefined || exclude.length === 0) && !this.anyMaxConn) {
      const view = this.view;
      view.list = tiers.lists[t]!;
      view.count = tiers.counts[t]!;
      view.eligible = tiers.masks[t]!;
      view.members = tiers.masks[t]!;
      view.version = tiers.versions[t]!;
      return false;
    }
    return this.filterFrom(tiers.masks[t]!, exclude);
  }

  /**
   * Shows the base list (no tiers) as the untiered pick does: as it is when nothing is excluded
   * and no backend has a `maxConn`, else filtered. Returns true if backends were full and none is left.
   */
  showBase(exclude: ArrayLike<number> | undefined): boolean {
    if ((exclude === undefined || exclude.length === 0) && !this.anyMaxConn) {
      const view = this.view;
      view.list = this.baseList;
      view.count = this.baseCount;
      view.eligible = this.baseMask;
      view.members = this.baseMask;
      view.version = this.baseVersion * 2;
      return false;
    }
    return this.filter(exclude);
  }

  /**
   * Shows zone `z`'s list of tier `t` (see `zones.ts`), like {@link showTier}. Returns true if
   * backends were full and none is left.
   */
  showZone(t: number, z: number, exclude: ArrayLike<number> | undefined): boolean {
    const zones = this.zones!;
    if ((exclude === undefined || exclude.length === 0) && !this.anyMaxConn) {
      const view = this.view;
      view.list = zones.lists[t]![z]!;
      view.count = zones.counts[t]![z]!;
      view.eligible = zones.masks[t]![z]!;
      view.members = zones.masks[t]![z]!;
      view.version = zones.versions[t]![z]!;
      return false;
    }
    return this.filterFrom(zones.masks[t]![z]!, exclude);
  }

  private filterFrom(base: Uint8Array, exclude: ArrayLike<number> | undefined): boolean {
    const view = this.view;
    const mask = this.pickMask;
    const n = this.topo.n;
    let busy = false;
    for (let i = 0; i < n; i++) mask[i] = base[i]!;
    if (exclude) for (let k = 0; k < exclude.length; k++) mask[exclude[k]!] = 0;
    if (this.anyMaxConn) {
      const active = view.active;
      const specs = this.topo.specs;
      for (let i = 0; i < n; i++) {
        const m = specs[i]!.maxConn;
        if (mask[i] === 1 && m > 0 && active[i]! >= m) {
          mask[i] = 0;
          busy = true;
        }
      }
    }
    let c = 0;
    for (let i = 0; i < n; i++) if (mask[i] === 1) this.pickList[c++] = i;
    view.list = this.pickList;
    view.count = c;
    view.eligible = mask;
    view.members = base;
    // A filtered list may differ from the last one: give it a fresh (odd) version.
    this.filterSeq++;
    view.version = this.filterSeq * 2 + 1;
    return busy && c === 0;
  }

  /** State code of backend `i` at `view.now` (see `codes.ts`), read from the mechanisms directly. */
  stateOf(i: number): number {
    const now = this.view.now;
    const { passive, outlier, active } = this.health;
    if (this.topo.live[i] === 0) return BACKEND_REMOVED;
    if (this.topo.draining[i] === 1) return BACKEND_DRAINING;
    if (outlier !== undefined && outlier.isEjected(i, now)) return BACKEND_EJECTED;
    if ((passive !== undefined && passive.isDown(i, now)) || (active !== undefined && active.isDown(i))) return BACKEND_DOWN;
    return BACKEND_UP;
  }
}
