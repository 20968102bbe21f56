/**
 * The checks on failover tiers that span several fields, shared by a scenario (`backends[].priority`,
 * `balancer.failover`, `strategies`) and the proxy config (`backends[].priority|backup`,
 * `failover`, `strategy`), so both files refuse the same things with the same words:
 *
 * - priorities run 0, 1, … without a gap (an empty Envoy priority level is legal in Envoy but
 *   always gets no load; in lbsim it is a typo);
 * - nginx and HAProxy have primary and backup servers only (nginx `peers->next`, HAProxy
 *   `SRV_F_BACKUP`);
 * - nginx refuses `backup` with `hash`, `ip_hash` and `random`: their `uscf->flags`
 *   (`ngx_http_upstream_hash`, `ngx_http_upstream_ip_hash`, `ngx_http_upstream_random` in
 *   `src/http/modules/`) lack `NGX_HTTP_UPSTREAM_BACKUP`, which `ngx_http_upstream_server`
 *   (`src/http/ngx_http_upstream.c`) requires for the `backup` parameter; round robin, `least_conn`
 *   and `least_time` accept it.
 */
import type { FailoverMode } from './tiers.js';

/**
 * Entries (indices) marked degraded although `mode` has no degraded hosts: only Envoy has them
 * (`health_status: DEGRADED`, `LoadBalancerBase::choosePriority`); nginx and HAProxy servers are
 * up or down, and with failover off (`false`) there is no priority load to give them a share.
 */
export function degradedProblems(degraded: readonly boolean[], mode: FailoverMode | false | undefined): number[] {
  if (mode === undefined || mode === 'envoy') return [];
  const out: number[] = [];
  degraded.forEach((d, k) => {
    if (d) out.push(k);
  });
  return out;
}

/** The message for a degraded entry refused by {@link degradedProblems}. */
export function degradedMessage(mode: FailoverMode | false | undefined): string {
  return `degraded backends exist in Envoy only (failover mode envoy); failover ${mode === false ? 'is off' : `mode ${String(mode)}`} has no degraded state`;
}

/** lbsim strategies whose nginx method refuses `backup`, with that method. */
export const NGINX_NO_BACKUP: Readonly<Record<string, string>> = Object.freeze({
  'ip-hash': 'ip_hash',
  'consistent-hash': 'hash',
  'weighted-random': 'random',
  random: 'random',
  p2c: 'random two',
});

/** A problem found by {@link tierProblems}: which backend entry (or -1: the strategy), and why. */
export interface TierProblem {
  /** Index of the backend entry at fault, or -1 when the strategy is. */
  backend: number;
  message: string;
}

/**
 * Problems with `priorities` (one per backend entry, 0 when unset) under failover `mode`
 * (undefined = none given, Envoy's) for `strategy` (a registry name; undefined = not checked).
 */
export function tierProblems(priorities: readonly number[], mode: FailoverMode | false | undefined, strategy?: string): TierProblem[] {
  const out: TierProblem[] = [];
  const top = priorities.length === 0 ? 0 : Math.max(...priorities);
  if (top === 0 || mode === false) return out;
  for (let p = 0; p < top; p++) {
    if (!priorities.includes(p)) {
      out.push({ backend: priorities.findIndex((x) => x > p), message: `no backend has priority ${p}: priorities must run 0, 1, … without a gap` });
      return out;
    }
  }
  if (mode === undefined || mode === 'envoy') return out;
  const k = priorities.findIndex((x) => x > 1);
  if (k >= 0) out.push({ backend: k, message: `failover mode ${mode} has primary (0) and backup (1) servers only, got priority ${priorities[k]}` });
  const method = mode === 'nginx' && strategy !== undefined ? NGINX_NO_BACKUP[strategy] : undefined;
  if (method !== undefined) out.push({ backend: -1, message: `nginx refuses backup servers with "${method}" (${strategy}); use another strategy or failover mode` });
  return out;
}
