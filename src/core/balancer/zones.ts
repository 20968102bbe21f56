/**
 * The zone layer: Envoy's locality mechanisms between eligibility (and the failover tier) and the
 * strategy. Backends carry a `zone` (Envoy's `locality.zone`); per tier (Envoy's priority level)
 * the layer keeps one eligible list per zone and, for each pick, names the zone whose list the
 * strategy sees — or none, and the strategy sees the whole tier. The strategy never learns about
 * zones. Exactly as `ZoneAwareLoadBalancerBase::hostSourceToUse`
 * (`source/extensions/load_balancing_policies/common/load_balancer_impl.cc`, Envoy 1.36) decides:
 *
 * 1. the tier in panic → every member of the tier (`AllHosts`), or no host at all with
 *    `fail_traffic_on_panic`;
 * 2. `locality-weighted` → the tier's locality schedule picks a zone (`LocalityWrr::chooseHealthyLocality`,
 *    `locality-wrr.ts`); without a schedule (no weights, nothing eligible) the whole tier;
 * 3. `zone-aware`, tier 0 only (Envoy's `per_priority_state_` for P>0 stays `NoLocalityRouting`)
 *    and not exited early (`zone-aware.ts`) → with `routing_enabled` percent (`featureEnabled`,
 *    `random % 100 < routing_enabled`, a runtime draw of its own) `tryChooseLocalLocalityHosts`
 *    picks a zone; the local cluster is never in panic here (its shares are given, not health-checked);
 * 4. otherwise the whole tier.
 *
 * Localities in a tier: the zones that have members there, the balancer's own zone first (when
 * present), the rest by name (`PriorityStateManager::updateClusterPrioritySet`, `LocalityLess`). A
 * backend without a zone is in the locality with the empty name. Healthy per zone = members that
 * the tier offers and that are healthy (so HAProxy's first-backup rule and every health mechanism
 * are respected); hosts per zone = the tier's members (live, not draining).
 *
 * Structures are recomputed with the eligibility. A tier's locality schedule is rebuilt, with a
 * fresh random seed as Envoy's `rebuildLocalityWrrForPriority` draws one, when its per-zone host
 * or healthy counts change. docs/zones.md.
 */
import type { BackendSpec } from '../backend.js';
import type { Rng } from '../rng.js';
import { grow } from './grow.js';
import { effectiveLocalityWeight, LocalityScheduler } from './locality-wrr.js';
import type { Topology } from './topology.js';
import { chooseLocality, NO_LOCALITY_ROUTING, zoneRouting, type ZoneRoutingState } from './zone-aware.js';
import type { ZoneSettings } from './zone-settings.js';

/** {@link Zones.source}: the whole tier's list. */
export const ZONE_ALL = -1;
/** {@link Zones.source}: no host (`fail_traffic_on_panic`). */
export const ZONE_FAIL = -2;

/** Zone name of a backend descriptor ('' when it has none). */
export function zoneOf(spec: BackendSpec): string {
  return spec.zone ?? '';
}

/**
 * Local cluster shares as integer counts for `calculateLocalityPercentages`: counts as they are
 * when every share is an integer, else each share scaled to parts per million of their sum
 * (rounded), so that fractions such as 0.5 / 0.3 / 0.2 give exactly 5000 / 3000 / 2000 basis points.
 */
export function localCounts(shares: Readonly<Record<string, number>>): Map<string, number> {
  const out = new Map<string, number>();
  const entries = Object.entries(shares).filter(([, v]) => v > 0);
  const integral = entries.every(([, v]) => Number.isInteger(v));
  let sum = 0;
  for (const [, v] of entries) sum += v;
  for (const [k, v] of entries) out.set(k, integral ? v : Math.round((v / sum) * 1e6));
  return out;
}

