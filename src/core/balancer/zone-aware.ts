/**
 * Envoy's zone-aware routing arithmetic, exactly as `ZoneAwareLoadBalancerBase` does it
 * (`source/extensions/load_balancing_policies/common/load_balancer_impl.cc`, Envoy 1.36):
 *
 * - `earlyExitNonLocalityRouting`: no zone routing when priority 0 has fewer than 2 localities,
 *   when the local cluster has fewer than 2 localities (unless `force_locality_direct_routing`),
 *   when the local cluster has no host in the local locality, or when priority 0 has fewer
 *   healthy hosts than `min_cluster_size`.
 * - `calculateLocalityPercentages`: per upstream locality, `local = 10000 × local_count /
 *   total_local` and `upstream = 10000 × healthy_in_locality / total_healthy`, integer division
 *   (basis points; a locality with no healthy upstream host gets 0 / 0).
 * - `regenerateLocalityRoutingStructures`: when the upstream has the local locality and its
 *   percentage is positive and at least the local one (or direct routing is forced), every pick
 *   goes to the local locality (`LocalityDirect`). Otherwise (`LocalityResidual`)
 *   `local_percent_to_route = upstream[0] × 10000 / local[0]` (0 without a local locality) and
 *   the residual capacity, cumulative over the localities, grows by `upstream − local` at each
 *   non-local locality whose upstream share exceeds its local share.
 * - `tryChooseLocalLocalityHosts`: `LocalityDirect` → the local locality; otherwise the local
 *   locality when `random % 10000 < local_percent_to_route`, else the first locality whose
 *   cumulative residual capacity exceeds `random % total_residual` (or `random % localities` when
 *   no capacity is left).
 *
 * The local locality, when present among the upstream localities, is index 0; the others follow
 * in name order (`PriorityStateManager::updateClusterPrioritySet` puts the local locality first,
 * the rest in `LocalityLess` order). docs/zones.md.
 */

/** `LocalityRoutingState`: none, all to the local locality, or local share + residual spill. */
export const NO_LOCALITY_ROUTING = 0;
export const LOCALITY_DIRECT = 1;
export const LOCALITY_RESIDUAL = 2;

/** The routing structures of priority 0 (`PerPriorityState`). */
export interface ZoneRoutingState {
  /** {@link NO_LOCALITY_ROUTING}, {@link LOCALITY_DIRECT} or {@link LOCALITY_RESIDUAL}. */
  state: number;
  /** Basis points (of 10000) of picks kept in the local locality (residual state). */
  localPercentToRoute: number;
  /** Cumulative residual capacity per upstream locality, basis points (residual state). */
  residualCapacity: number[];
  /** Per upstream locality, `[local, upstream]` basis points (empty when routing exited early). */
  percentages: Array<[number, number]>;
  /** Why routing exited early (for docs and tests), or ''. */
  exit: '' | 'upstream-localities' | 'local-localities' | 'local-locality-missing' | 'cluster-too-small';
}

/** What the computation needs about the upstream priority 0 and the local cluster. */
export interface ZoneRoutingInput {
  /**
   * Healthy hosts per upstream locality of priority 0, the local locality first when
   * {@link hasLocalLocality}; every locality that has hosts (healthy or not) is listed.
   */
  upstreamHealthy: readonly number[];
  /** Upstream priority 0 has hosts in the local locality (it is index 0). */
  hasLocalLocality: boolean;
  /**
   * The local cluster's hosts per locality, aligned with `upstreamHealthy` (a locality the upstream
   * does not have is left out: it only enters the totals, see `localTotal`).
   */
  localCounts: readonly number[];
  /** Total local hosts over every locality (including those the upstream lacks). */
  localTotal: number;
  /** Number of localities the local cluster has hosts in. */
  localLocalities: number;
  /** Local cluster hosts in the local locality. */
  localInLocal: number;
  /** `min_cluster_size`. */
  minClusterSize: number;
  /** `force_locality_direct_routing`. */
  forceDirect: boolean;
}

/** `regenerateLocalityRoutingStructures` (with `earlyExitNonLocalityRouting` and `calculateLocalityPercentages`). */
export function zoneRouting(x: ZoneRoutingInput): ZoneRoutingState {
  const none = (exit: ZoneRoutingState['exit']): ZoneRoutingState => ({ state: NO_LOCALITY_ROUTING, localPercentToRoute: 0, residualCapacity: [], percentages: [], exit });
  const n = x.upstreamHealthy.length;
  if (n < 2) return none('upstream-localities');
  if (x.localLocalities < 2 && !x.forceDirect) return none('local-localities');
  if (x.localInLocal <= 0) return none('local-locality-missing');
  let totalHealthy = 0;
  for (const h of x.upstreamHealthy) totalHealthy += h;
  if (totalHealthy < x.minClusterSize) return none('cluster-too-small');
  const percentages = localityPercentages(x.localCounts, x.localTotal, x.upstreamHealthy);
  const [local0, upstream0] = percentages[0]!;
  if (x.hasLocalLocality && ((upstream0 > 0 && upstream0 >= local0) || x.forceDirect)) {
    return { state: LOCALITY_DIRECT, localPercentToRoute: 0, residualCapacity: [], percentages, exit: '' };
  }
  const localPercentToRoute = x.hasLocalLocality && local0 > 0 ? Math.floor((upstream0 * 10000) / local0) : 0;
  const residualCapacity = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    const last = i > 0 ? residualCapacity[i - 1]! : 0;
    const [local, upstream] = percentages[i]!;
    if (i === 0 && x.hasLocalLocality) residualCapacity[i] = last;
    else residualCapacity[i] = upstream > local ? last + upstream - local : last;
  }
  return { state: LOCALITY_RESIDUAL, localPercentToRoute, residualCapacity, percentages, exit: '' };
}

/**
 * `calculateLocalityPercentages`: `[local, upstream]` basis points per upstream locality (integer
 * division, as Envoy's `uint64_t` arithmetic; a locality without healthy upstream hosts is 0 / 0).
 */
export function localityPercentages(localCounts: readonly number[], localTotal: number, upstreamHealthy: readonly number[]): Array<[number, number]> {
  let totalUpstream = 0;
  for (const h of upstreamHealthy) totalUpstream += h;
  return upstreamHealthy.map((h, i): [number, number] => {
    if (h === 0) return [0, 0];
    const local = localTotal > 0 ? Math.floor((10000 * localCounts[i]!) / localTotal) : 0;
    const upstream = totalUpstream > 0 ? Math.floor((10000 * h) / totalUpstream) : 0;
    return [local, upstream];
  });
}

/**
 * `tryChooseLocalLocalityHosts`: the upstream locality index for one pick. `rand` gives Envoy's
 * `random_.random()` (a non-negative integer below 2^32); it is called only as often as Envoy
 * calls it (none in the direct state, one or two in the residual state).
 */
export function chooseLocality(s: ZoneRoutingState, rand: () => number): number {
  if (s.state === LOCALITY_DIRECT) return 0;
  if (rand() % 10000 < s.localPercentToRoute) return 0;
  const n = s.residualCapacity.length;
  const total = s.residualCapacity[n - 1]!;
  if (total === 0) return rand() % n;
  const threshold = rand() % total;
  let i = 0;
  while (threshold >= s.residualCapacity[i]!) i++;
  return i;
}
