/**
 * nginx's smooth weighted round robin, with its periodic steady state served from a precomputed
 * cycle.
 *
 * Reference: nginx `ngx_http_upstream_get_peer` and `ngx_http_upstream_free_round_robin_peer`
 * (src/http/ngx_http_upstream_round_robin.c; docs/strategies.md#weighted-round-robin). For every
 * eligible peer: `current += effective; total += effective; if effective < weight: effective++`;
 * the peer with the largest `current` wins (first in index order on ties) and `current -= total`.
 * `effective` starts at the weight, drops by `weight / maxFails` (integer division, as in nginx)
 * on each failed request and so regains one unit per pick up to the weight. The peer's weight is
 * `view.weight[i]`, so slow start and runtime re-weights take effect at once. `effective` is kept
 * as a deficit below the weight (`weight − effective`), so a changed weight needs no bookkeeping.
 *
 * The scan is O(n). In the steady state (every backend eligible, integer weights summing to W, no
 * deficit) nginx's update is a fixed map of `current`, and from the zero state it returns to zero
 * after exactly W picks, each peer picked `weight` times. More generally, once the state after W
 * picks equals the state before them, the sequence repeats with period W (the map is
 * deterministic). So:
 * - when the view becomes periodic and `current` is all zero, one cycle of W winners is simulated
 *   at once (with the scan's own arithmetic), and picks are `cycle[pos++ mod W]`: O(1);
 * - from any other state the scan goes on, recording its winners over a window of W picks; if the
 *   state at the window's end equals (bit for bit) the state at its start, the window is the cycle
 *   from that state and picks continue from it. After an eligibility flip, a retry's exclusions or
 *   a slow-start ramp, the scan settles on such a cycle within a window or two.
 * Anything else (a version whose contents differ, a failure that lowers `effective`, a resize)
 * leaves the cycle: `current` is reconstructed for the position reached (`base + pos·w − W·picks`,
 * exact for integer states, or a replay of the cycle's steps for a fractional base) and the exact
 * scan continues from there. The sequence is therefore exactly the scan's, always.
 * Cost: O(1) per pick on the cycle, O(n) otherwise; no allocation per pick.
 */
import type { BackendSpec } from '../../core/backend.js';
import type { Strategy } from '../../core/strategy.js';
import type { PickView } from '../../core/view.js';

/** Longest cycle (W = Σ weight) served from a precomputed schedule; above it the scan runs. */
export const MAX_CYCLE = 1 << 20;
/** Most W × n work for building a cycle at once or replaying a fractional one (one-off O(W·n) costs). */
const MAX_WORK = 1 << 24;

/** Grows `a` to at least `n` elements (contents dropped). */
function atLeastF(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  return a.length >= n ? a : new Float64Array(Math.max(n, a.length * 2));
}

/** Grows `a` to at least `n` elements (contents dropped). */
function atLeastI(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  return a.length >= n ? a : new Int32Array(Math.max(n, a.length * 2));
}

/** nginx's smooth weighted round-robin state over a set of peers (current and effective weights). */
export class SmoothWrr implements Strategy {
  /** nginx `current_weight` per index (stale while on the cycle: see {@link leaveCycle}). */
  private current = new Float64Array(0);
  /** `weight − effective_weight` per index (≥ 0; all 0 while on the cycle). */
  private deficit = new Float64Array(0);
  /** Weight seen for each index at its last pick (for failures reported between picks). */
  private lastWeight = new Float64Array(0);

  // ---- on the cycle
  /** True while picks come from {@link cycle}; the state is then `base` advanced `pos` steps. */
  private onCycle = false;
  /** Winners of one period, from the state {@link base}. */
  private cycle = new Int32Array(0);
  /** Period W (= Σ cycleWeight). */
  private cycleLen = 0;
  /** Backends the cycle covers (the view's size and count when it was built). */
  private cycleN = 0;
  /** Weight per index the cycle was built for. */
  private cycleWeight = new Float64Array(0);
  /** `current` at the start of the cycle. */
  private base = new Float64Array(0);
  /** True when every `base` value is an integer (reconstruction by formula is exact). */
  private baseInt = true;
  /** True when `base` is all zero (the cycle can be reused from a zero state). */
  private baseZero = false;
  /** Steps taken into the cycle, 0 … W−1. */
  private pos = 0;
  /** View version the cycle was last validated against. */
  private cycleVersion = Number.NaN;

  // ---- detecting a cycle while scanning
  /** View version {@link periodic} was computed for. */
  private scanVersion = Number.NaN;
  /** The view at {@link scanVersion} has every backend eligible, integer weights ≥ 1 and W ≤ MAX_CYCLE. */
  private periodic = false;
  /** Σ weight of that view. */
  private periodW = 0;
  /** True when some deficit may be non-zero. */
  private deficitPending = false;
  /** Winners recorded in the open window. */
  private rec = new Int32Array(0);
  /** Picks recorded in the open window, or -1 when none is open. */
  private recLen = -1;
  /** `current` at the open window's start (also scratch space). */
  private snap = new Float64Array(0);

