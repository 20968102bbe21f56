/**
 * Client zones, balancer placement and the zone network in the simulator (docs/zone-network.md).
 *
 * - Each request's client zone is drawn from the zone shares with a random stream of its own
 *   (`zones`), forked from the run's root: a scenario without zones forks nothing, so every other
 *   stream, and every result, stays as it was.
 * - Balancer instances are numbered zone by zone (`balancers.zones`, or one per client zone); a
 *   request goes to an instance of its client's zone, round robin within the zone (a counter per
 *   zone) or at random (`spread: random`, the engine's `spread` stream). Each instance gets its zone
 *   as the core's `localZone`, and the instance counts per zone as `localZoneShares` (Envoy's local
 *   cluster: `LoadBalancerBase` zone-aware routing compares it with the upstream hosts per zone).
 * - The zone network: the round trip between the client's zone and the backend's zone is added
 *   to every attempt, half on the way to the backend and half on the way back, on top of
 *   `balancer.network` (the balancer sits in the client's zone, so the balancer → backend hop is
 *   the one that crosses zones).
 */
import type { Rng } from '../../core/rng.js';
import type { BackendSpec } from '../../core/backend.js';
import { zoneRoundTrip } from '../../scenario/zone-placement.js';
import type { Scenario } from '../../scenario/types.js';

/** Where balancer instance `k` of `sc` sits: its local zone and the local cluster's distribution (nothing without zones). */
export function balancerPlacement(sc: Scenario, k: number): { localZone?: string; localZoneShares?: Record<string, number> } {
  const placed = sc.balancers?.zones;
  if (placed === undefined) return {};
  const shares: Record<string, number> = {};
  for (const p of placed) shares[p.zone] = p.count;
  let first = 0;
  for (const p of placed) {
    if (k < first + p.count) return { localZone: p.zone, localZoneShares: shares };
    first += p.count;
  }
  throw new RangeError(`no balancer instance ${k} (${first} placed)`);
}

/** The per-run zone state of a scenario with client zones (see the module header). */
export class ZoneRuntime {
  /** Client zone names, in the scenario's order; zone indices refer to this list. */
  readonly names: string[];
  /** Cumulative client zone shares (the last is 1). */
  private readonly cumulative: Float64Array;
  /** Per client zone: its first balancer instance and how many it has. */
  private readonly firstLb: Int32Array;
  private readonly lbCount: Int32Array;
  private readonly rr: Int32Array;
  /** Client zone of each live request slot. */
  clientZone = new Int32Array(64);
  /** Zone index (in {@link allZones}) of each backend. */
  backendZone: Int32Array;
  /** Client zones followed by backend-only zones. */
  readonly allZones: string[];
  /** Half round trips: `half[c * Z + z]` from client zone c to zone z (ms). */
  private readonly half: Float64Array;
  private readonly Z: number;

  constructor(
    sc: Scenario,
    specs: readonly BackendSpec[],
    private readonly rng: Rng,
    private readonly spread: Rng | null,
  ) {
    const zones = sc.clients.zones!;
    this.names = zones.map((z) => z.zone);
    this.cumulative = new Float64Array(zones.length);
    let acc = 0;
    zones.forEach((z, i) => (this.cumulative[i] = acc += z.share));
    this.cumulative[zones.length - 1] = 1;
    this.allZones = [...this.names];
    for (const s of specs) if (s.zone !== undefined && !this.allZones.includes(s.zone)) this.allZones.push(s.zone);
    for (const g of sc.backends) if (g.zone !== undefined && !this.allZones.includes(g.zone)) this.allZones.push(g.zone);
    this.backendZone = Int32Array.from(specs, (s) => this.allZones.indexOf(s.zone ?? ''));
    const placed = sc.balancers!.zones!;
    this.firstLb = new Int32Array(this.names.length);
    this.lbCount = new Int32Array(this.names.length);
    this.rr = new Int32Array(this.names.length);
    let first = 0;
    for (const p of placed) {
      const c = this.names.indexOf(p.zone);
      this.firstLb[c] = first;
      this.lbCount[c] = p.count;
      first += p.count;
    }
    const Z = (this.Z = this.allZones.length);
    this.half = new Float64Array(this.names.length * Z);
    const net = sc.network!;
    for (let c = 0; c < this.names.length; c++) {
      for (let z = 0; z < Z; z++) this.half[c * Z + z] = zoneRoundTrip(net, this.names[c]!, this.allZones[z]!) / 2;
    }
  }

  /** Draws request slot `r`'s client zone and returns the balancer instance it goes to. */
  arrive(r: number): number {
    const u = this.rng.next();
    const cum = this.cumulative;
    let c = 0;
    while (c < cum.length - 1 && u >= cum[c]!) c++;
    if (r >= this.clientZone.length) {
      const g = new Int32Array(Math.max(r + 1, this.clientZone.length * 2));
      g.set(this.clientZone);
      this.clientZone = g;
    }
    this.clientZone[r] = c;
    const n = this.lbCount[c]!;
    const k = n === 1 ? 0 : this.spread ? this.spread.int(n) : this.rr[c]!++ % n;
    return this.firstLb[c]! + k;
  }

  /** One way of the zone network (half the round trip) between request `r`'s client and backend `b` (ms). */
  oneWay(r: number, b: number): number {
    return this.half[this.clientZone[r]! * this.Z + this.backendZone[b]!]!;
  }

  /** Whether request `r` (its client's zone) and backend `b` are in different zones. */
  crosses(r: number, b: number): boolean {
    return this.clientZone[r] !== this.backendZone[b]; // client zones come first in allZones
  }

  /** A backend joined in zone `zone` (autoscaling). */
  addBackend(zone: string | undefined): void {
    const g = new Int32Array(this.backendZone.length + 1);
    g.set(this.backendZone);
    g[this.backendZone.length] = zone === undefined ? -1 : this.allZones.indexOf(zone);
    this.backendZone = g;
  }
}
