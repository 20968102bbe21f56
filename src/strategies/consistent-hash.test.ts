import { describe, it, expect } from 'vitest';
import { backend, backends, type BackendSpec } from '../core/backend.js';
import { crc32 } from '../core/hash.js';
import { Rng } from '../core/rng.js';
import { requestInfo } from '../core/view.js';
import { FixtureView, assignKeys, makeStrategy } from './test/fixture.js';
import { KetamaRing, ketamaBaseHash, POINTS_PER_WEIGHT } from './support/ketama-ring.js';
import { strategy } from './consistent-hash.js';

const KEYS = Array.from({ length: 100_000 }, (_, i) => `key-${i}`);

/** Backend id chosen for each key. */
function assign(specs: BackendSpec[], keys: readonly string[], ineligible: string[] = []): string[] {
  return assignKeys('consistent-hash', specs, keys, ineligible);
}

describe('ketama ring (nginx ngx_http_upstream_init_chash)', () => {
  it('points are crc32(host "\\0" port PREV), 160 per weight, sorted and distinct', () => {
    const spec = backend({ id: 'a', host: '10.0.0.1', port: 8080, weight: 2 });
    expect(ketamaBaseHash(spec)).toBe(0xc24347c9); // Python: zlib.crc32(b"10.0.0.1\x008080")
    const ring = new KetamaRing();
    ring.build([spec]);
    expect(ring.length).toBe(2 * POINTS_PER_WEIGHT);
    const pts = Array.from(ring.hashes.subarray(0, ring.length));
    // The first three points of the chain (Python zlib vectors, see core/hash.test.ts).
    for (const h of [0xf1ea5a8f, 0x4bd08e68, 0x84e5eeee]) expect(pts).toContain(h);
    for (let p = 1; p < pts.length; p++) expect(pts[p]!).toBeGreaterThan(pts[p - 1]!);
  });

  it('port 0 means "no port" (host "\\0"); IPv6 hosts are bracketed as in nginx server lines', () => {
    expect(ketamaBaseHash(backend({ id: 'b0' }))).toBe(0x6b54f0af); // zlib.crc32(b"b0\x00")
    const v6 = backend({ id: 'x', host: '::1', port: 80 });
    expect(ketamaBaseHash(v6)).toBe(ketamaBaseHash(backend({ id: 'y', host: '[::1]', port: 80 })));
  });

  it('find = first point ≥ hash, wrapping (checked against a linear scan)', () => {
    const ring = new KetamaRing();
    ring.build(backends(5, [1, 2, 1, 3, 1]));
    const hs = Array.from(ring.hashes.subarray(0, ring.length));
    for (const h of [0, 1, hs[0]!, hs[0]! + 1, hs[10]!, 0x80000000, hs[hs.length - 1]!, 0xffffffff]) {
      let want = hs.findIndex((x) => x >= h);
      if (want < 0) want = 0;
      expect(ring.find(h)).toBe(want);
    }
  });
});

describe('ketama ring lookup index and key hashing', () => {
  it('find = first point ≥ hash for 20k seeded hashes, rings of 1 to 400 points per backend list (index sized to the ring)', () => {
    const rng = new Rng(61);
    for (const specs of [backends(1), backends(3, [1, 2, 3]), backends(40), backends(400, Array.from({ length: 400 }, (_, i) => 1 + (i % 4)))]) {
      const ring = new KetamaRing();
      ring.build(specs);
      const hs = ring.hashes.subarray(0, ring.length);
      const linear = (h: number): number => {
        for (let p = 0; p < hs.length; p++) if (hs[p]! >= h) return p;
        return 0;
      };
      for (let k = 0; k < 5000; k++) {
        const r = rng.nextU32();
        const h = k % 3 === 0 ? hs[r % hs.length]! + (k % 2) : r; // on, just past and between points
        expect(ring.find(h >>> 0)).toBe(linear(h >>> 0));
      }
    }
  });

  it('findKey(key) = find(crc32(key)), ASCII and not', () => {
    const ring = new KetamaRing();
    ring.build(backends(7, [1, 2, 3, 1, 2, 3, 1]));
    for (const k of ['', 'a', 'user:42', '/item/zzzz', '10.1.2.3', 'é', 'ключ', '😀 key', 'mixed-ascii-é']) {
      expect(ring.findKey(k)).toBe(ring.find(crc32(k)));
    }
    for (let i = 0; i < 2000; i++) expect(ring.findKey(`/item/${i.toString(36)}`)).toBe(ring.find(crc32(`/item/${i.toString(36)}`)));
  });
});

