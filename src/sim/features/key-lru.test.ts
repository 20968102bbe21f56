/** The key LRU against a reference LRU (a Map in recency order) on a fixed random sequence. */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { KeyLru } from './key-lru.js';

/** Reference: a Map keeps insertion order; re-inserting moves a key to the end (most recent). */
function referenceTouch(m: Map<number, true>, cap: number, k: number): boolean {
  if (m.has(k)) {
    m.delete(k);
    m.set(k, true);
    return true;
  }
  if (m.size === cap) m.delete(m.keys().next().value!);
  m.set(k, true);
  return false;
}

describe('KeyLru', () => {
  it('hits, misses and evicts the least recently used: capacity 2, keys 1 2 1 3 2', () => {
    const c = new KeyLru(2);
    expect([1, 2, 1, 3, 2].map((k) => c.touch(k))).toEqual([false, false, true, false, false]);
    // after 1 2 1 3: 2 was evicted (1 was used more recently); then 2 evicts 1
    expect(c.has(3)).toBe(true);
    expect(c.has(1)).toBe(false);
    expect(c.size).toBe(2);
  });

  it.each([1, 3, 64, 1000])('matches the reference LRU over 50,000 touches (capacity %i, 2,000 keys, seed 7)', (cap) => {
    const rng = new Rng(7).fork(`lru/${cap}`);
    const c = new KeyLru(cap);
    const ref = new Map<number, true>();
    let hits = 0;
    for (let i = 0; i < 50_000; i++) {
      // skewed keys so that hits and evictions both happen
      const k = Math.floor(2000 * rng.next() * rng.next());
      const h = c.touch(k);
      expect(h).toBe(referenceTouch(ref, cap, k));
      if (h) hits++;
    }
    expect(c.size).toBe(ref.size);
    for (const k of ref.keys()) expect(c.has(k)).toBe(true);
    expect(hits).toBeGreaterThan(0);
  });

  it('rejects a non-positive capacity', () => {
    expect(() => new KeyLru(0)).toThrow(RangeError);
  });
});