  /** @param maxFails nginx `max_fails` (≥ 1) */
  constructor(private readonly maxFails: number) {}

  /** True while picks are served from the precomputed cycle (diagnostics and tests). */
  get cycling(): boolean {
    return this.onCycle;
  }

  /**
   * Sizes the state for `specs`, keeping it for existing indices (the balancer keeps indices
   * stable and appends new backends, which start at current 0 and full effective weight).
   */
  private resize(specs: readonly BackendSpec[]): void {
    const size = specs.length;
    const old = this.current.length;
    if (size === old) return;
    if (this.onCycle) this.leaveCycle();
    this.scanVersion = Number.NaN;
    const keep = Math.min(size, old);
    const cur = new Float64Array(size);
    const def = new Float64Array(size);
    const lw = new Float64Array(size);
    cur.set(this.current.subarray(0, keep));
    def.set(this.deficit.subarray(0, keep));
    lw.set(this.lastWeight.subarray(0, keep));
    for (let i = keep; i < size; i++) lw[i] = specs[i]!.weight;
    this.current = cur;
    this.deficit = def;
    this.lastWeight = lw;
  }

  pick(view: PickView): number {
    const count = view.count;
    if (count === 0) return -1;
    if (this.onCycle) {
      if (view.version === this.cycleVersion || this.sameView(view)) {
        this.cycleVersion = view.version;
        const p = this.pos;
        this.pos = p + 1 === this.cycleLen ? 0 : p + 1;
        return this.cycle[p]!;
      }
      this.leaveCycle();
    }
    if (view.size > this.current.length) this.resize(view.specs);
    if (view.version !== this.scanVersion) this.classify(view);
    if (this.periodic && this.recLen < 0 && !this.deficitPending && this.openWindow(view)) {
      const p = this.pos;
      this.pos = p + 1 === this.cycleLen ? 0 : p + 1;
      return this.cycle[p]!;
    }
    const best = this.scan(view);
    if (this.recLen >= 0) {
      this.rec[this.recLen++] = best;
      if (this.recLen === this.periodW) this.closeWindow(view);
    }
    return best;
  }

  /** One step of nginx's scan over the eligible list. */
  private scan(view: PickView): number {
    const count = view.count;
    const list = view.list;
    const weight = view.weight;
    const cur = this.current;
    const def = this.deficit;
    const lw = this.lastWeight;
    let best = -1;
    let bestCur = 0;
    let total = 0;
    let pending = false;
    for (let k = 0; k < count; k++) {
      const i = list[k]!;
      const w = weight[i]!;
      lw[i] = w;
      let d = def[i]!;
      if (d > w) d = w;
      const eff = w - d;
      const c = cur[i]! + eff;
      cur[i] = c;
      total += eff;
      if (d > 1) {
        def[i] = d - 1;
        pending = true;
      } else def[i] = 0;
      if (best < 0 || c > bestCur) {
        best = i;
        bestCur = c;
      }
    }
    cur[best] = bestCur - total;
    // Only meaningful when the list is every backend (periodic); classify() resets it otherwise.
    this.deficitPending = pending;
    return best;
  }

  /** True when `view` has the contents the cycle was built for (every backend, same weights). */
  private sameView(view: PickView): boolean {
    const n = this.cycleN;
    if (view.size !== n || view.count !== n) return false;
    const w = view.weight;
    const cw = this.cycleWeight;
    for (let i = 0; i < n; i++) if (w[i] !== cw[i]) return false;
    return true;
  }

  /** Decides whether `view` admits a cycle (every backend eligible, integer weights ≥ 1, W ≤ MAX_CYCLE). */
  private classify(view: PickView): void {
    this.scanVersion = view.version;
    this.recLen = -1;
    this.deficitPending = true;
    this.periodic = false;
    const n = view.size;
    if (view.count !== n) return;
    const w = view.weight;
    let total = 0;
    for (let i = 0; i < n; i++) {
      const x = w[i]!;
      if (!(x >= 1 && x === Math.floor(x))) return;
      total += x;
    }
    if (total > MAX_CYCLE) return;
    this.periodic = true;
    this.periodW = total;
    let pending = false;
    for (let i = 0; i < n; i++) if (this.deficit[i]! > 0) pending = true;
    this.deficitPending = pending;
  }

  /**
   * Opens a detection window at the current state, or, if the state is all zero, enters the
   * cycle from zero at once (built now unless the last one fits). True when on the cycle.
   */
  private openWindow(view: PickView): boolean {
    const n = view.size;
    const W = this.periodW;
    const cur = this.current;
    let zero = true;
    for (let i = 0; i < n; i++) {
      if (cur[i] !== 0) {
        zero = false;
        break;
      }
    }
    if (zero && W * n <= MAX_WORK) {
      const reuse = this.baseZero && this.cycleLen === W && this.sameView(view);
      if (reuse || this.buildFromZero(view)) {
        this.pos = 0;
        this.onCycle = true;
        this.cycleVersion = view.version;
        return true;
      }
    }
    this.snap = atLeastF(this.snap, n);
    this.snap.set(cur.subarray(0, n));
    this.rec = atLeastI(this.rec, W);
    this.recLen = 0;
    return false;
  }

