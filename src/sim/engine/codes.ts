/**
 * Every code the simulator's engines keep in their tables, in one place, and the one map from how a
 * request ended to the error kinds its results count.
 *
 * - Attempt states (`AttemptTable.state`): a request's attempt in flight, one its request gave up
 *   (timed out, or a hedge race's loser), a health probe, a probe already reported.
 * - Failure codes: how an attempt failed (`AttemptTable.err`, set where the failure happens) and,
 *   once the attempt is over, how its request's last attempt failed (`RequestTable.lastError`).
 *   One scheme for both, so an attempt's code becomes its request's as it is.
 * - Request flags (`RequestTable.flags`, full engine).
 * - Error kinds: the indices of `Recorder.errors`, named as the results' `ErrorCounts`
 *   (`src/results/schema.ts`).
 *
 * The balancer's refusal codes (`REFUSED_*`, negative, returned by `admit` / `acquire` and passed
 * to `QueueListener.refused`) belong to the core (`src/core/balancer.ts`), which the proxy shares;
 * {@link errorKindOf} maps them with the failure codes.
 */
import { REFUSED_RATE_LIMITED, type ErrorKind } from '../../core/balancer/index.js';
import type { ErrorCounts } from '../../results/schema.js';

// ---------------------------------------------------------------- attempt states

/** Attempt state: the slot is free. */
export const ATT_FREE = 0;
/** Attempt state: in flight for its request. */
export const ATT_ACTIVE = 1;
/** Attempt state: given up by its request (timed out, or cancelled); the backend may still hold it. */
export const ATT_ABANDONED = 2;
/** Attempt state: a health probe in flight (full engine, `health-probes.ts`). */
export const ATT_PROBE = 3;
/** Attempt state: a probe already reported (timed out), still at its backend or on the way. */
export const ATT_PROBE_OVER = 4;

// ---------------------------------------------------------------- failure codes

/** Failure code: none (an answer below 500, or no attempt has failed yet). */
export const FAIL_NONE = 0;
/** Failure code: the attempt timed out (its lease released as `timeout`). */
export const FAIL_TIMEOUT = 1;
/** Failure code: the backend's queue was full and it answered 503 (a rejection, not a failure). */
export const FAIL_FULL = 2;
/** Failure code: connection refused (a crashed or flapped-down backend; status 0). */
export const FAIL_CONNECT = 3;
/** Failure code: connection reset mid-request (the backend crashed, or a hang ended; status 0). */
export const FAIL_RESET = 4;
/** Failure code: a 5xx answered by an `errors` fault. */
export const FAIL_5XX = 5;
/** Failure code: a hedge race's loser, released as `cancelled` (its request succeeded). */
export const FAIL_CANCELLED = 6;
/** Number of failure codes (they are 0 … FAILURE_CODES − 1). */
export const FAILURE_CODES = 7;

/**
 * The balancer's `ErrorKind` for a lease whose attempt ended with each failure code (indexed by the
 * code): a full backend's 503 and a fault's 5xx are answers (`none`, the status tells), a timeout,
 * a refused or a reset connection are transport errors, a cancelled copy tells the balancer nothing.
 */
export const RELEASE_ERROR: readonly ErrorKind[] = ['none', 'timeout', 'none', 'connect', 'reset', 'none', 'cancelled'];

// ---------------------------------------------------------------- request flags

/** Request flag: one of its attempts met a failing backend (counted lost in a failover if it fails). */
export const REQ_FAULTY = 1;
/** Request flag: a hedged copy was sent (it does not count as a retry). */
export const REQ_HEDGED = 2;

// ---------------------------------------------------------------- error kinds

/** Error kind: connection refused. */
export const KIND_REFUSED = 0;
/** Error kind: the last attempt timed out. */
export const KIND_TIMEOUT = 1;
/** Error kind: answered 5xx (a fault, or a full backend's 503). */
export const KIND_HTTP_5XX = 2;
/** Error kind: connection reset. */
export const KIND_RESET = 3;
/** Error kind: refused by the balancer's rate limit. */
export const KIND_RATE_LIMITED = 4;
/** Error kind: refused by the balancer otherwise (no eligible backend, conn limit, queue). */
export const KIND_UNAVAILABLE = 5;

/** The results' name of each error kind (indexed by kind; the order of `ErrorCounts`' keys). */
export const ERROR_KINDS = ['refused', 'timeout', 'http5xx', 'reset', 'rateLimited', 'unavailable'] as const satisfies readonly (keyof ErrorCounts)[];

/** Marks a failure code that never ends a request ({@link FAIL_NONE}: the refusal decides; {@link FAIL_CANCELLED}). */
const NO_KIND = -1;

/** Error kind of a request whose last attempt failed with each failure code (indexed by the code). */
const KIND_OF_FAILURE = Int8Array.of(NO_KIND, KIND_TIMEOUT, KIND_HTTP_5XX, KIND_REFUSED, KIND_RESET, KIND_HTTP_5XX, NO_KIND);

/**
 * THE map to error kinds: the kind of a measured request that ended without an answer, from its
 * last attempt's failure code, or — when none of its attempts failed ({@link FAIL_NONE}) — from the
 * balancer's refusal code. A retry that finds no other backend thus fails with the previous
 * attempt's error. Returns -1 for {@link FAIL_CANCELLED}, which never ends a request.
 */
export function errorKindOf(failure: number, refusal: number): number {
  if (failure !== FAIL_NONE) return KIND_OF_FAILURE[failure]!;
  return refusal === REFUSED_RATE_LIMITED ? KIND_RATE_LIMITED : KIND_UNAVAILABLE;
}

/** The counts of `Recorder.errors` (indexed by kind) by the results' names. */
export function errorCounts(e: Float64Array): ErrorCounts {
  const out = {} as ErrorCounts;
  ERROR_KINDS.forEach((name, kind) => {
    out[name] = e[kind]!;
  });
  return out;
}
