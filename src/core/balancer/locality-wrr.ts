/**
 * Envoy's locality-weighted choice within one priority level, exactly as `LocalityWrr`
 * (`source/extensions/load_balancing_policies/common/locality_wrr.cc`, Envoy 1.36; before that
 * `HostSetImpl` in `source/common/upstream/upstream_impl.cc`):
 *
 * - `effectiveLocalityWeight`: `weight × min(1, overprovisioning_factor / 100 × eligible / hosts)`
 *   in floating point (hosts = the locality's hosts minus excluded ones; 0 when it has none);
 * - `rebuildLocalityScheduler`: an EDF schedule over the localities whose effective weight is
 *   positive, in locality order, built with `EdfScheduler::createWithPicks(entries, weight, seed)`
 *   (`source/common/upstream/edf_scheduler.h`) — `seed` one random number drawn at each rebuild
 *   (`ZoneAwareLoadBalancerBase::rebuildLocalityWrrForPriority`: `random_.random()`); no schedule
 *   when no locality has a weight or the level has no eligible host;
 * - `chooseLocality`: `pickAndAdd` — the earliest deadline (ties: the lowest order offset), which
 *   moves the scheduler's time there and is re-added at `time + 1 / weight`.
 *
 * The schedule is over a handful of localities, so a linear scan replaces Envoy's binary heap (same
 * order: (deadline, order offset) orders entries totally). docs/zones.md.
 */

/** Envoy's cap on emulated picks (`picks % 429496729`, UINT_MAX / 10). */
const MAX_PICKS = 429496729;

/** `effectiveLocalityWeight` for one locality. */
export function effectiveLocalityWeight(weight: number, eligible: number, hosts: number, opfPercent: number): number {
  if (hosts === 0) return 0;
  return weight * Math.min(1, (opfPercent / 100) * ((1 * eligible) / hosts));
}

/** An EDF schedule over locality indices, rebuilt (not updated) when availability changes. */
export class LocalityScheduler {
  private idx: number[] = [];
  private weight: number[] = [];
  private deadline: number[] = [];
  private order: number[] = [];
  private currentTime = 0;
  private orderOffset = 0;

  /** True when there is no schedule (Envoy's null scheduler): the level is not locality-weighted now. */
  get empty(): boolean {
    return this.idx.length === 0;
  }

  /**
   * `rebuildLocalityScheduler` + `createWithPicks`: a schedule over the localities with a
   * positive weight in `weights` (index = locality), as if `picks` picks had been made from an
   * empty one.
   */
  rebuild(weights: readonly number[], picks: number): void {
    this.idx = [];
    this.weight = [];
    for (let i = 0; i < weights.length; i++) {
      if (weights[i]! > 0) {
        this.idx.push(i);
        this.weight.push(weights[i]!);
      }
    }
    const n = this.idx.length;
    this.deadline = new Array<number>(n).fill(0);
    this.order = new Array<number>(n).fill(0);
    this.currentTime = 0;
    this.orderOffset = 0;
    if (n === 0) return;
    picks = picks % MAX_PICKS;
    let sum = 0;
    for (let k = 0; k < n; k++) sum += this.weight[k]! + 1e-13;
    let picksSoFar = 0;
    let maxPickTime = 0;
    for (let k = 0; k < n; k++) {
      const w = this.weight[k]! + 1e-13;
      let floorPicks = Math.floor((w * picks) / sum);
      if (floorPicks > 0 && floorPicks / w >= picks / sum) floorPicks--;
      const pickTime = floorPicks / w;
      this.deadline[k] = (floorPicks + 1) / w;
      this.order[k] = k;
      if (pickTime > maxPickTime) maxPickTime = pickTime;
      picksSoFar += floorPicks;
    }
    this.currentTime = maxPickTime;
    this.orderOffset = n;
    while (picksSoFar < picks) {
      this.pick();
      picksSoFar++;
    }
  }

  /** `chooseLocality` (`pickAndAdd`): the next locality index, or -1 without a schedule. */
  pick(): number {
    const n = this.idx.length;
    if (n === 0) return -1;
    let best = 0;
    for (let k = 1; k < n; k++) {
      const d = this.deadline[k]!;
      const b = this.deadline[best]!;
      if (d < b || (d === b && this.order[k]! < this.order[best]!)) best = k;
    }
    this.currentTime = this.deadline[best]!;
    this.deadline[best] = this.currentTime + 1 / this.weight[best]!;
    this.order[best] = this.orderOffset++;
    return this.idx[best]!;
  }
}
