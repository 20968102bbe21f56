/**
 * Failover tiers: backends carry a priority (0 = primary, 1 = backup, …) and the balancer sends a
 * request to one tier, chosen as the configured proxy chooses it. The strategy then picks within
 * that tier's eligible list and never learns about tiers; each tier has its own strategy instance
 * (its own cursor, ring or table), as each proxy keeps separate state per tier: nginx a separate
 * `peers->next` list of backup peers, HAProxy separate active and backup trees (`lbprm.fwrr.act` /
 * `.bck`), Envoy one load balancer state per host set.
 *
 * Modes (`failover.mode`):
 * - `nginx` — `ngx_http_upstream_get_round_robin_peer` (`src/http/ngx_http_upstream_round_robin.c`):
 *   the primary peers are tried first; when `ngx_http_upstream_get_peer` finds none (every primary
 *   down, failed by `max_fails`, at `max_conns`, or already tried by this request) it switches
 *   `rrp->peers` to the backup list (`peers->next`), clears the tried bits and picks there. So the
 *   switch is per pick: a request whose primaries are all full or tried goes to a backup.
 * - `haproxy` — `recount_servers` / `update_backend_weight` (`src/backend.c`) and every
 *   `*_get_next_server` (`src/lb_fwrr.c`, `lb_fwlc.c`, `lb_chash.c`, …): while any active server is
 *   usable (up, not in maintenance or drained) only active servers are used; otherwise the first
 *   usable backup in configuration order (`lbprm.fbck`), or every usable backup with
 *   `option allbackups` (`PR_O_USE_ALL_BK`). The switch follows server state, not a request: full
 *   servers queue, tried ones are avoided within the same tier.
 * - `envoy` — priority levels (`LoadBalancerBase::chooseHostSet` / `choosePriority`, see
 *   `priority-load.ts`): each pick draws a level with the priority load computed from every level's
 *   health and the overprovisioning factor; a level in panic balances over all its hosts.
 *   Degraded hosts (`BackendSpec.degraded`, Envoy's `health_status: DEGRADED`) have a list of
 *   their own per level: `choosePriority` returns whether the pick goes to the level's healthy or
 *   degraded hosts, and `ZoneAwareLoadBalancerBase::hostSourceToUse` then takes the
 *   `HealthyHosts` or the `DegradedHosts` source (`HostAvailability::Degraded`). With degraded
 *   hosts the layer has `2 × count` sources: tier `t`'s healthy list is source `t`, its degraded
 *   list source `count + t`. A degraded host that fails a health mechanism is unhealthy, as in
 *   Envoy; in panic a level balances over all its members, degraded or not.
 *
 * Health, panic and drain come from the eligibility (`eligibility.ts`): a member is a live,
 * undrained backend; it is healthy when no health mechanism holds it down. For `nginx` and
 * `haproxy`, which have no panic mode, lbsim's panic threshold applies within the tier in use (the
 * single-tier rule generalized: with one tier this is exactly the untiered balancer), and when no
 * tier has a healthy member the primary tier is balanced in panic (threshold > 0) or nothing is
 * eligible. Set `panicThreshold: 0` for the proxies' own behaviour. See docs/tiers.md.
 */
import type { BackendSpec } from '../backend.js';
import { inPanic } from '../health/panic.js';
import { grow } from './grow.js';
import { choosePriority, OVERPROVISIONING_DEFAULT_PERCENT, priorityLoad, type LevelCounts } from './priority-load.js';
import type { Topology } from './topology.js';

/** Which proxy's failover semantics a tiered balancer follows. */
export type FailoverMode = 'nginx' | 'haproxy' | 'envoy';

/** Failover settings of a balancer whose backends have priorities. */
export interface FailoverOptions {
  mode: FailoverMode;
  /** HAProxy `option allbackups`: use every usable backup, not only the first. */
  allBackups?: boolean;
  /** Envoy `overprovisioning_factor` as a factor (1.4 = Envoy's default 140). */
  overprovisioningFactor?: number;
}

/** The failover mode used when backends have priorities and no `failover` is given. */
export const FAILOVER_DEFAULT_MODE: FailoverMode = 'envoy';

