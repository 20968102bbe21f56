import { describe, expect, it } from 'vitest';
import { LeakyBucket, RATE_LIMIT_DEFAULTS, REJECT } from './leaky-bucket.js';

/** `n` requests of `key` at time `t`. */
function burst(b: LeakyBucket, n: number, t: number, key = 'k'): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) out.push(b.admit(key, t));
  return out;
}

describe('LeakyBucket (nginx limit_req)', () => {
  it('defaults: burst 0, delay, nodelay off', () => {
    expect(RATE_LIMIT_DEFAULTS).toEqual({ burst: 0, nodelay: false, delay: 0, maxKeys: 10_000 });
  });

  it('rate 10 r/s burst 5: six instant requests delayed 0,100,…,500 ms, the seventh rejected', () => {
    const b = new LeakyBucket({ rate: 10, burst: 5 });
    expect(burst(b, 7, 0)).toEqual([0, 100, 200, 300, 400, 500, REJECT]);
  });

  it('nodelay passes the six at once, then rejects', () => {
    const b = new LeakyBucket({ rate: 10, burst: 5, nodelay: true });
    expect(burst(b, 7, 0)).toEqual([0, 0, 0, 0, 0, 0, REJECT]);
  });

  it('delay=2 passes the first three at once and delays the rest', () => {
    const b = new LeakyBucket({ rate: 10, burst: 5, delay: 2 });
    expect(burst(b, 7, 0)).toEqual([0, 0, 0, 100, 200, 300, REJECT]);
  });

  it('drains at the rate: after 1 s the full burst is available again, after 0.5 s half of it', () => {
    const b = new LeakyBucket({ rate: 10, burst: 5 });
    burst(b, 7, 0); // excess 5 (rejections do not count)
    expect(b.excessAt('k', 0)).toBe(5);
    expect(b.excessAt('k', 500)).toBe(0);
    expect(burst(b, 7, 1000)).toEqual([0, 100, 200, 300, 400, 500, REJECT]);
    // At 1500: 5 - 5 + 1 = 1 → 100 ms, then 2..5, then full.
    expect(burst(b, 6, 1500)).toEqual([100, 200, 300, 400, 500, REJECT]);
  });

  it('burst 0 enforces the spacing 1/rate exactly', () => {
    const b = new LeakyBucket({ rate: 10 });
    expect(b.admit('', 0)).toBe(0);
    expect(b.admit('', 0)).toBe(REJECT);
    expect(b.admit('', 50)).toBe(REJECT); // 0 - 0.5 + 1 = 0.5 > 0
    expect(b.admit('', 100)).toBe(0);
    for (let t = 200; t <= 1000; t += 100) expect(b.admit('', t)).toBe(0);
    expect(b.admit('', 1099)).toBe(REJECT);
  });

  it('keys are independent; the key "" is one shared bucket', () => {
    const b = new LeakyBucket({ rate: 1, burst: 1, nodelay: true });
    expect(burst(b, 3, 0, 'a')).toEqual([0, 0, REJECT]);
    expect(burst(b, 3, 0, 'b')).toEqual([0, 0, REJECT]);
    expect(burst(b, 3, 0, '')).toEqual([0, 0, REJECT]);
    expect(b.size()).toBe(3);
  });

  it('fractional rates and times drain continuously', () => {
    const b = new LeakyBucket({ rate: 3, burst: 1 });
    expect(b.admit('k', 0)).toBe(0);
    expect(b.admit('k', 0)).toBeCloseTo(1000 / 3, 9);
    expect(b.admit('k', 0)).toBe(REJECT);
    // 1/3 s later one request has leaked out (the rejected one never counted): 1 - 1 + 1 = 1.
    expect(b.admit('k', 1000 / 3)).toBeCloseTo(1000 / 3, 9);
    expect(b.admit('k', 1000 / 3)).toBe(REJECT);
    // 2/3 s after that the bucket is empty again: 1 - 2 + 1 = 0.
    expect(b.admit('k', 1000)).toBe(0);
  });

  it('evicts only drained keys once over maxKeys, invisibly to admission', () => {
    const b = new LeakyBucket({ rate: 10, burst: 5, maxKeys: 4 });
    for (let k = 0; k < 4; k++) b.admit(`old${k}`, 0);
    b.admit('busy', 1000);
    b.admit('busy', 1000);
    // Adding the 5th key swept the four old ones: at 1000 ms they would act like new keys.
    expect(b.size()).toBe(1);
    expect(b.sweep(1000)).toBe(0);
    // 'busy' holds excess 1 at 1000: drained like a new key only at 1000 + 200 ms.
    expect(b.sweep(1199)).toBe(0);
    expect(b.sweep(1200)).toBe(1);
    expect(b.size()).toBe(0);
    expect(b.admit('busy', 1200)).toBe(0);
    // Memory stays bounded under a stream of one-off keys.
    for (let k = 0; k < 1000; k++) b.admit(`once${k}`, 2000 + k * 200);
    expect(b.size()).toBeLessThanOrEqual(5);
  });

  it('rejects invalid options', () => {
    expect(() => new LeakyBucket({ rate: 0 })).toThrow(RangeError);
    expect(() => new LeakyBucket({ rate: 1, burst: -1 })).toThrow(RangeError);
  });
});
