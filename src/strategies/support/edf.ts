/**
 * Envoy's earliest-deadline-first scheduler over backend indices, the engine of Envoy's weighted
 * `ROUND_ROBIN` and weighted `LEAST_REQUEST`.
 *
 * Reference: Envoy 1.36 `EdfScheduler` (source/common/upstream/edf_scheduler.h): `add(weight,
 * entry)` schedules an entry at `current_time + 1 / weight` with an increasing `order_offset` (FIFO
 * among equal deadlines); `pickAndAdd(calculate_weight)` pops the entry with the earliest deadline
 * (ties: lowest order offset), moves `current_time` to that deadline and re-adds the entry with the
 * weight `calculate_weight` gives *now*; `createWithPicks(entries, calculate_weight, picks)` builds
 * the scheduler as if `picks` picks had been made from an empty one (each entry's weight plus
 * 1e-13, `floor(w_i · picks / Σw)` emulated picks per entry, one fewer when floating point
 * disagrees, `current_time` = the latest emulated pick time, then the leftover picks one by one).
 * docs/strategies.md#least-connections.
 *
 * A binary min-heap over typed arrays: one heap slot per backend, so a pick is O(log n) and
 * allocates nothing. Popping and re-adding an entry is done as "replace the root, sift down",
 * which gives the same pick order because (deadline, order offset) orders entries totally.
 *
 * lbsim keeps one scheduler over all backends. Envoy builds it over the healthy hosts and rebuilds
 * it (with `createWithPicks`) whenever health changes; here a backend the view marks ineligible
 * when its turn comes is taken out ("parked") and put back with a fresh deadline once it is
 * eligible again, as a host returning to Envoy's healthy set starts a new turn.
 */

import type { PickView } from '../../core/view.js';

/** Envoy's cap on emulated picks (`picks % 429496729`, UINT_MAX / 10). */
export const MAX_PICKS = 429496729;

/** The weight of backend `i` at this moment (must be > 0). */
export type WeightOf = (i: number) => number;

/** An EDF schedule over backend indices 0 … n−1. */
export class EdfScheduler {
  /** Backend index in each heap slot. */
  private idx = new Int32Array(0);
  /** Deadline of each heap slot. */
  private deadline = new Float64Array(0);
  /** Order offset of each heap slot (FIFO tie-break; exceeds 2^31 in long runs, hence a double). */
  private order = new Float64Array(0);
  /** Entries in the heap. */
  private n = 0;
  /** 1 while backend i is out of the heap (parked), else 0. */
  private parked = new Uint8Array(0);
  /** Number of parked backends. */
  private parkedCount = 0;
  /** Envoy `current_time_`. */
  private currentTime = 0;
  /** Envoy `order_offset_`: the next entry's order. */
  private orderOffset = 0;

  /** True when the schedule holds no entry at all. */
  get empty(): boolean {
    return this.n === 0 && this.parkedCount === 0;
  }

  /** Backends currently parked (diagnostics and tests). */
  get parkedBackends(): number {
    return this.parkedCount;
  }

  /**
   * Envoy `createWithPicks`: a fresh schedule over `indices` (the first `count`), as if `picks`
   * picks had been made from an empty scheduler with the weights `weightOf` gives now. The other
   * backends below `size` are parked.
   */
  build(indices: ArrayLike<number>, count: number, size: number, weightOf: WeightOf, picks: number): void {
    if (this.idx.length < size) {
      this.idx = new Int32Array(size);
      this.deadline = new Float64Array(size);
      this.order = new Float64Array(size);
    }
    // Backends outside `indices` start parked: they join when they become eligible.
    if (this.parked.length < size) this.parked = new Uint8Array(size);
    this.parked.fill(0);
    this.parked.fill(1, 0, size);
    for (let k = 0; k < count; k++) this.parked[indices[k]!] = 0;
    this.parkedCount = size - count;
    this.n = 0;
    this.currentTime = 0;
    this.orderOffset = 0;
    if (count === 0) return;
    picks = picks % MAX_PICKS;
    let sum = 0;
    for (let k = 0; k < count; k++) sum += weightOf(indices[k]!) + 1e-13;
    let picksSoFar = 0;
    let maxPickTime = 0;
    const perWeight = picks / sum;
    for (let k = 0; k < count; k++) {
      const i = indices[k]!;
      const w = weightOf(i) + 1e-13;
      let floorPicks = Math.floor((w * picks) / sum);
      if (floorPicks > 0 && floorPicks / w >= perWeight) floorPicks--;
      const pickTime = floorPicks / w;
      this.idx[k] = i;
      this.deadline[k] = (floorPicks + 1) / w;
      this.order[k] = k;
      if (pickTime > maxPickTime) maxPickTime = pickTime;
      picksSoFar += floorPicks;
    }
    this.n = count;
    for (let k = (count >> 1) - 1; k >= 0; k--) this.siftDown(k);
    this.currentTime = maxPickTime;
    this.orderOffset = count;
    while (picksSoFar < picks) {
      this.pickAndAdd(weightOf);
      picksSoFar++;
    }
  }

