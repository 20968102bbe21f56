/**
 * `weighted-round-robin`: weighted round robin, as nginx (default) or Envoy implements it
 * (docs/strategies.md#weighted-round-robin).
 *
 * Flavor `nginx` (default), smooth weighted round robin. Reference: nginx `ngx_http_upstream_get_peer` and `ngx_http_upstream_free_round_robin_peer`
 * (src/http/ngx_http_upstream_round_robin.c; docs/strategies.md#weighted-round-robin). For every
 * eligible peer: `current += effective; total += effective; if effective < weight: effective++`;
 * the peer with the largest `current` wins (first in index order on ties) and `current -= total`.
 * `effective` drops by `weight / maxFails` on a failure. Weights 5,1,1 give the cycle
 * `a a b a c a a`. The algorithm lives in smooth-wrr.ts (shared with `ip-hash`'s fallback).
 *
 * Cost: O(1) per pick in the steady state (every backend eligible, integer weights, no recent
 * failure: picks come from the precomputed period of nginx's sequence); O(n) (nginx's scan) while
 * eligibility, weights or effective weights are in flux. The benchmark class is the steady state.
 *
 * Flavor `envoy`: Envoy 1.36 `ROUND_ROBIN`, `RoundRobinLoadBalancer`
 * (source/extensions/load_balancing_policies/round_robin/round_robin_lb.h) on `EdfLoadBalancerBase`.
 * With equal weights, `unweightedHostPick`: `hosts[rr_index++ % hosts.size()]`, the index starting
 * at the balancer's random `seed_` and kept when the host list changes. With unequal weights (or a
 * host in slow start) the EDF schedule (support/edf.ts) over `hostWeight` = the weight (times the
 * slow-start factor, already in `view.weight`), built with `createWithPicks(hosts, hostWeight,
 * seed_)`. O(1) unweighted, O(log n) weighted; no allocation.
 */
import { z } from 'zod';
import type { Rng } from '../core/rng.js';
import type { Strategy, StrategyDef, StrategyEnv } from '../core/strategy.js';
import type { PickView } from '../core/view.js';
import { EdfScheduler } from './support/edf.js';
import { flavorOption, type FlavorTable } from './support/flavor.js';
import { SmoothWrr } from './support/smooth-wrr.js';

export { SmoothWrr } from './support/smooth-wrr.js';

/** The flavors of `weighted-round-robin`, default first. */
export const WEIGHTED_ROUND_ROBIN_FLAVORS = ['nginx', 'envoy'] as const;
type WrrFlavor = (typeof WEIGHTED_ROUND_ROBIN_FLAVORS)[number];

const flavors: FlavorTable<WrrFlavor> = {
  list: WEIGHTED_ROUND_ROBIN_FLAVORS,
  default: 'nginx',
  differs: {
    nginx: 'smooth WRR (current/effective weights; a failure lowers the effective weight)',
    envoy: 'ROUND_ROBIN: equal weights → index from a random seed; unequal → EDF deadlines 1/weight',
  },
};

const schema = z
  .object({
    /** Whose rule: nginx (default), envoy. */
    flavor: flavorOption('weighted-round-robin', WEIGHTED_ROUND_ROBIN_FLAVORS),
    /** nginx `max_fails`: a failure lowers the effective weight by `weight / maxFails` (flavor nginx). */
    maxFails: z.number().int().min(1).default(1),
  })
  .strict()
  .superRefine((o, ctx) => {
    if ((o.flavor ?? flavors.default) !== 'nginx' && o.maxFails !== 1) {
      ctx.addIssue({ code: 'custom', path: ['maxFails'], message: `applies to flavor nginx only (the flavor here is ${o.flavor})` });
    }
  });

/** Options of `weighted-round-robin`. */
export type WeightedRoundRobinOptions = z.infer<typeof schema>;

/** Envoy `ROUND_ROBIN`. */
class EnvoyRoundRobin implements Strategy {
  private readonly edf = new EdfScheduler();
  /** Envoy `seed_` and `rr_indexes_` (one index: lbsim has one host source). */
  private readonly seed: number;
  private index: number;
  private modeVersion = Number.NaN;
  private weighted = false;
  private stale = true;
  private view: PickView | null = null;
  private readonly weightOf = (i: number): number => this.view!.weight[i]!;

  constructor(rng: Rng) {
    this.seed = rng.nextU32();
    this.index = this.seed;
  }

  pick(view: PickView): number {
    const count = view.count;
    if (count === 0) return -1;
    if (view.version !== this.modeVersion) {
      this.modeVersion = view.version;
      const w0 = view.weight[view.list[0]!]!;
      let differ = false;
      for (let k = 1; k < count && !differ; k++) differ = view.weight[view.list[k]!] !== w0;
      if (differ && !this.weighted) this.stale = true;
      this.weighted = differ;
    }
    if (!this.weighted) return view.list[this.index++ % count]!;
    this.view = view;
    const i = this.edf.pickFrom(view, this.weightOf, this.seed, this.stale);
    this.stale = false;
    this.view = null;
    return i;
  }

  rebuild(): void {
    this.stale = true;
    this.modeVersion = Number.NaN;
  }
}

/** `weighted-round-robin`: nginx smooth weighted round robin, or Envoy's ROUND_ROBIN. */
export const strategy: StrategyDef<WeightedRoundRobinOptions> = {
  name: 'weighted-round-robin',
  description: 'Weighted round robin: nginx smooth WRR (default) or Envoy ROUND_ROBIN (EDF)',
  reference: 'nginx ngx_http_upstream_get_peer (smooth WRR); Envoy ROUND_ROBIN (EDF)',
  options: schema,
  weighted: true,
  spreads: true,
  cost: 'O(1)',
  flavors,
  create(opts: WeightedRoundRobinOptions, env: StrategyEnv): Strategy {
    if ((opts.flavor ?? flavors.default) === 'envoy') return new EnvoyRoundRobin(env.rng);
    return new SmoothWrr(opts.maxFails);
  },
};
