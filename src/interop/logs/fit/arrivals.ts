/**
 * The arrival process from a log's request times.
 *
 * - Counts per bin ({@link BinCounts}): 100 ms bins when the log's timestamps have millisecond
 *   resolution, 1 s bins otherwise; at most {@link MAX_BINS} bins (a longer log doubles the bin
 *   width, merging pairs), so memory does not grow with the log.
 * - The rate over time: a `schedule` of piecewise-constant rates in windows of W = span/60 rounded
 *   up to a whole number of seconds (1 s, 2 s, 5 s, 10 s, 15 s, 30 s, 1 m, …), at least 10 bins.
 * - Burstiness: the index of dispersion of counts (Cox & Lewis, "The Statistical Analysis of Series
 *   of Events", 1966, §4.5) around the schedule, IDC = Σ(cᵢ − mᵢ)² / Σ mᵢ, where mᵢ is bin i's
 *   expected count under the schedule. A Poisson process with that schedule gives IDC ≈ 1 with
 *   standard error √(2/N) over N bins; IDC above 1 + max(0.2, 4√(2/N)) rejects Poisson.
 * - When Poisson is rejected: an on/off modulated Poisson process (the simulator's `bursty`) fitted
 *   by splitting the bins into high and low by Otsu's threshold on the count histogram (N. Otsu,
 *   "A Threshold Selection Method from Gray-Level Histograms", IEEE SMC 1979): the two rates are the
 *   mean counts of each class, on and off the mean run lengths. It replaces the schedule when the
 *   rate has no trend beyond the bursts (the coefficient of variation of rates over windows of at
 *   least ten on/off cycles is below 0.2; too short a log to have three such windows counts as no
 *   trend); otherwise the schedule is kept (its trend matters more) and the burstiness is
 *   reported, with trace replay as the exact alternative.
 */

/** Most bins kept (a longer log gets wider bins). */
export const MAX_BINS = 1 << 20;

/** Request counts per fixed-width time bin, growing in both directions from the first request. */
export class BinCounts {
  private counts = new Float64Array(1024);
  /** Index 0's start time (ms). */
  private base = NaN;
  private lo = Infinity;
  private hi = -Infinity;

  /** @param width bin width (ms) */
  constructor(public width: number) {}

  /** Counts one request (or adds weight `w`) at time t (ms). */
  add(t: number, w = 1): void {
    if (Number.isNaN(this.base)) this.base = Math.floor(t / this.width) * this.width - 512 * this.width;
    let i = Math.floor((t - this.base) / this.width);
    if (i < 0 || i >= this.counts.length) {
      this.grow(t);
      i = Math.floor((t - this.base) / this.width);
    }
    this.counts[i]! += w;
    if (i < this.lo) this.lo = i;
    if (i > this.hi) this.hi = i;
  }

  private grow(t: number): void {
    const lowT = Math.min(t, this.base + this.lo * this.width);
    const highT = Math.max(t, this.base + (this.hi + 1) * this.width);
    while ((highT - lowT) / this.width > MAX_BINS / 2) this.coarsen();
    const need = Math.ceil((highT - lowT) / this.width) + 2;
    const size = Math.min(MAX_BINS, Math.max(this.counts.length * 2, need * 2));
    const next = new Float64Array(size);
    const newBase = Math.floor(lowT / this.width) * this.width - Math.floor((size - need) / 2) * this.width;
    const shift = Math.round((this.base - newBase) / this.width);
    if (this.hi >= this.lo) next.set(this.counts.subarray(this.lo, this.hi + 1), this.lo + shift);
    this.counts = next;
    this.base = newBase;
    if (this.hi >= this.lo) {
      this.lo += shift;
      this.hi += shift;
    }
  }

