import { describe, it, expect } from 'vitest';
import { EventQueue, KINDS } from './event-queue.js';
import { Rng } from '../../core/rng.js';

function drain(q: EventQueue): { time: number; seq: number; kind: number; payload: number }[] {
  const out = [];
  while (q.pop()) out.push({ time: q.time, seq: q.seq, kind: q.kind, payload: q.payload });
  return out;
}

describe('EventQueue', () => {
  it('pops in time order', () => {
    const q = new EventQueue(4);
    q.push(5, 1, 50);
    q.push(1, 2, 10);
    q.push(3, 3, 30);
    q.push(2, 4, 20);
    expect(drain(q).map((e) => e.payload)).toEqual([10, 20, 30, 50]);
    expect(q.pop()).toBe(false);
  });

  it('resolves ties FIFO by sequence number', () => {
    const q = new EventQueue();
    for (let i = 0; i < 10; i++) q.push(i % 2 === 0 ? 7 : 3, 0, i);
    expect(drain(q).map((e) => e.payload)).toEqual([1, 3, 5, 7, 9, 0, 2, 4, 6, 8]);
  });

  it('returns increasing sequence numbers and exposes them on pop', () => {
    const q = new EventQueue();
    const a = q.push(1, 0, 0);
    const b = q.push(0, 0, 1);
    expect(b).toBe(a + 1);
    q.pop();
    expect(q.seq).toBe(b);
    expect(q.kind).toBe(0);
    expect(q.time).toBe(0);
  });

  it('grows by doubling past its initial capacity', () => {
    const q = new EventQueue(4);
    for (let i = 999; i >= 0; i--) q.push(i, i & 3, i);
    expect(q.size).toBe(1000);
    const out = drain(q);
    expect(out.length).toBe(1000);
    expect(out.every((e, i) => e.payload === i && e.kind === (i & 3))).toBe(true);
  });

  it('matches a stable sort on 20k random events with interleaved pops (seed 7)', () => {
    const rng = new Rng(7);
    const q = new EventQueue(8);
    const ref: { time: number; seq: number }[] = [];
    const popped: number[] = [];
    const expected: number[] = [];
    let now = 0;
    for (let i = 0; i < 20000; i++) {
      // coarse times force many ties
      const time = now + Math.floor(rng.next() * 50);
      const seq = q.push(time, 0, i);
      ref.push({ time, seq });
      if (rng.next() < 0.4 && q.pop()) {
        popped.push(q.seq);
        now = q.time;
        let m = 0;
        for (let j = 1; j < ref.length; j++) {
          const r = ref[j]!;
          const b = ref[m]!;
          if (r.time < b.time || (r.time === b.time && r.seq < b.seq)) m = j;
        }
        expected.push(ref.splice(m, 1)[0]!.seq);
      }
    }
    while (q.pop()) popped.push(q.seq);
    ref.sort((x, y) => x.time - y.time || x.seq - y.seq);
    for (const r of ref) expected.push(r.seq);
    expect(popped).toEqual(expected);
  });

  it('reserveSeq orders an event kept outside the heap against the heap by (time, seq)', () => {
    const q = new EventQueue();
    q.push(5, 0, 0);
    const outside = q.reserveSeq();
    const later = q.push(5, 0, 1);
    expect(q.peekSeq()).toBeLessThan(outside);
    q.pop();
    expect(q.peekTime()).toBe(5);
    expect(outside).toBeLessThan(q.peekSeq());
    expect(q.peekSeq()).toBe(later);
  });

  it('peekTime and clear', () => {
    const q = new EventQueue();
    expect(q.peekTime()).toBe(Infinity);
    q.push(4, 0, 0);
    q.push(2, 0, 0);
    expect(q.peekTime()).toBe(2);
    q.clear();
    expect(q.size).toBe(0);
    expect(q.pop()).toBe(false);
    expect(q.peekTime()).toBe(Infinity);
    expect(q.peekSeq()).toBe(Infinity);
    // emptied by popping the last event: peeks read Infinity again; the next push is seen
    q.push(7, 1, 3);
    expect(q.pop()).toBe(true);
    expect([q.time, q.kind, q.payload]).toEqual([7, 1, 3]);
    expect(q.peekTime()).toBe(Infinity);
    expect(q.peekSeq()).toBe(Infinity);
    q.at = 9;
    const seq = q.schedule(2, 4);
    expect(q.peekTime()).toBe(9);
    expect(q.peekSeq()).toBe(seq);
  });

  it('kind and payload survive packing: every kind below KINDS, payloads up to 2^26 − 1, and −1', () => {
    const q = new EventQueue(4);
    const cases: [number, number][] = [
      [0, 0],
      [KINDS - 1, 2 ** 26 - 1],
      [7, 123_456],
      [3, -1],
    ];
    cases.forEach(([kind, payload], i) => q.push(i, kind, payload));
    expect(q.payloadAt(0)).toBe(0);
    expect(() => q.push(9, KINDS, 0)).toThrow(RangeError);
    for (const [kind, payload] of cases) {
      expect(q.pop()).toBe(true);
      expect([q.kind, q.payload]).toEqual([kind, payload]);
    }
  });
});
