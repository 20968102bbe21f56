/**
 * Summary statistics for simulation output.
 *
 * - Percentiles are exact, by the NEAREST-RANK definition: the p-quantile of n sorted values is the
 *   value of rank ⌈p·n⌉ (1-based; the minimum for p = 0). No interpolation, so every reported
 *   percentile is an observed latency (Hyndman & Fan 1996, definition 1).
 * - Sorting non-negative latencies: LSD radix sort on the high 32 bits of the IEEE-754 doubles
 *   (whose order, for non-negative values, is the numeric order; Knuth TAOCP vol. 3 §5.2.5), three
 *   passes of 11/11/10 bits (two of 16/16 from 64k values on), then an insertion-sort pass that
 *   orders the rare values sharing their high word: exact, and about 4x faster than
 *   `Float64Array.prototype.sort` on 1M values.
 * - Per-window percentiles: Floyd–Rivest selection (CACM 1975, Algorithm 489), O(n); on large
 *   windows a 2^16-bucket histogram of the high words first narrows each wanted rank to one bucket
 *   (two reading passes, a distribution-counting select), and the selection runs inside it.
 * - Jain's fairness index `(Σx)² / (n·Σx²)` (Jain, Chiu & Hawe, DEC-TR-301, 1984): 1 when all equal,
 *   1/n when one backend takes everything.
 * - 95 % confidence intervals across replications: mean ± t(0.975, n−1)·s/√n (Student t; Law,
 *   "Simulation Modeling and Analysis", §9.4.1), mean and sample standard deviation from
 *   simple-statistics. simple-statistics has no inverse t, so t(0.975, df) is an exact table for
 *   df = 1…30 (NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.2) and the Cornish–Fisher
 *   expansion around the normal quantile beyond (Abramowitz & Stegun 26.7.5; error < 2e-4 at df 31).
 */
import { mean, sampleStandardDeviation } from 'simple-statistics';
import { giveFloat64, takeFloat64 } from './buffers.js';
import { exp, ln, log10, pow } from '../core/math.js';

/**
 * Sorts `a[0..n)` ascending in place. Values must be non-negative and not NaN (latencies); falls
 * back to the native sort otherwise or when n is small.
 */
export function sortNonNegative(a: Float64Array, n: number): Float64Array {
  const view = a.subarray(0, n);
  if (n < 4096) return view.sort();
  const words = new Uint32Array(a.buffer, a.byteOffset, 2 * n);
  // high word = index 2i+1 on little-endian hosts; verify with a known value
  const probe = new Float64Array([2]);
  const hi = new Uint32Array(probe.buffer)[1] === 0x40000000 ? 1 : 0;
  if (n >= 65536) return radix16(view, words, hi, n);
  // one pass: the three digit histograms (11, 11 and 10 bits of the high word), and the check
  const c0 = new Int32Array(2048);
  const c1 = new Int32Array(2048);
  const c2 = new Int32Array(1024);
  for (let i = 0; i < n; i++) {
    if (!(view[i]! >= 0)) return view.sort();
    const w = words[2 * i + hi]!;
    c0[w & 2047]!++;
    c1[(w >>> 11) & 2047]!++;
    c2[w >>> 22]!++;
  }
  prefix(c0);
  prefix(c1);
  prefix(c2);
  const tmp = takeFloat64(n);
  const tmpW = new Uint32Array(tmp.buffer);
  for (let i = 0; i < n; i++) tmp[c0[words[2 * i + hi]! & 2047]!++] = view[i]!;
  for (let i = 0; i < n; i++) view[c1[(tmpW[2 * i + hi]! >>> 11) & 2047]!++] = tmp[i]!;
  for (let i = 0; i < n; i++) tmp[c2[words[2 * i + hi]! >>> 22]!++] = view[i]!;
  view.set(tmp.subarray(0, n));
  giveFloat64(tmp);
  // equal high words may be out of order in their low words: insertion sort fixes them
  insertionFix(view, n);
  return view;
}

