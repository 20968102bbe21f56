import { describe, it, expect } from 'vitest';
import { crc32, crc32Update, crc32UpdateByte, crc32UpdateU32LE, fmix32, hashPair, murmur3 } from './hash.js';

describe('crc32 (IEEE)', () => {
  it('check value: crc32("123456789") = 0xCBF43926', () => {
    expect(crc32('123456789')).toBe(0xcbf43926);
    expect(crc32('')).toBe(0);
  });

  it('hashes UTF-8 bytes (vectors from Python zlib.crc32)', () => {
    expect(crc32('été 😀')).toBe(0x3631f665);
    // A lone surrogate is encoded as U+FFFD (EF BF BD), as TextEncoder does.
    expect(crc32('a\ud800b')).toBe(0xd0b99122);
    expect(crc32('a\ud800b')).toBe(crc32('a\ufffdb'));
  });

  it('streams: crc32Update(crc32(a), b) === crc32(a + b)', () => {
    expect(crc32Update(crc32('1234'), '56789')).toBe(0xcbf43926);
    expect(crc32UpdateByte(crc32('12345678'), 0x39)).toBe(0xcbf43926);
    expect(crc32UpdateU32LE(crc32('1'), 0x35343332)).toBe(crc32('12345'));
  });

  it('nginx ketama points: crc32(host "\\0" port PREV_HASH), prev starting at 0 (vectors from Python zlib)', () => {
    // base = crc32(b"10.0.0.1\x008080"); point_j = crc32(pack("<I", prev), base); prev = point_j
    const base = crc32Update(crc32UpdateByte(crc32('10.0.0.1'), 0), '8080');
    expect(base).toBe(0xc24347c9);
    const p0 = crc32UpdateU32LE(base, 0);
    const p1 = crc32UpdateU32LE(base, p0);
    const p2 = crc32UpdateU32LE(base, p1);
    expect([p0, p1, p2]).toEqual([0xf1ea5a8f, 0x4bd08e68, 0x84e5eeee]);
  });
});

describe('murmur3 (x86_32)', () => {
  it('SMHasher vectors (cross-checked against the reference C code)', () => {
    expect(murmur3('', 0)).toBe(0);
    expect(murmur3('', 1)).toBe(0x514e28b7);
    expect(murmur3('test', 0)).toBe(0xba6bd213);
    expect(murmur3('Hello, world!', 0)).toBe(0xc0363e43);
    expect(murmur3('Hello, world!', 1234)).toBe(0xfaf6cdb3);
    expect(murmur3('The quick brown fox jumps over the lazy dog', 0)).toBe(0x2e4ff723);
    expect(murmur3('abc')).toBe(0xb3dd93fa);
    expect(murmur3('b3', 1)).toBe(0x9e73d480);
    expect(murmur3('été 😀', 7)).toBe(0x55546a2b);
  });

  it('long strings grow the scratch buffer and still hash right', () => {
    const long = 'x'.repeat(1000);
    expect(murmur3(long)).toBe(murmur3(long));
    expect(murmur3('abc')).toBe(0xb3dd93fa);
  });

  it('hashPair(a, b) is murmur3 of the 4 LE bytes of b seeded with a', () => {
    // "abcd" = bytes 61 62 63 64 = 0x64636261 little-endian.
    expect(hashPair(0xdeadbeef, 0x64636261)).toBe(0xf772becd);
    expect(hashPair(0xdeadbeef, 0x64636261)).toBe(murmur3('abcd', 0xdeadbeef));
  });

  it('fmix32 is the murmur3 finaliser (fmix32(0) = 0) and unsigned', () => {
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1)).toBeGreaterThanOrEqual(0);
    expect(fmix32(-1)).toBeGreaterThanOrEqual(0);
  });
});
