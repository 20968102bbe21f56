/**
 * HAProxy's consistent-hash tree and the hash functions that feed it: the ring behind HAProxy's
 * `hash-type consistent`, `balance random(N)` and `hash-balance-factor`, used by the `haproxy`
 * flavors of `consistent-hash`, `bounded-load`, `p2c` and `weighted-random`.
 *
 * Reference: HAProxy 3.4.0 (docs/strategies.md#consistent-hash):
 * - `chash_compute_server_key` (src/lb_chash.c): with `hash-key id` (the default) a server's base
 *   key is `puid × SRV_EWGHT_RANGE` (4096), `puid` its numeric id (1, 2, … in declaration order);
 *   `chash_compute_node_key`: node j's key is `full_hash(base + j)`;
 * - `chash_init_server_tree` / `chash_queue_dequeue_srv`: a server has one node per unit of
 *   `eweight` = `uweight × BE_WEIGHT_SCALE` (16), so weight w gives 16·w nodes;
 * - `chash_get_server_hash`: the node at or after the hash (wrapping) and the one before it; the
 *   closer wins, the earlier one when the distances are equal (`dp <= dn`); servers that are down
 *   are not in the tree;
 * - `full_hash` (include/haproxy/intops.h `__full_hash`): Bob Jenkins' 32-bit integer avalanche,
 *   then × 3221225473; `hash_sdbm` (the default), `hash_djb2`, `hash_wt6` (src/hash.c);
 *   `hash_crc32` is the standard CRC-32 (src/core/hash.ts); `gen_hash` (src/backend.c) applies the
 *   chosen function to the key's bytes and `full_hash` after it with `avalanche`.
 *
 * lbsim mapping: `puid` is the backend's position + 1 (HAProxy numbers servers in declaration
 * order unless `id` says otherwise); node counts use the configured weight (HAProxy changes them as
 * a slow-start `eweight` ramps); a backend the view marks ineligible is treated as absent from the
 * tree (HAProxy removes down servers; a retry's avoided server it walks past instead). Equal node
 * keys keep declaration order (eb32 trees keep duplicates in insertion order).
 * Cost: building O(N log N) for N nodes; a lookup is a binary search plus the walk past
 * ineligible nodes. No allocation per lookup.
 */
import type { BackendSpec } from '../../core/backend.js';
import { crc32Int } from '../../core/hash.js';
import { encodeUtf8, utf8Scratch } from '../../core/hash.js';

/** HAProxy `BE_WEIGHT_SCALE`: nodes per unit of user weight. */
export const BE_WEIGHT_SCALE = 16;
/** HAProxy `SRV_EWGHT_RANGE` (256 × 16): the spacing of server base keys. */
export const SRV_EWGHT_RANGE = 4096;

/** 2^21: node numbers are packed below the key in one float64 sort key (2^32 · 2^21 = 2^53). */
const NODE_SPACE = 2097152;

/** HAProxy `full_hash`: Bob Jenkins' full-avalanche 32-bit integer hash times 3221225473. */
export function fullHash(x: number): number {
  let a = x | 0;
  a = (a + 0x7ed55d16 + (a << 12)) | 0;
  a = (a ^ 0xc761c23c ^ (a >>> 19)) | 0;
  a = (a + 0x165667b1 + (a << 5)) | 0;
  a = ((a + 0xd3a2646c) | 0) ^ (a << 9);
  a = (a + 0xfd7046c5 + (a << 3)) | 0;
  a = (a ^ 0xb55a4f09 ^ (a >>> 16)) | 0;
  return Math.imul(a, 3221225473 | 0) >>> 0;
}


/** HAProxy `hash_sdbm` over the UTF-8 bytes of `s` (unsigned 32-bit). */
export function sdbm(s: string): number {
  const len = encodeUtf8(s);
  const b = utf8Scratch();
  let h = 0;
  for (let k = 0; k < len; k++) h = (b[k]! + (h << 6) + (h << 16) - h) | 0;
  return h >>> 0;
}

/** HAProxy `hash_djb2` over the UTF-8 bytes of `s` (unsigned 32-bit). */
export function djb2(s: string): number {
  const len = encodeUtf8(s);
  const b = utf8Scratch();
  let h = 5381;
  for (let k = 0; k < len; k++) h = ((h << 5) + h + b[k]!) | 0;
  return h >>> 0;
}

/** HAProxy `hash_wt6` over the UTF-8 bytes of `s` (unsigned 32-bit). */
export function wt6(s: string): number {
  const len = encodeUtf8(s);
  const b = utf8Scratch();
  let h0 = 0xa53c965a | 0;
  let h1 = 0x5ca6953a | 0;
  let step0 = 6;
  let step1 = 18;
  for (let k = 0; k < len; k++) {
    const t = b[k]!;
    h0 = ~(h0 ^ t);
    h1 = ~((h1 + t) | 0);
    // C shifts by 32 − 0 = 32 are undefined; HAProxy's steps come from masks that can be 0, and on
    // x86 a 32-bit shift by 32 leaves the value unchanged, as JavaScript's `>>> 32` does.
    const r = (h1 << step0) | (h1 >>> (32 - step0));
    h1 = (h0 << step1) | (h0 >>> (32 - step1));
    h0 = r;
    const m = ((h0 >>> 16) ^ h1) & 0xffff;
    step0 = m & 0x1f;
    step1 = m >>> 11;
  }
  return (h0 ^ h1) >>> 0;
}

