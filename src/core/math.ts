/**
 * Deterministic elementary functions: `ln`, `exp`, `sin`, `cos`, `pow`, `log10`.
 *
 * Why: ECMAScript leaves `Math.log`, `Math.exp`, `Math.sin`, `Math.cos`, `Math.pow` and friends
 * "implementation-approximated" (ECMA-262 §21.3.2). V8 has changed them between versions (Node 20's
 * V8 11.3 and Chromium 156 disagree in the last bit for about 2 % of `log` inputs, 10 % of `exp`,
 * 3 % of `sin`/`cos`, 10 % of `pow`), so a simulation that calls them gives different bits in the
 * browser playground, or on another Node major, for the same seed. Everything here is built only from
 * IEEE 754 double additions, multiplications and divisions (which every engine rounds identically) and
 * from reading/writing a double's bits, so the same input gives the same output everywhere.
 *
 * Algorithms (the methods and their minimax coefficients are those of Sun's fdlibm 5.3, as described
 * in the header comments of its files; rewritten here, not translated line by line):
 * - `ln`: fdlibm `e_log.c` (`__ieee754_log`): x = 2^k·(1+f) with √2/2 ≤ 1+f < √2,
 *   s = f/(2+f), ln(1+f) = 2s + s·R(s²) with R a degree-14 minimax polynomial; error < 1 ulp.
 * - `exp`: fdlibm `e_exp.c` (`__ieee754_exp`): x = k·ln2 + r with |r| ≤ ln2/2 (ln2 split in a high
 *   part with 32 trailing zero bits and a low part), exp(r) = 1 + r + r·c/(2 − c) with c a degree-10
 *   minimax polynomial in r; error < 1 ulp.
 * - `sin`, `cos`: fdlibm `k_sin.c`, `k_cos.c` kernels on [−π/4, π/4] (degree-13 and degree-14
 *   polynomials) after a Cody–Waite reduction by π/2 in three parts (fdlibm `e_rem_pio2.c`, the
 *   "medium" case), valid here for |x| < 2^19·π/2 (the simulator calls them on [0, 2π)); larger
 *   arguments return NaN rather than an inaccurate value.
 * - `pow` (x > 0): exp(y·ln x), so its relative error is about (|y·ln x| + 2) ulp — ample for
 *   variates and weights, and deterministic, which is the point. Negative x with an integer y and the
 *   IEEE special cases follow ECMA-262 `Number::exponentiate`.
 *
 * The outputs agree with V8's `Math` functions to within 1 ulp (`math.test.ts` checks millions of
 * inputs); their exact bits are pinned by golden values in the same test.
 */

const f64 = new Float64Array(1);
const i32 = new Int32Array(f64.buffer);
/** Index of the high (sign, exponent, top of mantissa) word of `f64[0]` in `i32`. */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

const LN2_HI = 6.93147180369123816490e-1; // 0x3FE62E42 FEE00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3DEA39EF 35793C76
const TWO54 = 1.8014398509481984e16;
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

/**
 * POW2[e] = 2^(e − 1075) for e in [0, 2150]: exact powers of two, so that scaling a double by one is
 * exact and needs no write into its bits (a 32-bit write then a 64-bit read of the same bytes stalls
 * the CPU's store forwarding, which made the bit-writing form 3–4× slower than `Math.log`).
 */
const POW2 = new Float64Array(2151);
for (let e = 0; e < 2151; e++) POW2[e] = 2 ** (e - 1075);

/** Natural logarithm, deterministic (fdlibm `e_log.c` method). `ln(0) = −∞`, `ln(x<0) = NaN`. */
export function ln(x: number): number {
  f64[0] = x;
  const hx = i32[HI]! | 0;
  if (hx < 0x00100000 || hx >= 0x7ff00000) return lnEdge(x, hx);
  const m = hx & 0x000fffff;
  // 1+f = the mantissa, or half of it when the mantissa is ≥ √2 (i = 0x100000): then k grows by 1
  const i = (m + 0x95f64) & 0x100000;
  const k = (hx >> 20) - 1023 + (i >> 20);
  const f = x * POW2[1075 - k]! - 1; // x·2^−k, exact
  const dk = k;
  if ((0x000fffff & (2 + m)) < 3) {
    // |f| < 2^-20: a short series is exact to the last bit
    if (f === 0) return k === 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const r = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - r : dk * LN2_HI - (r - dk * LN2_LO - f);
  }
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const r = t2 + t1;
  // Away from 1 (mantissa in [1.15, √2) or its mirror) the half-square form keeps more bits.
  if (((m - 0x6147a) | (0x6b851 - m)) > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0
      ? f - (hfsq - s * (hfsq + r))
      : dk * LN2_HI - (hfsq - (s * (hfsq + r) + dk * LN2_LO) - f);
  }
  return k === 0 ? f - s * (f - r) : dk * LN2_HI - (s * (f - r) - dk * LN2_LO - f);
}

