/**
 * Join-Idle-Queue: send to an idle backend if there is one, else to a uniformly random one.
 *
 * Reference: Lu, Xie, Kliot, Geller, Larus, Greenberg, "Join-Idle-Queue: A novel load balancing
 * algorithm for dynamically scalable web services", Performance Evaluation 68(11), 2011
 * (docs/strategies.md#jiq). In the paper idle servers register in the dispatcher's idle queue and an
 * arrival takes one from it. Here the balancer's own in-flight count is the idleness signal: a
 * backend is idle when `view.active[i] === 0`. Idle backends are taken in rotation (a cursor at
 * the index picked last, scanning upward and wrapping) so that several idle backends share the
 * arrivals as the idle queue would; with no idle backend the choice is uniform over the eligible.
 *
 * Cost: O(n) worst case (scanning for an idle backend), O(1) when one is near the cursor; no
 * allocation.
 */
import { z } from 'zod';
import type { Rng } from '../core/rng.js';
import type { Strategy, StrategyDef, StrategyEnv } from '../core/strategy.js';
import type { PickView } from '../core/view.js';
import { firstAbove } from './round-robin.js';

const schema = z.object({}).strict();

/** Options of `jiq` (none). */
export type JiqOptions = z.infer<typeof schema>;

class JoinIdleQueue implements Strategy {
  /** Index of the idle backend picked last (-1 before any). */
  private last = -1;

  constructor(private readonly rng: Rng) {}

  pick(view: PickView): number {
    const count = view.count;
    if (count === 0) return -1;
    const list = view.list;
    const active = view.active;
    let p = firstAbove(list, count, this.last);
    for (let n = 0; n < count; n++, p++) {
      if (p >= count) p = 0;
      const i = list[p]!;
      if (active[i] === 0) {
        this.last = i;
        return i;
      }
    }
    return list[this.rng.int(count)]!;
  }
}

/** `jiq`: join-idle-queue (idle backend first, else random). */
export const strategy: StrategyDef<JiqOptions> = {
  name: 'jiq',
  description: 'Join-idle-queue: an idle backend (in rotation) if any, else uniform random',
  reference: 'Lu et al., Join-Idle-Queue, Performance Evaluation 2011',
  options: schema,
  weighted: false,
  spreads: true,
  cost: 'O(n)',
  create(_opts: JiqOptions, env: StrategyEnv): Strategy {
    return new JoinIdleQueue(env.rng);
  },
};
