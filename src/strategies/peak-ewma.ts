/**
 * Peak EWMA: power of two choices over a latency-aware cost, `ewma_rtt × (active + 1)`.
 *
 * Reference: Finagle `PeakEwma` balancer (finagle-core `loadbalancer/PeakEwma.scala`), tower
 * `tower::balance::p2c` over `tower::load::PeakEwma`, linkerd2-proxy (docs/strategies.md#peak-ewma).
 * The RTT estimate is the balancer's peak-EWMA signal (core/load/peak-ewma.ts, subscribed through
 * `env.load.peakEwma({ tauMs, defaultRttMs })`): it jumps up to any slower sample, decays toward
 * faster ones with time constant τ, and is read decayed toward the pick time without mutation.
 * Each pick samples `draws` DISTINCT eligible backends uniformly (tower's P2C also samples two
 * distinct endpoints) and takes the lowest `rtt(now) × (active + 1)`; on a tie the first sampled
 * wins. Weights are ignored, as in Finagle and tower. Defaults τ = 10 s, defaultRtt = 30 ms.
 * Cost: O(d) per pick, no allocation.
 */
import { z } from 'zod';
import type { LatencySignal, Strategy, StrategyDef, StrategyEnv } from '../core/strategy.js';
import type { Rng } from '../core/rng.js';
import type { PickView } from '../core/view.js';
import { DistinctSampler } from './support/sampling.js';
import { capOption, MAX_DRAWS } from './support/work-cap.js';

const schema = z
  .object({
    /** Decay time constant τ of the RTT estimate, ms. */
    tauMs: z.number().positive().default(10000),
    /** RTT assumed for a backend before its first response, ms. */
    defaultRttMs: z.number().min(0).default(30),
    /** Number of distinct candidates per pick (≥ 2). */
    draws: z.number().int().min(2).default(2),
  })
  .strict()
  .superRefine((o, ctx) => capOption(ctx, 'draws', o.draws, MAX_DRAWS, 'each pick makes one draw per candidate'));

/** Options of `peak-ewma`. */
export type PeakEwmaStrategyOptions = z.infer<typeof schema>;

class PeakEwma implements Strategy {
  private readonly sampler = new DistinctSampler();

  constructor(
    private readonly rng: Rng,
    private readonly rtt: LatencySignal,
    private readonly draws: number,
  ) {}

  pick(view: PickView): number {
    const count = view.count;
    if (count === 0) return -1;
    const m = this.sampler.sample(count, this.draws, this.rng);
    const pos = this.sampler.pos;
    const list = view.list;
    const active = view.active;
    const now = view.now;
    let best = -1;
    let bestCost = 0;
    for (let j = 0; j < m; j++) {
      const i = list[pos[j]!]!;
      const cost = this.rtt.value(i, now) * (active[i]! + 1);
      if (best < 0 || cost < bestCost) {
        best = i;
        bestCost = cost;
      }
    }
    return best;
  }
}

/** `peak-ewma`: P2C over peak-EWMA RTT × (in flight + 1). */
export const strategy: StrategyDef<PeakEwmaStrategyOptions> = {
  name: 'peak-ewma',
  description: 'Power of two choices on peak-EWMA round-trip time × (in flight + 1)',
  reference: 'Finagle PeakEwma, tower peak_ewma, linkerd2-proxy',
  options: schema,
  weighted: false,
  spreads: true,
  cost: 'O(1)',
  create(opts: PeakEwmaStrategyOptions, env: StrategyEnv): Strategy {
    const rtt = env.load.peakEwma({ tauMs: opts.tauMs, defaultRttMs: opts.defaultRttMs });
    return new PeakEwma(env.rng, rtt, opts.draws);
  },
};
