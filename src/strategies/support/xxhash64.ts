/**
 * xxHash64 (XXH64) over the UTF-8 bytes of a string, with a 64-bit seed given as a small
 * non-negative integer, computed on 32-bit halves: no BigInt, no allocation per call.
 *
 * Reference: Yann Collet's xxHash specification (`doc/xxhash_spec.md`, "XXH64 algorithm
 * description": stripes of 32 bytes over four accumulators, `XXH64_round`, `XXH64_mergeRound`,
 * the 8/4/1-byte tail and the final avalanche). Envoy hashes with it through `HashUtil::xxHash64`
 * (source/common/common/hash.h, seed 0 unless given): RING_HASH ring entries
 * (`RingHashLoadBalancer::Ring::Ring`), Maglev's offset and skip
 * (`MaglevTable::constructMaglevTableInternal`, seeds 0 and 1) and request hash policies.
 * Check values (pinned in xxhash64.test.ts): xxh64("", 0) = 0xEF46DB3751D8E999,
 * xxh64("a", 0) = 0xD24EC4F1A98C6E5B, xxh64("abc", 0) = 0x44BC2CF5AD770999.
 *
 * A 64-bit value is two 32-bit halves (hi, lo), carried as SIGNED 32-bit integers (`| 0`): the
 * same bits as the unsigned halves, but every value fits V8's small integers, so passing one to a
 * helper V8 does not inline allocates nothing (an unsigned half ≥ 2^31 is a heap number, boxed at
 * every such call: the Envoy flavors' picks allocated 65–94 B each before this). The helpers leave
 * their result in the module's registers `R[0]`/`R[1]`; a result leaves the module through
 * {@link xxHash64Into} (a caller-owned `Uint32Array`, which stores the same bits unsigned).
 */
import { encodeUtf8, utf8Scratch } from '../../core/hash.js';

/**
 * Result registers of the 64-bit helpers below: `R[0]` the high and `R[1]` the low 32 bits,
 * signed (see the module header). A typed array, not two module-level `let`s: V8 boxes a number
 * stored into a module variable, while stores into an Int32Array allocate nothing.
 */
const R = new Int32Array(2);

// PRIME64_1..5 of the specification, as (hi, lo), signed.
const P1H = 0x9e3779b1 | 0, P1L = 0x85ebca87 | 0;
const P2H = 0xc2b2ae3d | 0, P2L = 0x27d4eb4f | 0;
const P3H = 0x165667b1 | 0, P3L = 0x9e3779f9 | 0;
const P4H = 0x85ebca77 | 0, P4L = 0xc2b2ae63 | 0;
const P5H = 0x27d4eb2f | 0, P5L = 0x165667c5 | 0;

/** (ah, al) + (bh, bl) mod 2^64 → R[0], R[1]. */
function add(ah: number, al: number, bh: number, bl: number): void {
  const lo = (al >>> 0) + (bl >>> 0);
  R[1] = lo | 0;
  R[0] = (ah + bh + (lo > 0xffffffff ? 1 : 0)) | 0;
}

/** (ah, al) × (bh, bl) mod 2^64 → R[0], R[1] (the high half of al × bl from 16-bit partial products). */
function mul(ah: number, al: number, bh: number, bl: number): void {
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  const hiLL = p11 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16);
  R[1] = Math.imul(al, bl);
  R[0] = (hiLL + Math.imul(al, bh) + Math.imul(ah, bl)) | 0;
}

/** Rotate (h, l) left by r (1 ≤ r < 64, r ≠ 32) → R[0], R[1]. */
function rotl(h: number, l: number, r: number): void {
  if (r > 32) {
    const t = h;
    h = l;
    l = t;
    r -= 32;
  }
  R[0] = (h << r) | (l >>> (32 - r));
  R[1] = (l << r) | (h >>> (32 - r));
}

/** XXH64_round(acc, input) = rotl(acc + input × PRIME64_2, 31) × PRIME64_1 → R[0], R[1]. */
function round(acch: number, accl: number, ih: number, il: number): void {
  mul(ih, il, P2H, P2L);
  add(acch, accl, R[0]!, R[1]!);
  rotl(R[0]!, R[1]!, 31);
  mul(R[0]!, R[1]!, P1H, P1L);
}

/** XXH64_mergeRound(acc, v) = (acc ^ round(0, v)) × PRIME64_1 + PRIME64_4 → R[0], R[1]. */
function mergeRound(acch: number, accl: number, vh: number, vl: number): void {
  round(0, 0, vh, vl);
  mul(acch ^ R[0]!, accl ^ R[1]!, P1H, P1L);
  add(R[0]!, R[1]!, P4H, P4L);
}