/** Per-tier eligible lists by zone, and the zone choice of each pick. */
export class Zones {
  readonly routing: ZoneSettings['routing'];
  /** Zone names by id (ids in order of first appearance). */
  readonly names: string[] = [];
  /** Zone id of each backend position. */
  zoneId = new Int32Array(0);
  /** Per tier, per zone id: 1 for backends in that zone's list. */
  readonly masks: Uint8Array[][] = [];
  /** Per tier, per zone id: the zone's eligible indices, ascending; first `counts[t][z]` valid. */
  readonly lists: Int32Array[][] = [];
  readonly counts: number[][] = [];
  /** Per tier, per zone id: view version (even; changes with the list or the weights). */
  readonly versions: number[][] = [];
  /** Per tier: its localities (zone ids), the local zone first when present, the rest by name. */
  readonly order: number[][] = [];
  /** Per tier: members and healthy members per locality (index into `order`), as last computed. */
  private readonly hosts: number[][] = [];
  private readonly healthy: number[][] = [];
  /** Per tier: the locality schedule (locality-weighted). */
  private readonly wrr: LocalityScheduler[] = [];
  /** Zone-aware routing state of tier 0. */
  state: ZoneRoutingState = { state: NO_LOCALITY_ROUTING, localPercentToRoute: 0, residualCapacity: [], percentages: [], exit: 'upstream-localities' };
  private readonly local: string | undefined;
  private readonly localCounts: Map<string, number>;
  private readonly draw: () => number;
  private seq = 0;
  private n = 0;

  /**
   * @param tierCount failover tiers (1 without priorities)
   * @param opfPercent overprovisioning factor in percent (locality availability)
   * @param rng the layer's own stream (Envoy's `random_` for zone routing and schedule seeds)
   * @param runtimeRng the `routing_enabled` draw (Envoy's runtime `featureEnabled`)
   */
  constructor(
    private readonly settings: ZoneSettings,
    readonly tierCount: number,
    private readonly opfPercent: number,
    private readonly rng: Rng,
    private readonly runtimeRng: Rng,
    localZone: string | undefined,
    localZoneShares: Readonly<Record<string, number>> | undefined,
  ) {
    this.routing = settings.routing;
    this.local = localZone;
    this.localCounts = localCounts(localZoneShares ?? {});
    this.draw = () => this.rng.nextU32();
    for (let t = 0; t < tierCount; t++) {
      this.masks.push([]);
      this.lists.push([]);
      this.counts.push([]);
      this.versions.push([]);
      this.order.push([]);
      this.hosts.push([]);
      this.healthy.push([]);
      this.wrr.push(new LocalityScheduler());
    }
  }

  /** Makes room for backend `i` just appended to `topo`. */
  added(topo: Topology, i: number): void {
    this.n = topo.n;
    const name = zoneOf(topo.specs[i]!);
    let z = this.names.indexOf(name);
    if (z < 0) {
      z = this.names.length;
      this.names.push(name);
      for (let t = 0; t < this.tierCount; t++) {
        this.masks[t]!.push(new Uint8Array(0));
        this.lists[t]!.push(new Int32Array(0));
        this.counts[t]!.push(0);
        this.versions[t]!.push(0);
      }
    }
    this.zoneId = grow(this.zoneId, this.n);
    this.zoneId[i] = z;
    for (let t = 0; t < this.tierCount; t++) {
      for (let k = 0; k < this.names.length; k++) {
        this.masks[t]![k] = grow(this.masks[t]![k]!, this.n);
        this.lists[t]![k] = grow(this.lists[t]![k]!, this.n);
      }
    }
  }

