/**
 * Envoy's RING_HASH ring (ring_hash_lb.cc `RingHashLoadBalancer::Ring::Ring`, `Ring::chooseHost`).
 *
 * How the golden values were derived: an independent Python transcription of `Ring::Ring` (the
 * `scale`, running `current_hashes`/`target_hashes` sums and `ADDRESS_j` keys, `std::sort` by hash)
 * and of `chooseHost` (first entry ≥ the hash, else entry 0), hashing with Python's `xxhash` module
 * 4.0.1 (`xxh64_intdigest(key.encode(), 0)`, the reference C library), for hosts 10.0.0.1:80,
 * 10.0.0.2:80, 10.0.0.3:80 in that order. None of these numbers come from this TypeScript code.
 */
import { describe, expect, it } from 'vitest';
import { backend, type BackendSpec } from '../../core/backend.js';
import { EnvoyRing } from './envoy-ring.js';
import { xxHash64Into } from './xxhash64.js';

const ADDRS = ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80'];

function hosts(weights: number[]): BackendSpec[] {
  return ADDRS.map((address, i) => backend({ id: `b${i}`, address, weight: weights[i]! }));
}

function entry(ring: EnvoyRing, p: number): string {
  const h = ring.hi[p]!.toString(16).padStart(8, '0') + ring.lo[p]!.toString(16).padStart(8, '0');
  return `${h} ${ADDRS[ring.owners[p]!]!}`;
}

function counts(ring: EnvoyRing): number[] {
  const c = [0, 0, 0];
  for (let p = 0; p < ring.length; p++) c[ring.owners[p]!]!++;
  return c;
}

/** The owner of a request key as Envoy's ring finds it (key hashed with xxHash64, seed 0). */
function owner(ring: EnvoyRing, key: string): string {
  const h = new Uint32Array(2);
  xxHash64Into(key, 0, h);
  return ADDRS[ring.owners[ring.find(h[0]!, h[1]!)]!]!;
}

describe('Envoy RING_HASH ring', () => {
  it('equal weights: min_ring_size 1024 → scale ceil(1024/3)·3 = 1026, 342 entries each; first entries and lookups', () => {
    const ring = new EnvoyRing();
    ring.build(hosts([1, 1, 1]));
    expect(ring.length).toBe(1026);
    expect(counts(ring)).toEqual([342, 342, 342]);
    expect([0, 1, 2, 3, 4, 5].map((p) => entry(ring, p))).toEqual([
      '00674c93dec902e6 10.0.0.3:80',
      '00d38a7bb147075a 10.0.0.2:80',
      '0126bb73cf2929fd 10.0.0.2:80',
      '01377cf17e985306 10.0.0.3:80',
      '01fc178453e4ca67 10.0.0.3:80',
      '023983cf29ef60fa 10.0.0.3:80',
    ]);
    expect(entry(ring, ring.length - 1)).toBe('fffbdee86bd4f586 10.0.0.2:80');
    expect(['user:42', '/item/a', 'session-9f3', '10.1.2.3', 'k1', 'k2'].map((k) => owner(ring, k))).toEqual([
      '10.0.0.3:80', '10.0.0.3:80', '10.0.0.1:80', '10.0.0.3:80', '10.0.0.1:80', '10.0.0.3:80',
    ]);
  });

  it('weights 1, 2, 1: normalised 0.25/0.5/0.25 → 256, 512, 256 entries', () => {
    const ring = new EnvoyRing();
    ring.build(hosts([1, 2, 1]));
    expect(ring.length).toBe(1024);
    expect(counts(ring)).toEqual([256, 512, 256]);
    expect([0, 1].map((p) => entry(ring, p))).toEqual(['00422015a80d3277 10.0.0.2:80', '00674c93dec902e6 10.0.0.3:80']);
    expect(['user:42', '/item/a', 'session-9f3', '10.1.2.3', 'k1', 'k2'].map((k) => owner(ring, k))).toEqual([
      '10.0.0.3:80', '10.0.0.2:80', '10.0.0.2:80', '10.0.0.2:80', '10.0.0.1:80', '10.0.0.2:80',
    ]);
  });

  it('minimum = maximum = 6: two entries per host, the whole ring', () => {
    const ring = new EnvoyRing(6, 6);
    ring.build(hosts([1, 1, 1]));
    expect(Array.from({ length: ring.length }, (_, p) => entry(ring, p))).toEqual([
      '18341d927ea10691 10.0.0.1:80',
      '3d32eaa4a864962e 10.0.0.2:80',
      '7079d8e1823e007f 10.0.0.2:80',
      '74da18db9f57cc7e 10.0.0.3:80',
      '75041381e7371a08 10.0.0.1:80',
      '98663d8c8e38e677 10.0.0.3:80',
    ]);
  });

  it('maximum_ring_size caps the scale (Envoy comment: 4 hosts at max 6 get 2, 1, 2, 1 entries)', () => {
    const ring = new EnvoyRing(1024, 6);
    ring.build([...hosts([1, 1, 1]), backend({ id: 'b3', address: '10.0.0.4:80' })]);
    const c = [0, 0, 0, 0];
    for (let p = 0; p < ring.length; p++) c[ring.owners[p]!]!++;
    expect(c).toEqual([2, 1, 2, 1]);
  });

  it('find: the first entry ≥ the hash (equal included), entry 0 past the last, against a linear scan', () => {
    const ring = new EnvoyRing();
    ring.build(hosts([1, 2, 1]));
    const scan = (h: number, l: number): number => {
      for (let p = 0; p < ring.length; p++) {
        if (ring.hi[p]! > h || (ring.hi[p] === h && ring.lo[p]! >= l)) return p;
      }
      return 0;
    };
    for (let p = 0; p < ring.length; p += 7) {
      expect(ring.find(ring.hi[p]!, ring.lo[p]!)).toBe(p);
      expect(ring.find(ring.hi[p]!, ring.lo[p]! + 1)).toBe(scan(ring.hi[p]!, ring.lo[p]! + 1));
    }
    expect(ring.find(0xffffffff, 0xffffffff)).toBe(0);
    expect(ring.find(0, 0)).toBe(0);
    const h = new Uint32Array(2);
    for (let i = 0; i < 2000; i++) {
      xxHash64Into(`probe-${i}`, 0, h);
      expect(ring.find(h[0]!, h[1]!)).toBe(scan(h[0]!, h[1]!));
    }
  });

  it('an empty host list gives an empty ring', () => {
    const ring = new EnvoyRing();
    ring.build([]);
    expect(ring.length).toBe(0);
    expect(ring.find(1, 2)).toBe(-1);
  });
});
