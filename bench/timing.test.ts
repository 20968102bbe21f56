/** Timing rounds: bookkeeping and the choice of the reported figure (no timing is asserted). */
import { describe, it, expect } from 'vitest';
import { basisOf, bestMs, fresh, timeRound, type Timing } from './timing.js';

describe('timeRound', () => {
  it('returns the output, counts rounds and keeps finite, consistent bests', () => {
    const t = fresh();
    expect(timeRound(t, () => 42)).toBe(42);
    expect(timeRound(t, () => 'x')).toBe('x');
    expect(t.rounds).toBe(2);
    expect(Number.isFinite(t.wallMs) && t.wallMs >= 0).toBe(true);
    // A thread reading is kept only when it lies within (0, wall + 0.5 ms] (else it stays Infinity).
    if (Number.isFinite(t.threadMs)) expect(t.threadMs).toBeLessThanOrEqual(t.wallMs + 0.5);
  });
});

describe('bestMs / basisOf', () => {
  const base: Timing = { wallMs: 10, cpuMs: 12, threadMs: 9, rounds: 3 };
  it('reports the thread CPU time when there is one', () => {
    expect(bestMs(base)).toBe(9);
    expect(basisOf(base)).toBe('thread cpu');
  });
  it('falls back to wall time when no round had a thread reading (Infinity, or null after JSON)', () => {
    expect(bestMs({ ...base, threadMs: Infinity })).toBe(10);
    const viaJson = JSON.parse(JSON.stringify({ ...base, threadMs: Infinity })) as Timing;
    expect(viaJson.threadMs).toBeNull();
    expect(bestMs(viaJson)).toBe(10);
    expect(basisOf(viaJson)).toBe('wall');
  });
});
