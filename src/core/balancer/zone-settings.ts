/**
 * The `zones` settings of a balancer: which of Envoy's locality mechanisms runs over the backends'
 * zones, with Envoy's field names and defaults (`envoy.config.cluster.v3.Cluster.CommonLbConfig`):
 *
 * - `routing: zone-aware` — `zone_aware_lb_config`: `routing_enabled` (percent, default 100),
 *   `min_cluster_size` (default 6), `fail_traffic_on_panic` (default false),
 *   `force_locality_direct_routing` (default false); read by the constructor of
 *   `ZoneAwareLoadBalancerBase` (`source/extensions/load_balancing_policies/common/load_balancer_impl.cc`).
 * - `routing: locality-weighted` — `locality_weighted_lb_config`, with each zone's weight from its
 *   `LocalityLbEndpoints.load_balancing_weight` (`localityWeights`; a zone without one weighs 0, as
 *   `PriorityStateManager::updateClusterPrioritySet` fills missing weights with 0).
 * - `routing: none` — neither (Envoy without a locality config).
 *
 * The mechanics are in `zones.ts`; docs/zones.md has the rules and the formulas.
 */

/** Which locality mechanism a balancer runs. */
export type ZoneRouting = 'none' | 'zone-aware' | 'locality-weighted';

/** The accepted values of {@link ZoneRouting}, in the order the docs list them. */
export const ZONE_ROUTINGS = ['none', 'zone-aware', 'locality-weighted'] as const satisfies readonly ZoneRouting[];

/** Normalized `zones` settings. */
export interface ZoneSettings {
  /** The mechanism (see {@link ZoneRouting}). */
  routing: ZoneRouting;
  /** `zone_aware_lb_config.min_cluster_size`: fewer healthy P=0 hosts than this → no zone routing. */
  minClusterSize: number;
  /** `zone_aware_lb_config.routing_enabled`: percent of picks that try zone routing at all. */
  routingEnabled: number;
  /** `zone_aware_lb_config.fail_traffic_on_panic`: a priority (or the local cluster) in panic fails the pick instead of using every host. */
  failTrafficOnPanic: boolean;
  /** `zone_aware_lb_config.force_locality_direct_routing`: always send to the local zone while it has a healthy host. */
  forceLocalityDirectRouting: boolean;
  /** `LocalityLbEndpoints.load_balancing_weight` per zone (locality-weighted); a zone absent here weighs 0. */
  localityWeights?: Readonly<Record<string, number>>;
}

/** Envoy's defaults for the keys a `zones` section leaves out. */
export const ZONE_DEFAULTS: Readonly<Omit<ZoneSettings, 'localityWeights'>> = Object.freeze({
  routing: 'zone-aware',
  minClusterSize: 6,
  routingEnabled: 100,
  failTrafficOnPanic: false,
  forceLocalityDirectRouting: false,
});
