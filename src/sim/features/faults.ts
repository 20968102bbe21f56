/**
 * Fault injection in simulated time: each fault of the scenario (`scenario.faults`) on each of its
 * backends is an INSTANCE, a little state machine that opens and closes windows; the engine
 * schedules one event per transition and this module keeps each backend's aggregate fault state.
 *
 * Window timing per kind (all clipped to `[at, min(at + duration, end of the measured window))`):
 * - fixed (`crash`, `hang`, `slow`, `errors` without mtbf): one window over the whole span;
 * - random (`crash`, `hang` with `mtbf`/`mttr`): alternating exponential up-times (mean mtbf) and
 *   down-times (mean mttr), the two-state Markov model of a repairable component (Trivedi,
 *   "Probability and Statistics with Reliability, Queuing and Computer Science Applications", §8);
 * - `pause`: a window of `length` every `every`, from a random phase in [0, every) per backend (GC
 *   pauses of different processes are not synchronized);
 * - `flap`: down for `down`, then up for `up`, repeated, starting down.
 * Every instance draws from its own stream `faults/<index>/<backend id>` forked from the run's root,
 * and error coin flips from `fault-errors/<backend id>`, so fault times are the same for every
 * strategy (common random numbers) and faults never shift the workload's draws.
 *
 * Effects, applied by the engine through {@link FaultHooks}: crash and flap-down refuse
 * connections and drop the work in flight (`crashed`); hang and pause stop progress (speed 0),
 * and the end of a hang resets what the backend held (`unhung`); slow divides the speed by the
 * product of open slow factors; errors answer a `fraction` of arrivals (1 − Π(1 − fᵢ) when several
 * overlap) with `status` after `latency` × service.
 */
import type { Rng } from '../../core/rng.js';
import type { Fault, FaultKind } from '../../scenario/types.js';

/** What the engine does when a backend's fault state changes. */
export interface FaultHooks {
  /** Backend `b` went down (crash or flap): its work in flight is lost. */
  crashed(b: number): void;
  /** Backend `b`'s last hang ended: the requests it held are reset. */
  unhung(b: number): void;
  /** Backend `b`'s speed multiplier changed (0 = no progress). */
  speedChanged(b: number, factor: number): void;
  /** Instance `i` (kind `kind`) opened a window on backend `b`. */
  faultOpened(b: number, kind: FaultKind, i: number): void;
  /** Instance `i` closed its window on backend `b`. */
  faultClosed(b: number, kind: FaultKind, i: number): void;
}

/** Per-backend fault state and the instances' schedules; see the module header. */
export class FaultRuntime {
  /** Number of instances (fault × backend). */
  readonly count: number;
  /** Open crash / flap-down windows per backend (> 0: connections refused). */
  readonly down: Int32Array;
  /** Open hang windows per backend. */
  readonly hung: Int32Array;
  /** Open pause windows per backend. */
  readonly paused: Int32Array;
  /** Share of arrivals answered with an error, per backend (0 = none). */
  readonly errFraction: Float64Array;
  /** Status of those answers. */
  readonly errStatus: Int32Array;
  /** Their latency as a fraction of the service time. */
  readonly errLatency: Float64Array;

  private readonly fault: Fault[] = [];
  private readonly backend: number[] = [];
  private readonly rng: Rng[] = [];
  private readonly on: Uint8Array;
  private readonly spanEnd: Float64Array;
  private readonly lastOpen: Float64Array;
  private readonly first: Float64Array;
  private readonly byBackend: number[][];
  private readonly coin: (Rng | null)[];
  private readonly factor: Float64Array;

