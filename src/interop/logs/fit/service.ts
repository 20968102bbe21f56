/**
 * Per-server statistics and the estimate of service DEMAND from logged response times.
 *
 * A logged upstream time is the server's response time: its own queueing (requests waiting for a
 * worker) plus the service itself. lbsim de-queues by LOW-CONCURRENCY SELECTION: a request that
 * started while fewer than c other requests were in flight on its server (c = its workers) found a
 * free worker, so its response time is its service time; and because a request's demand does not
 * depend on the queue it finds (arrivals see time averages — PASTA, Wolff 1982 — and demands are
 * independent of the state), those requests are an unbiased sample of the service distribution.
 *
 * c itself is estimated from the same data: the mean response time of requests that found n others
 * in flight, E[R | n], is flat (= mean service S) for n < c and then grows with every request
 * ahead, as in a FIFO queue with c workers (by S/c per request for exponential service, less for
 * less variable services): E[R | n] = S + b·max(0, n − c + 1). lbsim fits S and b ≥ 0 for each c
 * by least squares, each mean weighted by the inverse of its squared standard error (over n seen at
 * least {@link MIN_PER_N} times), takes the best c, and believes the knee only when it beats the
 * flat curve (no queueing at any observed n) by more than {@link KNEE_CHI2}; otherwise no queueing
 * is seen and workers = the 99.9th percentile of concurrency + 1 ("at least").
 * This needs start times to the millisecond; with one-second timestamps (nginx `$time_local` without
 * `$msec`) nothing is de-queued and the method says so.
 */
import { Moments, Sketch } from './sketch.js';

/** In-flight counts tracked one by one (larger ones are pooled in the last). */
export const NMAX = 64;
/** Fewest requests at a concurrency for its mean to enter the workers fit. */
export const MIN_PER_N = 20;
/**
 * How much a knee must lower the weighted squared error (a χ² statistic: each mean weighted by its
 * inverse squared standard error) to be believed: 10, above χ²₁'s 99.8th percentile.
 */
export const KNEE_CHI2 = 10;

/** Everything the log says about one upstream server. */
export class ServerStats {
  /** Requests whose last attempt went to this server. */
  requests = 0;
  /** Attempts sent to it (retries included). */
  attempts = 0;
  /** Attempts answered with a 5xx. */
  errors5xx = 0;
  /** Attempts with no answer (connect error, timeout: status 0 or no time). */
  failures = 0;
  readonly statusCounts = new Map<number, number>();
  /** Time of failed attempts (ms), for the errors fault's latency. */
  errorTime = new Moments();
  /** Successful attempts' upstream times (all). */
  readonly all = new Sketch();
  readonly allMoments = new Moments();
  /** Per concurrency at start: counts, sums of times, sketches and moments (successful attempts). */
  readonly countN = new Float64Array(NMAX + 1);
  readonly sumN = new Float64Array(NMAX + 1);
  readonly sketchN: (Sketch | undefined)[] = [];
  readonly momentsN: (Moments | undefined)[] = [];
  /** Busy time (sum of successful upstream times). */
  busyMs = 0;

  constructor(readonly name: string) {}

  /** Records a successful attempt's time (ms). */
  addService(ms: number, floor: number): void {
    this.all.add(ms);
    this.allMoments.add(ms, floor);
    this.busyMs += ms;
  }

  /** Records the concurrency a successful attempt started at. */
  addAtConcurrency(n: number, ms: number, floor: number): void {
    const k = n > NMAX ? NMAX : n;
    this.countN[k]! += 1;
    this.sumN[k]! += ms;
    let s = this.sketchN[k];
    if (!s) {
      s = this.sketchN[k] = new Sketch();
      this.momentsN[k] = new Moments();
    }
    s.add(ms);
    this.momentsN[k]!.add(ms, floor);
  }

  /** Whether concurrency was tracked for this server. */
  get tracked(): boolean {
    return this.countN.some((c) => c > 0);
  }

  /** The p-quantile of the concurrency seen at starts (pooled at NMAX). */
  concurrencyQuantile(p: number): number {
    const total = this.countN.reduce((a, b) => a + b, 0);
    let acc = 0;
    for (let n = 0; n <= NMAX; n++) {
      acc += this.countN[n]!;
      if (acc >= p * total) return n;
    }
    return NMAX;
  }
}

/** The workers estimate and the de-queued service sample of one server. */
export interface DemandEstimate {
  workers: number;
  /** True when queueing was seen (E[R|n] rises past n = workers − 1). */
  queueing: boolean;
  /** De-queued sample (or every request when nothing could be de-queued). */
  sketch: Sketch;
  moments: Moments;
  /** Share of the server's requests in the de-queued sample. */
  kept: number;
  /** E[R | n] per n (ms) with counts, for the report. */
  curve: { n: number; count: number; meanMs: number }[];
  /** One line saying how this was estimated, with this server's figures. */
  method: string;
  /** The method without figures (the same for every server estimated the same way). */
  summary: string;
}