/** {@link ln} of zero, negatives, subnormals, infinities and NaN (`hx`: x's high word). */
function lnEdge(x: number, hx: number): number {
  if (hx >= 0x7ff00000) return x + x; // +∞ or NaN
  if (((hx & 0x7fffffff) | i32[LO]!) === 0) return -Infinity;
  if (hx < 0) return NaN;
  // subnormal: x·2^54 is normal, and ln x = ln(x·2^54) − 54 ln 2 with the same split of 54 ln 2
  // into high and low parts as the normal path (k − 54 in place of k)
  const y = x * TWO54;
  f64[0] = y;
  const hy = i32[HI]! | 0;
  const m = hy & 0x000fffff;
  const i = (m + 0x95f64) & 0x100000;
  const kk = (hy >> 20) - 1023 + (i >> 20);
  const f = y * POW2[1075 - kk]! - 1;
  const dk = kk - 54;
  const s = f / (2 + f);
  const z = s * s;
  const w = z * z;
  const r = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7))) + w * (LG2 + w * (LG4 + w * LG6));
  if (((m - 0x6147a) | (0x6b851 - m)) > 0) {
    const hfsq = 0.5 * f * f;
    return dk * LN2_HI - (hfsq - (s * (hfsq + r) + dk * LN2_LO) - f);
  }
  return dk * LN2_HI - (s * (f - r) - dk * LN2_LO - f);
}

const INV_LN10 = 4.34294481903251816668e-1; // 1/ln 10, 0x3FDBCB7B 1526E50E

/** Base-10 logarithm: `ln(x) / ln(10)` through {@link ln} (deterministic; may be 1 ulp off exact). */
export function log10(x: number): number {
  return ln(x) * INV_LN10;
}

const O_THRESHOLD = 7.09782712893383973096e2; // above: overflow
const U_THRESHOLD = -7.45133219101941108420e2; // below: underflow to 0
const INV_LN2 = 1.44269504088896338700;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.65339022054652515390e-6;
const P5 = 4.13813679705723846039e-8;
const TWOM1000 = 9.33263618503218878990e-302; // 2^-1000

/** e^x, deterministic (fdlibm `e_exp.c` method). */
export function exp(x: number): number {
  f64[0] = x;
  const whi = i32[HI]!;
  const negative = whi >>> 31 === 1;
  const hx = whi & 0x7fffffff;
  if (hx >= 0x40862e42) {
    // |x| ≥ 709.78…: NaN, ±∞, overflow or underflow
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | i32[LO]!) !== 0) return x + x;
      return negative ? 0 : x;
    }
    if (x > O_THRESHOLD) return Infinity;
    if (x < U_THRESHOLD) return 0;
  }
  let hi = 0;
  let lo = 0;
  let k = 0;
  let r = x;
  if (hx > 0x3fd62e42) {
    // |x| > ln2/2: reduce
    if (hx < 0x3ff0a2b2) {
      // |x| < 1.5·ln2: k = ±1
      hi = negative ? x + LN2_HI : x - LN2_HI;
      lo = negative ? -LN2_LO : LN2_LO;
      k = negative ? -1 : 1;
    } else {
      k = (INV_LN2 * x + (negative ? -0.5 : 0.5)) | 0;
      hi = x - k * LN2_HI; // exact: LN2_HI has 32 trailing zero bits and |k| < 2^11
      lo = k * LN2_LO;
    }
    r = hi - lo;
  } else if (hx < 0x3e300000) {
    // |x| < 2^-28
    return 1 + x;
  }
  const t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k === 0) return 1 - ((r * c) / (c - 2) - r);
  const y = 1 - (lo - (r * c) / (2 - c) - hi);
  // y·2^k, exact while the result is normal (y is in [0.5, 2])
  if (k >= -1021) return k <= 1023 ? y * POW2[1075 + k]! : y * 2 * POW2[1074 + k]!;
  return y * POW2[1075 + k + 1000]! * TWOM1000;
}

const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;

