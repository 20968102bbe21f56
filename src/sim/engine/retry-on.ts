/**
 * Which failed attempts a request retries (`balancer.retryOn`), as a lookup table the engines read
 * in their failure paths: slot {@link RETRY_CONNECT}, {@link RETRY_RESET}, {@link RETRY_TIMEOUT}
 * for the error kinds, and the status code itself (400–599) for answered errors. Without
 * `retryOn` every failure is retryable (connect errors, resets, timeouts, every 5xx), the
 * simulator's rule before the setting existed. The proxies' own lists: nginx `proxy_next_upstream`
 * (`error` = connect and reset, `timeout`, `http_500` …; ngx_http_proxy_module), HAProxy
 * `retry-on` (`conn-failure`, `empty-response`, `response-timeout`, status codes), Envoy
 * `retry_on` (`connect-failure`, `reset`, `5xx`, `retriable-status-codes`).
 */
import type { RetryCondition } from '../../scenario/types.js';
import { FAIL_5XX, FAIL_CONNECT, FAIL_FULL, FAIL_RESET, FAIL_TIMEOUT } from './codes.js';

/** Table slot of a connect error (refused). */
export const RETRY_CONNECT = 0;
/** Table slot of a reset (the connection dropped mid-request). */
export const RETRY_RESET = 1;
/** Table slot of a per-attempt timeout. */
export const RETRY_TIMEOUT = 2;

/** The lookup table for `conditions` (absent = everything); 1 = retry. */
export function retryTable(conditions: readonly RetryCondition[] | undefined): Uint8Array {
  const t = new Uint8Array(600);
  const all = conditions === undefined;
  const set = new Set<RetryCondition>(conditions ?? []);
  t[RETRY_CONNECT] = all || set.has('connect') ? 1 : 0;
  t[RETRY_RESET] = all || set.has('reset') ? 1 : 0;
  t[RETRY_TIMEOUT] = all || set.has('timeout') ? 1 : 0;
  for (let s = 400; s < 600; s++) t[s] = (all && s >= 500) || (set.has('5xx') && s >= 500) || set.has(s) ? 1 : 0;
  return t;
}

/**
 * Whether an attempt that failed with `failure` (a failure code, `codes.ts`) and answered `status`
 * is retried under `table`: a timeout, a refused or a reset connection by their slots, an answered
 * error (a full backend's 503, a fault's 5xx) by its status. Any other code keeps the rule without
 * `retryOn`: retried.
 */
export function retryable(table: Uint8Array, failure: number, status: number): boolean {
  switch (failure) {
    case FAIL_TIMEOUT:
      return table[RETRY_TIMEOUT] === 1;
    case FAIL_CONNECT:
      return table[RETRY_CONNECT] === 1;
    case FAIL_RESET:
      return table[RETRY_RESET] === 1;
    case FAIL_FULL:
    case FAIL_5XX:
      return table[status] === 1;
    default:
      return true;
  }
}
