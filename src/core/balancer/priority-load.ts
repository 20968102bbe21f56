/**
 * Envoy's priority load: how much of the traffic each priority level (tier) receives, from the
 * health of every level, with the overprovisioning factor, degraded hosts, panic per priority and
 * total panic. Integer arithmetic exactly as Envoy's source does it, so the tables come out to the
 * same percent:
 *
 * - `LoadBalancerBase::recalculatePerPriorityState`
 *   (`source/extensions/load_balancing_policies/common/load_balancer_impl.cc`): a level's health is
 *   `min(100, overprovisioning_factor × healthy / hosts)` with the factor in percent (default 140)
 *   and integer division, likewise its degraded availability; the normalized total availability is
 *   `min(100, Σ health + Σ degraded)`; `distributeLoad` gives each level in order
 *   `min(remaining, health × 100 / normalized)` of healthy load, then the same again for degraded
 *   load from what is left; a rounding remainder goes to the first level with healthy
 *   availability, else to the first with degraded availability.
 * - `LoadBalancerBase::recalculatePerPriorityPanic`: when the normalized total availability is 100
 *   no level is in panic; otherwise a level is in panic when `isHostSetInPanic` holds
 *   (`100 × (healthy + degraded) / hosts < healthy_panic_threshold`, in floating point). When every
 *   level is in panic, `recalculateLoadInTotalPanic` splits the load by host counts
 *   (`100 × hosts / total`, remainder to the first non-empty level). With the threshold at 0 and
 *   nothing available, P=0 gets 100 % (and nothing is routed, "no healthy upstream").
 * - `LoadBalancerBase::choosePriority`: a random number `h`, `h % 100 + 1` in 1…100, walks the
 *   cumulative healthy loads and then the degraded loads; the first level whose running sum reaches
 *   it is chosen.
 *
 * Weighted priority health (`weighted_priority_health`) is not modelled: hosts count one each.
 * See docs/tiers.md for the tables of Envoy's documentation reproduced by the tests.
 */

/** Envoy's default `overprovisioning_factor` (percent). */
export const OVERPROVISIONING_DEFAULT_PERCENT = 140;

/** Counts of one priority level. */
export interface LevelCounts {
  /** Hosts in the level (excluded hosts already left out). */
  hosts: number;
  /** Healthy hosts. */
  healthy: number;
  /** Degraded hosts (available, but used only after the healthy ones of every level). */
  degraded?: number;
}

/** The per-level result of {@link priorityLoad}. */
export interface PriorityLoad {
  /** Health of each level, 0…100 (overprovisioned, capped). */
  health: number[];
  /** Degraded availability of each level, 0…100. */
  degradedAvailability: number[];
  /** `min(100, Σ health + Σ degraded)`. */
  normalizedTotal: number;
  /** Percent of requests sent to each level's healthy hosts. */
  healthyLoad: number[];
  /** Percent of requests sent to each level's degraded hosts. */
  degradedLoad: number[];
  /** Per level: balancing over all its hosts regardless of health. */
  panic: boolean[];
  /** Every level is in panic: loads follow host counts. */
  totalPanic: boolean;
}

/** `distributeLoad`: assigns as much of `total` as each level's availability asks, in order. */
function distribute(out: number[], avail: readonly number[], total: number, normalized: number): { first: number; left: number } {
  let first = -1;
  for (let i = 0; i < avail.length; i++) {
    if (first < 0 && avail[i]! > 0) first = i;
    out[i] = Math.min(total, Math.floor((avail[i]! * 100) / normalized));
    total -= out[i]!;
  }
  return { first, left: total };
}

/**
 * Envoy's priority load for `levels` (index = priority).
 * @param opfPercent overprovisioning factor in percent (Envoy's `overprovisioning_factor`, default 140)
 * @param panicThresholdPercent `healthy_panic_threshold` in percent (0 = never panic; above 100 acts as 100)
 */