/** HAProxy `hash-type … <function>`. */
export type HaproxyHashFunction = 'sdbm' | 'djb2' | 'wt6' | 'crc32';

/** Every hash function name, for option schemas. */
export const HAPROXY_HASH_FUNCTIONS: readonly HaproxyHashFunction[] = ['sdbm', 'djb2', 'wt6', 'crc32'];

/** HAProxy `gen_hash` of a key string: the function over its bytes, then `full_hash` with `avalanche`. */
export function haproxyKeyHash(key: string, fn: HaproxyHashFunction, avalanche: boolean): number {
  let h: number;
  switch (fn) {
    case 'djb2':
      h = djb2(key);
      break;
    case 'wt6':
      h = wt6(key);
      break;
    case 'crc32':
      h = crc32Int(key) >>> 0;
      break;
    default:
      h = sdbm(key);
  }
  return avalanche ? fullHash(h) : h;
}

/** The node keys of a server: `full_hash(puid × 4096 + j)` for j < 16 × weight. */
export function serverNodeKeys(puid: number, weight: number): number[] {
  const base = Math.imul(puid, SRV_EWGHT_RANGE) >>> 0;
  const out: number[] = [];
  for (let j = 0; j < weight * BE_WEIGHT_SCALE; j++) out.push(fullHash((base + j) | 0));
  return out;
}

/** HAProxy's consistent-hash tree over a backend list (`hash-key id`). */
export class HaproxyChash {
  /** Node keys, ascending (duplicates kept, in declaration order). */
  keys = new Uint32Array(0);
  /** Backend index owning each node. */
  owners = new Int32Array(0);
  /** Number of nodes. */
  length = 0;

  /** Rebuilds the tree for `specs` (index + 1 is the server's puid). Allocates; not a hot path. */
  build(specs: readonly BackendSpec[]): void {
    let total = 0;
    for (const s of specs) total += s.weight * BE_WEIGHT_SCALE;
    if (total > NODE_SPACE) throw new RangeError(`haproxy chash: at most ${NODE_SPACE} nodes`);
    // Sort by key, then declaration order: (key, node number) packed into one float64 per node.
    const packed = new Float64Array(total);
    const nodeOf = new Int32Array(total);
    let k = 0;
    for (let i = 0; i < specs.length; i++) {
      const base = Math.imul(i + 1, SRV_EWGHT_RANGE) >>> 0;
      const n = specs[i]!.weight * BE_WEIGHT_SCALE;
      for (let j = 0; j < n; j++) {
        nodeOf[k] = i;
        packed[k] = fullHash((base + j) | 0) * NODE_SPACE + k;
        k++;
      }
    }
    packed.sort();
    const keys = new Uint32Array(total);
    const owners = new Int32Array(total);
    for (let p = 0; p < total; p++) {
      const v = packed[p]!;
      const key = Math.floor(v / NODE_SPACE);
      keys[p] = key;
      owners[p] = nodeOf[v - key * NODE_SPACE]!;
    }
    this.keys = keys;
    this.owners = owners;
    this.length = total;
  }

  /** Position of the first node with key ≥ `hash` (unsigned), or {@link length} when none. */
  lowerBound(hash: number): number {
    const ks = this.keys;
    let lo = 0;
    let hi = this.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (ks[mid]! < hash) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /**
   * `chash_get_server_hash`'s first choice over the eligible backends' nodes: the eligible node at
   * or after `hash` and the one before it (wrapping), the closer one, the earlier on a tie.
   * @returns a node position, or -1 when no node is eligible
   */
  closest(hash: number, eligible: ArrayLike<number>): number {
    const n = this.length;
    if (n === 0) return -1;
    const owners = this.owners;
    let next = this.lowerBound(hash);
    let t = 0;
    if (next === n) next = 0;
    while (eligible[owners[next]!] !== 1) {
      if (++t === n) return -1;
      if (++next === n) next = 0;
    }
    let prev = (next === 0 ? n : next) - 1;
    while (eligible[owners[prev]!] !== 1) prev = (prev === 0 ? n : prev) - 1;
    const dp = (hash - this.keys[prev]!) >>> 0;
    const dn = (this.keys[next]! - hash) >>> 0;
    return dp <= dn ? prev : next;
  }

  /** The next eligible node after position `pos`, wrapping (`eb32_next` in the tree of usable servers). */
  nextEligible(pos: number, eligible: ArrayLike<number>): number {
    const n = this.length;
    const owners = this.owners;
    for (let t = 0; t < n; t++) {
      if (++pos === n) pos = 0;
      if (eligible[owners[pos]!] === 1) return pos;
    }
    return -1;
  }
}