  /**
   * Recomputes every tier's zone lists and the routing structures.
   * @param tierOf tier of each backend (undefined: one tier)
   * @param tierMasks per tier, the backends the tier offers now (its eligible mask)
   * @param up per backend, 1 when healthy
   */
  recompute(topo: Topology, tierOf: Uint8Array | undefined, tierMasks: readonly Uint8Array[], up: Uint8Array): void {
    const T = this.tierCount;
    const Z = this.names.length;
    const n = topo.n;
    const { live, draining } = topo;
    const hostsByZone: number[][] = [];
    const healthyByZone: number[][] = [];
    for (let t = 0; t < T; t++) {
      hostsByZone.push(new Array<number>(Z).fill(0));
      healthyByZone.push(new Array<number>(Z).fill(0));
      for (let z = 0; z < Z; z++) this.counts[t]![z] = 0;
    }
    for (let i = 0; i < n; i++) {
      const t = tierOf === undefined ? 0 : tierOf[i]!;
      const z = this.zoneId[i]!;
      for (let k = 0; k < T; k++) this.masks[k]![z]![i] = 0;
      if (live[i] === 0 || draining[i] === 1) continue;
      hostsByZone[t]![z]!++;
      if (tierMasks[t]![i] === 1 && up[i] === 1) {
        healthyByZone[t]![z]!++;
        this.masks[t]![z]![i] = 1;
        this.lists[t]![z]![this.counts[t]![z]!++] = i;
      }
    }
    for (let t = 0; t < T; t++) {
      const order: number[] = [];
      for (let z = 0; z < Z; z++) if (hostsByZone[t]![z]! > 0) order.push(z);
      const localId = this.local === undefined ? -1 : this.names.indexOf(this.local);
      order.sort((a, b) => (a === localId ? -1 : b === localId ? 1 : this.names[a]! < this.names[b]! ? -1 : this.names[a]! > this.names[b]! ? 1 : 0));
      const hosts = order.map((z) => hostsByZone[t]![z]!);
      const healthy = order.map((z) => healthyByZone[t]![z]!);
      const same =
        sameArray(order, this.order[t]!) && sameArray(hosts, this.hosts[t]!) && sameArray(healthy, this.healthy[t]!);
      this.order[t] = order;
      this.hosts[t] = hosts;
      this.healthy[t] = healthy;
      if (same) continue;
      if (this.routing === 'locality-weighted') this.rebuildSchedule(t);
      if (this.routing === 'zone-aware' && t === 0) this.state = this.routingState(order, healthy, localId);
    }
  }

  /** `LocalityWrr` for tier `t`: a schedule over effective weights, seeded with a fresh draw. */
  private rebuildSchedule(t: number): void {
    const order = this.order[t]!;
    const weights = this.settings.localityWeights;
    let anyHealthy = false;
    for (const h of this.healthy[t]!) if (h > 0) anyHealthy = true;
    // Envoy draws the seed whenever it rebuilds, schedule or not.
    const seed = this.rng.nextU32();
    if (weights === undefined || !anyHealthy) {
      this.wrr[t]!.rebuild([], 0);
      return;
    }
    const eff = order.map((z, k) => effectiveLocalityWeight(weights[this.names[z]!] ?? 0, this.healthy[t]![k]!, this.hosts[t]![k]!, this.opfPercent));
    this.wrr[t]!.rebuild(eff, seed);
  }

  /** `regenerateLocalityRoutingStructures` for tier 0. */
  private routingState(order: readonly number[], healthy: readonly number[], localId: number): ZoneRoutingState {
    const hasLocal = order.length > 0 && order[0] === localId;
    let localTotal = 0;
    for (const c of this.localCounts.values()) localTotal += c;
    return zoneRouting({
      upstreamHealthy: healthy,
      hasLocalLocality: hasLocal,
      localCounts: order.map((z) => this.localCounts.get(this.names[z]!) ?? 0),
      localTotal,
      localLocalities: this.localCounts.size,
      localInLocal: this.local === undefined ? 0 : (this.localCounts.get(this.local) ?? 0),
      minClusterSize: this.settings.minClusterSize,
      forceDirect: this.settings.forceLocalityDirectRouting,
    });
  }

  /** Gives every zone list a fresh (even) version: lists or weights changed. */
  bump(): void {
    for (let t = 0; t < this.tierCount; t++) {
      const v = this.versions[t]!;
      for (let z = 0; z < v.length; z++) v[z] = 2 * ++this.seq;
    }
  }

  /**
   * The source of one pick in tier `t` (`hostSourceToUse`): a zone id, {@link ZONE_ALL} or
   * {@link ZONE_FAIL}. Draws random numbers only as Envoy does for the configured routing.
   * @param panic the tier is balanced in panic
   */
  source(t: number, panic: boolean): number {
    if (panic) return this.settings.failTrafficOnPanic ? ZONE_FAIL : ZONE_ALL;
    if (this.routing === 'locality-weighted') {
      const k = this.wrr[t]!.pick();
      return k < 0 ? ZONE_ALL : this.order[t]![k]!;
    }
    if (this.routing !== 'zone-aware' || t !== 0 || this.state.state === NO_LOCALITY_ROUTING) return ZONE_ALL;
    if (this.settings.routingEnabled < 100 && this.runtimeRng.nextU32() % 100 >= this.settings.routingEnabled) return ZONE_ALL;
    return this.order[0]![chooseLocality(this.state, this.draw)]!;
  }
}

function sameArray(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
