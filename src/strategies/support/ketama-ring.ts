/**
 * The ketama continuum shared by `consistent-hash` and `bounded-load`.
 *
 * Reference: nginx `ngx_http_upstream_init_chash` and `ngx_http_upstream_find_chash_point`
 * (src/http/modules/ngx_http_upstream_hash_module.c), compatible with Cache::Memcached::Fast and
 * pingora-ketama. Every server gets `160 × weight` points. Its base hash is the CRC-32 of
 * `HOST "\0" PORT` (the port as decimal text; a server without a port hashes `HOST "\0"`), and
 * point j is that CRC continued over the 4 little-endian bytes of point j−1 (0 for the first).
 * Points are sorted by hash and equal hashes collapse to one (nginx keeps an arbitrary one after
 * qsort; here the lowest backend index, so the ring is deterministic). A lookup is the first point
 * with hash ≥ the key's CRC-32, wrapping to point 0 past the end (nginx's `hash % number`).
 *
 * lbsim mapping: a backend with an `address` (a scenario's `backends[].address`, kept by
 * `lbsim import`) is hashed from that text exactly as nginx hashes its `server` line; otherwise
 * HOST is `spec.host` (an IPv6 literal is written `[addr]`, as in nginx's `server` line), PORT is
 * `spec.port`, and `port = 0` means "no port" (simulator backends without an address: `b0…`). Points use
 * the configured `spec.weight`, so the ring changes only on rebuild, never with health or slow start.
 */
import type { BackendSpec } from '../../core/backend.js';
import { crc32Int, crc32Update, crc32UpdateByte, crc32UpdateU32LE } from '../../core/hash.js';

/** Points per unit of weight (nginx, ketama). */
export const POINTS_PER_WEIGHT = 160;

/** Fewest and most top hash bits used by the lookup index (16 bits: a 256 KB index). */
const MIN_BUCKET_BITS = 4;
const MAX_BUCKET_BITS = 16;

/** 2^20: owner indices are packed below the hash in one float64 sort key. */
const OWNER_SPACE = 1048576;

/**
 * nginx's split of a `server` address into HOST and PORT (`ngx_http_upstream_update_chash`):
 * `unix:PATH` is PATH without a port; otherwise PORT is the run of digits after the last `:` (as
 * written, leading zeros included) and HOST what precedes it; without such a run the whole text is
 * HOST. Returns `[host, port]`, port `''` when there is none.
 */
export function nginxServerParts(server: string): [string, string] {
  if (server.length >= 5 && server.slice(0, 5).toLowerCase() === 'unix:') return [server.slice(5), ''];
  for (let j = 0; j < server.length; j++) {
    const c = server.charCodeAt(server.length - j - 1);
    if (c === 58 /* : */) return [server.slice(0, server.length - j - 1), server.slice(server.length - j)];
    if (c < 48 || c > 57) break;
  }
  return [server, ''];
}

/**
 * CRC-32 of nginx's `HOST "\0" PORT` for a backend: the base of its ketama points. A backend with
 * an `address` (the server as the config writes it) is hashed from that text, split as nginx
 * splits it; otherwise from `host` and `port`.
 */
export function ketamaBaseHash(spec: BackendSpec): number {
  if (spec.address !== undefined) {
    const [h, p] = nginxServerParts(spec.address);
    return crc32Update(crc32UpdateByte(crc32Update(0, h), 0), p);
  }
  const host = spec.host.includes(':') && !spec.host.startsWith('[') ? `[${spec.host}]` : spec.host;
  const base = crc32UpdateByte(crc32Update(0, host), 0);
  return spec.port > 0 ? crc32Update(base, String(spec.port)) : base;
}

/** A sorted ketama ring over a backend list: point hashes and the backend index owning each. */
export class KetamaRing {
  /** Point hashes, ascending, distinct; only the first {@link length} are valid. */
  hashes = new Uint32Array(0);
  /** Backend index owning each point. */
  owners = new Int32Array(0);
  /** Number of points. */
  length = 0;
  /**
   * Search index: `start[b]` is the first position whose hash is ≥ `b << shift`, for the
   * `2^(32 − shift)` buckets of the top hash bits (plus `start[buckets] = length`), about one
   * bucket per point (at most 2^16 buckets). A lookup binary-searches only its bucket (one or two
   * points at 100 backends) instead of the whole ring.
   */
  private start = new Int32Array(3);
  /** 32 − index bits: a hash's bucket is `hash >>> shift`. */
  private shift = 31;

  /** Rebuilds the ring for `specs` (indices into `specs` become the owners). Allocates; not a hot path. */
  build(specs: readonly BackendSpec[]): void {
    if (specs.length > OWNER_SPACE) throw new RangeError(`ketama: at most ${OWNER_SPACE} backends`);
    let total = 0;
    for (const s of specs) total += s.weight * POINTS_PER_WEIGHT;
    const keys = new Float64Array(total);
    let k = 0;
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i]!;
      const base = ketamaBaseHash(spec);
      const n = spec.weight * POINTS_PER_WEIGHT;
      let prev = 0;
      for (let j = 0; j < n; j++) {
        const h = crc32UpdateU32LE(base, prev);
        keys[k++] = h * OWNER_SPACE + i;
        prev = h;
      }
    }
    keys.sort();
    const hashes = new Uint32Array(total);
    const owners = new Int32Array(total);
    let m = 0;
    for (let p = 0; p < total; p++) {
      const key = keys[p]!;
      const h = Math.floor(key / OWNER_SPACE);
      if (m > 0 && hashes[m - 1] === h) continue;
      hashes[m] = h;
      owners[m] = key - h * OWNER_SPACE;
      m++;
    }
    this.hashes = hashes;
    this.owners = owners;
    this.length = m;
    let bits = MIN_BUCKET_BITS;
    while (bits < MAX_BUCKET_BITS && 1 << bits < m) bits++;
    const buckets = 1 << bits;
    const size = 2 ** (32 - bits);
    const start = new Int32Array(buckets + 1);
    let pos = 0;
    for (let b = 0; b < buckets; b++) {
      const floor = b * size;
      while (pos < m && hashes[pos]! < floor) pos++;
      start[b] = pos;
    }
    start[buckets] = m;
    this.start = start;
    this.shift = 32 - bits;
  }

  /**
   * {@link find} for `crc32(key)` (nginx's lookup of a request key), without allocating: an
   * unsigned 32-bit value ≥ 2^31 passed to or returned from a call V8 does not inline is boxed as
   * a heap number (16 B), so the CRC crosses calls as a signed int32 (core/hash.ts `crc32Int`).
   */
  findKey(key: string): number {
    return this.findSigned(crc32Int(key));
  }

  /** Position of the first point with hash ≥ `hash` (unsigned 32-bit), wrapping to 0; -1 if empty. */
  find(hash: number): number {
    return this.findSigned(hash | 0);
  }

  /** {@link find} with the hash's 32 bits given as a signed int32. */
  private findSigned(signed: number): number {
    const hash = signed >>> 0;
    const n = this.length;
    if (n === 0) return -1;
    const hs = this.hashes;
    const b = hash >>> this.shift;
    let lo = this.start[b]!;
    let hi = this.start[b + 1]!;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (hs[mid]! < hash) lo = mid + 1;
      else hi = mid;
    }
    return lo === n ? 0 : lo;
  }
}