  /** Doubles the bin width (merging pairs of bins). */
  private coarsen(): void {
    const w2 = this.width * 2;
    const newBase = Math.floor(this.base / w2) * w2;
    const off = Math.round((this.base - newBase) / this.width);
    const next = new Float64Array(this.counts.length);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = this.lo; i <= this.hi; i++) {
      const c = this.counts[i]!;
      if (c === 0) continue;
      const j = (i + off) >> 1;
      next[j]! += c;
      if (j < lo) lo = j;
      if (j > hi) hi = j;
    }
    this.counts = next;
    this.base = newBase;
    this.width = w2;
    this.lo = lo;
    this.hi = hi;
  }

  /** First and last request times' bins as [start ms, counts]. */
  series(): { start: number; counts: Float64Array } {
    if (this.hi < this.lo) return { start: NaN, counts: new Float64Array(0) };
    return { start: this.base + this.lo * this.width, counts: this.counts.slice(this.lo, this.hi + 1) };
  }
}

/** Window lengths the schedule may use (ms). */
const NICE = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200].map((s) => s * 1000);

/** The fitted arrival process. */
export interface ArrivalFit {
  /** Requests counted. */
  requests: number;
  /** First arrival's bin start (epoch ms) and the span covered (ms). */
  startMs: number;
  spanMs: number;
  meanRate: number;
  binMs: number;
  windowMs: number;
  /** Rate (req/s) of each window, from the start. */
  rates: number[];
  /** Coefficient of variation of the window rates. */
  rateCv: number;
  idc: number;
  /** 1 + max(0.2, 4√(2/N)). */
  idcLimit: number;
  poisson: boolean;
  /** The on/off fit when Poisson is rejected. */
  bursty?: { rate: number; burstRate: number; onMs: number; offMs: number };
  /** What to write: the schedule, or the bursty process. */
  use: 'schedule' | 'bursty';
  note: string;
}

/** Otsu's threshold on integer counts: the split maximizing the between-class variance. */
export function otsuThreshold(counts: Float64Array): number {
  let max = 0;
  for (const c of counts) if (c > max) max = c;
  const hist = new Float64Array(Math.min(max, 1 << 20) + 1);
  for (const c of counts) hist[Math.min(c, hist.length - 1)]! += 1;
  const total = counts.length;
  let sumAll = 0;
  for (let v = 0; v < hist.length; v++) sumAll += v * hist[v]!;
  let wB = 0;
  let sumB = 0;
  let best = -1;
  let threshold = 0;
  for (let v = 0; v < hist.length - 1; v++) {
    wB += hist[v]!;
    if (wB === 0) continue;
    const wF = total - wB;
    if (wF === 0) break;
    sumB += v * hist[v]!;
    const mB = sumB / wB;
    const mF = (sumAll - sumB) / wF;
    const between = wB * wF * (mB - mF) ** 2;
    if (between > best) {
      best = between;
      threshold = v;
    }
  }
  return threshold;
}

