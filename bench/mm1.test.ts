/** The bare M/M/1 loop: two events per request, and the textbook mean response. */
import { describe, it, expect } from 'vitest';
import { bareMM1 } from './mm1.js';

describe('bareMM1', () => {
  it('processes two events per request and is deterministic for a seed', () => {
    const a = bareMM1(10_000, 0.8, 1, 7);
    expect(a.requests).toBe(10_000);
    expect(a.events).toBe(20_000);
    expect(bareMM1(10_000, 0.8, 1, 7)).toEqual(a);
  });

  it('matches the M/M/1 mean response 1 / (μ − λ) within 5 % over 200k requests', () => {
    const r = bareMM1(200_000, 0.8, 1, 1); // theory 5 ms
    expect(Math.abs(r.meanMs - 5) / 5).toBeLessThan(0.05);
    const light = bareMM1(200_000, 0.5, 1, 2); // theory 2 ms
    expect(Math.abs(light.meanMs - 2) / 2).toBeLessThan(0.05);
  });
});