/**
 * {@link sortNonNegative} for large n: the same LSD radix sort on the high words, in two passes of
 * 16 bits instead of three of 11/11/10. The 64k-bucket histograms cost a fixed ~0.5 MB, which pays
 * off from about 64k values; an even number of passes also leaves the result in `view` (no copy
 * back). Same output: any exact sort of the same values gives the same array.
 */
function radix16(view: Float64Array, words: Uint32Array, hi: number, n: number): Float64Array {
  const c0 = new Int32Array(65536);
  const c1 = new Int32Array(65536);
  if (!histograms16(view, words, hi, n, c0, c1)) return view.sort();
  prefix(c0);
  prefix(c1);
  const tmp = takeFloat64(n);
  scatter16(view, words, tmp, c0, hi, 0, n);
  scatter16(tmp, new Uint32Array(tmp.buffer), view, c1, hi, 16, n);
  giveFloat64(tmp);
  insertionFix(view, n);
  return view;
}

// The passes are small functions of their own, each called once or twice per sort: a single long
// function would run each loop as on-stack-replaced code that deoptimizes at the next call site.

/** Both 16-bit digit histograms of the high words; false when a value is negative or NaN. */
function histograms16(
  view: Float64Array,
  words: Uint32Array,
  hi: number,
  n: number,
  c0: Int32Array,
  c1: Int32Array,
): boolean {
  for (let i = 0; i < n; i++) {
    if (!(view[i]! >= 0)) return false;
    const w = words[2 * i + hi]!;
    c0[w & 65535]!++;
    c1[w >>> 16]!++;
  }
  return true;
}

/** One stable scatter pass by the 16-bit digit of the high word at `shift` (bucket starts in `c`). */
function scatter16(
  src: Float64Array,
  srcW: Uint32Array,
  dst: Float64Array,
  c: Int32Array,
  hi: number,
  shift: number,
  n: number,
): void {
  for (let i = 0; i < n; i++) dst[c[(srcW[2 * i + hi]! >>> shift) & 65535]!++] = src[i]!;
}

/** Insertion sort pass: orders the rare neighbours that share a high word but differ in the low one. */
function insertionFix(view: Float64Array, n: number): void {
  for (let i = 1; i < n; i++) {
    const x = view[i]!;
    if (x >= view[i - 1]!) continue;
    let j = i - 1;
    while (j >= 0 && view[j]! > x) {
      view[j + 1] = view[j]!;
      j--;
    }
    view[j + 1] = x;
  }
}

/** Exclusive prefix sums in place (histogram → bucket start positions). */
function prefix(c: Int32Array): void {
  let sum = 0;
  for (let d = 0; d < c.length; d++) {
    const k = c[d]!;
    c[d] = sum;
    sum += k;
  }
}

/** Nearest-rank percentile of ascending `sorted[0..n)`; NaN when n = 0. */
export function percentileSorted(sorted: ArrayLike<number>, n: number, p: number): number {
  if (n === 0) return NaN;
  const rank = Math.ceil(p * n - 1e-9);
  return sorted[rank <= 1 ? 0 : rank > n ? n - 1 : rank - 1]!;
}

/**
 * Rearranges `a[lo..hi)` so that `a[k]` holds the value it would have if the range were sorted
 * (smaller or equal before it, greater or equal after), and returns it. Floyd & Rivest's SELECT
 * (CACM 18(3), 1975, Algorithm 489): on large ranges it first recurses into a small sample around
 * the expected position of rank k, so the partitioning pivot is close to the answer and the
 * expected cost is about n + min(k, n − k) comparisons.
 */
export function selectInPlace(a: Float64Array, lo: number, hi: number, k: number): number {
  floydRivest(a, k, lo, hi - 1);
  return a[k]!;
}

