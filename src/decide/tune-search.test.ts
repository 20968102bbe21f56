import { describe, expect, it } from 'vitest';
import { searchSettings, type SearchDim } from './tune-search.js';

/** Wraps a synthetic objective as a batch objective that counts evaluations. */
function counted(f: (x: number[]) => number): { objective: (xs: readonly number[][]) => Promise<number[]>; calls: number[][] } {
  const calls: number[][] = [];
  return {
    calls,
    objective: async (xs) =>
      xs.map((x) => {
        calls.push([...x]);
        return f(x);
      }),
  };
}

describe('tune search', () => {
  it('finds the known optimum of an integer objective over a wide range within the budget', async () => {
    const dims: SearchDim[] = [{ min: 1, max: 200, integer: true, log: false, initial: 2 }];
    const { objective, calls } = counted(([x]) => (x! - 73) ** 2);
    const r = await searchSettings(dims, objective, { budget: 20 });
    expect(r.best).toEqual([73]);
    expect(r.value).toBe(0);
    expect(calls.length).toBeLessThanOrEqual(20);
    expect(new Set(calls.map((c) => c.join())).size).toBe(calls.length); // never the same setting twice
  });

  it('tries every integer of a small range', async () => {
    const { objective, calls } = counted(([x]) => Math.abs(x! - 4) + (x === 9 ? -10 : 0)); // a spike the grid must not miss
    const r = await searchSettings([{ min: 2, max: 10, integer: true, log: false, initial: 2 }], objective, { budget: 20 });
    expect(r.best).toEqual([9]);
    expect(calls.length).toBe(9);
  });

  it('finds a continuous optimum on a log scale to about 2 %', async () => {
    const { objective } = counted(([x]) => (Math.log(x!) - Math.log(3)) ** 2);
    const r = await searchSettings([{ min: 0.01, max: 1000, integer: false, log: true, initial: null }], objective, { budget: 24 });
    expect(r.best[0]! / 3).toBeGreaterThan(0.97);
    expect(r.best[0]! / 3).toBeLessThan(1.03);
  });

  it('finds both settings of a two-dimensional objective by coordinate descent', async () => {
    const dims: SearchDim[] = [
      { min: 2, max: 20, integer: true, log: false, initial: 2 },
      { min: 1, max: 3, integer: false, log: false, initial: 1.25 },
    ];
    const { objective, calls } = counted(([d, f]) => (d! - 6) ** 2 + 40 * (f! - 2.2) ** 2);
    const r = await searchSettings(dims, objective, { budget: 40 });
    expect(r.best[0]).toBe(6);
    expect(Math.abs(r.best[1]! - 2.2)).toBeLessThan(0.05);
    expect(calls.length).toBeLessThanOrEqual(40);
  });

  it('is deterministic and stops at the budget', async () => {
    const f = ([x]: number[]) => Math.sin(x! / 7) + x! / 100;
    const a = await searchSettings([{ min: 0, max: 100, integer: false, log: false, initial: 50 }], counted(f).objective, { budget: 6 });
    const b = await searchSettings([{ min: 0, max: 100, integer: false, log: false, initial: 50 }], counted(f).objective, { budget: 6 });
    expect(a).toEqual(b);
    expect(a.evaluated.length).toBe(6);
  });
});
