/**
 * Envoy's RING_HASH ring: entries are xxHash64 (seed 0) of each host's hash key plus `_` and the
 * replica number, sorted; a request goes to the first entry whose hash is ≥ the request's 64-bit
 * hash, wrapping to the first entry.
 *
 * Reference: Envoy 1.36 `RingHashLoadBalancer::Ring::Ring` and `RingHashLoadBalancer::Ring::chooseHost`
 * (source/extensions/load_balancing_policies/ring_hash/ring_hash_lb.cc), host weights normalised by
 * `normalizeHostWeights` (source/extensions/load_balancing_policies/common/thread_aware_lb_impl.cc:
 * `weight / Σ weight`); docs/strategies.md#consistent-hash.
 *
 * Build: with normalised weights w_i and their minimum w_min,
 * `scale = min(ceil(w_min × min_ring_size) / w_min, max_ring_size)` (doubles). Hosts are visited in
 * list order with running sums `target += scale × w_i`; while `current < target` the host gets one
 * more entry, hashed from `KEY "_" j` (j = 0, 1, … per host; KEY = the host's address, lbsim: the
 * backend's `address`, else its id), `current += 1`. The hashes (64-bit, kept as 32-bit halves) are
 * sorted ascending; equal hashes (Envoy's `std::sort` leaves their order unspecified) are ordered by
 * backend index. Lookup is `chooseHost`'s ketama binary search: the first entry with hash ≥ h, entry
 * 0 when h is above the last. Build allocates; a lookup does not.
 */
import type { BackendSpec } from '../../core/backend.js';
import { xxHash64Into } from './xxhash64.js';

/** Envoy `DefaultMinRingSize` (ring_hash_lb.h). */
export const ENVOY_MIN_RING_SIZE = 1024;
/** Envoy `DefaultMaxRingSize` (8M, ring_hash_lb.h); also the proto's bound on both sizes. */
export const ENVOY_MAX_RING_SIZE = 8 * 1024 * 1024;

/**
 * What Envoy hashes for a host (`HashingLoadBalancer::hashKey`, thread_aware_lb_impl.h): its
 * `hostname()` with `use_hostname_for_hashing`, else its address text (`address()->asString()`).
 * lbsim: the backend's `hostname` (with `useHostname`), else its `address`, else its id (a
 * backend without the field, which scenario validation refuses when `useHostname` is set).
 */
export function envoyHostKey(spec: BackendSpec, useHostname = false): string {
  if (useHostname && spec.hostname !== undefined) return spec.hostname;
  return spec.address ?? spec.id;
}

/** Envoy's RING_HASH ring over a backend list. */
export class EnvoyRing {
  /** High 32 bits of each entry's hash, ascending with {@link lo}. */
  hi = new Uint32Array(0);
  /** Low 32 bits of each entry's hash. */
  lo = new Uint32Array(0);
  /** Backend index owning each entry. */
  owners = new Int32Array(0);
  /** Number of entries. */
  length = 0;

  constructor(
    private readonly minRingSize = ENVOY_MIN_RING_SIZE,
    private readonly maxRingSize = ENVOY_MAX_RING_SIZE,
  ) {}

  /**
   * Rebuilds the ring for `specs` (configured weights; indices into `specs` become the owners),
   * over the backends with `members[i] === 1` only when `members` is given (Envoy's host set:
   * the weights are normalised over it), hashing hostnames when `useHostname`.
   */
  build(specs: readonly BackendSpec[], members?: ArrayLike<number>, useHostname = false): void {
    const n = specs.length;
    let inSet = n;
    if (members !== undefined) {
      inSet = 0;
      for (let i = 0; i < n; i++) if (members[i] === 1) inSet++;
    }
    if (inSet === 0) {
      this.hi = new Uint32Array(0);
      this.lo = new Uint32Array(0);
      this.owners = new Int32Array(0);
      this.length = 0;
      return;
    }
    const member = (i: number): boolean => members === undefined || members[i] === 1;
    let sum = 0;
    for (let i = 0; i < n; i++) if (member(i)) sum += specs[i]!.weight;
    let minW = Infinity;
    const w = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      if (!member(i)) continue;
      w[i] = (specs[i]!.weight * 1.0) / sum;
      if (w[i]! < minW) minW = w[i]!;
    }
    const scale = Math.min(Math.ceil(minW * this.minRingSize) / minW, this.maxRingSize);
    // Count the entries first (the same running sums as the fill below).
    let total = 0;
    {
      let current = 0;
      let target = 0;
      for (let i = 0; i < n; i++) {
        if (!member(i)) continue;
        target += scale * w[i]!;
        while (current < target) {
          current++;
          total++;
        }
      }
    }
    const hi = new Uint32Array(total);
    const lo = new Uint32Array(total);
    const own = new Int32Array(total);
    const out = new Uint32Array(2);
    let current = 0;
    let target = 0;
    let k = 0;
    for (let i = 0; i < n; i++) {
      if (!member(i)) continue;
      const prefix = `${envoyHostKey(specs[i]!, useHostname)}_`;
      target += scale * w[i]!;
      for (let j = 0; current < target; j++) {
        xxHash64Into(prefix + String(j), 0, out);
        hi[k] = out[0]!;
        lo[k] = out[1]!;
        own[k] = i;
        k++;
        current++;
      }
    }
    const order = new Int32Array(total);
    for (let p = 0; p < total; p++) order[p] = p;
    order.sort((a, b) => hi[a]! - hi[b]! || lo[a]! - lo[b]! || own[a]! - own[b]! || a - b);
    this.hi = new Uint32Array(total);
    this.lo = new Uint32Array(total);
    this.owners = new Int32Array(total);
    for (let p = 0; p < total; p++) {
      const q = order[p]!;
      this.hi[p] = hi[q]!;
      this.lo[p] = lo[q]!;
      this.owners[p] = own[q]!;
    }
    this.length = total;
  }

  /** Position of the first entry with hash ≥ (h, l) (halves as signed or unsigned 32-bit integers: the same bits), 0 past the last; -1 if empty. */
  find(h: number, l: number): number {
    const n = this.length;
    if (n === 0) return -1;
    const hs = this.hi;
    const ls = this.lo;
    h >>>= 0;
    l >>>= 0;
    let a = 0;
    let b = n;
    while (a < b) {
      const mid = (a + b) >>> 1;
      const mh = hs[mid]!;
      if (mh < h || (mh === h && ls[mid]! < l)) a = mid + 1;
      else b = mid;
    }
    return a === n ? 0 : a;
  }
}
