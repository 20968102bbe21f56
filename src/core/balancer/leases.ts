/**
 * The lease table: one row per request in flight on a balancer, addressed by an integer handle.
 *
 * A handle is `generation × 2^21 + slot`. Rows live in typed arrays with a free list, so opening and
 * closing a lease allocates nothing; the generation, bumped when a row is freed, makes a second
 * release of the same handle (or a handle never issued) detectable. This is the generational-index
 * scheme of entity tables (a slot map): an index plus a reuse counter checked on every access.
 *
 * Handles must stay below 2^30 so V8 keeps them small integers (Smis): a boxed handle would allocate
 * on every acquire/release. Hence 2^21 (2M) concurrent leases per balancer, and a row's generation
 * wraps after 512 reuses (a stale handle is caught unless it is exactly 512 reuses old).
 */
import { grow } from './grow.js';

/** Slots per generation: a handle's low 21 bits are its slot. */
export const SLOT_SPACE = 2097152;
/** Generations per slot before wrapping (a power of two). */
const GEN_LIMIT = 512;

/** Thrown when a lease handle is released twice or was never issued: a driver bug. */
export class LeaseError extends Error {
  override name = 'LeaseError';
}

/**
 * Rows of open leases. The balancer writes a row's start time and limit key itself (a fractional
 * argument to a call V8 does not inline is boxed), so {@link LeaseTable.open} takes only the backend.
 */
export class LeaseTable {
  /** Backend index per slot; -1 while the slot is free. */
  backend = new Int32Array(0);
  /** Acquire time per slot (driver clock, ms). */
  start = new Float64Array(0);
  /** Strategy instance that picked, per slot (only written when the balancer has a zone layer). */
  source = new Int32Array(0);
  /** Per-key limit key per slot (only written when a conn limit is configured). */
  readonly key: string[] = [];
  private gen = new Int32Array(0);
  private free = new Int32Array(0);
  private freeTop = 0;
  private slots = 0;
  /** Leases open now. */
  outstanding = 0;

  /** Takes a free slot for backend `i` and returns it (use {@link handleOf} for the handle). */
  open(i: number): number {
    const slot = this.freeTop > 0 ? this.free[--this.freeTop]! : this.newSlot();
    this.backend[slot] = i;
    this.outstanding++;
    return slot;
  }

  /** A never-used slot, growing the arrays (kept out of {@link open} so that one stays small enough to inline). */
  private newSlot(): number {
    const slot = this.slots++;
    if (slot >= SLOT_SPACE) {
      throw new Error(`more than ${SLOT_SPACE} requests in flight on one balancer: the offered load far exceeds capacity for too long`);
    }
    this.backend = grow(this.backend, this.slots);
    this.start = grow(this.start, this.slots);
    this.source = grow(this.source, this.slots);
    this.gen = grow(this.gen, this.slots);
    this.free = grow(this.free, this.slots);
    return slot;
  }

  /** The handle of open slot `slot`. */
  handleOf(slot: number): number {
    return this.gen[slot]! * SLOT_SPACE + slot;
  }

  /**
   * The slot of open lease `h`.
   * @throws LeaseError when `h` is not an open lease
   */
  slotOf(h: number): number {
    // Low 21 bits by a mask, and the generation checked by multiplying back rather than `%` and `/`:
    // the simulator passes handles read from a Float64Array, on which V8 does floating-point
    // remainder and division (measured ~4 % of a simulated request). Same outcome for every h: a
    // valid handle is an integer below 2^30; anything else (fractional, negative, NaN, ≥ 2^30)
    // still fails the last comparison.
    const slot = h & (SLOT_SPACE - 1);
    if (!(h >= 0) || slot >= this.slots || this.backend[slot]! < 0 || this.gen[slot]! * SLOT_SPACE + slot !== h) {
      throw new LeaseError(`lease ${h} was already released or never issued`);
    }
    return slot;
  }

  /** Frees open slot `slot`: its handle becomes stale. */
  close(slot: number): void {
    this.backend[slot] = -1;
    this.gen[slot] = (this.gen[slot]! + 1) & (GEN_LIMIT - 1);
    this.free[this.freeTop++] = slot;
    this.outstanding--;
  }
}
