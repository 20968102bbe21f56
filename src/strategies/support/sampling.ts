/**
 * Sampling d distinct positions without allocation: a partial Fisher–Yates shuffle (Knuth, TAOCP
 * vol. 2, §3.4.2, Algorithm P, stopped after d steps) over a persistent permutation. Used by `p2c`,
 * `peak-ewma` and `prequal` to draw their candidates.
 */
import type { Rng } from '../../core/rng.js';

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
