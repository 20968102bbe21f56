/**
 * A least-recently-used set of integer keys with a fixed capacity: a backend's cache of request
 * hash keys (key = the key population's index), so key affinity shows up as a hit ratio.
 *
 * The classic LRU construction (a hash table over a doubly linked recency list; e.g. Knuth's
 * self-organizing lists, and every memcached / Caffeine implementation): `touch(key)` moves a
 * present key to the front (hit) or inserts it there, evicting the tail when full (miss). The
 * table is open addressing with linear probing and backward-shift deletion (Knuth, TAOCP vol. 3,
 * §6.4, Algorithm R), sized to a power of two ≥ 2 × capacity. Everything is in typed arrays
 * allocated once; a touch allocates nothing and costs O(1) expected.
 */

const EMPTY = -1;

/** An LRU set of non-negative integer keys; see the module header. */
export class KeyLru {
  /** Keys held. */
  size = 0;
  private readonly key: Int32Array; // node → key
  private readonly prev: Int32Array;
  private readonly next: Int32Array;
  private head = EMPTY; // most recent
  private tail = EMPTY; // least recent
  private readonly table: Int32Array; // slot → node, or EMPTY
  private readonly mask: number;
  private lastSlot = 0; // set by find(): where the key is, or the free slot where it would go

  /** @param capacity keys kept (≥ 1) */
  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError(`cache size must be a positive integer, got ${capacity}`);
    this.key = new Int32Array(capacity);
    this.prev = new Int32Array(capacity);
    this.next = new Int32Array(capacity);
    let t = 4;
    while (t < capacity * 2) t *= 2;
    this.table = new Int32Array(t).fill(EMPTY);
    this.mask = t - 1;
  }

  private slotOf(k: number): number {
    let h = Math.imul(k ^ (k >>> 16), 0x45d9f3b);
    h ^= h >>> 16;
    return h & this.mask;
  }

  /** Node holding `k`, or EMPTY (see `lastSlot`). */
  private find(k: number): number {
    const table = this.table;
    let i = this.slotOf(k);
    for (;;) {
      const node = table[i]!;
      if (node === EMPTY || this.key[node] === k) {
        this.lastSlot = i;
        return node;
      }
      i = (i + 1) & this.mask;
    }
  }

  /** Whether `k` is held (does not change recency). */
  has(k: number): boolean {
    return this.find(k) !== EMPTY;
  }

  /** Uses key `k`: returns true on a hit (now most recent), false on a miss (inserted, LRU evicted if full). */
  touch(k: number): boolean {
    const node = this.find(k);
    if (node !== EMPTY) {
      if (node !== this.head) {
        this.unlink(node);
        this.pushFront(node);
      }
      return true;
    }
    let slot = this.lastSlot;
    let n: number;
    if (this.size < this.capacity) n = this.size++;
    else {
      n = this.tail;
      this.unlink(n);
      this.remove(this.key[n]!);
      this.find(k); // the deletion may have moved the free slot
      slot = this.lastSlot;
    }
    this.key[n] = k;
    this.table[slot] = n;
    this.pushFront(n);
    return false;
  }

  private unlink(n: number): void {
    const p = this.prev[n]!;
    const x = this.next[n]!;
    if (p !== EMPTY) this.next[p] = x;
    else this.head = x;
    if (x !== EMPTY) this.prev[x] = p;
    else this.tail = p;
  }

  private pushFront(n: number): void {
    this.prev[n] = EMPTY;
    this.next[n] = this.head;
    if (this.head !== EMPTY) this.prev[this.head] = n;
    this.head = n;
    if (this.tail === EMPTY) this.tail = n;
  }

  /** Removes `k` from the table (backward-shift deletion keeps probe chains intact). */
  private remove(k: number): void {
    const table = this.table;
    const mask = this.mask;
    if (this.find(k) === EMPTY) return;
    let i = this.lastSlot;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const node = table[j]!;
      if (node === EMPTY) break;
      const home = this.slotOf(this.key[node]!);
      // move the entry at j back to i unless its home lies cyclically in (i, j]
      const between = i <= j ? home > i && home <= j : home > i || home <= j;
      if (!between) {
        table[i] = node;
        i = j;
      }
    }
    table[i] = EMPTY;
  }
}