function floydRivest(a: Float64Array, k: number, left: number, right: number): void {
  while (right > left) {
    if (right - left > 600) {
      const n = right - left + 1;
      const m = k - left + 1;
      const z = ln(n);
      const s = 0.5 * exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m - n / 2 < 0 ? -1 : 1);
      const newLeft = Math.max(left, Math.floor(k - (m * s) / n + sd));
      const newRight = Math.min(right, Math.floor(k + ((n - m) * s) / n + sd));
      floydRivest(a, k, newLeft, newRight);
    }
    const t = a[k]!;
    let i = left;
    let j = right;
    swap(a, left, k);
    if (a[right]! > t) swap(a, left, right);
    while (i < j) {
      swap(a, i, j);
      i++;
      j--;
      while (a[i]! < t) i++;
      while (a[j]! > t) j--;
    }
    if (a[left] === t) swap(a, left, j);
    else {
      j++;
      swap(a, j, right);
    }
    if (j <= k) left = j + 1;
    if (k <= j) right = j - 1;
  }
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/** Nearest-rank percentile of the unsorted range `a[lo..hi)`, by selection (reorders the range). */
export function percentileSelect(a: Float64Array, lo: number, hi: number, p: number): number {
  const n = hi - lo;
  if (n <= 0) return NaN;
  const rank = Math.ceil(p * n - 1e-9);
  const k = rank <= 1 ? 0 : rank > n ? n - 1 : rank - 1;
  return selectInPlace(a, lo, hi, lo + k);
}

/** Index of the high 32-bit word of a double in a Uint32Array view (1 on little-endian hosts). */
const HI = new Uint32Array(new Float64Array([2]).buffer)[1] === 0x40000000 ? 1 : 0;
/** Scratch of {@link percentilesOfRange}: counts per bucket (zero between calls). */
let bucketCount: Int32Array | null = null;
/** Scratch of {@link percentilesOfRange}: gather position per bucket, -1 for buckets not wanted (so between calls). */
let bucketSlot: Int32Array | null = null;

/** 0-based nearest-rank index of fraction `p` among `n` sorted values. */
function rankIndex(n: number, p: number): number {
  const r = Math.ceil(p * n - 1e-9);
  return r <= 1 ? 0 : r > n ? n - 1 : r - 1;
}

/** Bucket of a value: the top 16 bits of its high word (sign, exponent, first 4 mantissa bits). */
const BUCKETS = 65536;
/** Lowest and highest bucket counted by the last {@link histogram16} (the range to walk and clear). */
let histMin = 0;
let histMax = BUCKETS - 1;

/**
 * Nearest-rank percentiles at `fractions` (any order) of the unsorted range `a[lo..hi)` of
 * non-negative values: exactly the values {@link percentileSorted} gives on the sorted range; the
 * range is reordered. A distribution-counting select: small ranges are selected in place
 * (Floyd–Rivest) or sorted; large ones are read twice instead of sorted: a histogram of the top 16
 * bits of each value's high word (for non-negative doubles a monotone bucketing, 16 buckets per
 * octave) finds the bucket holding each wanted rank and the rank inside it, one pass gathers the
 * wanted buckets' values into segments of a scratch array (the rest is never moved), and each
 * segment is finished by successive selections, or sorted when it holds many wanted ranks. A range
 * with a negative or NaN value falls back to a sort.
 */
