/**
 * What each proxy can run, and what each strategy costs to run: the facts a recommendation needs
 * beyond latency. The table follows the export mapping (`src/interop/MAPPING.md`, "lbsim →
 * proxies"): a strategy is runnable on a proxy when the exporter writes it as the proxy's own
 * method (not as a "nearest" stand-in). Plus-only methods follow the nginx documentation of
 * `ngx_http_upstream_module` (`least_time`, `sticky`, `queue` and `slow_start=` are "available as
 * part of our commercial subscription"). `lbsim proxy` runs every registered strategy.
 */
import type { ProxyTarget, Scenario, StrategyChoice } from '../scenario/types.js';

/** How a proxy runs a strategy: as its own method (`directive`), or not (`nearest` stand-in / none). */
export interface ProxySupport {
  runs: boolean;
  /** The proxy's directive or policy, or the nearest one when it cannot run the strategy. */
  as: string;
}

type Row = Partial<Record<ProxyTarget, string>> & { nearest: Partial<Record<ProxyTarget, string>> };

/** Per strategy: the directive each proxy runs it with; `nearest` names stand-ins (not runnable). */
const TABLE: Record<string, Row> = {
  'round-robin': { nginx: 'default round robin', 'nginx-plus': 'default round robin', haproxy: 'balance roundrobin', envoy: 'ROUND_ROBIN', nearest: {} },
  'weighted-round-robin': { nginx: 'default (smooth weighted round robin)', 'nginx-plus': 'default (smooth weighted round robin)', haproxy: 'balance roundrobin', envoy: 'ROUND_ROBIN', nearest: {} },
  random: { nginx: 'random', 'nginx-plus': 'random', haproxy: 'balance random(1)', envoy: 'RANDOM', nearest: {} },
  'weighted-random': { nginx: 'random', 'nginx-plus': 'random', haproxy: 'balance random(1)', envoy: 'RANDOM', nearest: {} },
  'least-connections': {
    nginx: 'least_conn',
    'nginx-plus': 'least_conn',
    haproxy: 'balance leastconn',
    nearest: { envoy: 'LEAST_REQUEST with choice_count = hosts' },
  },
  p2c: { nginx: 'random two least_conn', 'nginx-plus': 'random two least_conn', haproxy: 'balance random(2)', envoy: 'LEAST_REQUEST', nearest: {} },
  'peak-ewma': {
    nearest: { nginx: 'random two least_conn', 'nginx-plus': 'random two least_time=header', haproxy: 'balance random(2)', envoy: 'LEAST_REQUEST' },
  },
  'least-time': {
    'nginx-plus': 'least_time header',
    nearest: { nginx: 'least_conn (least_time needs nginx Plus)', haproxy: 'balance leastconn', envoy: 'LEAST_REQUEST' },
  },
  'ip-hash': { nginx: 'ip_hash', 'nginx-plus': 'ip_hash', nearest: { haproxy: 'balance source', envoy: 'RING_HASH on the source address' } },
  'consistent-hash': { nginx: 'hash $key consistent', 'nginx-plus': 'hash $key consistent', haproxy: 'hash-type consistent', envoy: 'RING_HASH', nearest: {} },
  maglev: { envoy: 'MAGLEV', nearest: { nginx: 'hash $key consistent', 'nginx-plus': 'hash $key consistent', haproxy: 'hash-type consistent' } },
  rendezvous: { nearest: { nginx: 'hash $key consistent', 'nginx-plus': 'hash $key consistent', haproxy: 'hash-type consistent', envoy: 'RING_HASH' } },
  'bounded-load': {
    haproxy: 'hash-type consistent + hash-balance-factor',
    envoy: 'RING_HASH + hash_balance_factor',
    nearest: { nginx: 'hash $key consistent', 'nginx-plus': 'hash $key consistent' },
  },
  sticky: { 'nginx-plus': 'sticky cookie', haproxy: 'cookie SERVERID insert', nearest: { nginx: 'no session persistence (sticky needs nginx Plus)', envoy: 'a stateful-session filter on the route' } },
  first: { haproxy: 'balance first', nearest: { nginx: 'default round robin', 'nginx-plus': 'default round robin', envoy: 'ROUND_ROBIN' } },
  jiq: { nearest: { nginx: 'least_conn', 'nginx-plus': 'least_conn', haproxy: 'balance leastconn', envoy: 'LEAST_REQUEST' } },
  prequal: { nearest: { nginx: 'random two least_conn', 'nginx-plus': 'random two least_conn', haproxy: 'balance random(2)', envoy: 'LEAST_REQUEST' } },
};