/**
 * sin on [−π/4, π/4] of x + y (y the tail of a reduced argument, `tail` false when there is none),
 * fdlibm `k_sin.c` method.
 */
function kernelSin(x: number, y: number, tail: boolean): number {
  const z = x * x;
  const v = z * x;
  const r = S2 + z * (S3 + z * (S4 + z * (S5 + z * S6)));
  if (!tail) return x + v * (S1 + z * r);
  return x - (z * (0.5 * y - v * r) - y - v * S1);
}

const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.08757232129817482790e-9;
const C6 = -1.13596475577881948265e-11;

/** cos on [−π/4, π/4] of x + y, fdlibm `k_cos.c` method (1 − x²/2 split to keep the low bits). */
function kernelCos(x: number, y: number): number {
  f64[0] = x;
  const ix = i32[HI]! & 0x7fffffff;
  if (ix < 0x3e400000) return 1; // |x| < 2^-27
  const z = x * x;
  const r = z * (C1 + z * (C2 + z * (C3 + z * (C4 + z * (C5 + z * C6)))));
  if (ix < 0x3fd33333) return 1 - (0.5 * z - (z * r - x * y)); // |x| < 0.3
  let qx: number;
  if (ix > 0x3fe90000) qx = 0.28125;
  else {
    // x/4 with its low word cleared, so 1 − qx is exact
    i32[HI] = ix - 0x00200000;
    i32[LO] = 0;
    qx = f64[0];
  }
  const hz = 0.5 * z - qx;
  const a = 1 - qx;
  return a - (hz - (z * r - x * y));
}

const INV_PIO2 = 6.36619772367581382433e-1;
const PIO2_1 = 1.57079632673412561417; // first 33 bits of π/2
const PIO2_1T = 6.07710050650619224932e-11; // π/2 − PIO2_1
const PIO2_2 = 6.07710050630396597660e-11; // next 33 bits
const PIO2_2T = 2.02226624879595063154e-21;
const PIO2_3 = 2.02226624871116645580e-21; // next 33 bits
const PIO2_3T = 8.47842766036889956997e-32;
const MEDIUM_LIMIT = 0x413921fb; // high word of 2^19·π/2

/** Reduced argument of the last {@link reduce} call: x − n·π/2 = REDUCED[0] + REDUCED[1]. */
const REDUCED = new Float64Array(2);

/**
 * Cody–Waite reduction x − n·π/2 (n the nearest integer) into `REDUCED`, returning n. Three parts of
 * π/2 are used only when cancellation makes the earlier ones short (fdlibm `e_rem_pio2.c`, medium case).
 */
function reduce(x: number, ix: number): number {
  const ax = x < 0 ? -x : x;
  const n = (ax * INV_PIO2 + 0.5) | 0;
  const fn = n;
  let r = ax - fn * PIO2_1;
  let w = fn * PIO2_1T;
  let y0 = r - w;
  const j = ix >> 20;
  f64[0] = y0;
  if (j - ((i32[HI]! >> 20) & 0x7ff) > 16) {
    // more than 16 bits cancelled: second part
    let t = r;
    w = fn * PIO2_2;
    r = t - w;
    w = fn * PIO2_2T - (t - r - w);
    y0 = r - w;
    f64[0] = y0;
    if (j - ((i32[HI]! >> 20) & 0x7ff) > 49) {
      t = r;
      w = fn * PIO2_3;
      r = t - w;
      w = fn * PIO2_3T - (t - r - w);
      y0 = r - w;
    }
  }
  const y1 = r - y0 - w;
  if (x < 0) {
    REDUCED[0] = -y0;
    REDUCED[1] = -y1;
    return -n;
  }
  REDUCED[0] = y0;
  REDUCED[1] = y1;
  return n;
}

/** sin x, deterministic; NaN for |x| ≥ 2^19·π/2 (outside what the reduction here covers exactly). */
export function sin(x: number): number {
  f64[0] = x;
  const ix = i32[HI]! & 0x7fffffff;
  if (ix <= 0x3fe921fb) {
    // |x| ≤ π/4
    if (ix < 0x3e400000) return x; // |x| < 2^-27
    return kernelSin(x, 0, false);
  }
  if (ix >= MEDIUM_LIMIT) return NaN;
  const n = reduce(x, ix) & 3;
  const a = REDUCED[0]!;
  const b = REDUCED[1]!;
  if (n === 0) return kernelSin(a, b, true);
  if (n === 1) return kernelCos(a, b);
  if (n === 2) return -kernelSin(a, b, true);
  return -kernelCos(a, b);
}

