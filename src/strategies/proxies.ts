/**
 * Which proxy runs which strategy, and with which flavor: for every registered strategy and every
 * proxy lbsim knows (nginx 1.31.4, nginx Plus, HAProxy 3.4.0, Envoy 1.36, an AWS Application Load
 * Balancer target group), whether the proxy has that decision rule (`exact`), only a nearest
 * equivalent (`nearest`), or nothing close (`none`); the flavor to simulate it with; and the
 * config that selects it. The exporters warn from this table when the simulated flavor is not the
 * target proxy's, and recommendation features filter strategies by proxy with it. The sources of
 * each rule are in docs/strategies.md.
 */
import { findStrategy, STRATEGIES } from './registry.js';

/** Every proxy in the table. */
export const PROXIES = ['nginx', 'nginx-plus', 'haproxy', 'envoy', 'aws'] as const;

/** A proxy name. */
export type ProxyName = (typeof PROXIES)[number];

/** How well a proxy supports a strategy. */
export type SupportLevel = 'exact' | 'nearest' | 'none';

/** One cell of the table. */
export interface ProxySupport {
  strategy: string;
  proxy: ProxyName;
  /** `exact`: the proxy makes this decision (with `flavor`); `nearest`: only a close equivalent; `none`: nothing close. */
  support: SupportLevel;
  /** The flavor that simulates this proxy, when the strategy has flavors and the proxy has the rule. */
  flavor?: string;
  /** The directive or setting that selects it (or the nearest one). */
  config: string;
  /** What differs, for `nearest` and `none`, or a caveat. */
  note?: string;
}

type Cell = Omit<ProxySupport, 'strategy' | 'proxy'>;
type Row = Record<ProxyName, Cell>;

const e = (config: string, flavor?: string, note?: string): Cell => ({
  support: 'exact',
  config,
  ...(flavor !== undefined ? { flavor } : {}),
  ...(note !== undefined ? { note } : {}),
});
const near = (config: string, note: string): Cell => ({ support: 'nearest', config, note });
const none = (config: string, note: string): Cell => ({ support: 'none', config, note });

/** The same cell for nginx and nginx Plus. */
function ng(cell: Cell): Pick<Row, 'nginx' | 'nginx-plus'> {
  return { nginx: cell, 'nginx-plus': cell };
}

