/**
 * Round robin: cycle over the eligible backends in index order, ignoring weight.
 *
 * Reference: nginx `ngx_http_upstream_round_robin` and HAProxy `balance roundrobin` with all weights
 * equal (docs/strategies.md#round-robin). The cursor is the index picked last; the next pick is the
 * lowest eligible index above it, wrapping. Backends that become ineligible are skipped and the
 * rotation resumes where it was when they return. The balancer keeps indices stable (backends are
 * appended, removed ones keep their slot), so the cursor needs no reset on `rebuild`.
 *
 * Cost: O(1) while the eligible list is unchanged (a position hint into `view.list`), O(log n)
 * (binary search of the ascending list) after it changed. No allocation per pick.
 */
import { z } from 'zod';
import type { Strategy, StrategyDef } from '../core/strategy.js';
import type { PickView } from '../core/view.js';

const schema = z.object({}).strict();

/** Options of `round-robin` (none). */
export type RoundRobinOptions = z.infer<typeof schema>;

/**
 * Position in `list[0..count)` of the first entry strictly greater than `after`, or `count` if none.
 * `list` is ascending.
 */
export function firstAbove(list: ArrayLike<number>, count: number, after: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! > after) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

class RoundRobin implements Strategy {
  /** Index picked last (-1 before the first pick). */
  private last = -1;
  /** Position of `last` in `view.list` at the last pick (a hint, verified before use). */
  private pos = -1;

  pick(view: PickView): number {
    const count = view.count;
    if (count === 0) return -1;
    const list = view.list;
    let p: number;
    if (this.pos >= 0 && this.pos < count && list[this.pos] === this.last) {
      p = this.pos + 1;
    } else {
      p = firstAbove(list, count, this.last);
    }
    if (p >= count) p = 0;
    this.pos = p;
    this.last = list[p]!;
    return this.last;
  }
}

/** `round-robin`: equal-weight rotation over the eligible backends. */
export const strategy: StrategyDef<RoundRobinOptions> = {
  name: 'round-robin',
  description: 'Cycle over eligible backends in index order, ignoring weight',
  reference: 'nginx round robin / HAProxy roundrobin with equal weights',
  options: schema,
  weighted: false,
  spreads: true,
  cost: 'O(1)',
  create(): Strategy {
    return new RoundRobin();
  },
};