export function percentilesOfRange(a: Float64Array, lo: number, hi: number, fractions: readonly number[]): number[] {
  const n = hi - lo;
  const m = fractions.length;
  if (n <= 0) return fractions.map(() => NaN);
  if (n < HISTOGRAM_FROM) return bySorting(a, lo, hi, fractions);
  const words = new Uint32Array(a.buffer, a.byteOffset, 2 * a.length);
  const h = (bucketCount ??= new Int32Array(BUCKETS));
  const slot = (bucketSlot ??= new Int32Array(BUCKETS).fill(-1));
  const ok = histogram16(a, words, lo, hi, h);
  const minB = histMin;
  const maxB = histMax;
  if (!ok) {
    h.fill(0, minB, maxB + 1);
    return bySorting(a, lo, hi, fractions);
  }
  // wanted ranks in ascending order → their bucket and the rank inside it
  const order = Array.from(fractions.keys()).sort((x, y) => fractions[x]! - fractions[y]!);
  const bucket = new Int32Array(m);
  const inside = new Int32Array(m);
  let j = 0;
  let cum = 0;
  let total = 0; // values in wanted buckets
  for (let b = minB; b <= maxB && j < m; b++) {
    const c = h[b]!;
    if (c === 0) continue;
    let r = rankIndex(n, fractions[order[j]!]!);
    if (r < cum + c) {
      slot[b] = total; // the bucket's segment starts here
      total += c;
      for (; r < cum + c; r = j < m ? rankIndex(n, fractions[order[j]!]!) : Infinity) {
        bucket[j] = b;
        inside[j] = r - cum;
        j++;
      }
    }
    cum += c;
  }
  const g = takeFloat64(total);
  gatherWanted(a, words, lo, hi, slot, g);
  // slot[b] now holds the end of bucket b's segment
  const gw = new Uint32Array(g.buffer, g.byteOffset, 2 * g.length);
  const out: number[] = new Array(m);
  for (let k = 0; k < m; ) {
    const b = bucket[k]!;
    const end = slot[b]!;
    const start = end - h[b]!;
    let k2 = k;
    while (k2 < m && bucket[k2] === b) k2++;
    finishSegment(g, gw, start, end, inside, order, k, k2, out);
    k = k2;
    slot[b] = -1;
  }
  giveFloat64(g);
  h.fill(0, minB, maxB + 1);
  return out;
}

/** Scratch of {@link finishSegment}: counts of the second-level digit, and a sub-bucket's values. */
const subCount = new Int32Array(256);
let subValues = new Float64Array(1024);

/**
 * Finishes the wanted ranks `inside[k0..k1)` (ascending, relative to `start`; results to
 * `out[order[k]]`) in the segment `g[start..end)` whose values share their top 16 bits: a second
 * histogram on the next 8 bits of the high word narrows each rank to a sub-bucket (about 1/256 of
 * the segment), whose values are gathered into a small array where a selection finishes. Small
 * segments are selected directly.
 */
function finishSegment(
  g: Float64Array,
  gw: Uint32Array,
  start: number,
  end: number,
  inside: Int32Array,
  order: readonly number[],
  k0: number,
  k1: number,
  out: number[],
): void {
  if (end - start <= 512) {
    let from = start;
    for (let k = k0; k < k1; k++) {
      const at = start + inside[k]!;
      out[order[k]!] = selectInPlace(g, from, end, at);
      from = at; // values before `at` are ≤ it: the next (higher) rank is at or after it
    }
    return;
  }
  const c = subCount;
  c.fill(0);
  for (let i = start; i < end; i++) c[(gw[2 * i + HI]! >>> 8) & 255]!++;
  let k = k0;
  let cum = 0;
  for (let d = 0; d < 256 && k < k1; d++) {
    const cd = c[d]!;
    if (cd === 0 || inside[k]! >= cum + cd) {
      cum += cd;
      continue;
    }
    // gather sub-bucket d, then select each wanted rank falling in it
    if (subValues.length < cd) subValues = new Float64Array(Math.max(cd, 2 * subValues.length));
    const sub = subValues;
    let o = 0;
    for (let i = start; i < end; i++) if (((gw[2 * i + HI]! >>> 8) & 255) === d) sub[o++] = g[i]!;
    let from = 0;
    for (; k < k1 && inside[k]! < cum + cd; k++) {
      const at = inside[k]! - cum;
      out[order[k]!] = selectInPlace(sub, from, cd, at);
      from = at;
    }
    cum += cd;
  }
}

/** {@link percentilesOfRange} for small ranges: selection for a few fractions, else a sort. */
function bySorting(a: Float64Array, lo: number, hi: number, fractions: readonly number[]): number[] {
  const n = hi - lo;
  if (fractions.length <= 4) return fractions.map((p) => percentileSelect(a, lo, hi, p));
  const sorted = sortNonNegative(a.subarray(lo, hi), n);
  return fractions.map((p) => percentileSorted(sorted, n, p));
}

