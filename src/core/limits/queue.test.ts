import { describe, expect, it } from 'vitest';
import { WaitQueue } from './queue.js';

describe('WaitQueue (HAProxy maxqueue FIFO)', () => {
  it('is FIFO with enqueue times', () => {
    const q = new WaitQueue(10);
    expect(q.peekToken()).toBe(-1);
    expect(q.peekTime()).toBe(Infinity);
    expect(q.shift()).toBe(-1);
    q.push(7, 100);
    q.push(3, 105);
    q.push(9, 110);
    expect(q.length).toBe(3);
    expect(q.peekToken()).toBe(7);
    expect(q.peekTime()).toBe(100);
    expect([q.shift(), q.shift(), q.shift(), q.shift()]).toEqual([7, 3, 9, -1]);
    expect(q.length).toBe(0);
  });

  it('refuses pushes when full; 0 means no queueing', () => {
    const q = new WaitQueue(2);
    expect(q.push(1, 0)).toBe(true);
    expect(q.push(2, 0)).toBe(true);
    expect(q.push(3, 0)).toBe(false);
    q.shift();
    expect(q.push(3, 1)).toBe(true);
    expect(new WaitQueue(0).push(1, 0)).toBe(false);
    expect(() => new WaitQueue(-1)).toThrow(RangeError);
  });

  it('keeps order across wrap-around and growth', () => {
    const q = new WaitQueue(Infinity);
    let next = 0;
    let expected = 0;
    // Advance head so the ring wraps, then push past capacity so it grows while wrapped.
    for (let k = 0; k < 12; k++) q.push(next++, next);
    for (let k = 0; k < 10; k++) expect(q.shift()).toBe(expected++);
    for (let k = 0; k < 14; k++) q.push(next++, next); // 16 entries, wrapped
    expect(q.capacity).toBe(16);
    q.push(next++, next); // grows to 32 while wrapped
    expect(q.capacity).toBe(32);
    for (let k = 0; k < 100; k++) q.push(next++, next);
    while (q.length > 0) {
      expect(q.peekTime()).toBe(expected + 1);
      expect(q.shift()).toBe(expected++);
    }
    expect(expected).toBe(next);
  });

  it('growth stops at maxQueue', () => {
    const q = new WaitQueue(20);
    for (let k = 0; k < 25; k++) q.push(k, k);
    expect(q.length).toBe(20);
    expect(q.capacity).toBe(20);
  });

  it('remove takes one entry out and keeps the order of the rest, also across the wrap', () => {
    const q = new WaitQueue(16);
    for (let k = 0; k < 10; k++) q.push(k, k);
    for (let k = 0; k < 8; k++) q.shift(); // head at 8
    for (let k = 10; k < 20; k++) q.push(k, k); // wraps: 8..19
    expect(q.remove(13)).toBe(true);
    expect(q.remove(13)).toBe(false);
    expect(q.remove(8)).toBe(true);
    expect(q.remove(19)).toBe(true);
    const rest: [number, number][] = [];
    while (q.length > 0) {
      const time = q.peekTime();
      rest.push([q.shift(), time]);
    }
    expect(rest).toEqual([9, 10, 11, 12, 14, 15, 16, 17, 18].map((k) => [k, k]));
  });
});
