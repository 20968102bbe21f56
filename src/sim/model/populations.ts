/**
 * Populations of request attributes: client addresses, hash keys and session keys.
 *
 * A population has `count` distinct values, drawn either uniformly or by a Zipf law: rank r
 * (1-based) has probability `r^-s / H(count, s)` (Zipf 1949; the popularity model of Breslau et al.,
 * "Web Caching and Zipf-like Distributions", INFOCOM 1999). Zipf draws invert a precomputed CDF by
 * binary search: O(log count) per draw, no allocation. Value 0 is the most popular.
 *
 * A value is chosen from a uniform 32-bit number ({@link Population.index}): either the next output
 * of a stream ({@link Population.draw}), or a counter-based draw, `hash32(n ^ salt)` of the
 * request's arrival number n ({@link hash32}: the "lowbias32" integer mixer of C. Wellons' hash
 * prospector, a bijection of 32-bit integers with low avalanche bias). Counter-based draws give
 * request n the same attribute whenever and whether or not it is looked at, which lets the
 * simulator compute attributes only when a strategy reads them (common random numbers without
 * drawing on every arrival).
 *
 * Each value's string is built the first time it is read (a run whose strategies never look at an
 * attribute builds none) and kept, never per request: client addresses are IPv4
 * `10.a.b.c` with a distinct /24 (`10.a.b`) for each of the first 65 536 values, so `ip-hash`
 * (which hashes the first three octets, as nginx does) sees as many distinct networks as clients;
 * keys are `k0, k1, …`, sessions `s0, s1, …`.
 */
import type { Rng } from '../../core/rng.js';
import type { KeyPopulation } from '../../scenario/types.js';
import { pow } from '../../core/math.js';

const TWO_NEG_32 = 1 / 4294967296;

/** lowbias32 (Wellons): a bijective 32-bit mixer with good avalanche; returns an unsigned 32-bit integer. */
export function hash32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** The client address of value `i`: a distinct /24 per value for i < 65 536. */
export function clientAddress(i: number): string {
  return `10.${(i >>> 8) & 255}.${i & 255}.${1 + (Math.floor(i / 65536) % 254)}`;
}

/** A population of attribute values with their precomputed strings. */
export class Population {
  /** The values' strings built so far, by index (index 0 = most popular under zipf). */
  private readonly strings: (string | undefined)[];
  private readonly name: (i: number) => string;
  /** Number of distinct values (0 = the attribute is unused: always the empty string). */
  readonly count: number;
  private readonly cdf: Float64Array | null;

  /**
   * @param spec count and popularity
   * @param name how value `i` is written (e.g. `(i) => 'k' + i`)
   */
  constructor(spec: KeyPopulation, name: (i: number) => string) {
    const n = Math.max(0, Math.floor(spec.count));
    this.count = n;
    this.strings = n === 0 ? [''] : [];
    this.name = name;
    if (spec.popularity === 'zipf' && n > 1) {
      const cdf = new Float64Array(n);
      let acc = 0;
      for (let i = 0; i < n; i++) {
        acc += pow(i + 1, -spec.exponent);
        cdf[i] = acc;
      }
      for (let i = 0; i < n; i++) cdf[i] = cdf[i]! / acc;
      cdf[n - 1] = 1;
      this.cdf = cdf;
    } else this.cdf = null;
  }

  /** The string of value `i` (0 ≤ i < max(1, count)); an empty population's only value is `''`. */
  value(i: number): string {
    const s = this.strings[i];
    if (s !== undefined) return s;
    if (!(i >= 0 && i < this.count)) throw new RangeError(`population value ${i} outside 0…${this.count - 1}`);
    return (this.strings[i] = this.name(i));
  }

  /** Draws a value index from a stream (0 when the population has 0 or 1 values, without consuming randomness). */
  draw(rng: Rng): number {
    return this.count <= 1 ? 0 : this.index(rng.nextU32());
  }

  /** The value index chosen by the uniform unsigned 32-bit number `u32`. */
  index(u32: number): number {
    const n = this.count;
    if (n <= 1) return 0;
    const cdf = this.cdf;
    if (cdf === null) return Math.floor(u32 * TWO_NEG_32 * n);
    const u = u32 * TWO_NEG_32;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cdf[mid]! > u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Probability of value `i` (for tests and reports). */
  probability(i: number): number {
    const n = this.count;
    if (n <= 1) return i === 0 ? 1 : 0;
    if (this.cdf === null) return 1 / n;
    return i === 0 ? this.cdf[0]! : this.cdf[i]! - this.cdf[i - 1]!;
  }
}
