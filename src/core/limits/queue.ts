/**
 * FIFO of requests waiting at the balancer for a free backend slot.
 *
 * Reference: HAProxy `maxconn` / `maxqueue` / `timeout queue` (configuration manual, "server" and
 * "backend" keywords; `src/queue.c`): a request that finds every server at `maxconn` waits in a
 * queue of bounded length; it is served in arrival order when a slot frees and dropped (503) once
 * it has waited `timeout queue`. This is the queue alone: entries are `(token, enqueue time)`, the
 * head is always the oldest so timeouts are found with {@link WaitQueue.peekTime}. Unlike HAProxy,
 * where `maxqueue 0` means unlimited, here 0 means no queueing and `Infinity` means unlimited.
 *
 * Storage is a ring buffer over two `Float64Array`s that doubles when full: no allocation per push.
 * Tokens are non-negative numbers chosen by the caller (request ids); -1 means "none".
 * Sources, test vectors and departures: docs/mechanisms.md#balancer-queue.
 */

const INITIAL_CAPACITY = 16;

/** Bounded FIFO of `(token, time)` pairs in a growable ring buffer. */
export class WaitQueue {
  /** Most entries held at once (0 = none, Infinity = unbounded). */
  readonly maxQueue: number;
  private tokens: Float64Array;
  private times: Float64Array;
  private head = 0;
  private len = 0;

  /** @param maxQueue most waiting requests: a non-negative integer (0 = no queueing) or Infinity */
  constructor(maxQueue: number) {
    if (!((Number.isInteger(maxQueue) && maxQueue >= 0) || maxQueue === Infinity)) {
      throw new RangeError(`queue: maxQueue must be a non-negative integer or Infinity, got ${maxQueue}`);
    }
    this.maxQueue = maxQueue;
    const cap = Math.min(INITIAL_CAPACITY, maxQueue);
    this.tokens = new Float64Array(cap);
    this.times = new Float64Array(cap);
  }

  /** Number of waiting entries. */
  get length(): number {
    return this.len;
  }

  /** Current ring capacity (grows by doubling up to `maxQueue`). */
  get capacity(): number {
    return this.tokens.length;
  }

  /** Appends `token` queued at `now`; false if the queue is full (the request is to be refused). */
  push(token: number, now: number): boolean {
    if (this.len >= this.maxQueue) return false;
    if (this.len === this.tokens.length) this.grow();
    const cap = this.tokens.length;
    let at = this.head + this.len;
    if (at >= cap) at -= cap;
    this.tokens[at] = token;
    this.times[at] = now;
    this.len++;
    return true;
  }

  /** Token at the head (the oldest), or -1 if empty. */
  peekToken(): number {
    return this.len === 0 ? -1 : this.tokens[this.head]!;
  }

  /** Enqueue time of the head, or Infinity if empty. */
  peekTime(): number {
    return this.len === 0 ? Infinity : this.times[this.head]!;
  }

  /** Removes and returns the head token, or -1 if empty. */
  shift(): number {
    if (this.len === 0) return -1;
    const t = this.tokens[this.head]!;
    this.head++;
    if (this.head === this.tokens.length) this.head = 0;
    this.len--;
    if (this.len === 0) this.head = 0;
    return t;
  }

  /** Removes the first entry with `token` (e.g. its client went away), keeping order; false if absent. */
  remove(token: number): boolean {
    const cap = this.tokens.length;
    for (let k = 0; k < this.len; k++) {
      let at = this.head + k;
      if (at >= cap) at -= cap;
      if (this.tokens[at] !== token) continue;
      // Shift the entries behind it one place forward.
      for (let j = k + 1; j < this.len; j++) {
        let from = this.head + j;
        if (from >= cap) from -= cap;
        let to = from - 1;
        if (to < 0) to += cap;
        this.tokens[to] = this.tokens[from]!;
        this.times[to] = this.times[from]!;
      }
      this.len--;
      if (this.len === 0) this.head = 0;
      return true;
    }
    return false;
  }

  /** Empties the queue (capacity is kept). */
  clear(): void {
    this.head = 0;
    this.len = 0;
  }

  private grow(): void {
    const cap = this.tokens.length;
    const next = Math.min(Math.max(cap * 2, INITIAL_CAPACITY), this.maxQueue);
    const tokens = new Float64Array(next);
    const times = new Float64Array(next);
    for (let k = 0; k < this.len; k++) {
      let at = this.head + k;
      if (at >= cap) at -= cap;
      tokens[k] = this.tokens[at]!;
      times[k] = this.times[at]!;
    }
    this.tokens = tokens;
    this.times = times;
    this.head = 0;
  }
}
