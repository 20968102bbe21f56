/**
 * xxHash64 against an independent implementation: every expected value below was computed with
 * Python's `xxhash` module 4.0.1 (bindings to the reference C library, `xxhash.xxh64_intdigest(
 * s.encode('utf-8'), seed)`), not with this code. The first three are also the check values the
 * xxHash documentation publishes.
 */
import { describe, expect, it } from 'vitest';
import { mod64, xxHash64Into } from './xxhash64.js';

function hex(s: string, seed = 0): string {
  const out = new Uint32Array(2);
  xxHash64Into(s, seed, out);
  return out[0]!.toString(16).padStart(8, '0') + out[1]!.toString(16).padStart(8, '0');
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(3);

// [prefix length of ALNUM, seed 0, seed 1, seed 0xffffffff]: the 1/4/8/32-byte paths and their edges.
const VECTORS: [number, string, string, string][] = [
  [1, 'd24ec4f1a98c6e5b', 'dec2bc81c3cd46c6', '9b69ae9432026b4b'],
  [3, '44bc2cf5ad770999', 'bea9ca8199328908', '453354140ee73869'],
  [4, 'de0327b0d25d92cc', 'f5dcbd6dee3c9553', '9d32e232ca875f89'],
  [5, '07e3670c0c8dc7eb', '51204ed6c001f3b9', 'fb3fa6f0907273ac'],
  [7, '1860940e2902822d', '3a5719489f8358b9', 'e89973953bd2c934'],
  [8, '3ad351775b4634b7', '8305125710212a61', '02c4c8a21192f050'],
  [9, '27f1a34fdbb95e13', '5691f56d2063046d', 'd7bdd7361fb156d6'],
  [12, '4b09b7d3a233d4b3', '0864d2aa7e89bd8b', '35b8270dcdb9af60'],
  [15, '2e1218a2b1375068', '6847bbcbf5dce993', 'c97c32aa95d0663f'],
  [16, '71ce8137ca2dd53d', 'edb8849850777563', '39a247e25fd97247'],
  [31, '16058c7b947da137', '5f792a02fe4065f5', 'ab4dbad1cf9fe480'],
  [32, 'bf2cd639b4143b80', '1476a5fc111cb8f4', '4ce4cc33b712d40b'],
  [33, '4f89e4082bcbf673', '260fa3b97dc4b23b', '057215fbb6508e42'],
  [40, '2774d99411dd5d1c', '75f43892e9707c12', 'b915efad0660859e'],
  [63, 'e1d5bec70d85cd20', '3bd9a07789cc2c85', 'c0f94b850ac92da9'],
  [64, '040d7eb5d0212db5', 'cdff8d07942e7019', '4b738a66b5e18e69'],
  [65, '61779b1514785232', 'd2b6ca04e799e7d7', '43e46e7934add173'],
  [100, '5f009d36eeb305be', '0a374607ea13a1fa', '73f0f52c056edd54'],
];

describe('xxHash64', () => {
  it('matches the published check values', () => {
    expect(hex('')).toBe('ef46db3751d8e999');
    expect(hex('a')).toBe('d24ec4f1a98c6e5b');
    expect(hex('abc')).toBe('44bc2cf5ad770999');
  });

  it('matches the reference library across the tail and stripe paths, seeds 0, 1 and 2^32 − 1', () => {
    for (const [n, s0, s1, sMax] of VECTORS) {
      const s = ALNUM.slice(0, n);
      expect([n, hex(s, 0), hex(s, 1), hex(s, 0xffffffff)]).toEqual([n, s0, s1, sMax]);
    }
  });

  it('hashes UTF-8 bytes (lone surrogates as U+FFFD) and Envoy-style host addresses', () => {
    expect(hex('é')).toBe('17d757dfb8b46f78');
    expect(hex('日本')).toBe('80c2e40b8486afab');
    expect(hex('😀x')).toBe('087e77e11a2bec30');
    expect(hex('\ud800')).toBe('3cf809391954c4fe');
    expect(hex('10.0.0.1:80', 0)).toBe('011facba8043b217');
    expect(hex('10.0.0.1:80', 1)).toBe('a456919bcbffaa92');
    // A long key after a short one: the scratch buffer grows and stays correct.
    expect(hex('x'.repeat(100))).toBe('92f0de5a88a3c094');
  });

  it('mod64 is the exact 64-bit remainder', () => {
    const cases: [number, number, number][] = [
      [0x011facba, 0x8043b217, 65537],
      [0xffffffff, 0xffffffff, 65536],
      [0xa456919b, 0xcbffaa92, 5000010],
      [0, 12345, 7],
    ];
    for (const [hi, lo, m] of cases) {
      const want = Number(((BigInt(hi) << 32n) | BigInt(lo)) % BigInt(m));
      expect(mod64(hi, lo, m)).toBe(want);
    }
  });
});