/** Whether `proxy` runs `choice` as its own method (see the module header), and as what. */
export function proxySupport(choice: StrategyChoice, proxy: ProxyTarget): ProxySupport {
  const row = TABLE[choice.name];
  if (!row) return { runs: false, as: 'no equivalent' };
  const own = row[proxy];
  if (own !== undefined) {
    // nginx's `random two least_conn` draws exactly two.
    if (choice.name === 'p2c' && (proxy === 'nginx' || proxy === 'nginx-plus') && Number(choice.options.draws ?? 2) !== 2)
      return { runs: false, as: `random two least_conn (draws ${String(choice.options.draws)} ≠ 2)` };
    if (choice.name === 'sticky') {
      const inner: StrategyChoice = { name: String(choice.options.inner ?? 'round-robin'), label: '', options: (choice.options.innerOptions as Record<string, unknown>) ?? {} };
      const sub = proxySupport(inner, proxy);
      if (!sub.runs) return { runs: false, as: `${own} around ${sub.as}` };
      return { runs: true, as: `${own} around ${sub.as}` };
    }
    return { runs: true, as: own };
  }
  return { runs: false, as: row.nearest[proxy] ?? 'no equivalent' };
}

/** Human name of a proxy target. */
export function proxyName(p: ProxyTarget): string {
  return p === 'nginx' ? 'nginx' : p === 'nginx-plus' ? 'nginx Plus' : p === 'haproxy' ? 'HAProxy' : 'Envoy';
}

const HASHING = new Set(['ip-hash', 'consistent-hash', 'maglev', 'rendezvous', 'bounded-load']);

/**
 * What running `choice` costs or needs beyond the proxy's default, in the scenario's setting: a
 * commercial proxy, extra signals or probes, session cookies, key-driven (not load-driven) spread,
 * an O(n) pick at large n. Empty when it needs nothing special.
 */
export function strategyCosts(choice: StrategyChoice, scenario: Pick<Scenario, 'backends' | 'proxy'>): string[] {
  const out: string[] = [];
  const n = scenario.backends.reduce((s, g) => s + g.count, 0);
  const proxy = scenario.proxy;
  switch (choice.name) {
    case 'least-time':
      out.push(proxy === 'nginx-plus' ? 'nginx Plus least_time header' : 'needs nginx Plus (its least_time) or lbsim proxy');
      break;
    case 'peak-ewma':
      out.push('not built into nginx, HAProxy or Envoy (lbsim proxy, Finagle, linkerd and tower run it); needs per-backend latency tracking');
      break;
    case 'jiq':
      out.push('not built into nginx, HAProxy or Envoy (lbsim proxy runs it); needs each backend\'s idle state');
      break;
    case 'prequal':
      out.push('not built into nginx, HAProxy or Envoy (lbsim proxy runs it); probes backends for load and latency');
      break;
    case 'rendezvous':
      out.push('not built into nginx, HAProxy or Envoy (lbsim proxy runs it)');
      break;
    case 'sticky':
      out.push('needs a session cookie (nginx Plus sticky, or HAProxy cookie insert)');
      break;
    case 'first':
      out.push('needs maxConn on every backend, or the first backend takes all the traffic');
      break;
    case 'maglev':
      if (proxy && proxy !== 'envoy') out.push('Maglev is Envoy-only');
      break;
    case 'bounded-load':
      if (proxy === 'nginx' || proxy === 'nginx-plus') out.push('nginx has no bounded-load hashing (HAProxy hash-balance-factor, Envoy hash_balance_factor)');
      break;
  }
  if (HASHING.has(choice.name)) out.push('spreads by request key, not by load: a hot key makes a hot backend');
  if ((choice.name === 'least-connections' || choice.name === 'least-time' || choice.name === 'jiq') && n > 100)
    out.push(`scans all ${n} backends on every pick (O(n))`);
  if (choice.name === 'p2c' && Number(choice.options.draws ?? 2) > 2 && (proxy === 'nginx' || proxy === 'nginx-plus'))
    out.push('nginx samples exactly two (random two least_conn)');
  return out;
}
