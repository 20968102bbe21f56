import { describe, it, expect } from 'vitest';
import { requestInfo } from '../core/view.js';
import { fixtureView, makeStrategy } from './test/fixture.js';
import { Rng } from '../core/rng.js';
import { ipHashBytes, ipHashStep, ipv4Prefix, strategy } from './ip-hash.js';

/**
 * Reference nginx ip_hash written out plainly: hash the bytes, `w = hash % total`, walk the peers
 * subtracting weights, rehash on an ineligible peer, -2 ("round robin") after 21 probes.
 */
function referenceIpHash(addr: string, weights: readonly number[], eligible: ArrayLike<number>): number {
  const bytes = new Uint8Array(16);
  const len = ipHashBytes(addr, bytes);
  const total = weights.reduce((a, b) => a + b, 0);
  let hash = 89;
  for (let tries = 0; tries <= 20; tries++) {
    for (let k = 0; k < len; k++) hash = (hash * 113 + bytes[k]!) % 6271;
    let w = hash % total;
    let p = 0;
    while (w >= weights[p]!) {
      w -= weights[p]!;
      p++;
    }
    if (eligible[p] === 1) return p;
  }
  return -2;
}

function pickFor(addr: string, weights: number[], ineligible: number[] = []): number {
  const view = fixtureView(weights.length, weights);
  for (const i of ineligible) view.setEligible(i, false);
  const { strategy: s } = makeStrategy('ip-hash', view);
  return s.pick(view, requestInfo({ clientAddr: addr }));
}

