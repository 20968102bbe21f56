/**
 * Small non-cryptographic hashes used by the hash-based strategies. Pure, allocation-free on the
 * hot path, identical in the simulator, the proxy and the browser.
 *
 * - CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320, init and final xor 0xFFFFFFFF), the
 *   checksum of zlib, `ngx_crc32_long` and `ngx_crc32_update` in nginx (src/core/ngx_crc32.h).
 *   Table-driven; the 256-entry table is built once at module load. Strings are hashed over their
 *   UTF-8 bytes (lone surrogates become U+FFFD, as TextEncoder does). {@link crc32Update} continues
 *   a finished CRC the way zlib's `crc32(crc, buf, len)` does, so
 *   `crc32Update(crc32(a), b) === crc32(a + b)`; nginx's ketama points
 *   (`ngx_http_upstream_init_chash`: crc32 of host, "\0", port, then the previous point's 4 bytes
 *   in little-endian order) are built with it and {@link crc32UpdateU32LE}.
 *   Check value: crc32("123456789") = 0xCBF43926.
 * - MurmurHash3 x86_32 (Austin Appleby, SMHasher `MurmurHash3.cpp`) over UTF-8 bytes with a seed,
 *   for Maglev's per-backend offset/skip and for keys. Envoy uses xxHash64 with seeds 0 and 1
 *   there; lbsim uses this 32-bit hash instead so that picks need no BigInt and allocate nothing.
 * - {@link hashPair}: MurmurHash3 x86_32 of one 4-byte little-endian block `b` seeded with `a`: a
 *   keyed mix of two 32-bit hashes (rendezvous scores hash(key, backend) with it).
 */

/** CRC-32 lookup table, reflected IEEE polynomial. */
const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  return t;
})();

/** One CRC step over byte `b` on the raw (non-inverted) register `c`. */
function crcByte(c: number, b: number): number {
  return CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
}

/**
 * Continues a finished CRC-32 `crc` (0 to start) over the UTF-8 bytes of `s`; returns the finished
 * CRC as an unsigned 32-bit integer (zlib `crc32(crc, buf, len)` semantics).
 */
export function crc32Update(crc: number, s: string): number {
  let c = ~crc;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let u = s.charCodeAt(i);
    if (u < 0x80) {
      c = crcByte(c, u);
      continue;
    }
    if (u < 0x800) {
      c = crcByte(c, 0xc0 | (u >>> 6));
      c = crcByte(c, 0x80 | (u & 0x3f));
      continue;
    }
    if (u >= 0xd800 && u <= 0xdfff) {
      const lo = i + 1 < n ? s.charCodeAt(i + 1) : 0;
      if (u <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) {
        const cp = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
        i++;
        c = crcByte(c, 0xf0 | (cp >>> 18));
        c = crcByte(c, 0x80 | ((cp >>> 12) & 0x3f));
        c = crcByte(c, 0x80 | ((cp >>> 6) & 0x3f));
        c = crcByte(c, 0x80 | (cp & 0x3f));
        continue;
      }
      u = 0xfffd;
    }
    c = crcByte(c, 0xe0 | (u >>> 12));
    c = crcByte(c, 0x80 | ((u >>> 6) & 0x3f));
    c = crcByte(c, 0x80 | (u & 0x3f));
  }
  return ~c >>> 0;
}

/** Continues a finished CRC-32 `crc` over the single byte `b` (0–255). */
export function crc32UpdateByte(crc: number, b: number): number {
  return ~crcByte(~crc, b & 0xff) >>> 0;
}

/** Continues a finished CRC-32 `crc` over the 4 bytes of `v` in little-endian order. */
export function crc32UpdateU32LE(crc: number, v: number): number {
  let c = ~crc;
  c = crcByte(c, v & 0xff);
  c = crcByte(c, (v >>> 8) & 0xff);
  c = crcByte(c, (v >>> 16) & 0xff);
  c = crcByte(c, (v >>> 24) & 0xff);
  return ~c >>> 0;
}

/**
 * CRC-32 of `s` as a SIGNED int32 (`crc32(s) | 0`). Hot paths use this form: V8 keeps an int32 a
 * small integer across calls it does not inline, whereas an unsigned value ≥ 2^31 is boxed (16 B).
 * ASCII strings take a byte-per-char fast path.
 */
