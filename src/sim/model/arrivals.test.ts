import { describe, it, expect } from 'vitest';
import { arrivalProcess, meanRate, PiecewiseRate } from './arrivals.js';
import type { Arrival } from '../../scenario/types.js';
import { Rng } from '../../core/rng.js';

/** Arrival times in [0, until) from process `a` with seed `seed`. */
function times(a: Arrival, until: number, seed = 3): number[] {
  const p = arrivalProcess(a, new Rng(seed, 'arrivals-test'));
  const out: number[] = [];
  for (let t = p.next(0); t < until; t = p.next(t)) out.push(t);
  return out;
}

const count = (ts: number[], from: number, to: number): number => ts.filter((t) => t >= from && t < to).length;

describe('arrival processes (rates in req/s, times in ms)', () => {
  it('poisson 2000/s over 100 s: count within 1 %, inter-arrival CV within 2 % of 1', () => {
    const ts = times({ arrival: 'poisson', rate: 2000 }, 100_000);
    expect(Math.abs(ts.length / 200_000 - 1)).toBeLessThan(0.01);
    const gaps = ts.slice(1).map((t, i) => t - ts[i]!);
    const m = gaps.reduce((s, g) => s + g, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((s, g) => s + (g - m) ** 2, 0) / gaps.length);
    expect(Math.abs(sd / m - 1)).toBeLessThan(0.02);
  });

  it('constant 400/s: exactly every 2.5 ms', () => {
    const ts = times({ arrival: 'constant', rate: 400 }, 1000);
    expect(ts.length).toBe(399);
    expect(ts[0]).toBe(2.5);
    expect(ts[10]).toBe(27.5);
  });

  it('bursty: 1000/s during 1 s on-periods, 100/s during 4 s off-periods (each within 3 %), mean 280/s', () => {
    const a: Arrival = { arrival: 'bursty', rate: 100, burstRate: 1000, onMs: 1000, offMs: 4000 };
    const ts = times(a, 200_000);
    let on = 0;
    for (let c = 0; c < 40; c++) on += count(ts, c * 5000, c * 5000 + 1000);
    expect(Math.abs(on / 40_000 - 1)).toBeLessThan(0.03);
    expect(Math.abs((ts.length - on) / 16_000 - 1)).toBeLessThan(0.03);
    expect(meanRate(a, 0, 200_000)).toBeCloseTo(280, 9);
    expect(Math.abs(ts.length / 200 / 280 - 1)).toBeLessThan(0.02);
  });

  it('schedule with a step and a ramp: 0 before the first step, linear ramp, then hold (within 3 %)', () => {
    const a: Arrival = {
      arrival: 'schedule',
      steps: [
        { atMs: 10_000, rate: 500, ramp: false },
        { atMs: 30_000, rate: 2500, ramp: true },
      ],
    };
    const ts = times(a, 60_000);
    expect(count(ts, 0, 10_000)).toBe(0);
    // [10 s, 30 s): rate ramps 500 → 2500 req/s: 20 s × 1500 = 30 000 expected
    expect(Math.abs(count(ts, 10_000, 30_000) / 30_000 - 1)).toBeLessThan(0.03);
    // first half of the ramp: mean rate 1000 → 10 000 expected
    expect(Math.abs(count(ts, 10_000, 20_000) / 10_000 - 1)).toBeLessThan(0.03);
    expect(Math.abs(count(ts, 30_000, 60_000) / 75_000 - 1)).toBeLessThan(0.03);
    expect(meanRate(a, 0, 60_000)).toBeCloseTo((0 + 30_000 + 75_000) / 60, 9);
  });

  it('a schedule ending at rate 0 stops', () => {
    const p = arrivalProcess(
      {
        arrival: 'schedule',
        steps: [
          { atMs: 0, rate: 1000, ramp: false },
          { atMs: 100, rate: 0, ramp: false },
        ],
      },
      new Rng(1),
    );
    let t = 0;
    let n = 0;
    while ((t = p.next(t)) < Infinity) n++;
    expect(n).toBeGreaterThan(50);
    expect(n).toBeLessThan(160);
  });

  it('PiecewiseRate.mass integrates periodic and ramped rates exactly', () => {
    const bursty = PiecewiseRate.of({ arrival: 'bursty', rate: 100, burstRate: 1000, onMs: 1000, offMs: 4000 });
    expect(bursty.mass(0, 5000)).toBeCloseTo(1400, 9); // 1/ms × 1000 ms + 0.1/ms × 4000 ms
    expect(bursty.mass(500, 10_500)).toBeCloseTo(2800, 9); // two whole periods
    expect(bursty.mass(0, 500)).toBeCloseTo(500, 9);
    const ramp = PiecewiseRate.of({ arrival: 'schedule', steps: [{ atMs: 1000, rate: 1000, ramp: true }] });
    expect(ramp.mass(0, 1000)).toBeCloseTo(500, 9); // 0 → 1/ms over 1000 ms
  });
});
