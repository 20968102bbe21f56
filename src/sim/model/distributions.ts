/**
 * Random variates for service times, think times and network latency (all in ms).
 *
 * A {@link Distribution} from the scenario is compiled once per run, at setup, into a
 * {@link Sampler} whose `sample(rng)` returns ms and allocates nothing per call. Methods (Law, "Simulation Modeling and
 * Analysis", 5th ed., ch. 8; Devroye, "Non-Uniform Random Variate Generation", 1986):
 * - exponential, uniform, pareto: inversion of the CDF (pareto `xm · U^(-1/α)`);
 * - normal (for lognormal and gamma): Box–Muller, the second variate of each pair cached;
 * - gamma: Marsaglia & Tsang, "A Simple Method for Generating Gamma Variables" (ACM TOMS 2000),
 *   with the shape < 1 boost `G(α) = G(α+1) · U^(1/α)` from the same paper;
 * - mixture: pick a part by weight (cumulative weights, linear scan: mixtures are small);
 * - empirical: a uniform pick among the samples (bootstrap resampling: the variate's distribution is
 *   exactly the samples' empirical distribution, so its mean is the samples' mean).
 * {@link meanOf} gives the analytic means (pareto with α ≤ 1 has none: Infinity).
 */
import type { Rng } from '../../core/rng.js';
import type { Distribution } from '../../scenario/types.js';
import { cos, exp, ln, pow, sin } from '../../core/math.js';

const TWO_PI = 2 * Math.PI;

/** Standard-normal variates by Box–Muller; the second variate of each pair is cached. */
export class NormalGen {
  private spare = 0;
  private has = false;

  /** One N(0, 1) variate. */
  next(rng: Rng): number {
    if (this.has) {
      this.has = false;
      return this.spare;
    }
    const r = Math.sqrt(-2 * ln(rng.nextOpen()));
    const th = TWO_PI * rng.next();
    this.spare = r * sin(th);
    this.has = true;
    return r * cos(th);
  }
}

const K_CONSTANT = 0;
const K_EXPONENTIAL = 1;
const K_UNIFORM = 2;
const K_PARETO = 3;
const K_LOGNORMAL = 4;
const K_GAMMA = 5;
const K_MIXTURE = 6;
const K_EMPIRICAL = 7;

/**
 * A compiled distribution: `sample(rng)` draws one variate (ms) and allocates nothing.
 * One class for every kind (a switch on a small integer), not one closure per distribution: the
 * call site stays monomorphic and V8 can inline the common cases into the simulator's loop.
 */
export class Sampler {
  private readonly normal = new NormalGen();
  private readonly parts: Sampler[];
  private readonly table: Float64Array;

  /**
   * @param kind internal kind code
   * @param a first parameter (value, mean, min, scale, mu, or gamma's d)
   * @param b second parameter (width, −1/α, sigma, or gamma's c)
   * @param c third parameter (gamma: 1/shape when boosted, else 0; gamma scale in `d`)
   * @param d fourth parameter (gamma scale)
   */
  private constructor(
    private readonly kind: number,
    private readonly a: number,
    private readonly b: number,
    private readonly c: number,
    private readonly d: number,
    parts: Sampler[],
    table: Float64Array,
  ) {
    this.parts = parts;
    this.table = table;
  }

  /** Compiles `dist`; throws on parameters outside their domain. */
  static of(dist: Distribution): Sampler {
    const none = new Float64Array(0);
    switch (dist.dist) {
      case 'constant':
        return new Sampler(K_CONSTANT, dist.value, 0, 0, 0, [], none);
      case 'exponential':
        return new Sampler(K_EXPONENTIAL, dist.mean, 0, 0, 0, [], none);
      case 'uniform':
        return new Sampler(K_UNIFORM, dist.min, dist.max - dist.min, 0, 0, [], none);
      case 'pareto':
        return new Sampler(K_PARETO, dist.scale, -1 / dist.shape, 0, 0, [], none);
      case 'lognormal':
        return new Sampler(K_LOGNORMAL, dist.mu, dist.sigma, 0, 0, [], none);
      case 'gamma': {
        if (!(dist.shape > 0 && dist.scale > 0)) throw new RangeError('gamma: shape and scale must be > 0');
        const boost = dist.shape < 1;
        const dd = (boost ? dist.shape + 1 : dist.shape) - 1 / 3;
        return new Sampler(K_GAMMA, dd, 1 / Math.sqrt(9 * dd), boost ? 1 / dist.shape : 0, dist.scale, [], none);
      }
      case 'mixture': {
        const total = dist.parts.reduce((s, p) => s + p.weight, 0);
        if (!(total > 0) || dist.parts.length === 0) throw new RangeError('mixture: weights must sum to > 0');
        const cum = new Float64Array(dist.parts.length);
        let acc = 0;
        dist.parts.forEach((p, i) => {
          acc += p.weight / total;
          cum[i] = acc;
        });
        cum[cum.length - 1] = 1;
        return new Sampler(K_MIXTURE, 0, 0, 0, 0, dist.parts.map((p) => Sampler.of(p.of)), cum);
      }
      case 'empirical': {
        if (dist.samples.length === 0) throw new RangeError('empirical: needs at least one sample');
        return new Sampler(K_EMPIRICAL, 0, 0, 0, 0, [], Float64Array.from(dist.samples));
      }
    }
  }

