/**
 * The engines' codes: every failure code and every balancer refusal code maps to exactly one of the
 * results' error kinds (or, for the two that never end a request, to none), every error kind is
 * reached by some code, and the kinds are exactly the results' `ErrorCounts` keys, in their order.
 */
import { describe, expect, it } from 'vitest';
import * as core from '../../core/balancer/index.js';
import type { ErrorCounts } from '../../results/schema.js';
import {
  ERROR_KINDS,
  errorCounts,
  errorKindOf,
  FAIL_5XX,
  FAIL_CANCELLED,
  FAIL_CONNECT,
  FAIL_FULL,
  FAIL_NONE,
  FAIL_RESET,
  FAIL_TIMEOUT,
  FAILURE_CODES,
  RELEASE_ERROR,
} from './codes.js';

/** Every key of the results' error counts (the compiler checks that none is missing). */
const RESULT_KINDS: Record<keyof ErrorCounts, true> = {
  refused: true,
  timeout: true,
  http5xx: true,
  reset: true,
  rateLimited: true,
  unavailable: true,
};

/** Every refusal code the core exports (`REFUSED_*`), so a new one is covered as soon as it exists. */
const REFUSALS = Object.entries(core)
  .filter(([name]) => name.startsWith('REFUSED_'))
  .map(([, code]) => code as number);

const kindName = (k: number): string => ERROR_KINDS[k]!;

describe('codes and the map to error kinds', () => {
  it('the error kinds are the results\' ErrorCounts keys, in order, and errorCounts names each index', () => {
    expect([...ERROR_KINDS]).toEqual(Object.keys(RESULT_KINDS));
    const counts = errorCounts(Float64Array.from(ERROR_KINDS, (_n, i) => i + 1));
    expect(Object.entries(counts)).toEqual(ERROR_KINDS.map((n, i) => [n, i + 1]));
  });

  it('the failure codes are 0 … FAILURE_CODES − 1, each with the release kind the balancer is told', () => {
    const codes = [FAIL_NONE, FAIL_TIMEOUT, FAIL_FULL, FAIL_CONNECT, FAIL_RESET, FAIL_5XX, FAIL_CANCELLED];
    expect(codes).toEqual(Array.from({ length: FAILURE_CODES }, (_, i) => i));
    expect(RELEASE_ERROR).toHaveLength(FAILURE_CODES);
    expect(codes.map((c) => RELEASE_ERROR[c])).toEqual(['none', 'timeout', 'none', 'connect', 'reset', 'none', 'cancelled']);
  });

  it('every failure code that ends a request maps to its kind, whatever the refusal', () => {
    const expected: [number, keyof ErrorCounts][] = [
      [FAIL_TIMEOUT, 'timeout'],
      [FAIL_FULL, 'http5xx'],
      [FAIL_CONNECT, 'refused'],
      [FAIL_RESET, 'reset'],
      [FAIL_5XX, 'http5xx'],
    ];
    for (const [code, name] of expected) {
      for (const refusal of [0, ...REFUSALS]) expect(kindName(errorKindOf(code, refusal))).toBe(name);
    }
    expect(errorKindOf(FAIL_CANCELLED, 0)).toBe(-1);
  });

  it('with no failed attempt, every balancer refusal code maps to rate-limited or unavailable', () => {
    expect(REFUSALS).toHaveLength(6);
    for (const refusal of REFUSALS) {
      expect(refusal).toBeLessThan(0);
      expect(kindName(errorKindOf(FAIL_NONE, refusal))).toBe(refusal === core.REFUSED_RATE_LIMITED ? 'rateLimited' : 'unavailable');
    }
    expect(REFUSALS).not.toContain(core.QUEUED);
  });

  it('every error kind is reached by some failure or refusal code', () => {
    const reached = new Set<number>();
    for (let f = 0; f < FAILURE_CODES; f++) for (const refusal of REFUSALS) reached.add(errorKindOf(f, refusal));
    reached.delete(-1);
    expect([...reached].sort()).toEqual(ERROR_KINDS.map((_n, i) => i));
  });
});