/** Priority of a backend descriptor (0 when unset). */
export function priorityOf(spec: BackendSpec): number {
  return spec.priority ?? 0;
}

/** Per-tier eligible lists over a {@link Topology}, recomputed with the eligibility. */
export class Tiers {
  /** Number of tiers (highest priority + 1). */
  readonly count: number;
  readonly mode: FailoverMode;
  /** Tier of each backend position. */
  tierOf = new Uint8Array(0);
  /**
   * Host sources: `count`, or `2 × count` with degraded hosts (source `count + t` = tier `t`'s
   * degraded hosts). The per-source arrays below have this length.
   */
  readonly sources: number;
  /** True when some backend is degraded (Envoy mode only): the degraded sources exist. */
  readonly degraded: boolean;
  /** Per source: 1 for backends eligible in that source (tier). */
  readonly masks: Uint8Array[] = [];
  /** Per tier: eligible indices, ascending; the first `counts[t]` are valid. */
  readonly lists: Int32Array[] = [];
  readonly counts: Int32Array;
  /** Per tier: the view version of its list and the weights (even; changes with them). */
  readonly versions: Float64Array;
  /** Per tier: 1 while balanced in panic (all members, health ignored). */
  readonly panic: Uint8Array;
  /** Envoy: percent of picks for each tier's healthy hosts. */
  readonly load: Int32Array;
  /** Envoy: percent of picks for each tier's degraded hosts. */
  readonly degradedLoad: Int32Array;
  /** HAProxy: the tier in use (-1 when none has a usable server). */
  inUse = 0;
  private readonly allBackups: boolean;
  private readonly opfPercent: number;
  private seq = 0;

  /**
   * @param degraded some backend is degraded (allowed in Envoy mode only; the checks in
   *   `tier-checks.ts` refuse it with nginx and HAProxy semantics)
   */
  constructor(count: number, opts: FailoverOptions, degraded = false) {
    if (degraded && opts.mode !== 'envoy') throw new RangeError(`failover mode ${opts.mode} has no degraded hosts (Envoy only)`);
    this.count = count;
    this.mode = opts.mode;
    this.degraded = degraded;
    this.sources = degraded ? 2 * count : count;
    this.allBackups = opts.allBackups === true;
    this.opfPercent = Math.round((opts.overprovisioningFactor ?? OVERPROVISIONING_DEFAULT_PERCENT / 100) * 100);
    for (let t = 0; t < this.sources; t++) {
      this.masks.push(new Uint8Array(0));
      this.lists.push(new Int32Array(0));
    }
    this.counts = new Int32Array(this.sources);
    this.versions = new Float64Array(this.sources);
    this.panic = new Uint8Array(count);
    this.load = new Int32Array(count);
    this.degradedLoad = new Int32Array(count);
  }

  /** Makes room for backend `i` just appended to `topo`. */
  added(topo: Topology, i: number): void {
    const n = topo.n;
    const t = priorityOf(topo.specs[i]!);
    if (!(Number.isInteger(t) && t >= 0 && t < this.count)) {
      throw new RangeError(`backend ${topo.specs[i]!.id}: priority ${t} is outside the balancer's tiers 0…${this.count - 1}`);
    }
    if (topo.specs[i]!.degraded === true && !this.degraded) {
      throw new RangeError(`backend ${topo.specs[i]!.id}: degraded, but the balancer was built without degraded hosts`);
    }
    this.tierOf = grow(this.tierOf, n);
    this.tierOf[i] = t;
    for (let k = 0; k < this.sources; k++) {
      this.masks[k] = grow(this.masks[k]!, n);
      this.lists[k] = grow(this.lists[k]!, n);
    }
  }