/** cos x, deterministic; NaN for |x| ≥ 2^19·π/2. */
export function cos(x: number): number {
  f64[0] = x;
  const ix = i32[HI]! & 0x7fffffff;
  if (ix <= 0x3fe921fb) return kernelCos(x, 0);
  if (ix >= MEDIUM_LIMIT) return NaN;
  const n = reduce(x, ix) & 3;
  const a = REDUCED[0]!;
  const b = REDUCED[1]!;
  if (n === 0) return kernelCos(a, b);
  if (n === 1) return -kernelSin(a, b, true);
  if (n === 2) return -kernelCos(a, b);
  return kernelSin(a, b, true);
}

const BP1 = 1.5;
const DP_H1 = 5.84962487220764160156e-1; // log2(1.5), high part
const DP_L1 = 1.35003920212974897128e-8; // its tail
const L1 = 5.99999999999994648725e-1;
const L2 = 4.28571428578550184252e-1;
const L3 = 3.33333329818377432918e-1;
const L4 = 2.72728123808534006489e-1;
const L5 = 2.30660745775561754067e-1;
const L6 = 2.06975017800338417784e-1;
const LN2 = 6.93147180559945286227e-1;
const LG2_H = 6.93147182464599609375e-1; // ln 2 rounded to 24 bits
const LG2_L = -1.90465429995776804525e-9;
const OVT = 8.0085662595372944372e-17; // −(1024 − log2(overflow threshold + ½ ulp))
const CP = 9.61796693925975554329e-1; // 2/(3 ln 2)
const CP_H = 9.61796700954437255859e-1; // CP rounded to 24 bits
const CP_L = -7.02846165095275826516e-9;
const TWO53 = 9007199254740992;

/** `v` with its low 32 bits cleared. */
function clearLow(v: number): number {
  f64[0] = v;
  i32[LO] = 0;
  return f64[0];
}

/**
 * x^y for finite x > 0 and finite y with |y| ≤ 2^31, fdlibm `e_pow.c` method: log2(x) in extra
 * precision (t1 + t2, from a degree-12 series in s = (x − b)/(x + b), b ∈ {1, 1.5}), multiplied by
 * y split in two, then 2^(p_h + p_l) with the `e_exp.c` polynomial. Error < 1 ulp (fdlibm's claim).
 */
