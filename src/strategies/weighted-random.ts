/**
 * Weighted random: each eligible backend is chosen with probability weight / Σ weight.
 *
 * Reference: nginx `random` (ngx_http_upstream_random_module: cumulative `range` per peer and a
 * binary search for a uniform point; REFERENCE.md, `weighted-random`). Weights are `view.weight`
 * (slow start and re-weights included).
 *
 * The cumulative array over the eligible list is cached and rebuilt only when the list or a weight
 * differs from the cached copy. Checking that is a read-only pass over the eligible list (the view
 * has no version counter), so a pick is O(n) reads + an O(log n) search; it allocates nothing.
 */
import { z } from 'zod';
import type { Rng } from '../core/rng.js';
import type { Strategy, StrategyDef, StrategyEnv } from '../core/strategy.js';
import type { PickView } from '../core/view.js';

const schema = z.object({}).strict();

/** Options of `weighted-random` (none). */
export type WeightedRandomOptions = z.infer<typeof schema>;

class WeightedRandom implements Strategy {
  /** Cached eligible list (indices) the cumulative array was built from. */
  private cachedList = new Int32Array(0);
  /** Cached weights, by list position. */
  private cachedWeight = new Float64Array(0);
  /** Cumulative weights by list position: cum[k] = Σ weight of list[0..k]. */
  private cum = new Float64Array(0);
  private cachedCount = -1;

  constructor(private readonly rng: Rng) {}

  /** True when `view`'s eligible list and weights equal the cached ones. */
  private unchanged(view: PickView): boolean {
    const count = view.count;
    if (count !== this.cachedCount) return false;
    const list = view.list;
    const w = view.weight;
    const cl = this.cachedList;
    const cw = this.cachedWeight;
    for (let k = 0; k < count; k++) {
      const i = list[k]!;
      if (cl[k] !== i || cw[k] !== w[i]) return false;
    }
    return true;
  }

  private build(view: PickView): void {
    const count = view.count;
    if (this.cum.length < view.size) {
      this.cachedList = new Int32Array(view.size);
      this.cachedWeight = new Float64Array(view.size);
      this.cum = new Float64Array(view.size);
    }
    let total = 0;
    for (let k = 0; k < count; k++) {
      const i = view.list[k]!;
      const w = view.weight[i]!;
      this.cachedList[k] = i;
      this.cachedWeight[k] = w;
      total += w > 0 ? w : 0;
      this.cum[k] = total;
    }
    this.cachedCount = count;
  }

  pick(view: PickView): number {
    const count = view.count;
    if (count === 0) return -1;
    if (!this.unchanged(view)) this.build(view);
    const cum = this.cum;
    const total = cum[count - 1]!;
    if (!(total > 0)) return view.list[this.rng.int(count)]!;
    const r = this.rng.next() * total;
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return this.cachedList[lo]!;
  }

  rebuild(): void {
    this.cachedCount = -1;
  }
}

/** `weighted-random`: random choice with probability ∝ weight. */
export const strategy: StrategyDef<WeightedRandomOptions> = {
  name: 'weighted-random',
  description: 'Random choice with probability proportional to weight (cumulative weights, binary search)',
  reference: 'nginx random (ngx_http_upstream_random_module)',
  options: schema,
  weighted: true,
  spreads: true,
  cost: 'O(n)',
  create(_opts: WeightedRandomOptions, env: StrategyEnv): Strategy {
    return new WeightedRandom(env.rng);
  },
};
