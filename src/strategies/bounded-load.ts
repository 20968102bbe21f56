/**
 * Consistent hashing with bounded loads: a ketama ring where a backend takes a request only while
 * it holds fewer than its cap; otherwise the walk goes on along the ring.
 *
 * Reference: Mirrokni, Thorup, Zadimoghaddam, "Consistent Hashing with Bounded Loads" (SODA 2018,
 * arXiv:1608.01350); HAProxy `hash-balance-factor` (`chash_server_is_eligible`, src/lb_chash.c);
 * docs/strategies.md#bounded-load. With balance factor c (option `factor`, default 1.25), T requests
 * in flight (`view.totalActive`) and `count` eligible backends, each may hold at most
 *   cap = ceil(c × (T + 1) / count)
 * so the request about to be placed is counted. The walk starts at the key's ring point (as in
 * `consistent-hash`) and takes the first eligible backend with `active < cap`. Such a backend
 * always exists, since count × cap ≥ c(T+1) > T; the walk is bounded by the number of points and
 * falls back to the least-active eligible backend if every backend with points was passed.
 *
 * Weights: when the configured weights differ, the cap is split in proportion to effective weight,
 * `cap_i = ceil(c × (T + 1) × w_i / W)` with W the eligible weight sum (HAProxy adapts the
 * algorithm to weights the same way); W is summed again only when `view.version` changes. With
 * equal configured weights the formula above is used as is. O(log n) per pick plus the walk past
 * full backends; no allocation.
 */
import { z } from 'zod';
import type { BackendSpec } from '../core/backend.js';
import type { Strategy, StrategyDef } from '../core/strategy.js';
import type { PickView, RequestInfo } from '../core/view.js';
import { requestKey } from './consistent-hash.js';
import { KetamaRing } from './support/ketama-ring.js';

const schema = z
  .object({
    /** Balance factor c ≥ 1: a backend may hold at most c times the average load (rounded up). */
    factor: z.number().min(1).default(1.25),
  })
  .strict();

/** Options of `bounded-load`. */
export type BoundedLoadOptions = z.infer<typeof schema>;

/** The per-backend cap for equal weights: `ceil(c × (totalActive + 1) / count)`. */
export function boundedLoadCap(factor: number, totalActive: number, count: number): number {
  return Math.ceil((factor * (totalActive + 1)) / count);
}

class BoundedLoad implements Strategy {
  private readonly ring = new KetamaRing();
  /** True when every configured weight is equal (cap without weights). */
  private uniform = true;
  /** Σ effective weight of the eligible backends at {@link totalVersion}. */
  private weightTotal = 0;
  /** View version {@link weightTotal} was summed for (NaN: none). */
  private totalVersion = Number.NaN;

  constructor(private readonly factor: number) {}

  pick(view: PickView, req: Readonly<RequestInfo>): number {
    const ring = this.ring;
    const n = ring.length;
    const count = view.count;
    if (count === 0 || n === 0) return -1;
    const eligible = view.eligible;
    const active = view.active;
    const weight = view.weight;
    const slots = this.factor * (view.totalActive + 1);
    let cap = Math.ceil(slots / count);
    let perWeight = 0;
    if (!this.uniform) {
      if (view.version !== this.totalVersion) this.sumWeights(view);
      perWeight = slots / this.weightTotal;
    }
    const owners = ring.owners;
    let pos = ring.findKey(requestKey(req));
    for (let t = 0; t < n; t++) {
      const i = owners[pos]!;
      if (eligible[i] === 1) {
        if (perWeight > 0) cap = Math.ceil(perWeight * weight[i]!);
        if (active[i]! < cap) return i;
      }
      if (++pos === n) pos = 0;
    }
    // Unreachable while every backend owns ring points; keep a safe answer anyway.
    let best = view.list[0]!;
    for (let k = 1; k < count; k++) {
      const i = view.list[k]!;
      if (active[i]! < active[best]!) best = i;
    }
    return best;
  }

  /** Sums the eligible backends' effective weights for the view's version. */
  private sumWeights(view: PickView): void {
    let total = 0;
    for (let k = 0; k < view.count; k++) total += view.weight[view.list[k]!]!;
    this.weightTotal = total;
    this.totalVersion = view.version;
  }

  rebuild(specs: readonly BackendSpec[]): void {
    this.ring.build(specs);
    this.uniform = specs.every((s) => s.weight === specs[0]!.weight);
    this.totalVersion = Number.NaN;
  }
}

/** `bounded-load`: consistent hashing with bounded loads (factor c). */
export const strategy: StrategyDef<BoundedLoadOptions> = {
  name: 'bounded-load',
  description: 'Ketama ring where a backend is skipped once it holds ceil(c·(in-flight+1)/n) requests',
  reference: 'Mirrokni, Thorup & Zadimoghaddam 2018; HAProxy hash-balance-factor',
  options: schema,
  weighted: true,
  spreads: false,
  cost: 'O(log n)',
  create(opts: BoundedLoadOptions): Strategy {
    return new BoundedLoad(opts.factor);
  },
};
