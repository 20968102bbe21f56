/**
 * First: the lowest-index eligible backend that still has a free connection slot.
 *
 * Reference: HAProxy `balance first` ("the first server with available connection slots receives
 * the connection", servers taken from the lowest id; docs/strategies.md#first). A slot is free when
 * `active < spec.maxConn`; `maxConn = 0` means unlimited, so that backend always takes the request.
 * The point is consolidation: low ids fill up before higher ones get work, so idle servers can be
 * powered down. The balancer already makes backends at `maxConn` ineligible, so usually the first
 * eligible backend is the answer; if every eligible backend is full, the first eligible one is
 * returned. Cost: O(n) in the worst case (O(1) in the usual case), no allocation.
 */
import { z } from 'zod';
import type { Strategy, StrategyDef } from '../core/strategy.js';
import type { PickView } from '../core/view.js';

const schema = z.object({}).strict();

/** Options of `first` (none). */
export type FirstOptions = z.infer<typeof schema>;

class First implements Strategy {
  pick(view: PickView): number {
    const count = view.count;
    if (count === 0) return -1;
    const list = view.list;
    for (let k = 0; k < count; k++) {
      const i = list[k]!;
      const max = view.specs[i]!.maxConn;
      if (max === 0 || view.active[i]! < max) return i;
    }
    return list[0]!;
  }
}

/** `first`: fill backends in index order up to their maxConn (HAProxy `first`). */
export const strategy: StrategyDef<FirstOptions> = {
  name: 'first',
  description: 'Lowest-index eligible backend with a free slot below maxConn (consolidates load)',
  reference: 'HAProxy balance first',
  options: schema,
  weighted: false,
  spreads: false,
  cost: 'O(n)',
  create(): Strategy {
    return new First();
  },
};
