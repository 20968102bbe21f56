/**
 * What the full engine measures beyond the lean one (`recorder.ts`): retries and hedges sent, requests lost to faulty backends, detection and recovery times of
 * failure windows, cache hits, autoscaling decisions, and per-slice series of the fleet's size and
 * health. Counts concern MEASURED requests (arriving in the window), like the recorder's; the
 * error series counts failures that HAPPEN in each slice, like its throughput series. Detection
 * times are those of the first balancer to notice (the backend down or ejected in its view);
 * recovery is the first successful answer after the window closed, for detected windows only.
 */
import type { AutoscaleResult, DetectionResult, FaultEvent } from '../../results/schema.js';

/** One run's extra figures (merged over replications by `aggregate.ts`). */
export interface DynamicsSummary {
  /** Retries sent by measured requests. */
  retries: number;
  /** Retries the budget refused. */
  retriesDenied: number;
  /** Hedged copies sent by measured requests. */
  hedges: number;
  /** Measured failures after meeting a faulty backend. */
  lostInFailover: number;
  /** Detection and recovery of failure windows (with faults). */
  detection: DetectionResult | null;
  /** Cache hits and misses, in all and per backend (with caches). */
  cache: { hits: number; misses: number; hitsPerBackend: number[]; missesPerBackend: number[] } | null;
  /** Autoscaling activity (with an autoscaler). */
  autoscale: AutoscaleResult | null;
  /** Per-slice fleet size, health and failures per second (with faults, health checks or autoscaling). */
  series: { backends: number[]; healthy: number[]; up: number[]; errors: number[] } | null;
}

const MAX_EVENTS = 200;

interface Window {
  backend: number;
  kind: string;
  start: number;
  end: number | null;
  detectAt: number | null;
  recoverAt: number | null;
}

/** Collects one run's extra figures; see the module header. */
export class DynamicsRecorder {
  /** Retries sent by measured requests. */
  retries = 0;
  /** Retries refused by the budget (measured requests). */
  retriesDenied = 0;
  /** Hedges sent by measured requests. */
  hedges = 0;
  /** Measured failures after meeting a faulty backend. */
  lost = 0;
  /** Cache hits per backend (measured requests). */
  hits = new Float64Array(0);
  /** Cache misses per backend (measured requests). */
  misses = new Float64Array(0);
  /** Autoscaling decisions: time and target count before → after. */
  readonly actions: { at: number; from: number; to: number }[] = [];
  /** Decisions to add backends. */
  scaleOuts = 0;
  /** Decisions to remove backends. */
  scaleIns = 0;

  private readonly failSlice: Float64Array;
  private readonly nBackends: Float64Array;
  private readonly nHealthy: Float64Array;
  private readonly nUp: Float64Array;
  private readonly windows: Window[] = [];
  private readonly byInstance = new Map<number, number>(); // open window per fault instance
  /** Open windows per backend (indices into `windows`) awaiting detection / recovery. */
  private readonly openDetect: number[][] = [];
  private readonly openRecover: number[][] = [];

  /**
   * @param warmupMs start of the measured window
   * @param durationMs its length
   * @param intervalMs slice length
   * @param slices number of slices (the recorder's)
   * @param backends number of backends at the start
   * @param withCache whether backends have caches
   * @param withSeries whether the fleet series are kept
   */
  constructor(
    readonly warmupMs: number,
    readonly durationMs: number,
    readonly intervalMs: number,
    readonly slices: number,
    backends: number,
    readonly withCache: boolean,
    readonly withSeries: boolean,
  ) {
    this.failSlice = new Float64Array(slices);
    this.nBackends = new Float64Array(slices);
    this.nHealthy = new Float64Array(slices);
    this.nUp = new Float64Array(slices);
    for (let b = 0; b < backends; b++) this.addBackend();
  }

  /** A backend joined (autoscaling): its counters start at 0. */
  addBackend(): void {
    const n = this.openDetect.length + 1;
    this.openDetect.push([]);
    this.openRecover.push([]);
    if (this.withCache) {
      const h = new Float64Array(n);
      h.set(this.hits);
      this.hits = h;
      const m = new Float64Array(n);
      m.set(this.misses);
      this.misses = m;
    }
  }

  /** A request failed (any kind) at `now`: counted in the error series when inside the window. */
  failureAt(now: number): void {
    const t = now - this.warmupMs;
    if (t < 0 || t >= this.durationMs) return;
    let k = Math.floor(t / this.intervalMs);
    if (k >= this.slices) k = this.slices - 1;
    this.failSlice[k]!++;
  }

  /** Fleet figures at the end of slice `k`. */
  sample(k: number, backends: number, healthy: number, up: number): void {
    this.nBackends[k] = backends;
    this.nHealthy[k] = healthy;
    this.nUp[k] = up;
  }

  /** Whether backend `b` has windows awaiting detection. */
  awaitingDetection(b: number): boolean {
    return this.openDetect[b]!.length > 0;
  }

