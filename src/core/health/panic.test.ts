import { describe, expect, it } from 'vitest';
import { inPanic, PANIC_DEFAULT_PERCENT } from './panic.js';

describe('inPanic (Envoy healthy_panic_threshold)', () => {
  it('panics strictly below the threshold', () => {
    expect(PANIC_DEFAULT_PERCENT).toBe(50);
    expect(inPanic(5, 10, 50)).toBe(false); // exactly 50 %
    expect(inPanic(4, 10, 50)).toBe(true);
    expect(inPanic(1, 3, 50)).toBe(true); // 33 %
    expect(inPanic(2, 3, 50)).toBe(false);
    expect(inPanic(2, 4)).toBe(false); // default 50
    expect(inPanic(10, 10, 100)).toBe(false);
    expect(inPanic(9, 10, 100)).toBe(true);
    expect(inPanic(9, 10, 150)).toBe(true); // clamped to 100
  });

  it('threshold 0 disables; no backends at all is panic', () => {
    expect(inPanic(0, 10, 0)).toBe(false);
    expect(inPanic(0, 0, 50)).toBe(true);
    expect(inPanic(0, 0, 0)).toBe(false);
  });
});