  /** Draws one variate from `rng`. */
  sample(rng: Rng): number {
    switch (this.kind) {
      case K_EXPONENTIAL:
        return -ln(rng.nextOpen()) * this.a;
      case K_CONSTANT:
        return this.a;
      case K_UNIFORM:
        return this.a + this.b * rng.next();
      case K_PARETO:
        return this.a * pow(rng.nextOpen(), this.b);
      default:
        return this.sampleOther(rng);
    }
  }

  private sampleOther(rng: Rng): number {
    switch (this.kind) {
      case K_LOGNORMAL:
        return exp(this.a + this.b * this.normal.next(rng));
      case K_GAMMA:
        return this.gamma(rng);
      case K_MIXTURE: {
        const u = rng.next();
        const cum = this.table;
        const last = cum.length - 1;
        let i = 0;
        while (i < last && u >= cum[i]!) i++;
        return this.parts[i]!.sample(rng);
      }
      default: {
        const t = this.table;
        return t[rng.int(t.length)]!;
      }
    }
  }

  /** Marsaglia–Tsang with d = a, c = b, boost exponent c (0 = none), scale d. */
  private gamma(rng: Rng): number {
    const d = this.a;
    const c = this.b;
    let x: number;
    let v: number;
    for (;;) {
      do {
        x = this.normal.next(rng);
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = rng.nextOpen();
      const x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2) break;
      if (ln(u) < 0.5 * x2 + d * (1 - v + ln(v))) break;
    }
    let g = d * v;
    if (this.c !== 0) g *= pow(rng.nextOpen(), this.c);
    return g * this.d;
  }
}

/** Variates per {@link VariateBlock} refill. */
const BLOCK = 256;

/**
 * One sampler's variates from one stream, drawn ahead a block at a time: the same values in the
 * same order as calling `sampler.sample(rng)` once per variate (the stream has no other consumer),
 * but drawn in a tight loop of their own, and handed out by {@link take}, which is small enough for
 * V8 to inline at every call site, so a variate never crosses a call as a boxed (allocated) number.
 * The sampler must be this block's own (a lognormal's cached Box–Muller spare is per sampler).
 */
export class VariateBlock {
  private readonly buf = new Float64Array(BLOCK);
  private i = BLOCK;

  /**
   * @param sampler the distribution (used by this block only)
   * @param rng the stream (used by this block only)
   */
  constructor(
    private readonly sampler: Sampler,
    private readonly rng: Rng,
  ) {}

  /** The next variate. */
  take(): number {
    if (this.i === BLOCK) this.refill();
    return this.buf[this.i++]!;
  }

  private refill(): void {
    const buf = this.buf;
    const sampler = this.sampler;
    const rng = this.rng;
    for (let k = 0; k < BLOCK; k++) buf[k] = sampler.sample(rng);
    this.i = 0;
  }
}

/** Compiles `d` into an allocation-free {@link Sampler}. Throws on parameters outside their domain. */
export function compileDistribution(d: Distribution): Sampler {
  return Sampler.of(d);
}

/** Analytic mean of `d` in ms (Infinity for a pareto with shape ≤ 1). */
export function meanOf(d: Distribution): number {
  switch (d.dist) {
    case 'constant':
      return d.value;
    case 'exponential':
      return d.mean;
    case 'uniform':
      return (d.min + d.max) / 2;
    case 'lognormal':
      return exp(d.mu + (d.sigma * d.sigma) / 2);
    case 'pareto':
      return d.shape > 1 ? (d.shape * d.scale) / (d.shape - 1) : Infinity;
    case 'gamma':
      return d.shape * d.scale;
    case 'mixture': {
      const total = d.parts.reduce((s, p) => s + p.weight, 0);
      return d.parts.reduce((s, p) => s + (p.weight / total) * meanOf(p.of), 0);
    }
    case 'empirical':
      return d.samples.reduce((s, x) => s + x, 0) / d.samples.length;
  }
}

/** True when `d` always yields 0 (then drivers may skip drawing it). */
export function isZero(d: Distribution): boolean {
  return d.dist === 'constant' && d.value === 0;
}