  /** Whether backend `b` has detected windows awaiting recovery. */
  awaitingRecovery(b: number): boolean {
    return this.openRecover[b]!.length > 0;
  }

  /**
   * Fault instance `i` opened a failure window on backend `b` at `now`; `healthy` = the backend's
   * state in the balancers' view now (already out: detected at once).
   */
  windowOpened(i: number, b: number, kind: string, now: number, healthy: boolean): void {
    const w = this.windows.push({ backend: b, kind, start: now, end: null, detectAt: healthy ? null : now, recoverAt: null }) - 1;
    this.byInstance.set(i, w);
    if (healthy) this.openDetect[b]!.push(w);
  }

  /** Fault instance `i` closed its window at `now`. */
  windowClosed(i: number, now: number): void {
    const w = this.byInstance.get(i);
    if (w === undefined) return;
    this.byInstance.delete(i);
    const win = this.windows[w]!;
    win.end = now;
    const open = this.openDetect[win.backend]!;
    const j = open.indexOf(w);
    if (j >= 0) open.splice(j, 1);
    if (win.detectAt !== null) this.openRecover[win.backend]!.push(w);
  }

  /** Backend `b` is down or ejected in a balancer's view at `now`: open windows are detected. */
  detected(b: number, now: number): void {
    for (const w of this.openDetect[b]!) this.windows[w]!.detectAt = now;
    this.openDetect[b]!.length = 0;
  }

  /** Backend `b` answered successfully at `now`: closed, detected windows have recovered. */
  answered(b: number, now: number): void {
    for (const w of this.openRecover[b]!) this.windows[w]!.recoverAt = now;
    this.openRecover[b]!.length = 0;
  }

  /** The autoscaler changed its target from `from` to `to` at `now`. */
  scaled(now: number, from: number, to: number): void {
    this.actions.push({ at: now, from, to });
    if (to > from) this.scaleOuts++;
    else this.scaleIns++;
  }

  /**
   * The run's summary.
   * @param ids backend ids (for fault events)
   * @param autoscaled whether an autoscaler ran
   * @param withDetection whether faults were simulated (then detection times are reported)
   */
  summarize(ids: readonly string[], autoscaled: boolean, withDetection: boolean): DynamicsSummary {
    const sec = (t: number): number => (t - this.warmupMs) / 1000;
    const perSec = Array.from(this.failSlice, (c, k) => {
      const len = Math.min(this.durationMs, (k + 1) * this.intervalMs) - k * this.intervalMs;
      return len > 0 ? (c * 1000) / len : 0;
    });
    let detection: DetectionResult | null = null;
    if (withDetection) {
      const det = this.windows.filter((w) => w.detectAt !== null).map((w) => w.detectAt! - w.start);
      const rec = this.windows.filter((w) => w.recoverAt !== null && w.end !== null).map((w) => w.recoverAt! - w.end!);
      const mean = (xs: number[]): number | null => (xs.length > 0 ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
      const max = (xs: number[]): number | null => (xs.length > 0 ? Math.max(...xs) : null);
      const events: FaultEvent[] = this.windows.slice(0, MAX_EVENTS).map((w) => ({
        backend: ids[w.backend] ?? String(w.backend),
        kind: w.kind,
        start: sec(w.start),
        end: w.end === null ? null : sec(w.end),
        detectMs: w.detectAt === null ? null : w.detectAt - w.start,
        recoverMs: w.recoverAt === null || w.end === null ? null : w.recoverAt - w.end,
      }));
      detection = {
        faults: this.windows.length,
        detected: det.length,
        meanDetectMs: mean(det),
        maxDetectMs: max(det),
        meanRecoverMs: mean(rec),
        maxRecoverMs: max(rec),
        events,
      };
    }
    let autoscale: AutoscaleResult | null = null;
    if (autoscaled) {
      const b = Array.from(this.nBackends);
      autoscale = {
        scaleOuts: this.scaleOuts,
        scaleIns: this.scaleIns,
        minBackends: Math.min(...b),
        maxBackends: Math.max(...b),
        meanBackends: b.reduce((s, x) => s + x, 0) / Math.max(1, b.length),
        actions: this.actions.map((a) => ({ t: sec(a.at), from: a.from, to: a.to })),
      };
    }
    return {
      retries: this.retries,
      retriesDenied: this.retriesDenied,
      hedges: this.hedges,
      lostInFailover: this.lost,
      detection,
      cache: this.withCache
        ? {
            hits: this.hits.reduce((s, x) => s + x, 0),
            misses: this.misses.reduce((s, x) => s + x, 0),
            hitsPerBackend: Array.from(this.hits),
            missesPerBackend: Array.from(this.misses),
          }
        : null,
      autoscale,
      series: this.withSeries
        ? { backends: Array.from(this.nBackends), healthy: Array.from(this.nHealthy), up: Array.from(this.nUp), errors: perSec }
        : null,
    };
  }
}
