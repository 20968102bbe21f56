/**
 * `num`'s own decimal conversion (template.ts) against JavaScript's `+s`: the same double, bit for
 * bit, for every kind of number a log writes, and NaN where `+s` is not a finite number.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { num } from './template.js';

const expected = (s: string): number => {
  if (s === '' || s === '-') return NaN;
  const v = +s;
  return Number.isFinite(v) ? v : NaN;
};

describe('num', () => {
  it('equals +s on 200,000 seeded decimals of 1 to 17 digits (whole, with a point anywhere, leading zeros)', () => {
    const rng = new Rng(20261205);
    let differ = 0;
    for (let i = 0; i < 200_000; i++) {
      const digits = 1 + (rng.nextU32() % 17);
      let s = '';
      for (let k = 0; k < digits; k++) s += String(rng.nextU32() % 10);
      const point = rng.nextU32() % (digits + 2); // digits + 1: no point
      if (point <= digits) s = `${s.slice(0, point)}.${s.slice(point)}`;
      if (!Object.is(num(s), expected(s))) differ++;
    }
    expect(differ).toBe(0);
  });

  it('log values and edge cases', () => {
    const cases = ['0.016', '1767225600.016', '0', '000', '007.50', '1.', '.5', '.', '-', '', '..1', '1.2.3', '999999999999999', '9999999999999999', '12345678901234567.5', '0x10', '1e3', ' 1', '1 ', '-1', '+1', 'Infinity', 'NaN', '١٢'];
    for (const s of cases) expect(Object.is(num(s), expected(s)), JSON.stringify(s)).toBe(true);
  });
});