  /**
   * @param faults the scenario's faults
   * @param ids backend ids in index order (faults name them)
   * @param root the run's root stream
   * @param windowEnd end of the measured window (no fault outlasts it)
   */
  constructor(faults: readonly Fault[], ids: readonly string[], root: Rng, windowEnd: number) {
    const n = ids.length;
    const index = new Map(ids.map((id, b) => [id, b]));
    this.byBackend = Array.from({ length: n }, () => []);
    this.coin = new Array<Rng | null>(n).fill(null);
    faults.forEach((f, k) => {
      for (const id of f.backends) {
        const b = index.get(id);
        if (b === undefined) throw new Error(`fault ${k}: unknown backend "${id}"`);
        this.byBackend[b]!.push(this.fault.length);
        this.fault.push(f);
        this.backend.push(b);
        this.rng.push(root.fork(`faults/${k}/${id}`));
        if (f.kind === 'errors' && this.coin[b] === null) this.coin[b] = root.fork(`fault-errors/${id}`);
      }
    });
    const m = this.fault.length;
    this.count = m;
    this.down = new Int32Array(n);
    this.hung = new Int32Array(n);
    this.paused = new Int32Array(n);
    this.errFraction = new Float64Array(n);
    this.errStatus = new Int32Array(n).fill(500);
    this.errLatency = new Float64Array(n);
    this.factor = new Float64Array(n).fill(1);
    this.on = new Uint8Array(m);
    this.spanEnd = new Float64Array(m);
    this.lastOpen = new Float64Array(m).fill(-Infinity);
    this.first = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      const f = this.fault[i]!;
      const end = Math.min(f.durationMs === null ? Infinity : f.atMs + f.durationMs, windowEnd);
      this.spanEnd[i] = end;
      let t: number;
      if ((f.kind === 'crash' || f.kind === 'hang') && f.mtbfMs !== null) t = f.atMs + this.rng[i]!.exp(f.mtbfMs);
      else if (f.kind === 'pause') t = f.atMs + this.rng[i]!.next() * f.everyMs;
      else t = f.atMs;
      this.first[i] = t < end ? t : Infinity;
    }
  }

  /** Time of instance `i`'s first transition (a window opening), or Infinity. */
  firstAt(i: number): number {
    return this.first[i]!;
  }

  /** Backend of instance `i`. */
  backendOf(i: number): number {
    return this.backend[i]!;
  }

  /** Whether backend `b` can serve at all (not crashed, flapped down or hung). */
  isUp(b: number): boolean {
    return b >= this.down.length || (this.down[b] === 0 && this.hung[b] === 0);
  }

  /** Whether a failure fault (crash, hang, errors, flap) is open on backend `b`. */
  isFailing(b: number): boolean {
    return b < this.down.length && (this.down[b]! > 0 || this.hung[b]! > 0 || this.errFraction[b]! > 0);
  }

  /** Draws whether an arrival at backend `b` is answered with an error (only when errors are open there). */
  drawError(b: number): boolean {
    return this.coin[b]!.next() < this.errFraction[b]!;
  }

  /**
   * Applies instance `i`'s transition due now (`now`), calling the hooks; returns the time of its
   * next transition, or Infinity.
   */
  fire(i: number, now: number, hooks: FaultHooks): number {
    const f = this.fault[i]!;
    const b = this.backend[i]!;
    const opening = this.on[i] === 0;
    this.on[i] = opening ? 1 : 0;
    // the window is announced before its effects (a crash's resets may already reveal it) and
    // closed after them
    if (opening) {
      this.lastOpen[i] = now;
      hooks.faultOpened(b, f.kind, i);
    }
    switch (f.kind) {
      case 'crash':
      case 'flap':
        if (opening) {
          if (this.down[b]!++ === 0) hooks.crashed(b);
        } else this.down[b]!--;
        break;
      case 'hang':
        if (opening) this.hung[b]!++;
        else if (--this.hung[b]! === 0) hooks.unhung(b);
        break;
      case 'pause':
        this.paused[b]! += opening ? 1 : -1;
        break;
      case 'errors':
        this.recomputeErrors(b);
        break;
      case 'slow':
        break;
    }
    if (f.kind === 'hang' || f.kind === 'pause' || f.kind === 'slow') this.updateSpeed(b, hooks);
    if (!opening) hooks.faultClosed(b, f.kind, i);
    return this.nextTransition(i, now, opening);
  }

  private nextTransition(i: number, now: number, opened: boolean): number {
    const f = this.fault[i]!;
    const end = this.spanEnd[i]!;
    let t: number;
    switch (f.kind) {
      case 'crash':
      case 'hang':
        if (f.mtbfMs === null || f.mttrMs === null) t = opened ? end : Infinity;
        else t = now + this.rng[i]!.exp(opened ? f.mttrMs : f.mtbfMs);
        break;
      case 'pause':
        t = opened ? now + f.lengthMs : this.lastOpen[i]! + f.everyMs;
        break;
      case 'flap':
        t = now + (opened ? f.downMs : f.upMs);
        break;
      default:
        t = opened ? end : Infinity;
    }
    if (opened) return t < end ? t : end; // an open window always closes, at the latest at the span's end
    return t < end ? t : Infinity;
  }

  private updateSpeed(b: number, hooks: FaultHooks): void {
    let slow = 1;
    for (const i of this.byBackend[b]!) {
      const f = this.fault[i]!;
      if (this.on[i] === 1 && f.kind === 'slow') slow *= f.factor;
    }
    const factor = this.hung[b]! > 0 || this.paused[b]! > 0 ? 0 : 1 / slow;
    if (factor === this.factor[b]) return;
    this.factor[b] = factor;
    hooks.speedChanged(b, factor);
  }

  private recomputeErrors(b: number): void {
    let pass = 1;
    let any = false;
    for (const i of this.byBackend[b]!) {
      const f = this.fault[i]!;
      if (this.on[i] !== 1 || f.kind !== 'errors') continue;
      pass *= 1 - f.fraction;
      this.errStatus[b] = f.status;
      this.errLatency[b] = f.latency;
      any = true;
    }
    this.errFraction[b] = any ? 1 - pass : 0;
  }
}
