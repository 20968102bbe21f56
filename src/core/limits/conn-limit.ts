/**
 * Concurrent-request limit per key, as nginx `limit_conn` does it.
 *
 * Reference: nginx `src/http/modules/ngx_http_limit_conn_module.c`: a counter per key is
 * incremented when a request is admitted (rejected with 503 / `limit_conn_status` once it has
 * reached the limit) and decremented by the request's cleanup handler; a node is freed when its
 * count returns to 0. Here the count lives in a `Map<string, number>` whose entry is deleted at 0.
 * Sources, test vectors and departures: docs/mechanisms.md#conn-limit.
 */

/** Per-key concurrency caps (nginx `limit_conn zone N`). */
export class ConnLimit {
  /** Maximum concurrent holders per key. */
  readonly perKey: number;
  private readonly counts = new Map<string, number>();

  /** @param perKey maximum concurrent requests per key: a positive integer, or Infinity */
  constructor(perKey: number) {
    if (!((Number.isInteger(perKey) && perKey >= 1) || perKey === Infinity)) {
      throw new RangeError(`limit_conn: perKey must be a positive integer, got ${perKey}`);
    }
    this.perKey = perKey;
  }

  /** Takes a slot for `key`; false (request to be rejected) if `key` already holds `perKey`. */
  tryAcquire(key: string): boolean {
    const c = this.counts.get(key) ?? 0;
    if (c >= this.perKey) return false;
    this.counts.set(key, c + 1);
    return true;
  }

  /** Gives back a slot of `key`; throws if `key` holds none. */
  release(key: string): void {
    const c = this.counts.get(key);
    if (c === undefined) throw new Error(`limit_conn: release of ${JSON.stringify(key)} which holds no slot`);
    if (c <= 1) this.counts.delete(key);
    else this.counts.set(key, c - 1);
  }

  /** Slots `key` holds now. */
  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** Number of keys holding at least one slot. */
  size(): number {
    return this.counts.size;
  }
}