describe('consistent-hash', () => {
  it('a key maps to the owner of its ring point; hashKey, else clientAddr', () => {
    const specs = backends(6);
    const view = new FixtureView(specs);
    const { strategy: s } = makeStrategy('consistent-hash', view);
    const ring = new KetamaRing();
    ring.build(specs);
    for (const k of ['a', 'user:42', '10.1.2.3', '']) {
      const want = ring.owners[ring.find(crc32(k))]!;
      expect(s.pick(view, requestInfo({ hashKey: k }))).toBe(want);
    }
    expect(s.pick(view, requestInfo({ clientAddr: '10.1.2.3' }))).toBe(
      s.pick(view, requestInfo({ hashKey: '10.1.2.3', clientAddr: '9.9.9.9' })),
    );
  });

  it('adding one backend to 10 moves ≈ 1/11 of 100k keys (within ±30 % relative), all to the new one', () => {
    const before = assign(backends(10), KEYS);
    const after = assign(backends(11), KEYS);
    let moved = 0;
    let elsewhere = 0;
    for (let k = 0; k < KEYS.length; k++) {
      if (before[k] !== after[k]) {
        moved++;
        if (after[k] !== 'b10') elsewhere++;
      }
    }
    expect(elsewhere).toBe(0);
    const frac = moved / KEYS.length; // measured 0.0994
    expect(frac).toBeGreaterThan((1 / 11) * 0.7);
    expect(frac).toBeLessThan((1 / 11) * 1.3);
  });

  it('removing a backend moves exactly the keys it held', () => {
    const all = backends(10);
    const before = assign(all, KEYS);
    const after = assign(
      all.filter((s) => s.id !== 'b3'),
      KEYS,
    );
    let held = 0;
    let wrong = 0; // moved but not on b3, or on b3 and not moved
    for (let k = 0; k < KEYS.length; k++) {
      if (before[k] === 'b3') held++;
      if (before[k] !== after[k] !== (before[k] === 'b3')) wrong++;
    }
    expect(held).toBeGreaterThan(0);
    expect(wrong).toBe(0);
  });

  it('an ineligible backend: its keys walk on along the ring, no other key moves (same as removal)', () => {
    const all = backends(10);
    const removed = assign(
      all.filter((s) => s.id !== 'b7'),
      KEYS,
    );
    expect(assign(all, KEYS, ['b7'])).toEqual(removed);
  });

  it('shares ∝ weight: weights 1,2,3,4 over 100k keys, each within ±20 % relative', () => {
    const specs = backends(4, [1, 2, 3, 4]);
    const got = assign(specs, KEYS);
    for (const s of specs) {
      const share = got.filter((id) => id === s.id).length / KEYS.length;
      expect(Math.abs(share / (s.weight / 10) - 1)).toBeLessThan(0.2); // measured worst 0.904
    }
  });

  it('no eligible backend → -1; options {} parse, unknown keys rejected', () => {
    const view = new FixtureView(backends(2)).setEligible(0, false).setEligible(1, false);
    expect(makeStrategy('consistent-hash', view).strategy.pick(view, requestInfo({ hashKey: 'k' }))).toBe(-1);
    expect(strategy.options.parse({})).toEqual({});
    expect(() => strategy.options.parse({ points: 3 })).toThrow();
  });
});
