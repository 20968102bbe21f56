/**
 * The simulator's future-event list: a binary min-heap over parallel typed arrays, ordered by
 * (time, sequence). The sequence number is assigned at push time and strictly increases, so events
 * due at the same instant pop in the order they were scheduled (FIFO), which makes runs
 * deterministic. This is SimPy's `(time, priority, eid)` ordering of `Environment._queue`, without
 * the priority level; the heap itself is the textbook implicit binary heap (Williams 1964,
 * "Algorithm 232: Heapsort"), sifting a hole instead of swapping.
 *
 * An event is (time, kind, payload): `kind` says what happens (the engine's event codes), `payload`
 * which request / backend / timer it concerns. Push and pop allocate nothing; the arrays grow by
 * doubling. Events are never removed early: callers cancel by remembering the sequence number they
 * expect and ignoring stale events when they pop (lazy deletion).
 */

/** Bits of an event's kind in the packed kind/payload word. */
const KIND_BITS = 5;
/** Distinct event kinds an {@link EventQueue} can carry (payloads then range up to 2^26). */
export const KINDS = 1 << KIND_BITS;

/** A min-heap of (time, seq, kind, payload) events; see the module header. */
export class EventQueue {
  private t: Float64Array;
  private s: Float64Array;
  /** Kind and payload packed: `payload · 32 + kind` (one array moved per heap step instead of two). */
  private kp: Int32Array;
  private n = 0;
  private nextSeq = 0;

  /** Time of the event last returned by {@link pop}. */
  time = 0;
  /** Sequence number of the event last returned by {@link pop}. */
  seq = 0;
  /** Kind of the event last returned by {@link pop}. */
  kind = 0;
  /** Payload of the event last returned by {@link pop}. */
  payload = 0;
  /** Time of the event the next {@link schedule} adds. */
  at = 0;

  /** @param capacity initial number of slots (grows by doubling when full) */
  constructor(capacity = 1024) {
    const c = Math.max(4, capacity | 0);
    this.t = new Float64Array(c);
    this.s = new Float64Array(c);
    this.kp = new Int32Array(c);
    this.emptied();
  }

  /** Number of pending events. */
  get size(): number {
    return this.n;
  }

  /** Sequence number the next {@link push} will assign. */
  get pushed(): number {
    return this.nextSeq;
  }

  /** Time of the earliest pending event, or Infinity when empty. */
  peekTime(): number {
    // Slot 0 holds Infinity while the heap is empty (see `emptied`): a plain load, no branch. A
    // branch to the `Infinity` global here would make V8 box every time it returns.
    return this.t[0]!;
  }

  /** Sequence number of the earliest pending event, or Infinity when empty. */
  peekSeq(): number {
    return this.s[0]!;
  }

  /** Marks the empty heap: slot 0 reads as an event at time and sequence Infinity. */
  private emptied(): void {
    this.n = 0;
    this.t[0] = Number.POSITIVE_INFINITY;
    this.s[0] = Number.POSITIVE_INFINITY;
  }

  /**
   * Takes a sequence number without pushing an event: for an event the caller keeps outside the
   * heap (the engine's next open-loop arrival) but orders against the heap by (time, seq).
   */
  reserveSeq(): number {
    return this.nextSeq++;
  }

  /**
   * Schedules an event of kind `kind` (0 ≤ kind < {@link KINDS}) with payload `payload`
   * (0 ≤ payload < 2^26). Returns its sequence number (unique, increasing), which callers keep to
   * recognise the event later (lazy cancellation).
   */
  push(time: number, kind: number, payload: number): number {
    this.at = time;
    return this.schedule(kind, payload);
  }

  /**
   * {@link push} of an event at time {@link at}: the form for hot paths. A fractional time passed
   * as an argument is boxed (a heap allocation) whenever V8 does not inline the call; written to
   * the in-object field first, it never is.
   */
  schedule(kind: number, payload: number): number {
    if (kind >>> KIND_BITS !== 0) throw new RangeError(`event kind ${kind} outside 0…${KINDS - 1}`);
    const time = this.at;
    if (this.n === this.t.length) this.grow();
    const seq = this.nextSeq++;
    const t = this.t;
    const s = this.s;
    const kp = this.kp;
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pt = t[parent]!;
      if (pt < time || (pt === time && s[parent]! < seq)) break;
      t[i] = pt;
      s[i] = s[parent]!;
      kp[i] = kp[parent]!;
      i = parent;
    }
    t[i] = time;
    s[i] = seq;
    kp[i] = payload * KINDS + kind;
    return seq;
  }

  /**
   * Removes the earliest event and exposes it in {@link time}, {@link seq}, {@link kind} and
   * {@link payload}. Returns false (and changes nothing) when the queue is empty.
   */
  pop(): boolean {
    const n = this.n;
    if (n === 0) return false;
    const t = this.t;
    const s = this.s;
    const kp = this.kp;
    this.time = t[0]!;
    this.seq = s[0]!;
    const top = kp[0]!;
    this.kind = top & (KINDS - 1);
    this.payload = top >> KIND_BITS;
    const last = n - 1;
    if (last === 0) {
      this.emptied();
      return true;
    }
    this.n = last;
    const lt = t[last]!;
    const ls = s[last]!;
    const lkp = kp[last]!;
    let i = 0;
    const half = last >> 1;
    // sequence numbers are read only to break ties in time (rare)
    while (i < half) {
      let c = 2 * i + 1;
      let ct = t[c]!;
      const r = c + 1;
      if (r < last) {
        const rt = t[r]!;
        if (rt < ct || (rt === ct && s[r]! < s[c]!)) {
          c = r;
          ct = rt;
        }
      }
      if (lt < ct || (lt === ct && ls < s[c]!)) break;
      t[i] = ct;
      s[i] = s[c]!;
      kp[i] = kp[c]!;
      i = c;
    }
    t[i] = lt;
    s[i] = ls;
    kp[i] = lkp;
    return true;
  }

  /** Payload of the `i`-th pending event in heap order (0 ≤ i < size), for enumerating them. */
  payloadAt(i: number): number {
    return this.kp[i]! >> KIND_BITS;
  }

  /** Drops every pending event (sequence numbers keep increasing). */
  clear(): void {
    this.emptied();
  }

  private grow(): void {
    const c = this.t.length * 2;
    const t = new Float64Array(c);
    const s = new Float64Array(c);
    const kp = new Int32Array(c);
    t.set(this.t);
    s.set(this.s);
    kp.set(this.kp);
    this.t = t;
    this.s = s;
    this.kp = kp;
  }
}
