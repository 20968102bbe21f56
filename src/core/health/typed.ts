/**
 * Resizing helpers for the per-backend typed arrays of the health mechanisms.
 *
 * Health state lives in typed arrays indexed by backend position (0..size-1), as the balancer keeps
 * all live state (see `backend.ts`). When the backend set grows or shrinks, `resize` copies the
 * surviving prefix and fills the new tail with the "fresh backend" value.
 */

/** A `Float64Array` of `size` entries: the first entries copied from `old`, the rest set to `fill`. */
export function resizeF64(old: Float64Array, size: number, fill: number): Float64Array {
  const out = new Float64Array(size);
  const keep = Math.min(old.length, size);
  out.set(old.subarray(0, keep));
  if (fill !== 0) out.fill(fill, keep);
  return out;
}

/** An `Int32Array` of `size` entries: the first entries copied from `old`, the rest set to `fill`. */
export function resizeI32(old: Int32Array, size: number, fill: number): Int32Array {
  const out = new Int32Array(size);
  const keep = Math.min(old.length, size);
  out.set(old.subarray(0, keep));
  if (fill !== 0) out.fill(fill, keep);
  return out;
}

/** Throws a `RangeError` unless `size` is a non-negative integer. */
export function checkSize(size: number): void {
  if (!(Number.isInteger(size) && size >= 0)) {
    throw new RangeError(`size must be a non-negative integer, got ${size}`);
  }
}