  /** Simulates one period from the zero state with the scan's arithmetic; false if it does not return to zero. */
  private buildFromZero(view: PickView): boolean {
    const n = view.size;
    const W = this.periodW;
    const w = view.weight;
    const s = (this.snap = atLeastF(this.snap, n));
    s.fill(0, 0, n);
    const cycle = (this.cycle = atLeastI(this.cycle, W));
    for (let k = 0; k < W; k++) {
      let best = -1;
      let bestCur = 0;
      let total = 0;
      for (let i = 0; i < n; i++) {
        const x = w[i]!;
        const c = s[i]! + x;
        s[i] = c;
        total += x;
        if (best < 0 || c > bestCur) {
          best = i;
          bestCur = c;
        }
      }
      s[best] = bestCur - total;
      cycle[k] = best;
    }
    this.cycleLen = W;
    this.cycleN = n;
    this.cycleWeight = atLeastF(this.cycleWeight, n);
    for (let i = 0; i < n; i++) this.cycleWeight[i] = w[i]!;
    this.base = atLeastF(this.base, n);
    this.base.fill(0, 0, n);
    this.baseInt = true;
    let back = true;
    for (let i = 0; i < n; i++) if (s[i] !== 0) back = false;
    this.baseZero = back;
    return back;
  }

  /** Ends a full window: if the state is back where it began, the window is the cycle. */
  private closeWindow(view: PickView): void {
    this.recLen = -1;
    const n = view.size;
    const W = this.periodW;
    const cur = this.current;
    const s = this.snap;
    let isInt = true;
    let isZero = true;
    for (let i = 0; i < n; i++) {
      const x = s[i]!;
      if (cur[i] !== x) return;
      if (x !== Math.floor(x)) isInt = false;
      if (x !== 0) isZero = false;
    }
    if (!isInt && W * n > MAX_WORK) return; // leaving would mean too long a replay
    const rec = this.rec;
    this.rec = this.cycle;
    this.cycle = rec;
    this.snap = this.base;
    this.base = s;
    this.baseInt = isInt;
    this.baseZero = isZero;
    this.cycleLen = W;
    this.cycleN = n;
    this.cycleWeight = atLeastF(this.cycleWeight, n);
    for (let i = 0; i < n; i++) this.cycleWeight[i] = view.weight[i]!;
    this.pos = 0;
    this.onCycle = true;
    this.cycleVersion = view.version;
  }

  /** Leaves the cycle: writes the state reached (current, last weights) back for the scan. */
  private leaveCycle(): void {
    this.onCycle = false;
    this.scanVersion = Number.NaN;
    this.recLen = -1;
    this.deficitPending = false; // deficits stay zero on the cycle
    const n = this.cycleN;
    const W = this.cycleLen;
    const p = this.pos;
    const cycle = this.cycle;
    const w = this.cycleWeight;
    const cur = this.current;
    const base = this.base;
    if (this.baseInt) {
      // Every intermediate value is an integer far below 2^53: the formula is exact.
      const picks = (this.snap = atLeastF(this.snap, n));
      picks.fill(0, 0, n);
      for (let k = 0; k < p; k++) picks[cycle[k]!]!++;
      for (let i = 0; i < n; i++) cur[i] = base[i]! + p * w[i]! - W * picks[i]!;
    } else {
      // Replay the steps with the scan's own operations (bit-exact for fractional states).
      for (let i = 0; i < n; i++) cur[i] = base[i]!;
      for (let k = 0; k < p; k++) {
        for (let i = 0; i < n; i++) cur[i] = cur[i]! + w[i]!;
        const b = cycle[k]!;
        cur[b] = cur[b]! - W;
      }
    }
    for (let i = 0; i < n; i++) this.lastWeight[i] = w[i]!;
  }

  rebuild(specs: readonly BackendSpec[]): void {
    this.resize(specs);
  }

  released(i: number, failed: boolean): void {
    if (!failed || i < 0 || i >= this.deficit.length) return;
    if (this.onCycle) {
      // A failure that costs no effective weight (weight < maxFails) changes nothing.
      if (i < this.cycleN && Math.floor(this.cycleWeight[i]! / this.maxFails) <= 0) return;
      this.leaveCycle();
    }
    const w = this.lastWeight[i]!;
    let d = this.deficit[i]! + Math.floor(w / this.maxFails);
    if (d > w) d = w;
    this.deficit[i] = d;
    if (d > 0) {
      this.deficitPending = true;
      this.recLen = -1;
    }
  }
}
