/**
 * Power of d choices (P2C for d = 2): sample d eligible backends, send to the least loaded.
 *
 * Reference: Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing" (IEEE TPDS
 * 2001); nginx `random two least_conn`; HAProxy `balance random(2)` (REFERENCE.md, `p2c`).
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

/**
 * Uniform samples of distinct positions in `[0, count)`, in uniformly random order, by a partial
 * Fisher–Yates shuffle. The permutation array persists between calls (any permutation is a valid
 * starting point for Fisher–Yates), so a sample costs exactly `min(d, count)` draws and it is only
 * re-initialised, O(count), when `count` changes.
 */
export class DistinctSampler {
  /** A permutation of `0 … permCount-1`; after {@link sample}, its first m entries are the sample. */
  pos = new Int32Array(0);
  private permCount = -1;

  /**
   * Draws `m = min(d, count)` distinct positions into `pos[0..m)` and returns m.
   * @param count number of positions to sample from (e.g. `view.count`)
   * @param d wanted sample size
   * @param rng the caller's random stream
   */
  sample(count: number, d: number, rng: Rng): number {
    if (count !== this.permCount) {
      if (this.pos.length < count) this.pos = new Int32Array(count);
      for (let k = 0; k < count; k++) this.pos[k] = k;
      this.permCount = count;
    }
    const m = d < count ? d : count;
    const p = this.pos;
    for (let j = 0; j < m; j++) {
      const r = j + rng.int(count - j);
      const t = p[j]!;
      p[j] = p[r]!;
      p[r] = t;
    }
    return m;
  }

  /**
   * {@link sample} for d = 2 and count ≥ 2, unrolled (the common case, p2c proper): the same two
   * draws and swaps, so the same positions, in `pos[0]` and `pos[1]`.
   */
  pair(count: number, rng: Rng): void {
    if (count !== this.permCount) {
      if (this.pos.length < count) this.pos = new Int32Array(count);
      for (let k = 0; k < count; k++) this.pos[k] = k;
      this.permCount = count;
    }
    const p = this.pos;
    const r0 = rng.int(count);
    const a = p[r0]!;
    p[r0] = p[0]!;
    p[0] = a;
    const r1 = 1 + rng.int(count - 1);
    const b = p[r1]!;
    p[r1] = p[1]!;
    p[1] = b;
  }
}

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
