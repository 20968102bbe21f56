/**
 * Weighted random: each eligible backend is chosen with probability weight / Σ weight.
 *
 * Reference: nginx `random` (ngx_http_upstream_random_module: cumulative `range` per peer and a
 * binary search for a uniform point; docs/strategies.md#weighted-random). Weights are `view.weight`
 * (slow start and re-weights included).
 *
 * The cumulative array over the eligible list is cached and rebuilt (O(n)) only when `view.version`
 * changes, so a steady-state pick is one uniform draw and an O(log n) binary search; it allocates
 * nothing.
 */
import { z } from 'zod';
import type { Rng } from '../core/rng.js';
import type { Strategy, StrategyDef, StrategyEnv } from '../core/strategy.js';
import type { PickView } from '../core/view.js';

const schema = z.object({}).strict();

/** Options of `weighted-random` (none). */
export type WeightedRandomOptions = z.infer<typeof schema>;

class WeightedRandom implements Strategy {
  /** Eligible list (indices) the cumulative array was built from. */
  private cachedList = new Int32Array(0);
  /** Cumulative weights by list position: cum[k] = Σ weight of list[0..k]. */
  private cum = new Float64Array(0);
  /** `view.version` the table was built for (NaN: none). */
  private cachedVersion = Number.NaN;

  constructor(private readonly rng: Rng) {}

  private build(view: PickView): void {
    const count = view.count;
    if (this.cum.length < count) {
      this.cachedList = new Int32Array(view.size);
      this.cum = new Float64Array(view.size);
    }
    let total = 0;
    for (let k = 0; k < count; k++) {
      const i = view.list[k]!;
      const w = view.weight[i]!;
      this.cachedList[k] = i;
      total += w > 0 ? w : 0;
      this.cum[k] = total;
    }
    this.cachedVersion = view.version;
  }

  pick(view: PickView): number {
    const count = view.count;
    if (count === 0) return -1;
    if (view.version !== this.cachedVersion) this.build(view);
    const cum = this.cum;
    const total = cum[count - 1]!;
    if (!(total > 0)) return this.cachedList[this.rng.int(count)]!;
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
    this.cachedVersion = Number.NaN;
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
  cost: 'O(log n)',
  create(_opts: WeightedRandomOptions, env: StrategyEnv): Strategy {
    return new WeightedRandom(env.rng);
  },
};