/** Little-endian 32-bit word of `b` at `i`, signed. */
function u32(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

/** XXH64 of `len` bytes of `b` with seed (sh, sl) → R[0], R[1]. */
function xxh64(b: Uint8Array, len: number, sh: number, sl: number): void {
  let p = 0;
  let hh: number, hl: number;
  if (len >= 32) {
    add(sh, sl, P1H, P1L);
    add(R[0]!, R[1]!, P2H, P2L);
    let v1h = R[0]!, v1l = R[1]!;
    add(sh, sl, P2H, P2L);
    let v2h = R[0]!, v2l = R[1]!;
    let v3h = sh, v3l = sl;
    // seed − PRIME64_1 = seed + (2^64 − PRIME64_1) = seed + 0x61C8864E7A143579
    add(sh, sl, 0x61c8864e, 0x7a143579);
    let v4h = R[0]!, v4l = R[1]!;
    const limit = len - 32;
    do {
      round(v1h, v1l, u32(b, p + 4), u32(b, p));
      v1h = R[0]!; v1l = R[1]!;
      round(v2h, v2l, u32(b, p + 12), u32(b, p + 8));
      v2h = R[0]!; v2l = R[1]!;
      round(v3h, v3l, u32(b, p + 20), u32(b, p + 16));
      v3h = R[0]!; v3l = R[1]!;
      round(v4h, v4l, u32(b, p + 28), u32(b, p + 24));
      v4h = R[0]!; v4l = R[1]!;
      p += 32;
    } while (p <= limit);
    rotl(v1h, v1l, 1);
    hh = R[0]!; hl = R[1]!;
    rotl(v2h, v2l, 7);
    add(hh, hl, R[0]!, R[1]!);
    hh = R[0]!; hl = R[1]!;
    rotl(v3h, v3l, 12);
    add(hh, hl, R[0]!, R[1]!);
    hh = R[0]!; hl = R[1]!;
    rotl(v4h, v4l, 18);
    add(hh, hl, R[0]!, R[1]!);
    mergeRound(R[0]!, R[1]!, v1h, v1l);
    mergeRound(R[0]!, R[1]!, v2h, v2l);
    mergeRound(R[0]!, R[1]!, v3h, v3l);
    mergeRound(R[0]!, R[1]!, v4h, v4l);
  } else {
    add(sh, sl, P5H, P5L);
  }
  add(R[0]!, R[1]!, 0, len);
  hh = R[0]!; hl = R[1]!;
  while (p + 8 <= len) {
    round(0, 0, u32(b, p + 4), u32(b, p));
    rotl(hh ^ R[0]!, hl ^ R[1]!, 27);
    mul(R[0]!, R[1]!, P1H, P1L);
    add(R[0]!, R[1]!, P4H, P4L);
    hh = R[0]!; hl = R[1]!;
    p += 8;
  }
  if (p + 4 <= len) {
    mul(0, u32(b, p), P1H, P1L);
    rotl(hh ^ R[0]!, hl ^ R[1]!, 23);
    mul(R[0]!, R[1]!, P2H, P2L);
    add(R[0]!, R[1]!, P3H, P3L);
    hh = R[0]!; hl = R[1]!;
    p += 4;
  }
  while (p < len) {
    mul(0, b[p]!, P5H, P5L);
    rotl(hh ^ R[0]!, hl ^ R[1]!, 11);
    mul(R[0]!, R[1]!, P1H, P1L);
    hh = R[0]!; hl = R[1]!;
    p++;
  }
  // Avalanche: h ^= h >> 33; h *= PRIME64_2; h ^= h >> 29; h *= PRIME64_3; h ^= h >> 32.
  hl ^= hh >>> 1;
  mul(hh, hl, P2H, P2L);
  hh = R[0]!; hl = R[1]!;
  const shl = (hl >>> 29) | (hh << 3);
  hh ^= hh >>> 29;
  hl ^= shl;
  mul(hh, hl, P3H, P3L);
  R[1] = R[1]! ^ R[0]!;
}

/**
 * xxHash64 of the UTF-8 bytes of `s` with seed `seed` (an integer 0 ≤ seed < 2^32; Envoy uses 0
 * and 1), written as `out[0]` = high 32 bits, `out[1]` = low 32 bits. Allocation-free.
 */
export function xxHash64Into(s: string, seed: number, out: Uint32Array): void {
  const len = encodeUtf8(s);
  xxh64(utf8Scratch(), len, 0, seed | 0);
  out[0] = R[0]!;
  out[1] = R[1]!;
}

/**
 * The 64-bit value (hi, lo) modulo `m` (1 ≤ m < 2^26; halves signed or unsigned, the same bits), exactly in doubles:
 * `((hi mod m) × (2^32 mod m) + lo mod m) mod m`. Maglev's `hash % table_size` without BigInt.
 */
export function mod64(hi: number, lo: number, m: number): number {
  return (((hi >>> 0) % m) * (4294967296 % m) + ((lo >>> 0) % m)) % m;
}
