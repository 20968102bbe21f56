/**
 * The balancer's small integer vocabulary: refusal codes returned by `admit`/`acquire` (a lease
 * handle is ≥ 0, so every code is negative), the error kinds a driver reports on `release`, and the
 * per-backend state codes of `backendState` and `status()`.
 *
 * Refusals mirror what the proxies answer with 503 (or 429): nginx `limit_req` / `limit_conn`
 * rejections, HAProxy's full queue (`maxqueue`) and queue timeout (`timeout queue`), and "no live
 * upstreams". States follow the order of precedence used in status pages: a removed or draining
 * backend is reported as such before its health.
 */

/** No backend is eligible (all down, drained, or excluded by retries). */
export const REFUSED_NO_BACKEND = -1;
/** The rate limiter rejected the request (nginx limit_req). */
export const REFUSED_RATE_LIMITED = -2;
/** Every eligible backend is at maxConn and the balancer queue is full. */
export const REFUSED_QUEUE_FULL = -3;
/** The request waits in the balancer queue; the listener will be told `granted` or `refused`. */
export const QUEUED = -4;
/** The per-key concurrency limit is reached (nginx limit_conn). */
export const REFUSED_CONN_LIMITED = -5;
/** The request waited in the balancer queue longer than `queue.timeoutMs`. */
export const REFUSED_QUEUE_TIMEOUT = -6;
/** Every eligible backend is at maxConn and there is no balancer queue. */
export const REFUSED_ALL_BUSY = -7;

/** Why a request was refused, in words (used in results, metrics and 503 bodies). */
export type RefusalReason =
  | 'no-backend'
  | 'rate-limited'
  | 'queue-full'
  | 'conn-limited'
  | 'queue-timeout'
  | 'all-busy';

/** Maps a negative refusal code to its reason. */
export function refusalReason(code: number): RefusalReason {
  switch (code) {
    case REFUSED_RATE_LIMITED:
      return 'rate-limited';
    case REFUSED_QUEUE_FULL:
      return 'queue-full';
    case REFUSED_CONN_LIMITED:
      return 'conn-limited';
    case REFUSED_QUEUE_TIMEOUT:
      return 'queue-timeout';
    case REFUSED_ALL_BUSY:
      return 'all-busy';
    default:
      return 'no-backend';
  }
}

/**
 * How an attempt ended, as the driver saw it. `none` with a status is a response;
 * `cancelled` (client went away, hedge lost) has no effect on health or latency signals.
 */
export type ErrorKind = 'none' | 'connect' | 'timeout' | 'reset' | 'cancelled';

/** A member of the pool, not down by any health mechanism. */
export const BACKEND_UP = 0;
/** Down by passive health (nginx max_fails) or by active checks (fall). */
export const BACKEND_DOWN = 1;
/** Ejected by outlier detection (Envoy). */
export const BACKEND_EJECTED = 2;
/** Draining: no new requests, whatever its health. */
export const BACKEND_DRAINING = 3;
/** Removed from the pool (its index stays reserved). */
export const BACKEND_REMOVED = 4;

/** Names of the backend state codes, indexed by code. */
export const BACKEND_STATES = ['up', 'down', 'ejected', 'draining', 'removed'] as const;

/** A backend's state in words (see {@link BACKEND_STATES}). */
export type BackendState = (typeof BACKEND_STATES)[number];
