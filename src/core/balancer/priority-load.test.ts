/**
 * Envoy's priority load (`priority-load.ts`) against the tables of Envoy's load-balancing
 * documentation (priority levels, degraded endpoints, panic threshold), with 100 hosts per level
 * so that "72 % healthy" is 72 hosts. Where the documentation's rounding differs from the source's
 * integer arithmetic, the source's value is pinned and the documented one named beside it
 * (docs/tiers.md lists them).
 */
import { describe, expect, it } from 'vitest';
import { choosePriority, priorityLoad, type LevelCounts } from './priority-load.js';

const lv = (healthy: number, degraded = 0): LevelCounts => ({ hosts: 100, healthy, degraded });
/** Priority loads with panic off: the priority page leaves panic aside (its own page follows). */
const loads = (...levels: LevelCounts[]) => priorityLoad(levels, 140, 0).healthyLoad;

describe('Envoy priority levels (priority.rst)', () => {
  it('two levels, P=1 fully healthy', () => {
    const rows: [number, number, number][] = [
      [100, 100, 0],
      [72, 100, 0],
      [71, 99, 1],
      [50, 70, 30],
      [25, 35, 65],
      [0, 0, 100],
    ];
    for (const [p0, t0, t1] of rows) expect(loads(lv(p0), lv(100)), `P0 ${p0}%`).toEqual([t0, t1]);
  });

  it('two levels, both degrading (normalized total health)', () => {
    const rows: [number, number, number, number][] = [
      [100, 100, 100, 0],
      [72, 72, 100, 0],
      [71, 71, 99, 1],
      [50, 50, 70, 30],
      [25, 100, 35, 65],
      [25, 25, 50, 50],
    ];
    for (const [p0, p1, t0, t1] of rows) expect(loads(lv(p0), lv(p1)), `${p0}/${p1}`).toEqual([t0, t1]);
  });

  it('three levels', () => {
    const rows: [number, number, number, number[]][] = [
      [100, 100, 100, [100, 0, 0]],
      [72, 72, 100, [100, 0, 0]],
      [71, 71, 100, [99, 1, 0]],
      [50, 50, 100, [70, 30, 0]],
      [25, 100, 100, [35, 65, 0]],
      [25, 25, 100, [35, 35, 30]],
      // The documentation rounds 35.7/35.7/28.6 to 36/36/28; the source floors each level
      // (35/35/28) and gives the remaining 2 % to the first healthy level.
      [25, 25, 20, [37, 35, 28]],
    ];
    for (const [a, b, c, want] of rows) expect(loads(lv(a), lv(b), lv(c)), `${a}/${b}/${c}`).toEqual(want);
  });

  it('health is the overprovisioned, capped, floored fraction', () => {
    const r = priorityLoad([{ hosts: 7, healthy: 5 }, { hosts: 3, healthy: 1 }]);
    // 140 × 5 / 7 = 100; 140 × 1 / 3 = 46.7 → 46
    expect(r.health).toEqual([100, 46]);
    expect(priorityLoad([{ hosts: 10, healthy: 5 }], 100).health).toEqual([50]);
  });
});

describe('Envoy degraded endpoints (degraded.rst), one level', () => {
  it('healthy / degraded / unhealthy → load to healthy, to degraded', () => {
    const rows: [number, number, number, number][] = [
      [100, 0, 100, 0],
      [71, 0, 100, 0],
      [71, 29, 99, 1],
      [25, 65, 35, 65],
      [5, 0, 100, 0],
    ];
    for (const [h, d, th, td] of rows) {
      const r = priorityLoad([lv(h, d)]);
      expect([r.healthyLoad[0], r.degradedLoad[0]], `${h}/${d}`).toEqual([th, td]);
    }
  });

  it('choosePriority walks healthy loads, then degraded loads', () => {
    const r = priorityLoad([lv(25, 65)]);
    // draws 0…34 → healthy P0 (x = 1…35), 35…99 → degraded P0 (returned as level + count)
    expect(choosePriority(0, r.healthyLoad, r.degradedLoad)).toBe(0);
    expect(choosePriority(34, r.healthyLoad, r.degradedLoad)).toBe(0);
    expect(choosePriority(35, r.healthyLoad, r.degradedLoad)).toBe(1);
    expect(choosePriority(99, r.healthyLoad, r.degradedLoad)).toBe(1);
    expect(choosePriority(135, r.healthyLoad, r.degradedLoad)).toBe(1); // h % 100
  });
});

describe('Envoy panic threshold (panic_threshold.rst), threshold 50 %', () => {
  const row = (p0: number, p1: number) => {
    const r = priorityLoad([lv(p0), lv(p1)], 140, 50);
    return [r.healthyLoad[0], r.panic[0], r.healthyLoad[1], r.panic[1], r.normalizedTotal];
  };

  it('P=1 fully healthy: normalized total health stays 100 %, no level panics', () => {
    expect(row(72, 100)).toEqual([100, false, 0, false, 100]);
    expect(row(71, 100)).toEqual([99, false, 1, false, 100]);
    expect(row(50, 100)).toEqual([70, false, 30, false, 100]);
    expect(row(25, 100)).toEqual([35, false, 65, false, 100]);
    expect(row(0, 100)).toEqual([0, false, 100, false, 100]);
  });

  it('both levels degrading: panic per level once the total is below 100 %', () => {
    expect(row(72, 72)).toEqual([100, false, 0, false, 100]);
    expect(row(71, 71)).toEqual([99, false, 1, false, 100]);
    // The page lists 50 %/50 % and 25 %/75 % for these two rows, which is the split without the
    // overprovisioning factor; with it (as the source computes, and as the page's own other rows
    // do) health is 70 + 84 and 35 + 100.
    expect(row(50, 60)).toEqual([70, false, 30, false, 100]);
    expect(row(25, 100)).toEqual([35, false, 65, false, 100]);
    // Total panic: loads by host counts.
    expect(row(25, 25)).toEqual([50, true, 50, true, 70]);
    // The page rounds to 7 %/93 %; the source floors (7, 92) and gives the remainder to P=0.
    expect(row(5, 65)).toEqual([8, true, 92, false, 98]);
  });

  it('nothing healthy: total panic with a threshold, 100 % to P=0 without one', () => {
    const withPanic = priorityLoad([lv(0), { hosts: 50, healthy: 0 }], 140, 50);
    expect(withPanic.totalPanic).toBe(true);
    expect(withPanic.healthyLoad).toEqual([67, 33]); // 100 × 100/150 = 66, 100 × 50/150 = 33, +1 to P=0
    const noPanic = priorityLoad([lv(0), lv(0)], 140, 0);
    expect(noPanic.totalPanic).toBe(false);
    expect(noPanic.panic).toEqual([false, false]);
    expect(noPanic.healthyLoad).toEqual([100, 0]);
  });
});
