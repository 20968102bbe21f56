/**
 * Reuse of the simulator's large scratch arrays (the recorder's latencies, the radix sort's
 * second buffer) from one run to the next in the same process: every strategy of `lbsim run`,
 * the replications, the points a sweep worker runs, the benchmark's rounds. A fresh typed array of
 * several megabytes pays a page fault per 4 KiB page on first touch (the kernel zero-fills each
 * page): about 5 ms per 8 MB here, 2–3 % of a one-million-request run. A reused one has its pages
 * mapped already. Contents of a taken array are stale: callers write before they read.
 *
 * At most {@link MAX_POOLED} arrays of at most {@link MAX_LENGTH} elements are kept, so the memory
 * retained after a run is bounded (2 × 8 MB for runs of a million requests).
 */

/** Arrays kept for reuse at most. */
export const MAX_POOLED = 2;
/** Longest array kept (elements): 128 MB. */
export const MAX_LENGTH = 1 << 24;

const pool: Float64Array[] = [];

/** A Float64Array of at least `n` elements (stale contents), from the pool when one fits. */
export function takeFloat64(n: number): Float64Array {
  let best = -1;
  for (let i = 0; i < pool.length; i++) {
    const len = pool[i]!.length;
    if (len >= n && (best < 0 || len < pool[best]!.length)) best = i;
  }
  if (best < 0) return new Float64Array(n);
  const a = pool[best]!;
  pool.splice(best, 1);
  return a;
}

/** Gives `a` back for reuse (the caller must not touch it afterwards). */
export function giveFloat64(a: Float64Array): void {
  if (a.length > MAX_LENGTH || a.byteOffset !== 0 || a.length !== a.buffer.byteLength / 8 || pool.includes(a)) return;
  pool.push(a);
  if (pool.length > MAX_POOLED) {
    // drop the smallest
    let k = 0;
    for (let i = 1; i < pool.length; i++) if (pool[i]!.length < pool[k]!.length) k = i;
    pool.splice(k, 1);
  }
}
