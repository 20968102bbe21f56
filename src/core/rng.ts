/**
 * Seeded, splittable pseudo-random numbers for the core and the simulator.
 *
 * Generator: xoshiro128** 1.0 (Blackman & Vigna, https://prng.di.unimi.it/xoshiro128starstar.c),
 * 128 bits of state, period 2^128 − 1, passes BigCrush; all arithmetic is 32-bit (`Math.imul`), so
 * it is fast in V8 and allocates nothing per draw. Its output is checked against the reference C
 * implementation in `rng.test.ts`.
 *
 * Streams: `fork(name)` derives an independent generator from the ROOT seed and the stream's path
 * (e.g. `"1/arrivals"`, `"1/strategy/p2c"`), hashed with FNV-1a and expanded with SplitMix32. A
 * stream therefore does not depend on how much its parent or siblings were used, which is what gives
 * the simulator common random numbers: every strategy sees the same arrivals and service draws.
 */
import { ln } from './math.js';


/** FNV-1a 32-bit hash of a string (UTF-16 code units). */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** SplitMix32 step (Vigna's finaliser constants), used only to expand a seed into state. */
function splitmix32(state: { x: number }): number {
  state.x = (state.x + 0x9e3779b9) | 0;
  let z = state.x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** A seeded random stream. Never shared between consumers: fork one per consumer. */
export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  /** The path this stream was derived from (root seed and stream names). */
  readonly path: string;

  /**
   * @param seed integer seed of the root stream
   * @param path stream path; leave unset for a root stream
   */
  constructor(seed: number, path?: string) {
    this.path = path ?? String(seed);
    const st = { x: fnv1a(this.path) ^ Math.imul(seed | 0, 0x9e3779b1) };
    // State words are kept as signed int32 (`| 0`, same bits) so V8 stores them as small integers.
    this.s0 = splitmix32(st) | 0;
    this.s1 = splitmix32(st) | 0;
    this.s2 = splitmix32(st) | 0;
    this.s3 = splitmix32(st) | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
    this.rootSeed = seed;
  }

  private readonly rootSeed: number;

  /** Builds a generator from raw xoshiro128** state words (for reference-vector tests). */
  static fromState(s0: number, s1: number, s2: number, s3: number): Rng {
    const r = new Rng(0, 'raw');
    r.s0 = s0 | 0;
    r.s1 = s1 | 0;
    r.s2 = s2 | 0;
    r.s3 = s3 | 0;
    return r;
  }

  /** An independent stream named `name` under this one; same root seed and path → same stream. */
  fork(name: string): Rng {
    return new Rng(this.rootSeed, `${this.path}/${name}`);
  }

  /**
   * One xoshiro128** step: the output as a SIGNED int32 (same bits as {@link nextU32}). A signed
   * int32 is a small integer to V8, so it crosses a call boundary unboxed; an unsigned one at or
   * above 2^31 is a heap number, allocated whenever the call is not inlined. The state is read into
   * locals once and written back once.
   */
  private step(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const s2 = this.s2 ^ s0;
    const s3 = this.s3 ^ s1;
    this.s0 = s0 ^ s3;
    this.s1 = s1 ^ s2;
    this.s2 = s2 ^ (s1 << 9);
    this.s3 = (s3 << 11) | (s3 >>> 21);
    const r5 = Math.imul(s1, 5);
    return Math.imul((r5 << 7) | (r5 >>> 25), 9);
  }

  /** Next raw 32-bit unsigned output of xoshiro128**. */
  nextU32(): number {
    return this.step() >>> 0;
  }

  // The three draws below are kept under V8's "small function" size (27 bytes of bytecode), so
  // they are inlined wherever they are called and their fractional results are never boxed; hence
  // the literal 2^-32 (a module constant would add a temporal-dead-zone check).

  /** Uniform in [0, 1) with 32 bits of resolution. */
  next(): number {
    return (this.step() >>> 0) * 2.3283064365386963e-10;
  }

  /** Uniform in (0, 1): never 0, for logarithms. */
  nextOpen(): number {
    return ((this.step() >>> 0) + 0.5) * 2.3283064365386963e-10;
  }

  /** Uniform integer in [0, n) for 0 < n ≤ 2^32 (multiply-shift; bias below 2^-32·n). */
  int(n: number): number {
    return Math.floor((this.step() >>> 0) * 2.3283064365386963e-10 * n);
  }

  /** Exponential variate with the given mean. */
  exp(mean: number): number {
    return -ln(this.nextOpen()) * mean;
  }
}