export function crc32Int(s: string): number {
  let c = -1;
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const u = s.charCodeAt(i);
    if (u >= 0x80) return crc32Update(0, s) | 0;
    c = CRC_TABLE[(c ^ u) & 0xff]! ^ (c >>> 8);
  }
  return ~c;
}

/** CRC-32 (IEEE) of the UTF-8 bytes of `s`, unsigned; `crc32("123456789") === 0xcbf43926`. */
export function crc32(s: string): number {
  return crc32Update(0, s);
}

/** Reused UTF-8 scratch buffer for {@link murmur3} (grown on demand, never shrunk). */
let utf8 = new Uint8Array(256);

/**
 * Encodes `s` as UTF-8 (lone surrogates as U+FFFD, as TextEncoder does) into the shared scratch
 * buffer; returns the byte length. Read the bytes with {@link utf8Scratch} right after the call, before
 * any other encode (every hash in `src/core` and `src/strategies/support` does). Allocation-free once
 * the buffer has grown.
 */
export function encodeUtf8(s: string): number {
  const n = s.length;
  if (utf8.length < n * 3) utf8 = new Uint8Array(Math.max(n * 3, utf8.length * 2));
  const out = utf8;
  let p = 0;
  for (let i = 0; i < n; i++) {
    let u = s.charCodeAt(i);
    if (u < 0x80) {
      out[p++] = u;
    } else if (u < 0x800) {
      out[p++] = 0xc0 | (u >>> 6);
      out[p++] = 0x80 | (u & 0x3f);
    } else {
      if (u >= 0xd800 && u <= 0xdfff) {
        const lo = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (u <= 0xdbff && lo >= 0xdc00 && lo <= 0xdfff) {
          const cp = 0x10000 + ((u - 0xd800) << 10) + (lo - 0xdc00);
          i++;
          out[p++] = 0xf0 | (cp >>> 18);
          out[p++] = 0x80 | ((cp >>> 12) & 0x3f);
          out[p++] = 0x80 | ((cp >>> 6) & 0x3f);
          out[p++] = 0x80 | (cp & 0x3f);
          continue;
        }
        u = 0xfffd;
      }
      out[p++] = 0xe0 | (u >>> 12);
      out[p++] = 0x80 | ((u >>> 6) & 0x3f);
      out[p++] = 0x80 | (u & 0x3f);
    }
  }
  return p;
}

/** The scratch buffer {@link encodeUtf8} last wrote (it may be replaced when it grows). */
export function utf8Scratch(): Uint8Array {
  return utf8;
}

const M_C1 = 0xcc9e2d51;
const M_C2 = 0x1b873593;

/** MurmurHash3 block mix of `k` into `h` (without the final avalanche). */
function murmurBlock(h: number, k: number): number {
  k = Math.imul(k, M_C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, M_C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3 `fmix32` finaliser: a bijective avalanche of a 32-bit value; returns it unsigned. */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** MurmurHash3 x86_32 of the UTF-8 bytes of `s` with `seed`; unsigned 32-bit. */
export function murmur3(s: string, seed = 0): number {
  const len = encodeUtf8(s);
  const b = utf8;
  let h = seed | 0;
  const blocks = len & ~3;
  for (let p = 0; p < blocks; p += 4) {
    h = murmurBlock(h, b[p]! | (b[p + 1]! << 8) | (b[p + 2]! << 16) | (b[p + 3]! << 24));
  }
  const rem = len & 3;
  if (rem > 0) {
    let k = 0;
    if (rem === 3) k ^= b[blocks + 2]! << 16;
    if (rem >= 2) k ^= b[blocks + 1]! << 8;
    k ^= b[blocks]!;
    k = Math.imul(k, M_C1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, M_C2);
    h ^= k;
  }
  return fmix32(h ^ len);
}

/**
 * MurmurHash3 x86_32 of the 4 little-endian bytes of `b`, seeded with `a`: a keyed 32-bit mix of
 * two hashes (`hashPair(a, b) === murmur3(<the 4 bytes of b>, a)`). Unsigned.
 */
export function hashPair(a: number, b: number): number {
  return fmix32(murmurBlock(a | 0, b | 0) ^ 4);
}
