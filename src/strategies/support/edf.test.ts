import { describe, expect, it } from 'vitest';
import { EdfScheduler } from './edf.js';

const weights = [3, 5, 7, 1.5];
const wOf = (i: number) => weights[i]!;
const all = Int32Array.from([0, 1, 2, 3]);

describe('EdfScheduler (Envoy edf_scheduler.h)', () => {
  it('picks in deadline order, FIFO among equal deadlines: weights 2, 1, 1 → 0 1 2 0 0 1 2 0 …', () => {
    const w = [2, 1, 1];
    const s = new EdfScheduler();
    s.build(Int32Array.from([0, 1, 2]), 3, 3, (i) => w[i]!, 0);
    // Deadlines 1/2, 1, 1 (orders 0, 1, 2): 0 at 0.5 → re-added at 1.0 (order 3), behind 1 and 2.
    expect(Array.from({ length: 8 }, () => s.pickAndAdd((i) => w[i]!))).toEqual([0, 1, 2, 0, 0, 1, 2, 0]);
  });

  it('createWithPicks(P): the next picks as Envoy makes them (C++ transcription of edf_scheduler.h)', () => {
    // Weights 3, 5, 7, 1.5; the 30 picks after building with P emulated picks (P mod 429496729).
    const want: Record<number, string> = {
      1: '120122130212012212301221021230',
      7: '130212012212301221021230122120',
      100: '120122130212012212301221021230',
      12345: '012213021201221230122102123012',
      3000000000: '230122102123012212012213021201',
    };
    for (const [picks, seq] of Object.entries(want)) {
      const s = new EdfScheduler();
      s.build(all, 4, 4, wOf, Number(picks));
      expect(Array.from({ length: 30 }, () => s.pickAndAdd(wOf)).join('')).toBe(seq);
    }
  });

  it('an ineligible entry is parked when its turn comes and rejoins with a fresh deadline', () => {
    const s = new EdfScheduler();
    s.build(all, 4, 4, wOf, 0);
    const eligible = Uint8Array.from([1, 1, 0, 1]);
    const seen = new Set<number>();
    for (let k = 0; k < 40; k++) seen.add(s.pickEligible(eligible, wOf));
    expect(seen.has(2)).toBe(false);
    expect(s.parkedBackends).toBe(1);
    eligible[2] = 1;
    s.unpark(eligible, 4, wOf);
    expect(s.parkedBackends).toBe(0);
    const counts = [0, 0, 0, 0];
    for (let k = 0; k < 16_500; k++) counts[s.pickEligible(eligible, wOf)]!++;
    // Shares ∝ weight again: 3 : 5 : 7 : 1.5 of 16.5.
    counts.forEach((c, i) => expect(Math.abs(c / 16_500 - weights[i]! / 16.5)).toBeLessThan(0.002));
  });

  it('backends outside the built list start parked and join when eligible', () => {
    const s = new EdfScheduler();
    s.build(Int32Array.from([1, 3]), 2, 4, wOf, 0);
    expect(s.parkedBackends).toBe(2);
    s.unpark(Uint8Array.from([1, 1, 1, 1]), 4, wOf);
    expect(s.parkedBackends).toBe(0);
    expect(s.empty).toBe(false);
  });
});
