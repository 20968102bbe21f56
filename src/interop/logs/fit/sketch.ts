/**
 * Bounded-memory summaries of a stream of non-negative values (ms):
 *
 * - {@link Sketch}: a DDSketch (Masson, Rim & Lee, "DDSketch: A Fast and Fully-Mergeable Quantile
 *   Sketch with Relative-Error Guarantees", VLDB 2019; the `@datadog/sketches-js` implementation)
 *   with 1 % relative accuracy: logarithmic bins of relative width ≈ 2 %, so its size grows with
 *   log(max/min) (≈ 800 bins from 10 µs to 100 s), never with the count. Its bins double as the
 *   binned data of the goodness-of-fit test and of the mixture's EM (families.ts).
 * - {@link Moments}: count, Σx, Σx², Σln x, Σ(ln x)² — the sufficient statistics of the lognormal
 *   and gamma maximum-likelihood fits. A 0 (a value below the log's resolution) enters the
 *   logarithms as half the resolution.
 */
import { DDSketch } from '@datadog/sketches-js';

/** Relative accuracy of every sketch (α): a bin spans (v/γ, v] with γ = (1+α)/(1−α). */
export const SKETCH_ACCURACY = 0.01;

/** Points a rounded value is spread over ({@link Sketch.addSpread}). */
export const SPREAD_POINTS = 16;

/** One non-empty bin: values in (lo, hi], `n` of them (lo = hi = 0 for zeros). */
export interface Bin {
  lo: number;
  hi: number;
  n: number;
}

/** A DDSketch of non-negative values. */
export class Sketch {
  readonly dd = new DDSketch({ relativeAccuracy: SKETCH_ACCURACY });

  /** Adds a value (negative values count as 0) with a weight. */
  add(x: number, weight = 1): void {
    this.dd.accept(x > 0 ? x : 0, weight);
  }

  get count(): number {
    return this.dd.count;
  }

  get mean(): number {
    return this.dd.count > 0 ? this.dd.sum / this.dd.count : NaN;
  }

  /** Value at quantile q (relative error ≤ 1 %); NaN when empty. */
  quantile(q: number): number {
    return this.dd.count > 0 ? Math.max(0, this.dd.getValueAtQuantile(q)) : NaN;
  }

  /** Merges another sketch into this one. */
  merge(other: Sketch): void {
    if (other.count > 0) this.dd.merge(other.dd);
  }

  /** Adds every bin of `other` with its values multiplied by `factor` (a server's speed). */
  addScaled(other: Sketch, factor: number): void {
    for (const b of other.bins()) this.add(b.hi === 0 ? 0 : representative(b) * factor, b.n);
  }

  /**
   * Adds every value of `other` multiplied by `factor`, each value first spread evenly over the
   * interval it stands for when it was rounded to `res` ms (k stands for (k − res/2, k + res/2];
   * {@link SPREAD_POINTS} points per bin): a whole-ms log then gives a continuous sample, so
   * rounding does not show up as steps in the goodness-of-fit test. `res` 0 adds values as they are.
   */
  addSpread(other: Sketch, factor: number, res: number): void {
    for (const b of other.bins()) {
      const v = representative(b);
      if (!(res > 0)) {
        this.add(v * factor, b.n);
        continue;
      }
      const k = Math.round(v / res) * res;
      const lo = Math.max(0, k - res / 2);
      const hi = k + res / 2;
      const w = b.n / SPREAD_POINTS;
      for (let j = 0; j < SPREAD_POINTS; j++) this.add((lo + ((j + 0.5) / SPREAD_POINTS) * (hi - lo)) * factor, w);
    }
  }

  /** The non-empty bins in increasing order (the zero bin first). */
  bins(): Bin[] {
    const out: Bin[] = [];
    const dd = this.dd;
    if (dd.zeroCount > 0) out.push({ lo: 0, hi: 0, n: dd.zeroCount });
    const st = dd.store;
    const m = dd.mapping;
    const g = m.gamma;
    for (let i = 0; i < st.bins.length; i++) {
      const n = st.bins[i]!;
      if (!(n > 0)) continue;
      const key = i + st.offset;
      // value(key) = γ^(key−offset)·2/(1+γ) is the bin's representative; the bin is (γ^(k−1), γ^k]
      const hi = (m.value(key) * (1 + g)) / 2;
      out.push({ lo: hi / g, hi, n });
    }
    return out;
  }
}

/** The value a bin stands for (DDSketch's representative: the point of equal relative error). */
export function representative(b: Bin): number {
  return b.hi === 0 ? 0 : (2 * b.hi * b.lo) / (b.hi + b.lo);
}

/** Streaming sufficient statistics of the lognormal and gamma likelihoods. */
export class Moments {
  n = 0;
  sum = 0;
  sumSq = 0;
  sumLog = 0;
  sumLogSq = 0;

  /**
   * @param x value (ms)
   * @param floor what a value ≤ 0 counts as in the logarithms (half the log's resolution)
   */
  add(x: number, floor: number): void {
    const v = x > 0 ? x : floor;
    const l = Math.log(v);
    this.n++;
    this.sum += x;
    this.sumSq += x * x;
    this.sumLog += l;
    this.sumLogSq += l * l;
  }

  merge(o: Moments): void {
    this.n += o.n;
    this.sum += o.sum;
    this.sumSq += o.sumSq;
    this.sumLog += o.sumLog;
    this.sumLogSq += o.sumLogSq;
  }

  /** Adds `o` with every value multiplied by `f` (moments of f·X). */
  mergeScaled(o: Moments, f: number): void {
    const lf = Math.log(f);
    this.n += o.n;
    this.sum += o.sum * f;
    this.sumSq += o.sumSq * f * f;
    this.sumLog += o.sumLog + o.n * lf;
    this.sumLogSq += o.sumLogSq + 2 * lf * o.sumLog + o.n * lf * lf;
  }

  get mean(): number {
    return this.n > 0 ? this.sum / this.n : NaN;
  }

  /** Sample variance (n − 1). */
  get variance(): number {
    return this.n > 1 ? Math.max(0, (this.sumSq - (this.sum * this.sum) / this.n) / (this.n - 1)) : NaN;
  }

  get meanLog(): number {
    return this.n > 0 ? this.sumLog / this.n : NaN;
  }

  /** Variance of ln x (maximum likelihood, n). */
  get varLog(): number {
    return this.n > 0 ? Math.max(0, this.sumLogSq / this.n - this.meanLog * this.meanLog) : NaN;
  }
}
