/**
 * Struct-of-arrays storage for the simulator's live requests and attempts: one typed array per
 * field, indexed by a slot id, with a free list (a stack of slot ids) so slots are recycled and
 * nothing is allocated per request. Tables grow by doubling when every slot is live. This is the
 * data-oriented layout of entity-component systems: the hot loop touches a few dense arrays instead
 * of millions of short-lived objects (no garbage-collector pressure).
 */
import { ATT_FREE } from './codes.js';

function grown<T extends Float64Array | Int32Array | Uint8Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/** A stack of free slot ids over `0 … capacity-1`, growing on demand. */
class FreeList {
  private stack: Int32Array;
  private top = 0;
  /** Slots handed out so far (high-water mark of ids). */
  issued = 0;
  /** Slots currently live. */
  live = 0;

  constructor(private capacity: number) {
    this.stack = new Int32Array(capacity);
  }

  /** A free slot id (a new id ≥ `cap` means the caller must grow its arrays). */
  take(): number {
    this.live++;
    if (this.top > 0) return this.stack[--this.top]!;
    return this.issued++;
  }

  give(id: number): void {
    this.live--;
    if (this.top === this.stack.length) this.stack = grown(this.stack, this.stack.length * 2);
    this.stack[this.top++] = id;
  }

  get cap(): number {
    return this.capacity;
  }

  set cap(c: number) {
    this.capacity = c;
  }
}

/** Slot allocation shared by the tables: a free list over parallel arrays that grow by doubling. */
abstract class SlotTable {
  protected readonly free: FreeList;

  constructor(capacity: number) {
    this.free = new FreeList(capacity);
  }

  /** Live slots. */
  get live(): number {
    return this.free.live;
  }

  /** Takes a slot (fields hold stale values: the caller sets them). */
  alloc(): number {
    const id = this.free.take();
    if (id >= this.free.cap) this.grow(this.free.cap * 2);
    return id;
  }

  /** Returns slot `id` to the free list. */
  release(id: number): void {
    this.free.give(id);
  }

  /**
   * Makes slot `id` usable without the free list (grown as needed): for a table whose slots mirror
   * another table's one to one. Do not mix with {@link alloc} on the same table.
   */
  claim(id: number): void {
    if (id >= this.free.cap) this.grow(Math.max(this.free.cap * 2, id + 1));
  }

  /** Grows every per-slot array to `c` slots (and sets `free.cap`). */
  protected abstract grow(c: number): void;
}

/** Live requests (one per client request, across its attempts). */
export class RequestTable extends SlotTable {
  /** Arrival time (ms). */
  arrive: Float64Array;
  /** 1 when the request arrived inside the measured window. */
  measured: Uint8Array;
  /** Arrival number (0, 1, 2, … in arrival order): the key of the counter-based attributes. */
  seqNo: Int32Array;
  /** Service demand per distinct service distribution (stride = `services`). */
  demand: Float64Array;
  /** First-attempt network latency balancer → backend (ms). */
  netTo: Float64Array;
  /** First-attempt network latency backend → balancer (ms). */
  netBack: Float64Array;
  /** Attempts made so far. */
  attempts: Int32Array;
  /** Backends tried, stride = `maxAttempts`. */
  tried: Int32Array;
  /** Closed-loop user, or -1. */
  user: Int32Array;
  /** How the last attempt failed (a failure code, `codes.ts`). */
  lastError: Uint8Array;
  /** Lease granted from the balancer queue, until the engine starts the attempt. */
  handle: Float64Array;
  // Used only by the full engine (`src/sim/engine/full.ts`): balancer instance, live attempts, hedge timer.
  /** Balancer instance serving the request. */
  lbi: Int32Array;
  /** Attempts of the request in flight (at most 2: a hedge and its original). */
  nLive: Uint8Array;
  /** Ids of the live attempts, 2 per request (-1 = none). */
  liveAtt: Int32Array;
  /** Sequence number of the pending hedge timer, or -1. */
  hedgeSeq: Float64Array;
  /** Request flags (`codes.ts`: an attempt met a faulty backend, a hedge was sent). */
  flags: Uint8Array;

