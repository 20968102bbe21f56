/**
 * What one simulation run measures, and its summary.
 *
 * Measured requests are those ARRIVING in the measured window [warm-up, warm-up + duration); each
 * is followed to its end even after the window closes (the engine drains), so slow requests are
 * not censored. Their end-to-end latencies are kept exactly (a growing Float64Array; at the end the
 * percentiles and CDF points by nearest rank, from one distribution-counting select, see
 * `stats.ts`: exact, without a full sort) and counted completed / failed / rejected.
 * Throughput counts successful completions that HAPPEN inside the window (whatever their arrival),
 * the unbiased rate estimator, so under overload it shows the capacity actually delivered.
 *
 * Time series: the window is cut into `intervalMs` slices (the last may be shorter). Per slice:
 * completions per second, p50/p99 of measured latencies completed in it (selection, O(n)), and at
 * its end per-backend utilization over the slice, per-backend in-flight and the balancer queue.
 */
import type { BackendResult, ErrorCounts, LatencySummary, TimeSeries, TrafficResult } from '../../results/schema.js';
import type { BackendFarm } from '../model/backend-model.js';
import type { DynamicsSummary } from '../features/dynamics.js';
import { giveFloat64, takeFloat64 } from '../../results/buffers.js';
import { cdfFractions, jainIndex, percentilesOfRange } from '../../results/stats.js';
import { ERROR_KINDS, KIND_TIMEOUT } from './codes.js';

/** Fractions of the summary's named percentiles (p50, p90, p99, p99.9). */
const SUMMARY_FRACTIONS = [0.5, 0.9, 0.99, 0.999] as const;

/** Fractions of the per-slice percentiles (p50, p99). */
const SLICE_FRACTIONS = [0.5, 0.99] as const;

/** Everything one run reports (before aggregation over replications). */
export interface RunSummary {
  /** Latency of completed measured requests (ms; NaN when none completed). */
  latency: LatencySummary;
  /** Outcomes of the measured requests. */
  requests: { completed: number; failed: number; rejected: number };
  /** Successful completions per second inside the window. */
  throughput: number;
  /** Jain's index over backend utilization. */
  fairness: number;
  /** Per-backend figures. */
  backends: BackendResult[];
  /** Per-slice series. */
  timeseries: TimeSeries;
  /** Latency CDF points for charts. */
  cdf: { p: number[]; x: number[] };
  /** Completed / measured requests (set by the simulator's engines). */
  availability?: number;
  /** Measured requests that did not complete, by kind (set by the simulator's engines). */
  errors?: ErrorCounts;
  /** Retries sent by measured requests (lean engine, when `retries` > 0; the full engine's are in `dynamics`). */
  retries?: number;
  /** Of the failed, those answered only after the give-up bound ({@link Recorder.overBound}); absent when none. */
  overBound?: number;
  /** Failures, health and elasticity figures (full engine only). */
  dynamics?: DynamicsSummary;
  /** Where the traffic went, with failover tiers or zones (full engine only). */
  traffic?: TrafficResult;
}

/** Collects one run's measurements; see the module header. */
export class Recorder {
  /** Completed measured requests. */
  completed = 0;
  /** Measured requests that failed (timeout after the last attempt, or answered past the give-up bound). */
  failed = 0;
  /**
   * Measured requests answered more than the measured duration after they arrived: no client
   * waits that long (they complete only because the run follows every request to its end, e.g. a
   * backend that took every request under HAProxy `balance first` without `maxconn`), so they
   * count as failed (kind timeout) and their latencies stay out of the percentiles.
   */
  overBound = 0;
  /** Measured requests refused (by the balancer, or by a full backend on the last attempt). */
  rejected = 0;
  /** Successful completions inside the window (any arrival time). */
  windowCompletions = 0;
  /** Measured requests that failed or were refused, by error kind (`codes.ts`); the engines count them. */
  readonly errors = new Float64Array(ERROR_KINDS.length);

  private lat: Float64Array;
  private n = 0;
  private sum = 0;
  /** Number of slices. */
  readonly slices: number;
  private readonly windowEnd: number;
  private cur = 0; // slice of the latest in-window completion
  private readonly sliceCount: Int32Array; // measured latencies per slice (contiguous in `lat`)
  private readonly sliceDone: Float64Array; // completions per slice (any arrival)
  private readonly sliceEnd: Float64Array;
  private readonly util: Float64Array[];
  private readonly inflight: Float64Array[];
  private readonly bq: Float64Array;
  private startArea: Float64Array;
  private startQueue: Float64Array;
  private prevArea: Float64Array;
  private finalBusy: Float64Array | null = null;
  private finalQueue: Float64Array | null = null;
  /** Attempts sent per backend by measured requests. */
  backendRequests: Float64Array;
  private doneAt = 0;
  private arrivedAt = 0;

