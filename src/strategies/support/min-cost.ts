/**
 * Shared selection step of nginx's load-aware peers (`least_conn`, `least_time`): the eligible
 * backend with the lowest `cost / weight`, compared by cross-multiplication; when several tie, smooth
 * weighted round robin runs among the tied ones only (`current += weight`, the largest `current`
 * wins, the winner's `current -= total`), so equal loads rotate instead of all landing on the lowest
 * index (ngx_http_upstream_get_least_conn_peer). O(n), two passes, no allocation.
 */
import type { PickView } from '../../core/view.js';

/**
 * Picks the eligible backend of `view` with the lowest `cost[i] / weight[i]`, ties by smooth WRR.
 * @param cost per-backend cost indexed like the view (in-flight count, expected time, …)
 * @param current smooth-WRR state per backend index, kept by the caller across picks (length ≥ view.size)
 * @returns the index, or -1 when nothing is eligible
 */
export function pickMinCostPerWeight(view: PickView, cost: ArrayLike<number>, current: Float64Array): number {
  const count = view.count;
  if (count === 0) return -1;
  const list = view.list;
  const weight = view.weight;
  let best = list[0]!;
  let bestCost = cost[best]!;
  let firstPos = 0;
  let many = false;
  for (let k = 1; k < count; k++) {
    const i = list[k]!;
    const c = cost[i]!;
    const lhs = c * weight[best]!;
    const rhs = bestCost * weight[i]!;
    if (lhs < rhs) {
      best = i;
      bestCost = c;
      firstPos = k;
      many = false;
    } else if (lhs === rhs) {
      many = true;
    }
  }
  if (!many) return best;
  const bw = weight[best]!;
  let total = 0;
  let win = -1;
  let winCur = 0;
  for (let k = firstPos; k < count; k++) {
    const i = list[k]!;
    if (cost[i]! * bw !== bestCost * weight[i]!) continue;
    const w = weight[i]!;
    const c = current[i]! + w;
    current[i] = c;
    total += w;
    if (win < 0 || c > winCur) {
      win = i;
      winCur = c;
    }
  }
  current[win] = winCur - total;
  return win;
}