describe('ip-hash (nginx ip_hash)', () => {
  it('golden, 3 equal backends: hash of the first 3 octets mod 3', () => {
    // h = 89; h = (h·113 + octet) mod 6271 over the first three octets:
    // 192.168.1.10: 89·113+192 = 10249 → 3978; 3978·113+168 = 449682 → 4441; 4441·113+1 = 501834 → 154;
    //               154 mod 3 = 1
    expect(pickFor('192.168.1.10', [1, 1, 1])).toBe(1);
    // 10.0.0.1: 10067 → 3796; 428948 → 2520; 284760 → 2565; 2565 mod 3 = 0
    expect(pickFor('10.0.0.1', [1, 1, 1])).toBe(0);
    // 172.16.5.4: 10229 → 3958; 447270 → 2029; 229282 → 3526; 3526 mod 3 = 1
    expect(pickFor('172.16.5.4', [1, 1, 1])).toBe(1);
    // 8.8.8.8: 10065 → 3794; 428730 → 2302; 260134 → 3023; 3023 mod 3 = 2
    expect(pickFor('8.8.8.8', [1, 1, 1])).toBe(2);
  });

  it('golden, weights 1,2,3: w = h mod 6, then walk the peers subtracting weights', () => {
    // 1.1.1.1: 10058 → 3787; 427932 → 1504; 169953 → 636; w = 636 mod 6 = 0 → peer 0
    expect(pickFor('1.1.1.1', [1, 2, 3])).toBe(0);
    // 127.0.0.1: 10184 → 3913; 442169 → 3199; 361487 → 4040; w = 2: 2 ≥ 1 → 1, 1 < 2 → peer 1
    expect(pickFor('127.0.0.1', [1, 2, 3])).toBe(1);
    // 8.8.8.8: h = 3023, w = 5: 5 → 4 → 2 < 3 → peer 2
    expect(pickFor('8.8.8.8', [1, 2, 3])).toBe(2);
    // 192.168.1.10: h = 154, w = 4: 4 → 3 → 1 < 3 → peer 2
    expect(pickFor('192.168.1.10', [1, 2, 3])).toBe(2);
  });

  it('same /24 → same backend', () => {
    const view = fixtureView(5);
    const { strategy: s } = makeStrategy('ip-hash', view);
    const first = s.pick(view, requestInfo({ clientAddr: '203.0.113.0' }));
    for (let x = 1; x < 256; x++) {
      expect(s.pick(view, requestInfo({ clientAddr: `203.0.113.${x}` }))).toBe(first);
    }
  });

  it('rehashes past an ineligible peer over the same bytes (nginx loop)', () => {
    // 192.168.1.10 lands on b1 (h = 154); b1 ineligible → h = step(154) = 5654, 5654 mod 3 = 2
    expect(ipHashStep(154, Uint8Array.of(192, 168, 1), 3)).toBe(5654);
    expect(pickFor('192.168.1.10', [1, 1, 1], [1])).toBe(2);
  });

  it('after 21 misses falls back to (smooth weighted) round robin', () => {
    // Weights 1,1,100 with b2 ineligible: find an address whose 21 probes all land on b2.
    const bytes = new Uint8Array(16);
    let addr = '';
    for (let x = 0; x < 256 && addr === ''; x++) {
      const a = `10.${x}.0.1`;
      const len = ipHashBytes(a, bytes);
      let h = 89;
      let all = true;
      for (let t = 0; t < 21 && all; t++) {
        h = ipHashStep(h, bytes, len);
        if (h % 102 < 2) all = false;
      }
      if (all) addr = a;
    }
    expect(addr).not.toBe('');
    const view = fixtureView(3, [1, 1, 100]).setEligible(2, false);
    const { strategy: s } = makeStrategy('ip-hash', view);
    const req = requestInfo({ clientAddr: addr });
    expect([s.pick(view, req), s.pick(view, req), s.pick(view, req), s.pick(view, req)]).toEqual([0, 1, 0, 1]);
  });

  it('IPv6 hashes all 16 bytes; IPv4-mapped addresses hash as IPv4', () => {
    // ::1 → h = 5945 (5945 mod 3 = 2); 2001:db8::1 → 2600 (mod 3 = 2); 2001:db8::2 → 2601 (mod 3 = 0)
    const b = new Uint8Array(16);
    expect(ipHashStep(89, b, ipHashBytes('::1', b))).toBe(5945);
    expect(ipHashStep(89, b, ipHashBytes('2001:db8::1', b))).toBe(2600);
    expect(pickFor('::1', [1, 1, 1])).toBe(2);
    expect(pickFor('2001:db8::1', [1, 1, 1])).toBe(2);
    expect(pickFor('2001:db8::2', [1, 1, 1])).toBe(0);
    expect(pickFor('[2001:db8::2]:443', [1, 1, 1])).toBe(0);
    expect(pickFor('::ffff:192.168.1.10', [1, 1, 1])).toBe(1);
  });

  it('unknown or empty address hashes nginx pseudo address 0.0.0 (h = 295)', () => {
    // 89·113 = 10057 → 3786; 3786·113 = 427818 → 1390; 1390·113 = 157070 → 295; 295 mod 3 = 1
    expect(pickFor('', [1, 1, 1])).toBe(1);
    expect(pickFor('not an address', [1, 1, 1])).toBe(1);
  });

  it('parses addresses into the bytes nginx hashes', () => {
    const b = new Uint8Array(16);
    expect(ipHashBytes('192.168.1.10', b)).toBe(3);
    expect(Array.from(b.subarray(0, 3))).toEqual([192, 168, 1]);
    expect(ipHashBytes('192.168.1.10:8080', b)).toBe(3);
    expect(Array.from(b.subarray(0, 3))).toEqual([192, 168, 1]);
    expect(ipHashBytes('2001:db8:0:0:1:0:0:1', b)).toBe(16);
    expect(Array.from(b)).toEqual([0x20, 1, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1]);
    expect(ipHashBytes('fe80::1%eth0', b)).toBe(16);
    expect(Array.from(b)).toEqual([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(ipHashBytes('1::', b)).toBe(16);
    expect(Array.from(b)).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(ipHashBytes('64:ff9b::192.0.2.33', b)).toBe(16);
    expect(Array.from(b)).toEqual([0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, 192, 0, 2, 33]);
    expect(ipHashBytes('::ffff:10.1.2.3', b)).toBe(3);
    expect(Array.from(b.subarray(0, 3))).toEqual([10, 1, 2]);
    for (const bad of ['256.1.1.1', '1.2.3', '1.2.3.4.5', '1:2', ':::1', '1::2::3', '12345::', 'x']) {
      expect(ipHashBytes(bad, b)).toBe(3);
      expect(Array.from(b.subarray(0, 3))).toEqual([0, 0, 0]);
    }
  });

  it('the one-pass IPv4 reader agrees with the general parser wherever it answers, and answers for plain IPv4', () => {
    const rng = new Rng(21);
    const b = new Uint8Array(16);
    const alphabet = '0123456789..::%[]af';
    let answered = 0;
    for (let k = 0; k < 50_000; k++) {
      let addr: string;
      if (k % 2 === 0) {
        const o = () => String(rng.int(k % 10 === 0 ? 400 : 256));
        addr = `${o()}.${o()}.${o()}.${o()}`;
        if (k % 6 === 0) addr += `:${rng.int(65536)}`;
      } else {
        addr = '';
        const len = rng.int(18);
        for (let j = 0; j < len; j++) addr += alphabet[rng.int(alphabet.length)];
      }
      const p = ipv4Prefix(addr);
      if (p < 0) continue;
      answered++;
      expect(ipHashBytes(addr, b)).toBe(3);
      expect([p >>> 16, (p >>> 8) & 255, p & 255]).toEqual(Array.from(b.subarray(0, 3)));
    }
    expect(answered).toBeGreaterThan(20_000);
    expect(ipv4Prefix('192.168.1.10')).toBe((192 << 16) | (168 << 8) | 1);
    expect(ipv4Prefix('192.168.1.10:8080')).toBe((192 << 16) | (168 << 8) | 1);
    for (const other of ['', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01234.1.1.1', '[1.2.3.4]', '1.2.3.4%eth0', '1.2.3.4:80:1', '::1', '::ffff:1.2.3.4']) {
      expect(ipv4Prefix(other)).toBe(-1);
    }
  });

  it('matches a plain nginx ip_hash loop over random weights (total above and below 6271), addresses and ineligible sets', () => {
    const rng = new Rng(22);
    for (let run = 0; run < 40; run++) {
      const n = 2 + rng.int(20);
      const big = run % 4 === 0;
      const weights = Array.from({ length: n }, () => 1 + rng.int(big ? 900 : 5));
      const view = fixtureView(n, weights);
      for (let i = 0; i < n; i++) if (rng.next() < 0.3) view.eligible[i] = 0;
      view.refresh();
      if (view.count === 0) continue;
      const { strategy: s } = makeStrategy('ip-hash', view);
      for (let k = 0; k < 300; k++) {
        const a = rng.nextU32();
        const addr = k % 5 === 4 ? `2001:db8::${(a & 0xffff).toString(16)}` : `${a >>> 24}.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`;
        const want = referenceIpHash(addr, weights, view.eligible);
        const got = s.pick(view, requestInfo({ clientAddr: addr }));
        if (want >= 0) expect(got).toBe(want);
        else expect(view.eligible[got]).toBe(1); // round-robin fallback
      }
    }
  });

  it('one backend: round robin; none eligible: -1', () => {
    const one = fixtureView(1);
    expect(makeStrategy('ip-hash', one).strategy.pick(one, requestInfo({ clientAddr: '1.2.3.4' }))).toBe(0);
    const none = fixtureView(3).setEligible(0, false).setEligible(1, false).setEligible(2, false);
    expect(makeStrategy('ip-hash', none).strategy.pick(none, requestInfo({ clientAddr: '1.2.3.4' }))).toBe(-1);
  });

  it('options: {} parses, unknown keys are rejected', () => {
    expect(strategy.options.parse({})).toEqual({});
    expect(() => strategy.options.parse({ x: 1 })).toThrow();
  });
});