  /**
   * Recomputes every tier's list from membership (`live`, not `draining`) and health (`up`), and
   * the union into `unionMask` / `unionList`. Returns the union's size.
   */
  recompute(topo: Topology, up: Uint8Array, panicThreshold: number, unionMask: Uint8Array, unionList: Int32Array): number {
    const T = this.count;
    const n = topo.n;
    const { live, draining } = topo;
    const S = this.sources;
    const specs = topo.specs;
    const members = new Int32Array(T);
    const healthy = new Int32Array(T);
    const degraded = new Int32Array(T);
    for (let i = 0; i < n; i++) {
      if (live[i] === 0 || draining[i] === 1) continue;
      const t = this.tierOf[i]!;
      members[t]!++;
      if (up[i] === 1) {
        if (this.degraded && specs[i]!.degraded === true) degraded[t]!++;
        else healthy[t]!++;
      }
    }
    // What each tier offers: 0 nothing, 1 its healthy members, 2 all its members (panic), 3 its first healthy member (HAProxy fbck).
    const offer = new Uint8Array(T);
    this.panic.fill(0);
    if (this.mode === 'envoy') {
      const levels: LevelCounts[] = [];
      for (let t = 0; t < T; t++) levels.push({ hosts: members[t]!, healthy: healthy[t]!, degraded: degraded[t]! });
      const pl = priorityLoad(levels, this.opfPercent, panicThreshold);
      for (let t = 0; t < T; t++) {
        this.load[t] = pl.healthyLoad[t]!;
        this.degradedLoad[t] = pl.degradedLoad[t]!;
        this.panic[t] = pl.panic[t] ? 1 : 0;
        offer[t] = pl.panic[t] ? 2 : 1;
      }
    } else {
      let first = -1;
      for (let t = 0; t < T && first < 0; t++) if (healthy[t]! > 0) first = t;
      const usable = (t: number): number => (inPanic(healthy[t]!, members[t]!, panicThreshold) && healthy[t]! < members[t]! ? 2 : 1);
      if (first < 0) {
        // No tier has a healthy member: the primary tier in panic, as the untiered balancer does.
        if (panicThreshold > 0) {
          offer[0] = 2;
          this.panic[0] = 1;
        }
        this.inUse = panicThreshold > 0 ? 0 : -1;
      } else if (this.mode === 'nginx') {
        for (let t = 0; t < T; t++) if (healthy[t]! > 0) offer[t] = usable(t);
        this.inUse = first;
      } else {
        offer[first] = first > 0 && !this.allBackups ? 3 : usable(first);
        this.inUse = first;
      }
      for (let t = 0; t < T; t++) if (offer[t] === 2) this.panic[t] = 1;
    }
    let u = 0;
    for (let t = 0; t < S; t++) this.counts[t] = 0;
    const taken = new Uint8Array(T); // HAProxy fbck: one server only
    for (let i = 0; i < n; i++) {
      const t = this.tierOf[i]!;
      const member = live[i] === 1 && draining[i] === 0;
      const o = offer[t]!;
      let ok = member && (o === 2 || ((o === 1 || o === 3) && up[i] === 1));
      if (ok && o === 3) {
        if (taken[t] === 1) ok = false;
        else taken[t] = 1;
      }
      for (let k = 0; k < S; k++) this.masks[k]![i] = 0;
      if (ok) {
        // A degraded host outside panic is in its tier's degraded source (`DegradedHosts`).
        const s = o === 1 && this.degraded && specs[i]!.degraded === true ? T + t : t;
        this.masks[s]![i] = 1;
        this.lists[s]![this.counts[s]!++] = i;
      }
      unionMask[i] = ok ? 1 : 0;
      if (ok) unionList[u++] = i;
    }
    return u;
  }

  /** Gives every tier's list a fresh (even) version: its list or the weights changed. */
  bump(): void {
    for (let t = 0; t < this.sources; t++) this.versions[t] = 2 * ++this.seq;
  }

  /** True when some tier in use is balanced in panic. */
  anyPanic(): boolean {
    for (let t = 0; t < this.count; t++) if (this.panic[t] === 1 && this.counts[t]! > 0) return true;
    return false;
  }

  /**
   * The first source to try for a pick: Envoy draws one with the priority load (`draw` uniform in
   * 0…99; `count + t` = tier `t`'s degraded hosts); nginx starts from the primaries; HAProxy uses
   * the tier its server states select.
   */
  firstTier(draw: number): number {
    if (this.mode === 'envoy') return choosePriority(draw, this.load, this.degradedLoad);
    if (this.mode === 'haproxy') return this.inUse < 0 ? 0 : this.inUse;
    return 0;
  }
}