const TABLE: Record<string, Row> = {
  'round-robin': {
    ...ng(near('(default round robin)', 'smooth WRR: the same cycle with equal weights, but it continues from its weights after an eligibility change; use weighted-round-robin')),
    haproxy: near('balance roundrobin', 'HAProxy fwrr with equal weights; order after eligibility changes differs'),
    envoy: near('lb_policy: ROUND_ROBIN', 'equal weights: an index from a random seed over the healthy hosts (weighted-round-robin flavor envoy)'),
    aws: e('load_balancing.algorithm.type = round_robin', undefined, 'AWS does not publish the order; lbsim assumes a cursor over the healthy targets'),
  },
  'weighted-round-robin': {
    ...ng(e('(default round robin)', 'nginx')),
    haproxy: near('balance roundrobin', 'HAProxy fwrr (weighted trees) is not modelled; smooth WRR gives the same shares in another order'),
    envoy: e('lb_policy: ROUND_ROBIN', 'envoy'),
    aws: near('load_balancing.algorithm.type = round_robin', 'target-group targets have no weights'),
  },
  random: {
    ...ng(near('random', 'nginx random weighs its draws; the same with equal weights')),
    haproxy: near('balance random(1)', 'HAProxy draws on its consistent-hash tree (weighted)'),
    envoy: e('lb_policy: RANDOM'),
    aws: e('load_balancing.algorithm.type = weighted_random (anomaly_mitigation off)', undefined, 'AWS: evenly across healthy targets in random order'),
  },
  'weighted-random': {
    ...ng(e('random', 'nginx')),
    haproxy: e('balance random(1)', 'haproxy'),
    envoy: near('lb_policy: RANDOM', 'Envoy RANDOM ignores weights'),
    aws: e('load_balancing.algorithm.type = weighted_random', 'aws', 'with anomaly_mitigation on: Automatic Target Weights, an assumed rule (AWS does not publish it)'),
  },
  'least-connections': {
    ...ng(e('least_conn', 'nginx')),
    haproxy: e('balance leastconn', 'haproxy'),
    envoy: e('lb_policy: LEAST_REQUEST, selection_method: FULL_SCAN', 'envoy'),
    aws: e('load_balancing.algorithm.type = least_outstanding_requests', 'aws', 'AWS does not publish its tie rule; lbsim breaks ties at random'),
  },
  p2c: {
    ...ng(e('random two least_conn', 'nginx')),
    haproxy: e('balance random(<draws>)', 'haproxy'),
    envoy: e('lb_policy: LEAST_REQUEST, choice_count: <draws>', 'envoy'),
    aws: none('least_outstanding_requests', 'ALB has no two-choice sampling; nearest is least_outstanding_requests'),
  },
  'peak-ewma': {
    ...ng(near('random two least_time=header', 'nginx compares response time × connections of two weighted draws, not a peak EWMA')),
    haproxy: near('balance random(2)', 'HAProxy compares in-flight counts, not latency'),
    envoy: near('lb_policy: LEAST_REQUEST', 'Envoy compares active requests, not latency'),
    aws: none('least_outstanding_requests', 'no latency-aware algorithm'),
  },
  'least-time': {
    ...ng(e('least_time header')),
    haproxy: near('balance leastconn', 'no response-time balancing'),
    envoy: near('lb_policy: LEAST_REQUEST', 'no response-time balancing'),
    aws: near('least_outstanding_requests', 'no response-time balancing'),
  },
  'ip-hash': {
    ...ng(e('ip_hash')),
    haproxy: near('balance source', 'HAProxy hashes the whole address (map or consistent), not the /24'),
    envoy: near('RING_HASH + hash_policy connection_properties.source_ip', 'ring hashing of the whole address'),
    aws: none('stickiness', 'ALB has no source hashing'),
  },
  'consistent-hash': {
    ...ng(e('hash <key> consistent', 'nginx')),
    haproxy: e('balance <key> + hash-type consistent', 'haproxy'),
    envoy: e('lb_policy: RING_HASH', 'envoy'),
    aws: none('stickiness', 'ALB has no key hashing'),
  },
  maglev: {
    ...ng(near('hash <key> consistent', 'no Maglev table')),
    haproxy: near('hash-type consistent', 'no Maglev table'),
    envoy: e('lb_policy: MAGLEV', 'envoy'),
    aws: none('stickiness', 'ALB has no key hashing'),
  },
  rendezvous: {
    ...ng(near('hash <key> consistent', 'no rendezvous hashing')),
    haproxy: near('hash-type consistent', 'no rendezvous hashing'),
    envoy: near('lb_policy: RING_HASH', 'no rendezvous hashing'),
    aws: none('stickiness', 'ALB has no key hashing'),
  },
  'bounded-load': {
    ...ng(near('hash <key> consistent', 'nginx has no load bound on its ring')),
    haproxy: e('hash-type consistent + hash-balance-factor', 'haproxy'),
    envoy: e('RING_HASH or MAGLEV + hash_balance_factor', 'envoy'),
    aws: none('least_outstanding_requests', 'ALB has no key hashing'),
  },
  sticky: {
    ...ng(e('sticky cookie', undefined, 'ngx_http_upstream_sticky_module ships in the nginx 1.31.4 source; older open-source releases need nginx Plus, so the exporter writes it as a comment')),
    haproxy: e('cookie SERVERID insert'),
    envoy: near('stateful_session filter / RING_HASH cookie hash_policy', 'a route-level setting'),
    aws: e('stickiness.enabled = true (lb_cookie)', undefined, 'a duration-based cookie'),
  },
  first: {
    ...ng(none('(none)', 'nginx has no fill-first balancing')),
    haproxy: e('balance first'),
    envoy: none('(none)', 'Envoy has no fill-first balancing'),
    aws: none('(none)', 'ALB has no fill-first balancing'),
  },
  jiq: {
    ...ng(near('least_conn', 'no idle queue')),
    haproxy: near('balance leastconn', 'idle servers come first in leastconn (key 0)'),
    envoy: near('lb_policy: LEAST_REQUEST', 'no idle queue'),
    aws: near('least_outstanding_requests', 'no idle queue'),
  },
  prequal: {
    ...ng(near('random two least_conn', 'no probing')),
    haproxy: near('balance random(2)', 'no probing'),
    envoy: near('lb_policy: LEAST_REQUEST', 'no probing'),
    aws: near('least_outstanding_requests', 'no probing'),
  },
};

/** How `proxy` supports registered strategy `strategy`. @throws Error on an unknown strategy (a bug) */
export function proxySupport(strategy: string, proxy: ProxyName): ProxySupport {
  const row = TABLE[strategy];
  if (!row) throw new Error(`proxies: no row for strategy "${strategy}"`);
  return { strategy, proxy, ...row[proxy] };
}

/** The flavor that simulates `proxy`'s version of `strategy`, or undefined when it has none. */
export function flavorFor(strategy: string, proxy: ProxyName): string | undefined {
  return TABLE[strategy]?.[proxy].flavor;
}

/** Registered strategies `proxy` supports at least at `level` (`exact` by default), in registry order. */
export function strategiesFor(proxy: ProxyName, level: Exclude<SupportLevel, 'none'> = 'exact'): string[] {
  return STRATEGIES.map((s) => s.name).filter((name) => {
    const s = TABLE[name]?.[proxy].support;
    return s === 'exact' || (level === 'nearest' && s === 'nearest');
  });
}

/** The flavor a strategy's options select (its default when they name none), or undefined without flavors. */
export function flavorOf(strategy: string, options: Readonly<Record<string, unknown>> = {}): string | undefined {
  const def = findStrategy(strategy);
  if (!def?.flavors) return undefined;
  return typeof options.flavor === 'string' ? options.flavor : def.flavors.default;
}

/** Every strategy × proxy cell (tests and docs). */
export function proxyTable(): ProxySupport[] {
  return STRATEGIES.flatMap((s) => PROXIES.map((p) => proxySupport(s.name, p)));
}
