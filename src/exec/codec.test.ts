import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { canonical, decode, encode } from './codec.js';
import { runJob } from './job.js';
import { choice, testScenario } from '../sim/test/fixture.js';

describe('codec', () => {
  it('carries NaN, ±Infinity, -0 and undefined-valued keys exactly, where JSON would not', () => {
    const v = { a: NaN, b: [Infinity, -Infinity, -0, 0, 1.5e-300], c: { d: undefined, e: null, f: 'x', g: true }, h: [undefined] };
    const back = decode(encode(v));
    expect(isDeepStrictEqual(back, v)).toBe(true);
    expect(Object.is((back as { b: number[] }).b[2], -0)).toBe(true);
    expect('d' in (back as { c: object }).c).toBe(true);
    expect(isDeepStrictEqual(JSON.parse(JSON.stringify(v)), v)).toBe(false); // what plain JSON loses
  });

  it('round-trips real run summaries, including one where nothing completed (NaN latencies)', () => {
    const sc = testScenario({ durationMs: 500, warmupMs: 50, intervalMs: 100, backends: [{ count: 2 }], strategies: [choice('p2c')] });
    const busy = runJob({ scenario: sc, choice: choice('p2c'), seed: 5 });
    const idle = runJob({ scenario: { ...sc, clients: { ...sc.clients, process: { arrival: 'poisson', rate: 0.001 } } }, choice: choice('p2c'), seed: 5 });
    expect(Number.isNaN(idle.latency.mean)).toBe(true);
    for (const s of [busy, idle]) expect(isDeepStrictEqual(decode(encode(s)), structuredClone(s))).toBe(true);
  });

  it('refuses what JSON could not carry: class instances, typed arrays, maps, "$" keys', () => {
    expect(() => encode({ a: new Float64Array(2) })).toThrow(/a is not plain data/);
    expect(() => encode({ m: new Map() })).toThrow(/not plain data/);
    expect(() => encode({ x: { $: 'NaN' } })).toThrow(/"\$" key/);
    expect(() => decode('{"$":"bogus"}')).toThrow(/unknown tag/);
  });

  it('canonical text ignores key order', () => {
    expect(canonical({ b: 1, a: { d: [1, { y: 2, x: NaN }], c: 0 } })).toBe(canonical({ a: { c: 0, d: [1, { x: NaN, y: 2 }] }, b: 1 }));
    expect(canonical({ a: 1 })).not.toBe(canonical({ a: 2 }));
  });
});
