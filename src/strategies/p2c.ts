/**
 * Power of d choices (P2C for d = 2): sample d eligible backends, send to the least loaded.
 *
 * Reference: Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing" (IEEE TPDS
 * 2001); nginx `random two least_conn`; HAProxy `balance random(2)` (docs/strategies.md#p2c).
 * Load is `active / weight`, compared by cross-multiplication; on a tie the first sampled wins.
 * By default the d candidates are DISTINCT (nginx and HAProxy never compare a backend with itself);
 * with `replacement: true` they are independent draws, as in Envoy's least-request balancer,
 * whose simulation test gives 44.4 / 44.4 / 11.1 % over three equal backends with one busy.
 * When `count ≤ d` distinct sampling considers every eligible backend (in random order).
 *
 * Distinct sampling is a partial Fisher–Yates shuffle over a persistent permutation of list
 * positions (see {@link DistinctSampler}): exactly d draws, O(d) per pick, no allocation.
 */
import { z } from 'zod';
import type { Rng } from '../core/rng.js';
import type { Strategy, StrategyDef, StrategyEnv } from '../core/strategy.js';
import type { PickView } from '../core/view.js';
import { DistinctSampler } from './support/sampling.js';

const schema = z
  .object({
    /** Number of candidates d (≥ 2). */
    draws: z.number().int().min(2).default(2),
    /** Sample with replacement (Envoy) instead of distinct candidates (nginx, HAProxy). */
    replacement: z.boolean().default(false),
  })
  .strict();

/** Options of `p2c`. */
export type P2cOptions = z.infer<typeof schema>;


class PowerOfChoices implements Strategy {
  private readonly sampler = new DistinctSampler();

  constructor(
    private readonly rng: Rng,
    private readonly draws: number,
    private readonly replacement: boolean,
  ) {}

  pick(view: PickView): number {
    const count = view.count;
    if (count === 0) return -1;
    const list = view.list;
    const active = view.active;
    const weight = view.weight;
    let best = -1;
    if (this.replacement) {
      for (let j = 0; j < this.draws; j++) {
        const i = list[this.rng.int(count)]!;
        if (best < 0 || active[i]! * weight[best]! < active[best]! * weight[i]!) best = i;
      }
      return best;
    }
    if (this.draws === 2 && count >= 2) {
      this.sampler.pair(count, this.rng);
      const pos = this.sampler.pos;
      const i = list[pos[0]!]!;
      const j = list[pos[1]!]!;
      return active[j]! * weight[i]! < active[i]! * weight[j]! ? j : i;
    }
    const m = this.sampler.sample(count, this.draws, this.rng);
    const pos = this.sampler.pos;
    for (let j = 0; j < m; j++) {
      const i = list[pos[j]!]!;
      if (best < 0 || active[i]! * weight[best]! < active[best]! * weight[i]!) best = i;
    }
    return best;
  }
}

/** `p2c`: power of d choices over active/weight. */
export const strategy: StrategyDef<P2cOptions> = {
  name: 'p2c',
  description: 'Power of d choices: sample d distinct backends, pick the fewest active per weight',
  reference: 'Mitzenmacher 2001; nginx random two least_conn; HAProxy random(2); Envoy LEAST_REQUEST',
  options: schema,
  weighted: false,
  spreads: true,
  cost: 'O(1)',
  create(opts: P2cOptions, env: StrategyEnv): Strategy {
    return new PowerOfChoices(env.rng, opts.draws, opts.replacement);
  },
};