  /**
   * @param services demands per request
   * @param maxAttempts 1 + retries
   * @param capacity initial slots
   */
  constructor(
    readonly services: number,
    readonly maxAttempts: number,
    capacity = 1024,
  ) {
    super(capacity);
    this.arrive = new Float64Array(capacity);
    this.measured = new Uint8Array(capacity);
    this.seqNo = new Int32Array(capacity);
    this.demand = new Float64Array(capacity * services);
    this.netTo = new Float64Array(capacity);
    this.netBack = new Float64Array(capacity);
    this.attempts = new Int32Array(capacity);
    this.tried = new Int32Array(capacity * maxAttempts);
    this.user = new Int32Array(capacity);
    this.lastError = new Uint8Array(capacity);
    this.handle = new Float64Array(capacity);
    this.lbi = new Int32Array(capacity);
    this.nLive = new Uint8Array(capacity);
    this.liveAtt = new Int32Array(capacity * 2);
    this.hedgeSeq = new Float64Array(capacity);
    this.flags = new Uint8Array(capacity);
  }

  protected grow(c: number): void {
    this.free.cap = c;
    this.arrive = grown(this.arrive, c);
    this.measured = grown(this.measured, c);
    this.seqNo = grown(this.seqNo, c);
    this.demand = grown(this.demand, c * this.services);
    this.netTo = grown(this.netTo, c);
    this.netBack = grown(this.netBack, c);
    this.attempts = grown(this.attempts, c);
    this.tried = grown(this.tried, c * this.maxAttempts);
    this.user = grown(this.user, c);
    this.lastError = grown(this.lastError, c);
    this.handle = grown(this.handle, c);
    this.lbi = grown(this.lbi, c);
    this.nLive = grown(this.nLive, c);
    this.liveAtt = grown(this.liveAtt, c * 2);
    this.hedgeSeq = grown(this.hedgeSeq, c);
    this.flags = grown(this.flags, c);
  }
}

/** Live attempts (one per lease, alive until the backend is done with it). */
export class AttemptTable extends SlotTable {
  /** Owning request. */
  req: Int32Array;
  /** Backend index. */
  backend: Int32Array;
  /** Lease handle (may exceed 2^31, hence Float64). */
  handle: Float64Array;
  /** Sequence number of its timeout event, or -1. */
  timerSeq: Float64Array;
  /** Attempt state (`codes.ts`: active, abandoned, probe). */
  state: Uint8Array;
  /** 1 for the request's first attempt (uses the request's pre-drawn network latency). */
  first: Uint8Array;
  /** Response status once the backend answered. */
  status: Int32Array;
  /** Work units this attempt asks of its backend (copied: the request may end before the backend does). */
  work: Float64Array;
  /** How the attempt failed (a failure code, `codes.ts`), set where the failure happens. */
  err: Uint8Array;
  // Used only by the full engine and the farm's tracked mode.
  /** Balancer instance of a health probe. */
  lbi: Int32Array;
  /** Scheduled completion time while in service (tracked FIFO), Infinity while stopped. */
  doneAt: Float64Array;
  /** Sequence number of its completion event (tracked FIFO), or -1. */
  doneSeq: Float64Array;

  constructor(capacity = 1024) {
    super(capacity);
    this.work = new Float64Array(capacity);
    this.err = new Uint8Array(capacity);
    this.lbi = new Int32Array(capacity);
    this.doneAt = new Float64Array(capacity);
    this.doneSeq = new Float64Array(capacity);
    this.req = new Int32Array(capacity);
    this.backend = new Int32Array(capacity);
    this.handle = new Float64Array(capacity);
    this.timerSeq = new Float64Array(capacity);
    this.state = new Uint8Array(capacity);
    this.first = new Uint8Array(capacity);
    this.status = new Int32Array(capacity);
  }

  /** Returns slot `id` (its state reset). */
  override release(id: number): void {
    this.state[id] = ATT_FREE;
    super.release(id);
  }

  protected grow(c: number): void {
    this.free.cap = c;
    this.req = grown(this.req, c);
    this.backend = grown(this.backend, c);
    this.handle = grown(this.handle, c);
    this.timerSeq = grown(this.timerSeq, c);
    this.state = grown(this.state, c);
    this.first = grown(this.first, c);
    this.status = grown(this.status, c);
    this.work = grown(this.work, c);
    this.err = grown(this.err, c);
    this.lbi = grown(this.lbi, c);
    this.doneAt = grown(this.doneAt, c);
    this.doneSeq = grown(this.doneSeq, c);
  }
}