/** Range length from which {@link percentilesOfRange} uses the histogram (only the buckets between the lowest and highest counted are walked and cleared). */
const HISTOGRAM_FROM = 2048;

/** Copies the values of `a[lo..hi)` whose bucket has a segment (`slot[b] ≥ 0`) to the segment's next place in `out`. */
function gatherWanted(a: Float64Array, words: Uint32Array, lo: number, hi: number, slot: Int32Array, out: Float64Array): void {
  for (let i = lo; i < hi; i++) {
    const b = words[2 * i + HI]! >>> 16;
    const o = slot[b]!;
    if (o >= 0) {
      out[o] = a[i]!;
      slot[b] = o + 1;
    }
  }
}

/** Counts `a[lo..hi)` by the top 16 bits of their high words into `h`; false on a negative or NaN value. */
function histogram16(a: Float64Array, words: Uint32Array, lo: number, hi: number, h: Int32Array): boolean {
  let min = BUCKETS;
  let max = -1;
  for (let i = lo; i < hi; i++) {
    if (!(a[i]! >= 0)) {
      histMin = 0;
      histMax = BUCKETS - 1;
      return false;
    }
    const b = words[2 * i + HI]! >>> 16;
    h[b]!++;
    if (b < min) min = b;
    if (b > max) max = b;
  }
  histMin = min;
  histMax = max;
  return true;
}


/** Jain's fairness index of `xs` (1 when all are zero or there are none). */
export function jainIndex(xs: ArrayLike<number>): number {
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < xs.length; i++) {
    s += xs[i]!;
    s2 += xs[i]! * xs[i]!;
  }
  return s2 > 0 ? (s * s) / (xs.length * s2) : 1;
}

const T975 = [
  12.7062, 4.3027, 3.1824, 2.7764, 2.5706, 2.4469, 2.3646, 2.306, 2.2622, 2.2281, 2.201, 2.1788, 2.1604, 2.1448,
  2.1314, 2.1199, 2.1098, 2.1009, 2.093, 2.086, 2.0796, 2.0739, 2.0687, 2.0639, 2.0595, 2.0555, 2.0518, 2.0484,
  2.0452, 2.0423,
];

/** Two-sided 95 % Student-t critical value t(0.975, df), df ≥ 1. */
export function tCritical95(df: number): number {
  if (!(df >= 1)) throw new RangeError('df must be ≥ 1');
  if (df <= 30) return T975[Math.floor(df) - 1]!;
  const z = 1.959963984540054;
  const z3 = z * z * z;
  const z5 = z3 * z * z;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df);
}

/** 95 % Student-t confidence interval of the mean of `xs`; null with fewer than 2 values. */
export function ci95(xs: readonly number[]): [number, number] | null {
  if (xs.length < 2 || xs.some((x) => !Number.isFinite(x))) return null;
  const m = mean(xs as number[]);
  const h = (tCritical95(xs.length - 1) * sampleStandardDeviation(xs as number[])) / Math.sqrt(xs.length);
  return [m - h, m + h];
}

/** Arithmetic mean of `xs` (simple-statistics); NaN when empty. */
export function meanOfValues(xs: readonly number[]): number {
  return xs.length === 0 ? NaN : mean(xs as number[]);
}

/**
 * Cumulative fractions for chart CDFs (about 200 for large n): 0 … 0.90 in steps of 0.01, then
 * log-spaced toward the tail, `1 − 10^−x` for x = 1.05, 1.10, … up to min(6, log10 n), then 1 (the
 * maximum). The tail grid does not depend on n, so the lists for different n are prefixes of one
 * another (plus the final 1), which lets replications be averaged point by point.
 */
export function cdfFractions(n: number): number[] {
  const p: number[] = [];
  for (let k = 0; k <= 90; k++) p.push(k / 100);
  const xmax = Math.min(6, log10(Math.max(1, n)));
  for (let i = 21; i / 20 <= xmax + 1e-9; i++) p.push(Math.round((1 - pow(10, -i / 20)) * 1e12) / 1e12);
  p.push(1);
  return p;
}
