/**
 * Service-time distribution fits and the goodness-of-fit test that chooses among them.
 *
 * Families (the simulator's, src/sim/model/distributions.ts), fitted by maximum likelihood:
 * - lognormal: μ, σ = mean and standard deviation of ln x (closed form, from {@link Moments});
 * - gamma: shape k solves ln k − ψ(k) = ln(mean x) − mean(ln x), started at Minka's approximation
 *   and refined by Newton's method (T. Minka, "Estimating a Gamma distribution", 2002); scale = mean/k;
 * - mixture of two lognormals: EM (Dempster, Laird & Rubin 1977) on the sketch's bins in log space
 *   (each bin's count at its representative value, plus Sheppard's correction of the bin width to
 *   the variances), started from the two halves split at the median.
 *
 * Test: the Kolmogorov–Smirnov distance D = sup |F_log(x) − F_fit(x)|, evaluated at the edges of
 * the sketch's bins (where the sketch's cumulative counts are exact; relative spacing 2 %). A log
 * that records whole milliseconds holds value k for every true time in (k − ½, k + ½], so the edges
 * of a bin of such values are widened by half the resolution before F_fit is read. With thousands
 * of requests every family is rejected at the textbook 5 % critical value 1.358/√n (reported
 * alongside), so the choice is made on D itself:
 *   1. the better of lognormal and gamma (smaller D);
 *   2. the mixture instead, only if it lowers D by a third and by at least 0.01 (it has 5
 *      parameters, not 2);
 *   3. the chosen family is kept when D ≤ {@link MAX_PARAMETRIC_D}; otherwise the empirical
 *      distribution (quantiles of the sketch) is written instead.
 */
import { digamma, lowerRegularizedGamma, normalCdf, trigamma } from './special.js';
import { representative, SKETCH_ACCURACY, type Bin, type Moments, type Sketch } from './sketch.js';

/** Largest KS distance at which a parametric family is still written (else empirical). */
export const MAX_PARAMETRIC_D = 0.05;

/** Quantile points of an empirical fit. */
export const EMPIRICAL_POINTS = 200;

/** A fitted distribution in scenario terms (ms). */
export type FittedDist =
  | { dist: 'lognormal'; mu: number; sigma: number }
  | { dist: 'gamma'; shape: number; scale: number }
  | { dist: 'mixture'; parts: { weight: number; of: { dist: 'lognormal'; mu: number; sigma: number } }[] }
  | { dist: 'empirical'; samples: number[] };

/** The lognormal MLE. */
export function fitLognormal(m: Moments): { dist: 'lognormal'; mu: number; sigma: number } {
  return { dist: 'lognormal', mu: m.meanLog, sigma: Math.max(1e-6, Math.sqrt(m.varLog)) };
}

/** The gamma MLE (shape by Newton on ln k − ψ(k) = s). */
export function fitGamma(m: Moments): { dist: 'gamma'; shape: number; scale: number } {
  const mean = m.mean;
  const s = Math.log(mean) - m.meanLog;
  let k = s > 0 ? (3 - s + Math.sqrt((s - 3) ** 2 + 24 * s)) / (12 * s) : 1e6;
  if (s > 0) {
    for (let i = 0; i < 50; i++) {
      const f = Math.log(k) - digamma(k) - s;
      const df = 1 / k - trigamma(k);
      const next = k - f / df;
      if (!(next > 0)) break;
      if (Math.abs(next - k) < 1e-10 * k) {
        k = next;
        break;
      }
      k = next;
    }
  }
  return { dist: 'gamma', shape: k, scale: mean / k };
}

/** Log-space points of the bins (zeros at `floor`). */
function logPoints(bins: readonly Bin[], floor: number): { y: Float64Array; w: Float64Array } {
  const y = new Float64Array(bins.length);
  const w = new Float64Array(bins.length);
  bins.forEach((b, i) => {
    y[i] = Math.log(b.hi === 0 ? floor : representative(b));
    w[i] = b.n;
  });
  return { y, w };
}

