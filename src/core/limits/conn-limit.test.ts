import { describe, expect, it } from 'vitest';
import { ConnLimit } from './conn-limit.js';

describe('ConnLimit (nginx limit_conn)', () => {
  it('caps concurrent holders per key and frees the entry at 0', () => {
    const c = new ConnLimit(2);
    expect(c.tryAcquire('a')).toBe(true);
    expect(c.tryAcquire('a')).toBe(true);
    expect(c.tryAcquire('a')).toBe(false);
    expect(c.tryAcquire('b')).toBe(true);
    expect(c.count('a')).toBe(2);
    expect(c.size()).toBe(2);
    c.release('a');
    expect(c.count('a')).toBe(1);
    expect(c.tryAcquire('a')).toBe(true);
    c.release('a');
    c.release('a');
    c.release('b');
    expect(c.count('a')).toBe(0);
    expect(c.size()).toBe(0);
  });

  it('release without a held slot throws; bad limits are refused', () => {
    const c = new ConnLimit(1);
    expect(() => c.release('x')).toThrow();
    expect(() => new ConnLimit(0)).toThrow(RangeError);
    expect(() => new ConnLimit(1.5)).toThrow(RangeError);
    const u = new ConnLimit(Infinity);
    for (let k = 0; k < 100; k++) expect(u.tryAcquire('k')).toBe(true);
  });
});
