/**
 * Amortised growth of the balancer's per-backend and per-lease typed arrays: capacity doubles
 * (at least 8), the old contents are copied and the new tail is zero, so appending n entries costs
 * O(n) copies in all.
 */

/** `a` itself if it holds `n` entries, else a larger array of the same type starting with `a`'s contents. */
export function grow<T extends Int32Array | Float64Array | Uint8Array>(a: T, n: number): T {
  if (a.length >= n) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(n, a.length * 2, 8));
  b.set(a);
  return b;
}