/** Two-lognormal mixture by EM on the sketch's bins (see the module header). */
export function fitMixture(sketch: Sketch, floor: number): Extract<FittedDist, { dist: 'mixture' }> | undefined {
  const bins = sketch.bins();
  if (bins.length < 4) return undefined;
  const { y, w } = logPoints(bins, floor);
  const n = y.length;
  const total = w.reduce((s, x) => s + x, 0);
  const binVar = Math.log((1 + SKETCH_ACCURACY) / (1 - SKETCH_ACCURACY)) ** 2 / 12;
  // start: halves split at the weighted median
  let acc = 0;
  let split = 0;
  for (; split < n - 1; split++) {
    acc += w[split]!;
    if (acc >= total / 2) break;
  }
  const stats = (from: number, to: number) => {
    let sw = 0;
    let sy = 0;
    let syy = 0;
    for (let i = from; i < to; i++) {
      sw += w[i]!;
      sy += w[i]! * y[i]!;
      syy += w[i]! * y[i]! * y[i]!;
    }
    const m = sy / sw;
    return { p: sw / total, m, v: Math.max(binVar, syy / sw - m * m) };
  };
  let a = stats(0, split + 1);
  let b = stats(split + 1, n);
  if (!(a.p > 0 && b.p > 0)) return undefined;
  const r = new Float64Array(n);
  let prevLl = -Infinity;
  for (let it = 0; it < 500; it++) {
    let ll = 0;
    for (let i = 0; i < n; i++) {
      const da = (a.p / Math.sqrt(a.v)) * Math.exp(-((y[i]! - a.m) ** 2) / (2 * a.v));
      const db = (b.p / Math.sqrt(b.v)) * Math.exp(-((y[i]! - b.m) ** 2) / (2 * b.v));
      const s = da + db;
      r[i] = s > 0 ? da / s : a.m < b.m === y[i]! < (a.m + b.m) / 2 ? 1 : 0;
      ll += w[i]! * Math.log(s > 0 ? s : 1e-300);
    }
    let wa = 0;
    let ya = 0;
    let wb = 0;
    let yb = 0;
    for (let i = 0; i < n; i++) {
      wa += w[i]! * r[i]!;
      ya += w[i]! * r[i]! * y[i]!;
      wb += w[i]! * (1 - r[i]!);
      yb += w[i]! * (1 - r[i]!) * y[i]!;
    }
    if (!(wa > 0 && wb > 0)) return undefined;
    const ma = ya / wa;
    const mb = yb / wb;
    let va = 0;
    let vb = 0;
    for (let i = 0; i < n; i++) {
      va += w[i]! * r[i]! * (y[i]! - ma) ** 2;
      vb += w[i]! * (1 - r[i]!) * (y[i]! - mb) ** 2;
    }
    a = { p: wa / total, m: ma, v: Math.max(binVar, va / wa + binVar) };
    b = { p: wb / total, m: mb, v: Math.max(binVar, vb / wb + binVar) };
    if (Math.abs(ll - prevLl) <= 1e-9 * Math.abs(ll)) break;
    prevLl = ll;
  }
  const parts = [a, b]
    .sort((x, z) => x.m - z.m)
    .map((c) => ({ weight: c.p, of: { dist: 'lognormal' as const, mu: c.m, sigma: Math.sqrt(c.v) } }));
  return { dist: 'mixture', parts };
}

/** CDF of a fitted parametric distribution at x (ms). */
export function cdfOf(d: FittedDist, x: number): number {
  if (!(x > 0)) return 0;
  switch (d.dist) {
    case 'lognormal':
      return normalCdf((Math.log(x) - d.mu) / d.sigma);
    case 'gamma':
      return lowerRegularizedGamma(d.shape, x / d.scale);
    case 'mixture': {
      let s = 0;
      let tw = 0;
      for (const p of d.parts) {
        s += p.weight * normalCdf((Math.log(x) - p.of.mu) / p.of.sigma);
        tw += p.weight;
      }
      return s / tw;
    }
    case 'empirical': {
      let k = 0;
      for (const v of d.samples) if (v <= x) k++;
      return k / d.samples.length;
    }
  }
}

/** Mean of a fitted distribution (ms). */
export function meanOfFit(d: FittedDist): number {
  switch (d.dist) {
    case 'lognormal':
      return Math.exp(d.mu + (d.sigma * d.sigma) / 2);
    case 'gamma':
      return d.shape * d.scale;
    case 'mixture': {
      const tw = d.parts.reduce((s, p) => s + p.weight, 0);
      return d.parts.reduce((s, p) => s + (p.weight / tw) * Math.exp(p.of.mu + (p.of.sigma * p.of.sigma) / 2), 0);
    }
    case 'empirical':
      return d.samples.reduce((s, x) => s + x, 0) / d.samples.length;
  }
}

