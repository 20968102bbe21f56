/**
 * Panic threshold: when too few backends are healthy, balance over all of them.
 *
 * Reference: Envoy "Panic threshold" (`common_lb_config.healthy_panic_threshold`, default 50 %) and
 * `LoadBalancerBase::isHostSetInPanic` (Envoy 1.36,
 * `source/extensions/load_balancing_policies/common/load_balancer_impl.cc`):
 * `healthy_percent = hosts == 0 ? 0 : 100 × healthy / hosts`; panic if
 * `healthy_percent < threshold`. A threshold of 0 disables panic mode; values above 100 act as 100.
 * Envoy's overprovisioning factor is not applied (docs/mechanisms.md#panic-threshold).
 */

/** Envoy's default `healthy_panic_threshold`, in percent. */
export const PANIC_DEFAULT_PERCENT = 50;

/**
 * Whether the balancer should ignore health and use every backend.
 * @param healthy backends currently healthy (eligible)
 * @param total all backends
 * @param thresholdPercent panic threshold in percent (0 disables)
 */
export function inPanic(healthy: number, total: number, thresholdPercent: number = PANIC_DEFAULT_PERCENT): boolean {
  const t = thresholdPercent > 100 ? 100 : thresholdPercent;
  if (!(t > 0)) return false;
  if (total <= 0) return true;
  // healthy / total × 100 < t, without the division.
  return healthy * 100 < t * total;
}