export function priorityLoad(levels: readonly LevelCounts[], opfPercent = OVERPROVISIONING_DEFAULT_PERCENT, panicThresholdPercent = 50): PriorityLoad {
  const n = levels.length;
  const health = new Array<number>(n).fill(0);
  const degradedAvailability = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++) {
    const { hosts, healthy } = levels[i]!;
    const degraded = levels[i]!.degraded ?? 0;
    if (hosts > 0) {
      health[i] = Math.min(100, Math.floor((opfPercent * healthy) / hosts));
      degradedAvailability[i] = Math.min(100, Math.floor((opfPercent * degraded) / hosts));
    }
  }
  let sum = 0;
  for (let i = 0; i < n; i++) sum += health[i]! + degradedAvailability[i]!;
  const normalizedTotal = Math.min(100, sum);
  const healthyLoad = new Array<number>(n).fill(0);
  const degradedLoad = new Array<number>(n).fill(0);
  if (normalizedTotal > 0) {
    const h = distribute(healthyLoad, health, 100, normalizedTotal);
    const d = distribute(degradedLoad, degradedAvailability, h.left, normalizedTotal);
    if (d.left !== 0) {
      if (h.first !== -1) healthyLoad[h.first]! += d.left;
      else degradedLoad[d.first]! += d.left;
    }
  }
  const threshold = Math.min(100, panicThresholdPercent);
  const panic = new Array<boolean>(n).fill(false);
  let totalPanic = false;
  if (threshold === 0 && normalizedTotal === 0) {
    if (n > 0) healthyLoad[0] = 100;
  } else {
    totalPanic = n > 0;
    for (let i = 0; i < n; i++) {
      const { hosts, healthy } = levels[i]!;
      const degraded = levels[i]!.degraded ?? 0;
      const healthyPct = hosts === 0 ? 0 : (100 * healthy) / hosts;
      const degradedPct = hosts === 0 ? 0 : (100 * degraded) / hosts;
      panic[i] = normalizedTotal === 100 ? false : healthyPct + degradedPct < threshold;
      totalPanic = totalPanic && panic[i]!;
    }
    if (totalPanic) loadInTotalPanic(levels, healthyLoad, degradedLoad);
  }
  return { health, degradedAvailability, normalizedTotal, healthyLoad, degradedLoad, panic, totalPanic };
}

/** `recalculateLoadInTotalPanic`: loads by host counts, remainder to the first non-empty level. */
function loadInTotalPanic(levels: readonly LevelCounts[], healthyLoad: number[], degradedLoad: number[]): void {
  let total = 0;
  for (const l of levels) total += l.hosts;
  if (total === 0) {
    healthyLoad[0] = 100;
    return;
  }
  let left = 100;
  let first = -1;
  for (let i = 0; i < levels.length; i++) {
    const hosts = levels[i]!.hosts;
    if (first === -1 && hosts !== 0) first = i;
    healthyLoad[i] = Math.floor((100 * hosts) / total);
    degradedLoad[i] = 0;
    left -= healthyLoad[i]!;
  }
  healthyLoad[first]! += left;
}

/**
 * `choosePriority`: the level for a uniform draw `h` (any non-negative integer; Envoy uses
 * `random() % 100 + 1`). Returns the level index, plus `levels` when it is a degraded level
 * (`level + count` = level `level`'s degraded hosts), or 0 when the loads do not add up to 100.
 */
export function choosePriority(h: number, healthyLoad: ArrayLike<number>, degradedLoad: ArrayLike<number>): number {
  const x = (h % 100) + 1;
  let acc = 0;
  const n = healthyLoad.length;
  for (let p = 0; p < n; p++) {
    acc += healthyLoad[p]!;
    if (x <= acc) return p;
  }
  for (let p = 0; p < degradedLoad.length; p++) {
    acc += degradedLoad[p]!;
    if (x <= acc) return p + n;
  }
  return 0;
}
