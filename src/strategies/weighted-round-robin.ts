/**
 * `weighted-round-robin`: smooth weighted round robin, as nginx implements it.
 *
 * Reference: nginx `ngx_http_upstream_get_peer` and `ngx_http_upstream_free_round_robin_peer`
 * (src/http/ngx_http_upstream_round_robin.c; docs/strategies.md#weighted-round-robin). For every
 * eligible peer: `current += effective; total += effective; if effective < weight: effective++`;
 * the peer with the largest `current` wins (first in index order on ties) and `current -= total`.
 * `effective` drops by `weight / maxFails` on a failure. Weights 5,1,1 give the cycle
 * `a a b a c a a`. The algorithm lives in smooth-wrr.ts (shared with `ip-hash`'s fallback).
 *
 * Cost: O(1) per pick in the steady state (every backend eligible, integer weights, no recent
 * failure: picks come from the precomputed period of nginx's sequence); O(n) (nginx's scan) while
 * eligibility, weights or effective weights are in flux. The benchmark class is the steady state.
 */
import { z } from 'zod';
import type { Strategy, StrategyDef } from '../core/strategy.js';
import { SmoothWrr } from './support/smooth-wrr.js';

export { SmoothWrr } from './support/smooth-wrr.js';

const schema = z
  .object({
    /** nginx `max_fails`: a failure lowers the effective weight by `weight / maxFails`. */
    maxFails: z.number().int().min(1).default(1),
  })
  .strict();

/** Options of `weighted-round-robin`. */
export type WeightedRoundRobinOptions = z.infer<typeof schema>;

/** `weighted-round-robin`: nginx smooth weighted round robin. */
export const strategy: StrategyDef<WeightedRoundRobinOptions> = {
  name: 'weighted-round-robin',
  description: 'nginx smooth weighted round robin (current/effective weights)',
  reference: 'nginx ngx_http_upstream_get_peer (smooth WRR)',
  options: schema,
  weighted: true,
  spreads: true,
  cost: 'O(1)',
  create(opts: WeightedRoundRobinOptions): Strategy {
    return new SmoothWrr(opts.maxFails);
  },
};