/**
 * The KS distance between the sketch's distribution and `d`, at the sketch's bin edges; `res` is
 * the log's resolution (ms) by which the edges are widened (see the module header).
 */
export function ksDistance(sketch: Sketch, d: FittedDist, res: number): { d: number; at: number } {
  const n = sketch.count;
  if (n === 0) return { d: NaN, at: NaN };
  let cum = 0;
  let best = 0;
  let at = 0;
  for (const b of sketch.bins()) {
    const lo = Math.max(0, b.lo - res / 2);
    const hi = b.hi + res / 2;
    const before = Math.abs(cum / n - (b.hi === 0 ? 0 : cdfOf(d, lo)));
    cum += b.n;
    const after = Math.abs(cum / n - cdfOf(d, hi));
    if (before > best) {
      best = before;
      at = b.lo;
    }
    if (after > best) {
      best = after;
      at = b.hi;
    }
  }
  return { d: best, at };
}

/** The 5 % critical value of the one-sample KS test for n observations (asymptotic, known parameters). */
export function ksCritical5(n: number): number {
  return 1.358 / Math.sqrt(n);
}

/** A fit with its test results. */
export interface ServiceFit {
  chosen: FittedDist;
  family: FittedDist['dist'];
  /** KS distance of each candidate (empirical: of the chosen parametric one it replaced). */
  distances: { lognormal: number; gamma: number; mixture: number };
  /** D of the chosen family (0 for empirical: the sketch's own quantiles). */
  d: number;
  n: number;
  /** 5 % critical value 1.358/√n, for reference. */
  critical: number;
  /** One line: what was chosen and why. */
  reason: string;
}

/** Empirical quantiles of a sketch at (i + ½)/points. */
export function empiricalOf(sketch: Sketch, points = EMPIRICAL_POINTS): { dist: 'empirical'; samples: number[] } {
  const samples: number[] = [];
  for (let i = 0; i < points; i++) samples.push(+sketch.quantile((i + 0.5) / points).toPrecision(4));
  return { dist: 'empirical', samples };
}

/**
 * Fits every family to a service-time sample (its moments and sketch) and chooses by the rule in
 * the module header.
 * @param res the log's time resolution for these values (ms; 0 = exact)
 */
export function chooseServiceFit(m: Moments, sketch: Sketch, res: number): ServiceFit {
  const floor = res > 0 ? res / 2 : Math.max(1e-6, sketch.quantile(0) || 1e-3);
  const ln = fitLognormal(m);
  const ga = fitGamma(m);
  const mix = fitMixture(sketch, floor);
  const dLn = ksDistance(sketch, ln, res).d;
  const dGa = ksDistance(sketch, ga, res).d;
  const dMix = mix ? ksDistance(sketch, mix, res).d : Infinity;
  const distances = { lognormal: dLn, gamma: dGa, mixture: dMix };
  const n = m.n;
  const critical = ksCritical5(n);
  let chosen: FittedDist = dLn <= dGa ? ln : ga;
  let d = Math.min(dLn, dGa);
  let reason = `${chosen.dist} (KS D ${fmt(d)} vs ${chosen.dist === 'lognormal' ? `gamma ${fmt(dGa)}` : `lognormal ${fmt(dLn)}`})`;
  if (mix && dMix <= (2 / 3) * d && d - dMix >= 0.01) {
    reason = `mixture of two lognormals (KS D ${fmt(dMix)}; the best single family, ${chosen.dist}, has ${fmt(d)})`;
    chosen = mix;
    d = dMix;
  }
  if (d > MAX_PARAMETRIC_D) {
    return {
      chosen: empiricalOf(sketch),
      family: 'empirical',
      distances,
      d: 0,
      n,
      critical,
      reason: `empirical (${EMPIRICAL_POINTS} quantiles of the log): no family fits within KS D ${MAX_PARAMETRIC_D} (best ${fmt(Math.min(dLn, dGa, dMix))})`,
    };
  }
  return { chosen, family: chosen.dist, distances, d, n, critical, reason };
}

function fmt(x: number): string {
  return Number.isFinite(x) ? x.toFixed(3) : '–';
}