  /**
   * @param warmupMs start of the measured window
   * @param durationMs its length
   * @param intervalMs time-series slice length
   * @param backends number of backends
   * @param expected expected number of measured requests (initial capacity)
   * @param balancerQueue whether the balancer has a queue (then the series includes its length)
   */
  constructor(
    readonly warmupMs: number,
    readonly durationMs: number,
    readonly intervalMs: number,
    public backends: number,
    expected: number,
    readonly balancerQueue = false,
  ) {
    this.lat = takeFloat64(Math.max(1024, Math.min(1 << 26, Math.ceil(expected * 1.05))));
    this.windowEnd = warmupMs + durationMs;
    this.slices = Math.max(1, Math.ceil(durationMs / intervalMs - 1e-9));
    this.sliceCount = new Int32Array(this.slices);
    this.sliceDone = new Float64Array(this.slices);
    this.sliceEnd = new Float64Array(this.slices);
    for (let k = 0; k < this.slices; k++) this.sliceEnd[k] = Math.min(durationMs, (k + 1) * intervalMs);
    this.util = Array.from({ length: backends }, () => new Float64Array(this.slices));
    this.inflight = Array.from({ length: backends }, () => new Float64Array(this.slices));
    this.bq = new Float64Array(this.slices);
    this.startArea = new Float64Array(backends);
    this.startQueue = new Float64Array(backends);
    this.prevArea = new Float64Array(backends);
    this.backendRequests = new Float64Array(backends);
  }

  /** A backend joined while running (autoscaling): its figures start at 0 now. */
  addBackend(): void {
    const n = ++this.backends;
    const f = (a: Float64Array): Float64Array => {
      const x = new Float64Array(n);
      x.set(a);
      return x;
    };
    this.startArea = f(this.startArea);
    this.startQueue = f(this.startQueue);
    this.prevArea = f(this.prevArea);
    this.backendRequests = f(this.backendRequests);
    this.util.push(new Float64Array(this.slices));
    this.inflight.push(new Float64Array(this.slices));
  }

  /** Time of slice boundary `k` (k = 0 is the window start, k = slices its end). */
  boundary(k: number): number {
    return this.warmupMs + (k === 0 ? 0 : this.sliceEnd[k - 1]!);
  }

  /** Slice of a completion at `now` (in the window); completions come in time order. */
  private sliceOf(now: number): number {
    let k = this.cur;
    while (k < this.slices - 1 && now >= this.warmupMs + this.sliceEnd[k]!) k++;
    this.cur = k;
    return k;
  }

  /**
   * A request that arrived at `arrival` completed successfully at `now` (as its client sees it):
   * end-to-end latency `now − arrival`. Completions must come in time order.
   */
  complete(now: number, arrival: number, measured: boolean): void {
    // Kept under V8's "small function" size so it is inlined at every call site: the two times then
    // travel in fields instead of call arguments, which would be boxed (allocated) per request.
    this.doneAt = now;
    this.arrivedAt = arrival;
    this.record(measured);
  }

  /** {@link complete} of the request that arrived at {@link arrivedAt} and completed at {@link doneAt}. */
  private record(measured: boolean): void {
    const now = this.doneAt;
    const latency = now - this.arrivedAt;
    const inWindow = now >= this.warmupMs && now < this.windowEnd;
    const k = inWindow ? this.sliceOf(now) : -1;
    if (inWindow) {
      this.windowCompletions++;
      this.sliceDone[k]!++;
    }
    if (!measured) return;
    if (latency > this.durationMs) {
      this.overBound++;
      this.failed++;
      this.errors[KIND_TIMEOUT]!++;
      return;
    }
    this.completed++;
    if (this.n === this.lat.length) this.growLatencies();
    this.lat[this.n++] = latency;
    this.sum += latency;
    if (inWindow) this.sliceCount[k]!++;
  }

  private growLatencies(): void {
    const g = takeFloat64(this.lat.length * 2);
    g.set(this.lat);
    giveFloat64(this.lat);
    this.lat = g;
  }