/** Fits the arrival process (see the module header); undefined without requests. */
export function fitArrivals(bins: BinCounts): ArrivalFit | undefined {
  const { start, counts } = bins.series();
  const n = counts.length;
  if (n === 0) return undefined;
  const binMs = bins.width;
  let requests = 0;
  for (const c of counts) requests += c;
  const spanMs = n * binMs;
  const windowMs = NICE.find((w) => w >= spanMs / 60 && w >= 10 * binMs) ?? Math.ceil(spanMs / 60 / 3_600_000) * 3_600_000;
  const perWindow = Math.max(1, Math.round(windowMs / binMs));
  const rates: number[] = [];
  const expected = new Float64Array(n);
  for (let w = 0; w * perWindow < n; w++) {
    const from = w * perWindow;
    const to = Math.min(n, from + perWindow);
    let s = 0;
    for (let i = from; i < to; i++) s += counts[i]!;
    const m = s / (to - from);
    for (let i = from; i < to; i++) expected[i] = m;
    rates.push((m / binMs) * 1000);
  }
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    num += (counts[i]! - expected[i]!) ** 2;
    den += expected[i]!;
  }
  const idc = den > 0 ? num / den : NaN;
  const idcLimit = 1 + Math.max(0.2, 4 * Math.sqrt(2 / n));
  const meanRate = (requests / spanMs) * 1000;
  const meanW = rates.reduce((a, b) => a + b, 0) / rates.length;
  const rateCv = rates.length > 1 ? Math.sqrt(rates.reduce((a, r) => a + (r - meanW) ** 2, 0) / (rates.length - 1)) / meanW : 0;
  const poisson = !(idc > idcLimit);
  const fit: ArrivalFit = { requests, startMs: start, spanMs, meanRate, binMs, windowMs, rates, rateCv, idc, idcLimit, poisson, use: 'schedule', note: '' };
  if (poisson) {
    fit.note = `Poisson within each ${windowMs / 1000} s window: index of dispersion of ${binMs} ms counts ${idc.toFixed(2)} (Poisson: 1, limit ${idcLimit.toFixed(2)})`;
    return fit;
  }
  const thr = otsuThreshold(counts);
  let onSum = 0;
  let onN = 0;
  let offSum = 0;
  let offN = 0;
  let runs = { on: 0, off: 0, onLen: 0, offLen: 0 };
  let prev: boolean | undefined;
  for (let i = 0; i < n; i++) {
    const on = counts[i]! > thr;
    if (on) {
      onSum += counts[i]!;
      onN++;
      runs.onLen++;
    } else {
      offSum += counts[i]!;
      offN++;
      runs.offLen++;
    }
    if (on !== prev) {
      if (on) runs.on++;
      else runs.off++;
    }
    prev = on;
  }
  if (onN > 0 && offN > 0 && runs.on > 0 && runs.off > 0) {
    const burstRate = (onSum / onN / binMs) * 1000;
    const rate = (offSum / offN / binMs) * 1000;
    const onMs = (runs.onLen / runs.on) * binMs;
    const offMs = (runs.offLen / runs.off) * binMs;
    if (rate > 0 && burstRate >= 1.5 * rate) fit.bursty = { rate, burstRate, onMs, offMs };
  }
  // the trend at scales above the burst cycle: window rates over windows of ≥ 10 on/off cycles
  let trendCv = rateCv;
  if (fit.bursty) {
    const per = Math.max(perWindow, Math.round((10 * (fit.bursty.onMs + fit.bursty.offMs)) / binMs));
    const coarse: number[] = [];
    for (let from = 0; from + per <= n; from += per) {
      let s = 0;
      for (let i = from; i < from + per; i++) s += counts[i]!;
      coarse.push(s / per);
    }
    if (coarse.length < 3) trendCv = 0;
    else {
      const mu = coarse.reduce((a, b) => a + b, 0) / coarse.length;
      trendCv = Math.sqrt(coarse.reduce((a, x) => a + (x - mu) ** 2, 0) / (coarse.length - 1)) / mu;
    }
  }
  if (fit.bursty && trendCv < 0.2) {
    fit.use = 'bursty';
    const b = fit.bursty;
    fit.note =
      `not Poisson: index of dispersion of ${binMs} ms counts ${idc.toFixed(2)} (limit ${idcLimit.toFixed(2)}); on/off fit (Otsu split of bin counts): ` +
      `${b.burstRate.toFixed(0)} req/s for ${b.onMs.toFixed(0)} ms, ${b.rate.toFixed(0)} req/s for ${b.offMs.toFixed(0)} ms`;
  } else {
    fit.note =
      `not Poisson: index of dispersion of ${binMs} ms counts ${idc.toFixed(2)} (limit ${idcLimit.toFixed(2)}), ` +
      `but the rate trend (rates over windows of ten bursts vary by ${(trendCv * 100).toFixed(0)} %) is kept as the schedule; replay the log (arrival: trace) for its exact bursts`;
  }
  return fit;
}