/** Summaries of the methods. */
export const DEQUEUE = {
  coarse: 'not de-queued: the log has no millisecond start times, so concurrency is unknown; service = logged response time, an over-estimate under load',
  selection: 'de-queued by low-concurrency selection: only requests that started with fewer than `workers` others in flight on their server (so found a free worker) are service samples',
  flat: 'no queueing seen (response time does not grow with the requests in flight): every request is a service sample',
  few: 'not de-queued: queueing seen, but too few requests found a free worker; service = logged response time, an over-estimate',
};

/** Estimates workers and de-queued demand for one server (see the module header). */
export function estimateDemand(s: ServerStats): DemandEstimate {
  if (!s.tracked) {
    return {
      workers: NaN,
      queueing: false,
      sketch: s.all,
      moments: s.allMoments,
      kept: 1,
      curve: [],
      method: DEQUEUE.coarse,
      summary: DEQUEUE.coarse,
    };
  }
  const curve: DemandEstimate['curve'] = [];
  // weights: 1 / (squared standard error of each mean), so sparse, noisy concurrencies count less
  const weight: number[] = [];
  for (let n = 0; n < NMAX; n++) {
    const c = s.countN[n]!;
    if (c >= MIN_PER_N) {
      curve.push({ n, count: c, meanMs: s.sumN[n]! / c });
      const v = s.momentsN[n]!.variance;
      weight.push(v > 0 ? c / v : c);
    }
  }
  const maxN = curve.length > 0 ? curve[curve.length - 1]!.n : 0;
  // knee at c: E[R | n] = S for n < c, S + b·(n − c + 1) for n ≥ c (b ≥ 0 fitted)
  const sse = (c: number): { sse: number; S: number; b: number } => {
    let w = 0;
    let sum = 0;
    curve.forEach((p, k) => {
      if (p.n < c) {
        w += weight[k]!;
        sum += weight[k]! * p.meanMs;
      }
    });
    if (w === 0) return { sse: Infinity, S: NaN, b: 0 };
    const S = sum / w;
    let num = 0;
    let den = 0;
    curve.forEach((p, k) => {
      if (p.n >= c) {
        const x = p.n - c + 1;
        num += weight[k]! * (p.meanMs - S) * x;
        den += weight[k]! * x * x;
      }
    });
    const b = den > 0 ? Math.max(0, num / den) : 0;
    let e = 0;
    curve.forEach((p, k) => {
      const pred = S + b * Math.max(0, p.n - c + 1);
      e += weight[k]! * (p.meanMs - pred) ** 2;
    });
    return { sse: e, S, b };
  };
  let best = { c: maxN + 1, sse: Infinity };
  for (let c = 1; c <= maxN; c++) {
    const e = sse(c).sse;
    if (e < best.sse) best = { c, sse: e };
  }
  const flat = sse(maxN + 1).sse;
  const queueing = curve.length >= 2 && best.c <= maxN && flat - best.sse > KNEE_CHI2;
  const workers = queueing ? best.c : s.concurrencyQuantile(0.999) + 1;
  const limit = queueing ? best.c : NMAX + 1;
  const sketch = new Sketch();
  const moments = new Moments();
  for (let n = 0; n < Math.min(limit, NMAX + 1); n++) {
    const sk = s.sketchN[n];
    if (sk) {
      sketch.merge(sk);
      moments.merge(s.momentsN[n]!);
    }
  }
  const total = s.countN.reduce((a, b) => a + b, 0);
  const kept = total > 0 ? moments.n / total : 0;
  if (queueing && moments.n < 100) {
    return {
      workers,
      queueing,
      sketch: s.all,
      moments: s.allMoments,
      kept: 1,
      curve,
      method: `queueing seen from ${workers} in flight, but only ${moments.n} requests found a free worker: not de-queued (service = response time, an over-estimate)`,
      summary: DEQUEUE.few,
    };
  }
  const method = queueing
    ? `de-queued by low-concurrency selection: ${moments.n} of ${total} requests (${(kept * 100).toFixed(0)} %) started with fewer than ${workers} others in flight, where E[R | n] is flat (${curve[0]!.meanMs.toFixed(2)} ms at n = 0; ${(curve.find((p) => p.n === workers) ?? curve[curve.length - 1]!).meanMs.toFixed(2)} ms at n = ${workers})`
    : `no queueing seen (E[R | n] flat up to n = ${maxN}): every request is a service sample`;
  return { workers, queueing, sketch, moments, kept, curve, method, summary: queueing ? DEQUEUE.selection : DEQUEUE.flat };
}