  /**
   * Slice boundary `k` reached: flushes the backends' areas and closes slice k − 1.
   * @param balancerQueued requests waiting in the balancer queue now
   */
  boundaryReached(k: number, farm: BackendFarm, balancerQueued: number): void {
    farm.flushAll();
    if (k === 0) {
      this.startArea.set(farm.busyArea);
      this.startQueue.set(farm.queueArea);
      this.prevArea.set(farm.busyArea);
      return;
    }
    const len = this.boundary(k) - this.boundary(k - 1);
    for (let b = 0; b < this.backends; b++) {
      const area = farm.busyArea[b]!;
      this.util[b]![k - 1] = len > 0 ? (area - this.prevArea[b]!) / (farm.workers[b]! * len) : 0;
      this.prevArea[b] = area;
      this.inflight[b]![k - 1] = farm.inSystem(b);
    }
    this.bq[k - 1] = balancerQueued;
    if (k === this.slices) {
      this.finalBusy = Float64Array.from(farm.busyArea);
      this.finalQueue = Float64Array.from(farm.queueArea);
    }
  }

  /** Builds the run's summary (sorts the latencies; call once, after the run). */
  summarize(ids: readonly string[], weights: readonly number[], workers: ArrayLike<number>): RunSummary {
    const n = this.n;
    const lat = this.lat;
    const S = this.slices;
    const p50: (number | null)[] = new Array(S);
    const p99: (number | null)[] = new Array(S);
    let off = 0;
    for (let k = 0; k < S; k++) {
      const c = this.sliceCount[k]!;
      if (c > 0) {
        const [a, b] = percentilesOfRange(lat, off, off + c, SLICE_FRACTIONS);
        p50[k] = a!;
        p99[k] = b!;
      } else p50[k] = p99[k] = null;
      off += c;
    }
    // every global figure in one distribution-counting select (no full sort): the named
    // percentiles, then the CDF's fractions (their last one, 1, is the maximum)
    const cdfP = n > 0 ? cdfFractions(n) : [];
    const q = n > 0 ? percentilesOfRange(lat, 0, n, [...SUMMARY_FRACTIONS, ...cdfP]) : [];
    const latency: LatencySummary = {
      mean: n > 0 ? this.sum / n : NaN,
      p50: n > 0 ? q[0]! : NaN,
      p90: n > 0 ? q[1]! : NaN,
      p99: n > 0 ? q[2]! : NaN,
      p999: n > 0 ? q[3]! : NaN,
      max: n > 0 ? q[q.length - 1]! : NaN,
    };
    const dur = this.durationMs;
    const totalW = weights.reduce((s, w) => s + w, 0);
    const totalReq = this.backendRequests.reduce((s, x) => s + x, 0);
    const busy = this.finalBusy ?? this.startArea;
    const queue = this.finalQueue ?? this.startQueue;
    const backends: BackendResult[] = ids.map((id, b) => ({
      id,
      requests: this.backendRequests[b]!,
      share: totalReq > 0 ? this.backendRequests[b]! / totalReq : 0,
      idealShare: totalW > 0 ? weights[b]! / totalW : 0,
      utilization: dur > 0 ? (busy[b]! - this.startArea[b]!) / (workers[b]! * dur) : 0,
      meanQueue: dur > 0 ? (queue[b]! - this.startQueue[b]!) / dur : 0,
    }));
    const timeseries: TimeSeries = {
      interval: this.intervalMs / 1000,
      t: Array.from(this.sliceEnd, (e) => e / 1000),
      throughput: Array.from(this.sliceDone, (c, k) => {
        const len = this.sliceEnd[k]! - (k === 0 ? 0 : this.sliceEnd[k - 1]!);
        return len > 0 ? (c * 1000) / len : 0;
      }),
      p50,
      p99,
      utilization: this.util.map((u) => Array.from(u)),
      inflight: this.inflight.map((u) => Array.from(u)),
    };
    if (this.balancerQueue) timeseries.balancerQueue = Array.from(this.bq);
    const cdf = { p: cdfP, x: q.slice(SUMMARY_FRACTIONS.length) };
    // the latencies are no longer needed: their array serves the next run (see `buffers.ts`)
    giveFloat64(this.lat);
    this.lat = new Float64Array(0);
    this.n = 0;
    return {
      latency,
      requests: { completed: this.completed, failed: this.failed, rejected: this.rejected },
      ...(this.overBound > 0 ? { overBound: this.overBound } : {}),
      throughput: dur > 0 ? (this.windowCompletions * 1000) / dur : 0,
      fairness: jainIndex(backends.map((b) => b.utilization)),
      backends,
      timeseries,
      cdf,
    };
  }
}
