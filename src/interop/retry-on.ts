/**
 * Retry conditions between the proxies and a scenario's `balancer.retryOn` (connect, reset,
 * timeout, 5xx, status codes), both ways, so an import → export round trip keeps what the user
 * retries on and names what a proxy cannot say.
 *
 * - nginx `proxy_next_upstream` (ngx_http_proxy_module; ngx_http_upstream.c,
 *   ngx_http_upstream_next): `error` (connect errors and a connection closed before the
 *   header: connect and reset), `timeout`, `http_500|502|503|504|403|404|429`; `invalid_header`
 *   and `non_idempotent` have no lbsim counterpart. Default `error timeout`.
 * - HAProxy `retry-on` (proxy_parse_retry_on, cfgparse-listen.c): `conn-failure`,
 *   `empty-response`, `response-timeout`, status codes 401 403 404 408 425 500 501 502 503 504;
 *   default `conn-failure`.
 * - Envoy route `retry_policy.retry_on` (router_retry_policy docs): `connect-failure`, `reset`
 *   (also a per-try timeout), `5xx` (also resets and timeouts), `retriable-status-codes` with
 *   `retriable_status_codes`.
 */
import type { RetryCondition } from '../scenario/types.js';

/** nginx `http_N` statuses `proxy_next_upstream` accepts. */
const NGINX_STATUSES = [500, 502, 503, 504, 403, 404, 429];
/** HAProxy `retry-on` status codes. */
const HAPROXY_STATUSES = [401, 403, 404, 408, 425, 500, 501, 502, 503, 504];

/** What a list of conditions retries, as a set of simple members (`5xx` expanded to 500–599 where asked). */
function has(on: readonly RetryCondition[], c: RetryCondition): boolean {
  return on.includes(c) || (typeof c === 'number' && c >= 500 && c < 600 && on.includes('5xx'));
}

/** nginx `proxy_next_upstream` arguments → conditions, and the arguments lbsim does not model. */
export function retryOnFromNginx(args: readonly string[]): { on: RetryCondition[]; unmodelled: string[] } {
  const on: RetryCondition[] = [];
  const unmodelled: string[] = [];
  for (const a of args) {
    const m = /^http_(\d{3})$/.exec(a);
    if (a === 'error') on.push('connect', 'reset');
    else if (a === 'timeout') on.push('timeout');
    else if (m) on.push(Number(m[1]));
    else unmodelled.push(a);
  }
  return { on: [...new Set(on)], unmodelled };
}

/** Conditions → nginx `proxy_next_upstream` arguments, with what nginx cannot say. */
export function retryOnToNginx(on: readonly RetryCondition[]): { args: string[]; lost: string[] } {
  const args: string[] = [];
  const lost: string[] = [];
  const connect = on.includes('connect');
  const reset = on.includes('reset');
  if (connect || reset) args.push('error');
  if (connect !== reset) lost.push(`nginx "error" retries both connect errors and resets; lbsim retried only ${connect ? 'connect errors' : 'resets'}`);
  if (on.includes('timeout')) args.push('timeout');
  for (const s of NGINX_STATUSES) if (has(on, s)) args.push(`http_${s}`);
  if (on.includes('5xx')) lost.push('nginx has no catch-all for 5xx: only 500, 502, 503 and 504 are retried');
  for (const c of on) if (typeof c === 'number' && !NGINX_STATUSES.includes(c)) lost.push(`nginx cannot retry on status ${c}`);
  return { args: args.length > 0 ? args : ['off'], lost };
}

/** HAProxy `retry-on` keywords → conditions, and the keywords lbsim does not model. */
export function retryOnFromHaproxy(args: readonly string[]): { on: RetryCondition[]; unmodelled: string[] } {
  const on: RetryCondition[] = [];
  const unmodelled: string[] = [];
  for (const a of args) {
    if (a === 'conn-failure') on.push('connect');
    else if (a === 'empty-response') on.push('reset');
    else if (a === 'response-timeout') on.push('timeout');
    else if (/^\d{3}$/.test(a)) on.push(Number(a));
    else if (a === 'all-retryable-errors') on.push('connect', 'reset', 'timeout', ...HAPROXY_STATUSES);
    else if (a !== 'none') unmodelled.push(a);
  }
  return { on: [...new Set(on)], unmodelled };
}

/** Conditions → HAProxy `retry-on` keywords, with what HAProxy cannot say. */
export function retryOnToHaproxy(on: readonly RetryCondition[]): { args: string[]; lost: string[] } {
  const args: string[] = [];
  const lost: string[] = [];
  if (on.includes('connect')) args.push('conn-failure');
  if (on.includes('reset')) args.push('empty-response');
  if (on.includes('timeout')) args.push('response-timeout');
  for (const s of HAPROXY_STATUSES) if (has(on, s)) args.push(String(s));
  if (on.includes('5xx')) lost.push('HAProxy retry-on has no catch-all for 5xx: 500, 501, 502, 503 and 504 are retried');
  for (const c of on) if (typeof c === 'number' && !HAPROXY_STATUSES.includes(c)) lost.push(`HAProxy cannot retry on status ${c}`);
  return { args: args.length > 0 ? args : ['none'], lost };
}

/** Conditions → Envoy `retry_on` and `retriable_status_codes`, with what Envoy cannot say. */
export function retryOnToEnvoy(on: readonly RetryCondition[]): { retryOn: string[]; codes: number[]; lost: string[] } {
  const retryOn: string[] = [];
  const lost: string[] = [];
  if (on.includes('5xx')) retryOn.push('5xx');
  if (on.includes('connect')) retryOn.push('connect-failure');
  if (on.includes('reset') || on.includes('timeout')) retryOn.push('reset');
  if (on.includes('reset') !== on.includes('timeout')) lost.push('Envoy "reset" retries both resets and per-try timeouts');
  // status codes the `5xx` keyword does not already cover
  const codes = on.filter((c): c is number => typeof c === 'number' && !(on.includes('5xx') && c >= 500 && c < 600));
  if (codes.length > 0) retryOn.push('retriable-status-codes');
  return { retryOn, codes, lost };
}