  /**
   * Envoy `pickAndAdd`: pops the earliest deadline, re-adds it at `current_time + 1 / weightOf(i)`
   * and returns its backend index (-1 when the heap is empty).
   */
  pickAndAdd(weightOf: WeightOf): number {
    if (this.n === 0) return -1;
    const i = this.idx[0]!;
    this.currentTime = this.deadline[0]!;
    this.deadline[0] = this.currentTime + 1 / weightOf(i);
    this.order[0] = this.orderOffset++;
    this.siftDown(0);
    return i;
  }

  /**
   * The next eligible backend: pops entries in deadline order, parking those `eligible` rejects
   * (out of the heap until {@link unpark}), and re-adds the eligible one as {@link pickAndAdd}
   * does. -1 when no entry in the heap is eligible.
   */
  pickEligible(eligible: ArrayLike<number>, weightOf: WeightOf): number {
    while (this.n > 0) {
      const i = this.idx[0]!;
      if (eligible[i] === 1) return this.pickAndAdd(weightOf);
      this.currentTime = this.deadline[0]!;
      this.removeTop();
      this.parked[i] = 1;
      this.parkedCount++;
    }
    return -1;
  }

  /**
   * One pick over `view`'s eligible backends, as Envoy's weighted ROUND_ROBIN and LEAST_REQUEST
   * make it: a fresh schedule ({@link build}, Envoy's `createWithPicks` on refresh) when `fresh`,
   * else the parked backends that are eligible again put back ({@link unpark}); when every eligible
   * backend had been parked before this version, a fresh schedule. -1 when none is eligible.
   */
  pickFrom(view: PickView, weightOf: WeightOf, seed: number, fresh: boolean): number {
    if (fresh) this.build(view.list, view.count, view.size, weightOf, seed);
    else this.unpark(view.eligible, view.size, weightOf);
    let i = this.pickEligible(view.eligible, weightOf);
    if (i < 0) {
      this.build(view.list, view.count, view.size, weightOf, seed);
      i = this.pickEligible(view.eligible, weightOf);
    }
    return i;
  }

  /** Puts every parked backend that `eligible` now accepts back, at `current_time + 1 / weight`. */
  unpark(eligible: ArrayLike<number>, size: number, weightOf: WeightOf): void {
    if (this.parkedCount === 0) return;
    const parked = this.parked;
    const end = Math.min(size, parked.length);
    for (let i = 0; i < end; i++) {
      if (parked[i] === 1 && eligible[i] === 1) {
        parked[i] = 0;
        this.parkedCount--;
        this.push(i, this.currentTime + 1 / weightOf(i));
      }
    }
  }

  /** Envoy `add`: schedules backend `i` at `current_time + 1 / weight`. */
  private push(i: number, deadline: number): void {
    let k = this.n++;
    const idx = this.idx;
    const dl = this.deadline;
    const ord = this.order;
    const o = this.orderOffset++;
    while (k > 0) {
      const parent = (k - 1) >> 1;
      const pd = dl[parent]!;
      if (pd < deadline || (pd === deadline && ord[parent]! < o)) break;
      idx[k] = idx[parent]!;
      dl[k] = pd;
      ord[k] = ord[parent]!;
      k = parent;
    }
    idx[k] = i;
    dl[k] = deadline;
    ord[k] = o;
  }

  /** Removes the root. */
  private removeTop(): void {
    const last = --this.n;
    if (last === 0) return;
    this.idx[0] = this.idx[last]!;
    this.deadline[0] = this.deadline[last]!;
    this.order[0] = this.order[last]!;
    this.siftDown(0);
  }

  /** Restores the heap order below slot `k`. */
  private siftDown(k: number): void {
    const n = this.n;
    const idx = this.idx;
    const dl = this.deadline;
    const ord = this.order;
    const i = idx[k]!;
    const d = dl[k]!;
    const o = ord[k]!;
    for (;;) {
      let c = 2 * k + 1;
      if (c >= n) break;
      const r = c + 1;
      if (r < n && (dl[r]! < dl[c]! || (dl[r] === dl[c] && ord[r]! < ord[c]!))) c = r;
      const cd = dl[c]!;
      if (d < cd || (d === cd && o < ord[c]!)) break;
      idx[k] = idx[c]!;
      dl[k] = cd;
      ord[k] = ord[c]!;
      k = c;
    }
    idx[k] = i;
    dl[k] = d;
    ord[k] = o;
  }
}
