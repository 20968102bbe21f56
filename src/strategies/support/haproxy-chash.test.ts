import { describe, expect, it } from 'vitest';
import { backends } from '../../core/backend.js';
import { djb2, fullHash, HaproxyChash, sdbm, serverNodeKeys, wt6 } from './haproxy-chash.js';
import { Mt19937 } from './mt19937.js';

describe('HAProxy hashes (src/hash.c, include/haproxy/intops.h, HAProxy 3.4.0)', () => {
  it('hash_sdbm, hash_djb2, hash_wt6 over UTF-8 bytes (vectors from the C functions)', () => {
    const want: [string, number, number, number][] = [
      ['', 0, 5381, 4187620192],
      ['a', 97, 177670, 1900802597],
      ['/item/abc', 360511669, 281151352, 2941354054],
      ['hello world', 430867652, 894552257, 1866899626],
      ['k12345', 1953545608, 84540303, 3976334708],
      ['café', 410727374, 255161979, 4032769363],
    ];
    for (const [k, s, d, w] of want) expect([sdbm(k), djb2(k), wt6(k)]).toEqual([s, d, w]);
  });

  it('full_hash (Bob Jenkins avalanche × 3221225473)', () => {
    const want: [number, number][] = [
      [0, 2874071335],
      [1, 881230262],
      [4096, 1237450891],
      [4097, 2761370759],
      [8192, 1079705203],
      [123456789, 2578161185],
      [4294967295, 2120532354],
    ];
    for (const [x, h] of want) expect(fullHash(x)).toBe(h);
  });
});

describe('HAProxy chash tree (chash_init_server_tree, chash_get_server_hash)', () => {
  it('16 nodes per unit of weight keyed full_hash(puid × 4096 + j), sorted', () => {
    const t = new HaproxyChash();
    t.build(backends(4, [1, 2, 1, 1]));
    expect(t.length).toBe(80);
    // The lowest nodes and the highest, as the C transcription sorts them (key/server).
    expect([0, 1, 2, 3].map((p) => `${t.keys[p]}/${t.owners[p]}`)).toEqual(['76442173/2', '126541785/3', '200989693/3', '372321919/2']);
    expect(t.keys[79]).toBe(4253935972);
    expect(serverNodeKeys(1, 1)[0]).toBe(fullHash(4096));
  });

  it('the closer of the nodes around the hash wins; the earlier on equal distance', () => {
    const t = new HaproxyChash();
    t.build(backends(2));
    const all = Uint8Array.from([1, 1]);
    for (let p = 1; p < t.length; p++) {
      const a = t.keys[p - 1]!;
      const b = t.keys[p]!;
      if (b - a < 2 || (b - a) % 2 !== 0) continue;
      const mid = a + (b - a) / 2;
      expect(t.closest(mid, all)).toBe(p - 1); // dp <= dn
      expect(t.closest(mid + 1, all)).toBe(p);
      break;
    }
  });
});

describe('std::mt19937 (C++ [rand.predef])', () => {
  it('the 10,000th output of a default-seeded engine is 4123659995; seed 42 starts 1608637542', () => {
    const m = new Mt19937();
    let v = 0;
    for (let k = 0; k < 10_000; k++) v = m.next();
    expect(v).toBe(4123659995);
    m.seed(42);
    expect([m.next(), m.next(), m.next()]).toEqual([1608637542, 3421126067, 4083286876]);
  });
});
