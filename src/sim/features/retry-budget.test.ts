/** The retry budget: retries never exceed ratio × requests; savings are capped at `burst`. */
import { describe, expect, it } from 'vitest';
import { RetryBudget } from './retry-budget.js';

describe('RetryBudget', () => {
  it('ratio 0.2: one retry per 5 requests, none before the fifth', () => {
    const b = new RetryBudget({ ratio: 0.2, burst: 10 });
    const got: boolean[] = [];
    for (let i = 0; i < 10; i++) {
      b.deposit();
      got.push(b.tryRetry());
    }
    expect(got).toEqual([false, false, false, false, true, false, false, false, false, true]);
    expect(b.granted).toBe(2);
    expect(b.denied).toBe(8);
  });

  it('a quiet period saves at most `burst` retries: 1000 requests at ratio 0.5, burst 3 → 3 retries, then none', () => {
    const b = new RetryBudget({ ratio: 0.5, burst: 3 });
    for (let i = 0; i < 1000; i++) b.deposit();
    expect([b.tryRetry(), b.tryRetry(), b.tryRetry(), b.tryRetry()]).toEqual([true, true, true, false]);
  });

  it('under a retry storm retries ≤ ratio × requests at every moment', () => {
    const b = new RetryBudget({ ratio: 0.1, burst: 100 });
    for (let n = 1; n <= 10_000; n++) {
      b.deposit();
      while (b.tryRetry()); // every failure wants a retry
      expect(b.granted).toBeLessThanOrEqual(0.1 * n + 1e-6);
    }
    expect(b.granted).toBe(1000);
  });
});
