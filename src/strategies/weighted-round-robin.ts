/**
 * Smooth weighted round robin, as nginx implements it.
 *
 * Reference: nginx `ngx_http_upstream_get_peer` and `ngx_http_upstream_free_round_robin_peer`
 * (src/http/ngx_http_upstream_round_robin.c; REFERENCE.md, `weighted-round-robin`). For every
 * eligible peer: `current += effective; total += effective; if effective < weight: effective++`;
 * the peer with the largest `current` wins (first in index order on ties) and `current -= total`.
 * `effective` starts at the weight, drops by `weight / maxFails` (integer division, as in nginx)
 * on each failed request and so regains one unit per pick up to the weight. The peer's weight is
 * `view.weight[i]`, so slow start and runtime re-weights take effect at once.
 *
 * Implementation: `effective` is kept as a deficit below the weight (`weight − effective`), so a
 * changed weight needs no bookkeeping. Weights 5,1,1 give the cycle `a a b a c a a`.
 * Cost: O(n) per pick (nginx scans every peer), no allocation.
 */
import { z } from 'zod';
import type { BackendSpec } from '../core/backend.js';
import type { Strategy, StrategyDef } from '../core/strategy.js';
import type { PickView } from '../core/view.js';

const schema = z
  .object({
    /** nginx `max_fails`: a failure lowers the effective weight by `weight / maxFails`. */
    maxFails: z.number().int().min(1).default(1),
  })
  .strict();

/** Options of `weighted-round-robin`. */
export type WeightedRoundRobinOptions = z.infer<typeof schema>;

/** nginx's smooth weighted round-robin state over a set of peers (current and effective weights). */
export class SmoothWrr implements Strategy {
  /** nginx `current_weight` per index. */
  private current = new Float64Array(0);
  /** `weight − effective_weight` per index (≥ 0). */
  private deficit = new Float64Array(0);
  /** Weight seen for each index at its last pick (for failures reported between picks). */
  private lastWeight = new Float64Array(0);

  /** @param maxFails nginx `max_fails` (≥ 1) */
  constructor(private readonly maxFails: number) {}

  /**
   * Sizes the state for `specs`, keeping it for existing indices (the balancer keeps indices
   * stable and appends new backends, which start at current 0 and full effective weight).
   */
  private resize(specs: readonly BackendSpec[]): void {
    const size = specs.length;
    const old = this.current.length;
    if (size === old) return;
    const keep = Math.min(size, old);
    const cur = new Float64Array(size);
    const def = new Float64Array(size);
    const lw = new Float64Array(size);
    cur.set(this.current.subarray(0, keep));
    def.set(this.deficit.subarray(0, keep));
    lw.set(this.lastWeight.subarray(0, keep));
    for (let i = keep; i < size; i++) lw[i] = specs[i]!.weight;
    this.current = cur;
    this.deficit = def;
    this.lastWeight = lw;
  }

  pick(view: PickView): number {
    const count = view.count;
    if (count === 0) return -1;
    if (view.size > this.current.length) this.resize(view.specs);
    const list = view.list;
    const cur = this.current;
    const def = this.deficit;
    let best = -1;
    let bestCur = 0;
    let total = 0;
    for (let k = 0; k < count; k++) {
      const i = list[k]!;
      const w = view.weight[i]!;
      this.lastWeight[i] = w;
      let d = def[i]!;
      if (d > w) d = w;
      const eff = w - d;
      const c = cur[i]! + eff;
      cur[i] = c;
      total += eff;
      def[i] = d > 1 ? d - 1 : 0;
      if (best < 0 || c > bestCur) {
        best = i;
        bestCur = c;
      }
    }
    cur[best] = bestCur - total;
    return best;
  }

  rebuild(specs: readonly BackendSpec[]): void {
    this.resize(specs);
  }

  released(i: number, failed: boolean): void {
    if (!failed || i < 0 || i >= this.deficit.length) return;
    const w = this.lastWeight[i]!;
    const d = this.deficit[i]! + Math.floor(w / this.maxFails);
    this.deficit[i] = d > w ? w : d;
  }
}

/** `weighted-round-robin`: nginx smooth weighted round robin. */
export const strategy: StrategyDef<WeightedRoundRobinOptions> = {
  name: 'weighted-round-robin',
  description: 'nginx smooth weighted round robin (current/effective weights)',
  reference: 'nginx ngx_http_upstream_get_peer (smooth WRR)',
  options: schema,
  weighted: true,
  spreads: true,
  cost: 'O(n)',
  create(opts: WeightedRoundRobinOptions): Strategy {
    return new SmoothWrr(opts.maxFails);
  },
};
