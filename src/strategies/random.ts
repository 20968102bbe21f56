/**
 * Random: uniform choice over the eligible backends, ignoring weight.
 *
 * Reference: Envoy `RANDOM` load-balancing policy (docs/strategies.md#random). One draw from the
 * strategy's own stream per pick: `view.list[rng.int(view.count)]`. O(1), no allocation.
 */
import { z } from 'zod';
import type { Rng } from '../core/rng.js';
import type { Strategy, StrategyDef, StrategyEnv } from '../core/strategy.js';
import type { PickView } from '../core/view.js';

const schema = z.object({}).strict();

/** Options of `random` (none). */
export type RandomOptions = z.infer<typeof schema>;

class RandomPick implements Strategy {
  constructor(private readonly rng: Rng) {}

  pick(view: PickView): number {
    const count = view.count;
    if (count === 0) return -1;
    return view.list[this.rng.int(count)]!;
  }
}

/** `random`: uniform over the eligible backends. */
export const strategy: StrategyDef<RandomOptions> = {
  name: 'random',
  description: 'Uniform random choice over eligible backends',
  reference: 'Envoy RANDOM',
  options: schema,
  weighted: false,
  spreads: true,
  cost: 'O(1)',
  create(_opts: RandomOptions, env: StrategyEnv): Strategy {
    return new RandomPick(env.rng);
  },
};
