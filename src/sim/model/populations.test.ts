import { describe, it, expect } from 'vitest';
import { clientAddress, hash32, Population } from './populations.js';
import { Workload, WorkloadModel } from './workload.js';
import { testScenario } from '../test/fixture.js';
import { Rng } from '../../core/rng.js';

function frequencies(p: Population, draws: number, seed = 4): Float64Array {
  const f = new Float64Array(p.count);
  const rng = new Rng(seed, 'pop-test');
  for (let i = 0; i < draws; i++) f[p.draw(rng)]!++;
  return f.map((x) => x / draws);
}

describe('populations', () => {
  it('zipf(s = 1.2) over 1000 keys: the top 20 frequencies within 3 % of r^-s / H, and f(1)/f(2) ≈ 2^1.2', () => {
    const p = new Population({ count: 1000, popularity: 'zipf', exponent: 1.2 }, (i) => `k${i}`);
    let h = 0;
    for (let r = 1; r <= 1000; r++) h += r ** -1.2;
    const f = frequencies(p, 1_000_000);
    for (let r = 1; r <= 20; r++) {
      const expected = r ** -1.2 / h;
      expect(p.probability(r - 1)).toBeCloseTo(expected, 12);
      expect(Math.abs(f[r - 1]! / expected - 1)).toBeLessThan(0.03);
    }
    expect(Math.abs(f[0]! / f[1]! / 2 ** 1.2 - 1)).toBeLessThan(0.02);
  });

  it('the zipf exponent shows as the slope of log frequency vs log rank (ranks 1–50, within 3 %)', () => {
    for (const s of [0.8, 1.5]) {
      const p = new Population({ count: 5000, popularity: 'zipf', exponent: s }, String);
      const f = frequencies(p, 1_000_000, 8);
      // least-squares slope of ln f against ln r
      let sx = 0, sy = 0, sxx = 0, sxy = 0;
      const n = 50;
      for (let r = 1; r <= n; r++) {
        const x = Math.log(r);
        const y = Math.log(f[r - 1]!);
        sx += x; sy += y; sxx += x * x; sxy += x * y;
      }
      const slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
      expect(Math.abs(-slope / s - 1)).toBeLessThan(0.03);
    }
  });

  it('counter-based draws (hash32 of the arrival number) follow the same law: zipf(1) top 10 within 3 %', () => {
    const p = new Population({ count: 200, popularity: 'zipf', exponent: 1 }, String);
    const f = new Float64Array(200);
    const salt = 0x9e3779b9;
    const N = 1_000_000;
    for (let n = 0; n < N; n++) f[p.index(hash32(hash32(n ^ salt) ^ salt))]!++;
    for (let i = 0; i < 10; i++) expect(Math.abs(f[i]! / N / p.probability(i) - 1)).toBeLessThan(0.03);
  });

  it('hash32 is a bijection on a sample (no collisions among 100k consecutive inputs) and mixes the top bit', () => {
    const seen = new Set<number>();
    let top = 0;
    for (let i = 0; i < 100_000; i++) {
      const h = hash32(i);
      seen.add(h);
      if (h >= 2 ** 31) top++;
    }
    expect(seen.size).toBe(100_000);
    expect(Math.abs(top / 100_000 - 0.5)).toBeLessThan(0.01);
  });

  it('request attributes depend only on (seed, arrival number): same for every run of a seed', () => {
    const model = new WorkloadModel(testScenario({ clients: { keys: { count: 1000, popularity: 'zipf', exponent: 1.1 } } }));
    const a = new Workload(model, new Rng(7));
    const b = new Workload(model, new Rng(7));
    const c = new Workload(model, new Rng(8));
    const ns = [0, 1, 2, 999, 123456];
    expect(ns.map((n) => a.keyOf(n))).toEqual(ns.map((n) => b.keyOf(n)));
    expect(ns.map((n) => a.clientOf(n))).toEqual(ns.map((n) => b.clientOf(n)));
    expect(ns.map((n) => a.sessionOf(n))).toEqual(ns.map((n) => b.sessionOf(n)));
    expect(ns.map((n) => a.clientOf(n))).not.toEqual(ns.map((n) => c.clientOf(n)));
    expect(a.keyOf(5)).toMatch(/^k\d+$/);
    expect(a.sessionOf(5)).toMatch(/^s\d+$/);
    expect(a.clientOf(5)).toMatch(/^10\.\d+\.\d+\.\d+$/);
  });

  it('uniform over 50 values: every frequency within 5 % of 1/50', () => {
    const p = new Population({ count: 50, popularity: 'uniform', exponent: 1 }, (i) => `s${i}`);
    for (const x of frequencies(p, 500_000)) expect(Math.abs(x * 50 - 1)).toBeLessThan(0.05);
  });

  it('strings are built once, when first read; 0 or 1 values draw index 0 without randomness', () => {
    let built = 0;
    const p = new Population({ count: 3, popularity: 'uniform', exponent: 1 }, (i) => (built++, `k${i}`));
    expect(built).toBe(0);
    expect([0, 1, 2, 1].map((i) => p.value(i))).toEqual(['k0', 'k1', 'k2', 'k1']);
    expect(built).toBe(3);
    expect(() => p.value(3)).toThrow(RangeError);
    const none = new Population({ count: 0, popularity: 'zipf', exponent: 1 }, (i) => `k${i}`);
    expect(none.value(0)).toBe('');
    const rng = new Rng(1);
    const before = new Rng(1).next();
    expect(none.draw(rng)).toBe(0);
    expect(rng.next()).toBe(before);
  });

  it('client addresses spread over distinct /24 networks', () => {
    expect(clientAddress(0)).toBe('10.0.0.1');
    expect(clientAddress(1)).toBe('10.0.1.1');
    expect(clientAddress(65536)).toBe('10.0.0.2');
    const nets = new Set(Array.from({ length: 5000 }, (_, i) => clientAddress(i).split('.').slice(0, 3).join('.')));
    expect(nets.size).toBe(5000);
  });
});
