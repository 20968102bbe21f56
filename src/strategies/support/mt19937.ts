/**
 * The 32-bit Mersenne Twister, `std::mt19937` of the C++ standard library: Envoy's bounded-load
 * hashing seeds one with the request's hash to walk the hosts in the same pseudo-random order for
 * the same key (`BoundedLoadHashingLoadBalancer::chooseHost`, used by `bounded-load` flavor
 * `envoy`).
 *
 * Reference: Matsumoto & Nishimura, "Mersenne Twister: A 623-dimensionally equidistributed uniform
 * pseudo-random number generator", ACM TOMACS 8(1), 1998; the parameters of C++ [rand.predef]
 * `mt19937` (w 32, n 624, m 397, r 31, a 0x9908b0df, u 11, d 0xffffffff, s 7, b 0x9d2c5680,
 * t 15, c 0xefc60000, l 18, f 1812433253). Seeding uses the value modulo 2^32, as the standard
 * specifies. The standard's check value: the 10,000th output of a default-seeded (5489) engine is
 * 4123659995. State lives in one reused Uint32Array: seeding and drawing allocate nothing.
 */

const N = 624;
const M = 397;

/** A reseedable mt19937 engine. */
export class Mt19937 {
  private readonly mt = new Uint32Array(N);
  private i = N;

  /** @param seed initial seed (default 5489, the standard's default) */
  constructor(seed = 5489) {
    this.seed(seed);
  }

  /** Reseeds with `seed` modulo 2^32. */
  seed(seed: number): void {
    const mt = this.mt;
    mt[0] = seed >>> 0;
    for (let k = 1; k < N; k++) {
      const prev = mt[k - 1]!;
      mt[k] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + k) >>> 0;
    }
    this.i = N;
  }

  /** Next output, an unsigned 32-bit integer. */
  next(): number {
    return this.nextBits() >>> 0;
  }

  /**
   * Next output as a SIGNED 32-bit integer (the same bits as {@link next}): a small integer to V8,
   * so returning it from a call V8 does not inline allocates nothing, where an unsigned value
   * ≥ 2^31 is a heap number. Hot paths take this and apply `>>> 0` in their own frame.
   */
  nextBits(): number {
    const mt = this.mt;
    if (this.i >= N) {
      for (let k = 0; k < N; k++) {
        const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % N]! & 0x7fffffff);
        let v = mt[(k + M) % N]! ^ (y >>> 1);
        if (y & 1) v ^= 0x9908b0df;
        mt[k] = v >>> 0;
      }
      this.i = 0;
    }
    let y = mt[this.i++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y | 0;
  }
}
