import { describe, it, expect } from 'vitest';
import { backend, backends, type BackendSpec } from '../core/backend.js';
import { crc32, crc32UpdateU32LE } from '../core/hash.js';
import { Rng } from '../core/rng.js';
import { requestInfo } from '../core/view.js';
import { FixtureView, assignKeys, makeStrategy, makeStrategyWithRng, scriptedRng } from './test/fixture.js';
import { KetamaRing, ketamaBaseHash, nginxServerParts, POINTS_PER_WEIGHT } from './support/ketama-ring.js';
import { NGINX_CHASH_TRIES, strategy } from './consistent-hash.js';

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
  it('a key maps to the owner of its ring point', () => {
    const specs = backends(6);
    const view = new FixtureView(specs);
    const { strategy: s } = makeStrategy('consistent-hash', view);
    const ring = new KetamaRing();
    ring.build(specs);
    for (const k of ['a', 'user:42', '10.1.2.3']) {
      const want = ring.owners[ring.find(crc32(k))]!;
      expect(s.pick(view, requestInfo({ hashKey: k }))).toBe(want);
    }
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

describe('consistent-hash flavor nginx (ngx_http_upstream_get_chash_peer, nginx 1.31.4 src/http/modules/ngx_http_upstream_hash_module.c)', () => {
  it('hashes a backend by its address as nginx splits the server line (ngx_http_upstream_update_chash)', () => {
    // Python: zlib.crc32(HOST + b"\0" + PORT + 4 zero bytes), the first ketama point.
    const first = (address: string) => crc32UpdateU32LE(ketamaBaseHash(backend({ id: 'x', address })), 0);
    expect(first('10.0.0.1:8080')).toBe(4058667663); // b"10.0.0.1\x008080"
    expect(first('unix:/run/app.sock')).toBe(2906223951); // b"/run/app.sock\x00": no port
    expect(first('backend.internal')).toBe(1988779286); // b"backend.internal\x00"
    expect(first('[::1]:80')).toBe(1028208324); // b"[::1]\x0080"
    expect(first('10.0.0.1:08080')).toBe(3109312071); // the port as written: b"10.0.0.1\x0008080"
    expect(nginxServerParts('host:port')).toEqual(['host:port', '']); // a non-digit run is part of the host
    // An address wins over id/host/port: the same ring as a proxy config listing that server.
    expect(ketamaBaseHash(backend({ id: 'b0', address: '10.0.0.1:8080' }))).toBe(ketamaBaseHash(backend({ id: 'a', host: '10.0.0.1', port: 8080 })));
  });

  it('an empty key goes to round robin (hp->key.len == 0), smooth WRR over the eligible', () => {
    const view = new FixtureView(backends(3));
    const { strategy: s } = makeStrategy('consistent-hash', view);
    const req = requestInfo({ hashKey: '', clientAddr: '10.1.2.3' });
    expect(Array.from({ length: 6 }, () => s.pick(view, req))).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('after 21 ineligible points (++hp->tries > 20) nginx leaves the ring for round robin', () => {
    // b0 (weight 50) is ineligible and owns long runs of points; b1 and b2 (weight 1) are eligible.
    const specs = [backend({ id: 'b0', weight: 50 }), backend({ id: 'b1' }), backend({ id: 'b2' })];
    const ring = new KetamaRing();
    ring.build(specs);
    const run = (pos: number) => {
      let n = 0;
      while (ring.owners[(pos + n) % ring.length] === 0) n++;
      return { n, next: ring.owners[(pos + n) % ring.length]! };
    };
    let long = '';
    let short = '';
    for (let k = 0; k < 10_000 && (long === '' || short === ''); k++) {
      const { n, next } = run(ring.findKey(`key-${k}`));
      if (n > NGINX_CHASH_TRIES && next === 2 && long === '') long = `key-${k}`;
      if (n > 0 && n <= NGINX_CHASH_TRIES && next === 2 && short === '') short = `key-${k}`;
    }
    expect(long).not.toBe('');
    expect(short).not.toBe('');
    const view = new FixtureView(specs).setEligible(0, false);
    const { strategy: s } = makeStrategy('consistent-hash', view);
    // Within 21 points the walk reaches b2; past them, smooth WRR over {b1, b2}: b1, then b2.
    expect(s.pick(view, requestInfo({ hashKey: short }))).toBe(2);
    expect(s.pick(view, requestInfo({ hashKey: long }))).toBe(1);
    expect(s.pick(view, requestInfo({ hashKey: long }))).toBe(2);
  });
});

describe('consistent-hash flavor haproxy (chash_get_server_hash, HAProxy 3.4.0 src/lb_chash.c)', () => {
  // Vectors from a C transcription of HAProxy's tree (16 nodes per weight keyed full_hash(puid × 4096 + j),
  // the closer of the nodes around the hash, the earlier on a tie) and of hash_sdbm / hash_djb2.
  const KEYS7 = ['/item/a', '/item/b', 'user:42', 'k1', 'k2', '/index.html', 'session-9f3'];
  const pick = (options: object, keys: readonly string[], down: number[] = []) => {
    const view = new FixtureView(backends(4, [1, 2, 1, 1]));
    for (const i of down) view.setEligible(i, false);
    const { strategy: s } = makeStrategy('consistent-hash', view, { flavor: 'haproxy', ...options });
    return keys.map((k) => s.pick(view, requestInfo({ hashKey: k })));
  };

  it('sdbm keys (the default hash function) on weights 1, 2, 1, 1', () => {
    expect(pick({}, KEYS7)).toEqual([1, 1, 1, 3, 3, 1, 2]);
  });

  it('avalanche (full_hash after sdbm) and djb2', () => {
    expect(pick({ avalanche: true }, KEYS7)).toEqual([1, 3, 2, 1, 1, 3, 1]);
    expect(pick({ hashFunction: 'djb2' }, KEYS7)).toEqual([2, 2, 2, 3, 3, 0, 1]);
  });

  it('a down server is out of the tree: the closest remaining node wins', () => {
    expect(pick({}, KEYS7, [1])).toEqual([2, 2, 3, 3, 3, 2, 2]);
  });

  it('an empty key falls back to round robin over the tree (chash_get_next_server)', () => {
    const got = pick({}, Array.from({ length: 80 }, () => ''));
    // 16 nodes per unit of weight: one pass over the 80 nodes visits each server weight × 16 times.
    expect([0, 1, 2, 3].map((i) => got.filter((x) => x === i).length)).toEqual([16, 32, 16, 16]);
  });

  it('hashFunction and avalanche belong to flavor haproxy', () => {
    const message = (o: object) => strategy.options.safeParse(o).error?.issues[0]?.message;
    expect(message({ hashFunction: 'sdbm' })).toBe('applies to flavor haproxy only (the flavor here is nginx)');
    expect(message({ flavor: 'aws' })).toBe('consistent-hash has no flavor "aws"; its flavors are nginx, haproxy, envoy');
    expect(message({ flavor: 'squid' })).toBe('unknown flavor "squid"; consistent-hash\'s flavors are nginx, haproxy, envoy');
    expect(strategy.options.parse({ flavor: 'haproxy', hashFunction: 'wt6', avalanche: true })).toEqual({ flavor: 'haproxy', hashFunction: 'wt6', avalanche: true });
  });
});

/**
 * Flavor `envoy`: Envoy RING_HASH (ring_hash_lb.cc `RingHashLoadBalancer::Ring::Ring`,
 * `Ring::chooseHost`). Expected owners come from an independent Python transcription of those
 * functions with Python's `xxhash` module 4.0.1 (see support/envoy-ring.test.ts for the ring's own
 * golden entries); hosts 10.0.0.1:80, 10.0.0.2:80, 10.0.0.3:80.
 */
describe('consistent-hash flavor envoy', () => {
  const hosts = (weights: number[]): BackendSpec[] =>
    ['10.0.0.1:80', '10.0.0.2:80', '10.0.0.3:80'].map((address, i) => backend({ id: `b${i}`, address, weight: weights[i]! }));
  const KEYS6 = ['user:42', '/item/a', 'session-9f3', '10.1.2.3', 'k1', 'k2'];

  it('keys go to the first ring entry ≥ xxHash64(key), equal and 1:2:1 weights', () => {
    expect(assignKeys('consistent-hash', hosts([1, 1, 1]), KEYS6, [], { flavor: 'envoy' })).toEqual(['b2', 'b2', 'b0', 'b2', 'b0', 'b2']);
    expect(assignKeys('consistent-hash', hosts([1, 2, 1]), KEYS6, [], { flavor: 'envoy' })).toEqual(['b2', 'b1', 'b1', 'b1', 'b0', 'b1']);
  });

  it('an empty hashKey hashes the client address (not round robin as nginx does)', () => {
    const view = new FixtureView(hosts([1, 1, 1]));
    const { strategy: s } = makeStrategy('consistent-hash', view, { flavor: 'envoy' });
    const picks = [0, 1, 2].map(() => s.pick(view, requestInfo({ clientAddr: '10.1.2.3' })));
    expect(picks).toEqual([2, 2, 2]);
  });

  it('an unhealthy backend: the ring is rebuilt over the healthy hosts (ThreadAwareLoadBalancerBase::refresh), so other keys move too', () => {
    // Python: the ring over 10.0.0.1:80 and 10.0.0.2:80 alone has 1024 entries (512 each); the
    // six keys go to b0 b0 b1 b1 b0 b1 (over all three: b2 b2 b0 b2 b0 b2); of 20,000 keys
    // `key-i`, b2 held 6,590 and 1,817 of the others change host between b0 and b1.
    expect(assignKeys('consistent-hash', hosts([1, 1, 1]), KEYS6, ['b2'], { flavor: 'envoy' })).toEqual(['b0', 'b0', 'b1', 'b1', 'b0', 'b1']);
    const keys = Array.from({ length: 20_000 }, (_, i) => `key-${i}`);
    const all = assignKeys('consistent-hash', hosts([1, 1, 1]), keys, [], { flavor: 'envoy' });
    const without = assignKeys('consistent-hash', hosts([1, 1, 1]), keys, ['b2'], { flavor: 'envoy' });
    let ofB2 = 0;
    let others = 0;
    for (let k = 0; k < keys.length; k++) {
      expect(without[k]).not.toBe('b2');
      if (all[k] === 'b2') ofB2++;
      else if (without[k] !== all[k]) others++;
    }
    expect([ofB2, others]).toEqual([6590, 1817]);
    // Weights 1, 2, 1 with b0 unhealthy: the ring of b1, b2 at 2:1 (1026 entries).
    expect(assignKeys('consistent-hash', hosts([1, 2, 1]), KEYS6, ['b0'], { flavor: 'envoy' })).toEqual(['b1', 'b2', 'b1', 'b1', 'b2', 'b1']);
  });

  it('rebuilds only when the host set changes, and comes back to the full ring', () => {
    const view = new FixtureView(hosts([1, 1, 1]));
    const { strategy: s } = makeStrategy('consistent-hash', view, { flavor: 'envoy' });
    const picks = (): number[] => KEYS6.map((k) => s.pick(view, requestInfo({ hashKey: k })));
    expect(picks()).toEqual([2, 2, 0, 2, 0, 2]);
    view.setEligible(2, false);
    expect(picks()).toEqual([0, 0, 1, 1, 0, 1]);
    view.refresh(); // a new members version, the same set: same answers
    expect(picks()).toEqual([0, 0, 1, 1, 0, 1]);
    view.setEligible(2, true);
    expect(picks()).toEqual([2, 2, 0, 2, 0, 2]);
    for (let i = 0; i < 3; i++) view.setEligible(i, false);
    expect(s.pick(view, requestInfo({ hashKey: 'k1' }))).toBe(-1);
  });

  it("a retry's excluded backend (in the host set, not eligible for this pick) is walked past: exactly its keys move", () => {
    const keys = Array.from({ length: 5_000 }, (_, i) => `key-${i}`);
    const view = new FixtureView(hosts([1, 1, 1]));
    const { strategy: s } = makeStrategy('consistent-hash', view, { flavor: 'envoy' });
    const req = requestInfo();
    const all = keys.map((k) => ((req.hashKey = k), s.pick(view, req)));
    view.members = Uint8Array.of(1, 1, 1);
    view.setEligible(2, false);
    let moved = 0;
    keys.forEach((k, j) => {
      req.hashKey = k;
      const i = s.pick(view, req);
      if (all[j] === 2) moved++;
      else expect(i).toBe(all[j]);
    });
    expect(moved).toBeGreaterThan(1000);
  });

  it('no hash (no key, no client address, or hashPolicy none): a random 64-bit hash from the strategy\'s stream (LoadBalancerImpl::chooseHost)', () => {
    // Python: hash 0x80000000_00000000 → b0, 0x00000000_00000001 → b2, 2^64 − 1 → b2 (wraps to
    // entry 0), 0x12345678_9abcdef0 → b0; over b0, b1 only: b0, b1, b1, b0.
    const view = new FixtureView(hosts([1, 1, 1]));
    const draws = [0x80000000, 0, 0, 1, 0xffffffff, 0xffffffff, 0x12345678, 0x9abcdef0];
    const s = makeStrategyWithRng('consistent-hash', view, { flavor: 'envoy' }, scriptedRng([...draws, ...draws]));
    const empty = requestInfo();
    expect([0, 1, 2, 3].map(() => s.pick(view, empty))).toEqual([0, 2, 2, 0]);
    view.setEligible(2, false);
    expect([0, 1, 2, 3].map(() => s.pick(view, empty))).toEqual([0, 1, 1, 0]);
    // hashPolicy none: a key present is not hashed.
    const none = makeStrategyWithRng('consistent-hash', view, { flavor: 'envoy', hashPolicy: 'none' }, scriptedRng([0x80000000, 0]));
    expect(none.pick(view, requestInfo({ hashKey: 'user:42' }))).toBe(0);
    // Seeded: every host gets picks, the same seed gives the same sequence.
    view.setEligible(2, true);
    const seq = (seed: number): number[] => {
      const { strategy: r } = makeStrategy('consistent-hash', view, { flavor: 'envoy', hashPolicy: 'none' }, seed);
      return Array.from({ length: 3000 }, () => r.pick(view, requestInfo({ hashKey: 'k' })));
    };
    const a = seq(3);
    expect(seq(3)).toEqual(a);
    for (let i = 0; i < 3; i++) expect(a.filter((x) => x === i).length).toBeGreaterThan(800);
  });

  it('useHostnameForHashing: the ring hashes HOSTNAME_j (HashingLoadBalancer::hashKey)', () => {
    // Python: hosts web-a.internal, web-b.internal, web-c.internal → the six keys go to b2 b0 b2 b1 b2 b1.
    const named = ['web-a.internal', 'web-b.internal', 'web-c.internal'].map((hostname, i) => backend({ id: `b${i}`, address: `10.0.0.${i + 1}:80`, hostname }));
    expect(assignKeys('consistent-hash', named, KEYS6, [], { flavor: 'envoy', useHostnameForHashing: true })).toEqual(['b2', 'b0', 'b2', 'b1', 'b2', 'b1']);
    expect(assignKeys('consistent-hash', named, KEYS6, [], { flavor: 'envoy' })).toEqual(['b2', 'b2', 'b0', 'b2', 'b0', 'b2']);
    const p = (o: unknown) => strategy.options.safeParse(o);
    expect(JSON.stringify(p({ useHostnameForHashing: true }).error?.issues)).toContain('applies to flavor envoy only');
    expect(JSON.stringify(p({ flavor: 'haproxy', hashPolicy: 'none' }).error?.issues)).toContain('applies to flavor envoy only');
  });

  it('ring sizes: options apply to flavor envoy only, min ≤ max, at most 8M', () => {
    const p = (o: unknown) => strategy.options.safeParse(o);
    expect(p({ flavor: 'envoy', minimumRingSize: 6, maximumRingSize: 6 }).success).toBe(true);
    expect(JSON.stringify(p({ minimumRingSize: 6 }).error?.issues)).toContain('applies to flavor envoy only');
    expect(JSON.stringify(p({ flavor: 'envoy', minimumRingSize: 10, maximumRingSize: 6 }).error?.issues)).toContain('minimumRingSize (10) > maximumRingSize (6)');
    expect(p({ flavor: 'envoy', maximumRingSize: 8 * 1024 * 1024 + 1 }).success).toBe(false);
    expect(JSON.stringify(p({ flavor: 'aws' }).error?.issues)).toContain('its flavors are nginx, haproxy, envoy');
  });

  it('minimumRingSize = maximumRingSize = 6: the ring of support/envoy-ring.test.ts decides', () => {
    // Ring (Python): 18341d92… b0, 3d32eaa4… b1, 7079d8e1… b1, 74da18db… b2, 75041381… b0, 98663d8c… b2.
    // xxh64: user:42 dc1fea7d… → wraps to b0; /item/a 3561893e… → b1; k2 441e372f… → b1; session-9f3 8a1f014d… → b2.
    expect(assignKeys('consistent-hash', hosts([1, 1, 1]), ['user:42', '/item/a', 'k2', 'session-9f3'], [], { flavor: 'envoy', minimumRingSize: 6, maximumRingSize: 6 })).toEqual(['b0', 'b1', 'b1', 'b2']);
  });
});
