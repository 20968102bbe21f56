/**
 * Special functions for the distribution fits: the standard normal CDF (through `simple-statistics`'
 * error function, accurate to 1.2e-7), the regularized lower incomplete gamma function P(a, x) (the
 * gamma CDF) by its series for x < a + 1 and Lentz's continued fraction otherwise (Press et al.,
 * "Numerical Recipes", 3rd ed., §6.2, `gser`/`gcf`), and the digamma and trigamma functions by
 * recurrence up to x ≥ 6 then their asymptotic series (Abramowitz & Stegun 6.3.18, 6.4.12) —
 * `simple-statistics` has `gammaln` but neither of these.
 */
import { errorFunction, gammaln } from 'simple-statistics';

/** Φ(z), the standard normal CDF. */
export function normalCdf(z: number): number {
  if (z < -40) return 0;
  if (z > 40) return 1;
  return 0.5 * (1 + errorFunction(z / Math.SQRT2));
}

/** P(a, x) = γ(a, x)/Γ(a), the regularized lower incomplete gamma function (a > 0, x ≥ 0). */
export function lowerRegularizedGamma(a: number, x: number): number {
  if (!(x > 0)) return 0;
  if (x === Infinity) return 1;
  const lnPre = a * Math.log(x) - x - gammaln(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return Math.min(1, sum * Math.exp(lnPre));
  }
  // continued fraction for Q(a, x) (modified Lentz)
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.max(0, 1 - Math.exp(lnPre) * h);
}

/** ψ(x), the digamma function (x > 0). */
export function digamma(x: number): number {
  let r = 0;
  while (x < 6) {
    r -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/** ψ′(x), the trigamma function (x > 0). */
export function trigamma(x: number): number {
  let r = 0;
  while (x < 6) {
    r += 1 / (x * x);
    x += 1;
  }
  const f = 1 / (x * x);
  return r + 1 / x + f / 2 + (f / x) * (1 / 6 - f * (1 / 30 - f * (1 / 42 - f / 30)));
}