function powPositive(x: number, y: number): number {
  f64[0] = x;
  let ix = i32[HI]! | 0;
  let n = 0;
  let ax = x;
  if (ix < 0x00100000) {
    // subnormal x
    ax *= TWO53;
    n -= 53;
    f64[0] = ax;
    ix = i32[HI]! | 0;
  }
  n += (ix >> 20) - 0x3ff;
  const jm = ix & 0x000fffff;
  ix = jm | 0x3ff00000; // mantissa in [1, 2)
  let k: number;
  if (jm <= 0x3988e) k = 0; // < √(3/2)
  else if (jm < 0xbb67a) k = 1; // < √3
  else {
    k = 0;
    n += 1;
    ix -= 0x00100000;
  }
  i32[HI] = ix;
  ax = f64[0];
  const bp = k === 0 ? 1 : BP1;
  // s = s_h + s_l = (ax − bp)/(ax + bp)
  let u = ax - bp;
  let v = 1 / (ax + bp);
  const ss = u * v;
  const sH = clearLow(ss);
  f64[0] = 0;
  i32[HI] = ((ix >> 1) | 0x20000000) + 0x00080000 + (k << 18);
  i32[LO] = 0;
  let tH = f64[0]; // ax + bp, high part
  let tL = ax - (tH - bp);
  const sL = v * (u - sH * tH - sH * tL);
  // ln(x) as 2s(1 + s²/3 + …): r is the tail of the series
  let s2 = ss * ss;
  let r = s2 * s2 * (L1 + s2 * (L2 + s2 * (L3 + s2 * (L4 + s2 * (L5 + s2 * L6)))));
  r += sL * (sH + ss);
  s2 = sH * sH;
  tH = clearLow(3 + s2 + r);
  tL = r - (tH - 3 - s2);
  u = sH * tH;
  v = sL * tH + tL * ss;
  const pH = clearLow(u + v);
  const pL = v - (pH - u);
  // 2/(3 ln 2) · (s + …) = log2(1 + f) in two parts, then log2(x) = n + dp[k] + that
  const zH = CP_H * pH;
  const zL = CP_L * pH + pL * CP + (k === 0 ? 0 : DP_L1);
  const dpH = k === 0 ? 0 : DP_H1;
  const t = n;
  const t1 = clearLow(zL + zH + dpH + t);
  const t2 = zL - (t1 - t - dpH - zH);
  // y·log2(x) = p_h + p_l with y split so that y1·t1 is exact
  const y1 = clearLow(y);
  let ppL = (y - y1) * t1 + y * t2;
  let ppH = y1 * t1;
  let z = ppL + ppH;
  f64[0] = z;
  let j = i32[HI]! | 0;
  const i = i32[LO]! | 0;
  if (j >= 0x40900000) {
    // z ≥ 1024
    if (((j - 0x40900000) | i) !== 0 || ppL + OVT > z - ppH) return Infinity;
  } else if ((j & 0x7fffffff) >= 0x4090cc00) {
    // z ≤ −1075
    if (((j - 0xc090cc00) | i) !== 0 || ppL <= z - ppH) return 0;
  }
  // 2^(p_h + p_l): take the integer part n out of p_h when |z| > 1/2
  const iz = j & 0x7fffffff;
  let kk = (iz >> 20) - 0x3ff;
  let nn = 0;
  if (iz > 0x3fe00000) {
    nn = j + (0x00100000 >> (kk + 1));
    kk = ((nn & 0x7fffffff) >> 20) - 0x3ff;
    f64[0] = 0;
    i32[HI] = nn & ~(0x000fffff >> kk);
    const tt = f64[0];
    nn = ((nn & 0x000fffff) | 0x00100000) >> (20 - kk);
    if (j < 0) nn = -nn;
    ppH -= tt;
  }
  const tq = clearLow(ppL + ppH);
  const uu = tq * LG2_H;
  const vv = (ppL - (tq - ppH)) * LN2 + tq * LG2_L;
  z = uu + vv;
  const w = vv - (z - uu);
  const tz = z * z;
  const c = z - tz * (P1 + tz * (P2 + tz * (P3 + tz * (P4 + tz * P5))));
  const rr = (z * c) / (c - 2) - (w + z * w);
  z = 1 - (rr - z);
  f64[0] = z;
  j = (i32[HI]! | 0) + (nn << 20);
  if (j >> 20 <= 0) return scale(z, nn); // subnormal result
  i32[HI] = j;
  return f64[0];
}

/** z·2^n for a result that lands in the subnormal range (exact scaling in two steps, then one rounding). */
function scale(z: number, n: number): number {
  // n is at most about −1022 − 53 here; split so that no intermediate underflows early
  const half = (n / 2) | 0;
  return z * 2 ** half * 2 ** (n - half);
}

/**
 * x^y, deterministic. Finite x > 0 with |y| ≤ 2^31 goes through the fdlibm `e_pow.c` method
 * ({@link powPositive}); y = 2, ±1 and ½ are the exact shortcuts fdlibm takes; negative x with an
 * integer y keeps its sign; larger |y| uses exp(y·ln x); the special values (zeros, infinities, NaN,
 * y = 0) are those of ECMA-262 `Number::exponentiate`.
 */
export function pow(x: number, y: number): number {
  if (y === 0) return 1;
  if (y !== y || x !== x) return NaN;
  if (y === Infinity || y === -Infinity) {
    const ax = x < 0 ? -x : x;
    if (ax === 1) return NaN;
    return ax > 1 === y > 0 ? Infinity : 0;
  }
  if (y === 1) return x;
  if (y === -1) return 1 / x;
  if (y === 2) return x * x;
  if (x > 0 && x < Infinity) {
    if (y === 0.5) return Math.sqrt(x);
    if (y > 2147483648 || y < -2147483648) return exp(y * ln(x));
    return powPositive(x, y);
  }
  const yInt = Number.isInteger(y);
  const yOdd = yInt && y % 2 !== 0;
  if (x === 0) {
    const negZero = 1 / x < 0 && yOdd;
    if (y > 0) return negZero ? -0 : 0;
    return negZero ? -Infinity : Infinity;
  }
  if (x === Infinity) return y > 0 ? Infinity : 0;
  if (x === -Infinity) {
    if (y > 0) return yOdd ? -Infinity : Infinity;
    return yOdd ? -0 : 0;
  }
  // finite x < 0
  if (!yInt) return NaN;
  const m = pow(-x, y);
  return yOdd ? -m : m;
}
