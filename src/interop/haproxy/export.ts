/**
 * lbsim → HAProxy: one `backend` section (HAProxy configuration manual): `balance` and its
 * hashing keywords (`hash-type consistent`, `hash-balance-factor`), `cookie` for sticky sessions,
 * `option httpchk` and `default-server check inter rise fall` for a kept health check,
 * `slowstart`, `maxqueue` / `timeout queue` for the balancer queue, `retries` with
 * `option redispatch 1` (lbsim retries go to another server), `timeout server`, and one `server`
 * line per backend with `weight` (scaled into HAProxy's 1–256 if needed), `maxconn`, `backup` and
 * `disabled`. What HAProxy cannot express gets a warning naming the nearest equivalent
 * (MAPPING.md). `haproxy -c` accepts the section after a `defaults` section (tested where HAProxy
 * is installed).
 */
import { equalWeights, flavorMismatch, groupName, tierWarnings } from '../common.js';
import { proxyTime } from '../durations.js';
import { describeHashKey, hashKeyToHaproxy } from '../hash-key.js';
import { retryOnToHaproxy } from '../retry-on.js';
import type { ExportResult, ExportWarning, LbConfig } from '../types.js';
import { UNLIMITED_QUEUE } from './import.js';

/** HAProxy's largest server weight. */
export const HAPROXY_MAX_WEIGHT = 256;

/** The `balance` line(s) for a strategy. */
function balance(config: LbConfig, name: string, options: Record<string, unknown>, warn: (m: string) => void, warnKey: (m: string) => void): string[] {
  const hashed = (): string[] => {
    let key = config.hashKey ? hashKeyToHaproxy(config.hashKey) : null;
    if (!key) {
      warnKey(config.hashKey ? `HAProxy has no balance keyword for ${describeHashKey(config.hashKey)}; hashing the URI instead` : 'no hash key recorded (the scenario was not imported from a hashing config); hashing the URI: change it to your key');
      key = 'uri whole';
    }
    // hash-type consistent [<function>] [avalanche]: the flavor haproxy options, sdbm by default.
    const fn = typeof options.hashFunction === 'string' && options.hashFunction !== 'sdbm' ? ` ${options.hashFunction}` : '';
    const aval = options.avalanche === true ? `${fn === '' ? ' sdbm' : ''} avalanche` : '';
    return [`balance ${key}`, `hash-type consistent${fn}${aval}`];
  };
  switch (name) {
    case 'round-robin':
      if (!equalWeights(config.servers)) warn('HAProxy roundrobin honours weights, lbsim round-robin ignores them: set equal weights (or export weighted-round-robin) for the same behaviour');
      return ['balance roundrobin'];
    case 'weighted-round-robin':
      return ['balance roundrobin'];
    case 'weighted-random':
      return ['balance random(1)'];
    case 'random':
      if (!equalWeights(config.servers)) warn('HAProxy random is weighted; lbsim random is uniform: equal weights give the same behaviour');
      return ['balance random(1)'];
    case 'least-connections':
      return ['balance leastconn'];
    case 'p2c':
      if (options.replacement === true) warn('HAProxy draws distinct servers; lbsim p2c samples with replacement here (Envoy style)');
      return [`balance random(${String(options.draws)})`];
    case 'peak-ewma':
      warn('HAProxy has no latency-aware balancer; nearest: random(2) (power of two choices on connections)');
      return ['balance random(2)'];
    case 'prequal':
      warn('HAProxy has no Prequal balancer; nearest: random(2)');
      return ['balance random(2)'];
    case 'least-time':
      warn('HAProxy has no response-time balancer; nearest: leastconn');
      return ['balance leastconn'];
    case 'jiq':
      warn('HAProxy has no join-idle-queue balancer; nearest: leastconn (idle servers have the fewest connections)');
      return ['balance leastconn'];
    case 'ip-hash':
      warn('balance source hashes the whole client address (map-based); lbsim ip-hash hashes the /24 of IPv4 clients as nginx ip_hash does');
      return ['balance source'];
    case 'consistent-hash':
      return hashed();
    case 'maglev':
    case 'rendezvous':
      warn(`HAProxy has no ${name} hashing; nearest equivalent: hash-type consistent (a hash ring)`);
      return hashed();
    case 'bounded-load':
      return [...hashed(), `hash-balance-factor ${Math.max(100, Math.round(Number(options.factor) * 100))}`];
    case 'first':
      if (config.servers.every((s) => s.maxConn === 0)) warn('balance first moves to the next server only when one is at maxconn: set maxConn on the backends');
      return ['balance first'];
    default:
      warn(`no HAProxy equivalent for ${name}; roundrobin is written`);
      return ['balance roundrobin'];
  }
}

/** Writes the config as an HAProxy backend section. */
export function exportHaproxy(config: LbConfig, header: string[] = []): ExportResult {
  const warnings: ExportWarning[] = [];
  const warnFor = (feature: string) => (message: string) => warnings.push({ feature, message });
  let strategy = config.strategy.name;
  let options = config.strategy.options;
  const lines: string[] = ['mode http'];
  let sticky = false;
  if (strategy === 'sticky') {
    sticky = true;
    strategy = String(options.inner ?? 'round-robin');
    options = (options.innerOptions as Record<string, unknown> | undefined) ?? {};
  }
  const mismatch = flavorMismatch(strategy, options, 'haproxy');
  if (mismatch) warnFor(`strategy ${strategy}`)(mismatch);
  lines.push(...balance(config, strategy, options, warnFor(`strategy ${strategy}`), warnFor('hash key')));
  if (sticky) lines.push('cookie SERVERID insert indirect nocache');
  const h = config.healthCheck;
  if (h?.path !== undefined) lines.push(`option httpchk GET ${h.path}`);
  if (h && h.timeoutMs !== h.intervalMs) lines.push(`timeout check ${proxyTime(h.timeoutMs)}`);
  if (config.queue !== false && config.queue.timeoutMs > 0) lines.push(`timeout queue ${proxyTime(config.queue.timeoutMs)}`);
  if (config.timeoutMs > 0) lines.push(`timeout server ${proxyTime(config.timeoutMs)}`);
  lines.push(`retries ${config.retries}`);
  if (config.retries > 0) lines.push('option redispatch 1');
  if (config.retries > 0 && config.retryOn !== undefined) {
    const { args, lost } = retryOnToHaproxy(config.retryOn);
    for (const m of lost) warnFor('balancer.retryOn')(m);
    lines.push(`retry-on ${args.join(' ')}`);
  }
  warnings.push(...tierWarnings(config, 'haproxy'));
  const hasBackup = config.servers.some((s) => s.role === 'backup');
  if (hasBackup && config.failover?.allBackups) lines.push('option allbackups');

  const defaults: string[] = [];
  if (h) defaults.push('check', `inter ${proxyTime(h.intervalMs)}`, `rise ${h.rise}`, `fall ${h.fall}`);
  else if (hasBackup) {
    // Without checks HAProxy never marks an active server down, so it would never use a backup.
    defaults.push('check');
    warnFor('backends priority')('HAProxy uses backup servers only when the active ones are down by health checks: "check" added (HAProxy defaults: inter 2s, rise 2, fall 3)');
  }
  if (config.slowStart !== false) {
    defaults.push(`slowstart ${proxyTime(config.slowStart.windowMs)}`);
    if (config.slowStart.aggression !== 1 || config.slowStart.minWeightPercent !== 10) {
      warnFor('balancer.slowStart')('HAProxy slowstart ramps the weight linearly; aggression and minWeightPercent are not expressible');
    }
  }
  if (config.queue !== false) {
    if (config.queue.maxQueue !== UNLIMITED_QUEUE) defaults.push(`maxqueue ${config.queue.maxQueue}`);
    if (config.servers.every((s) => s.maxConn === 0)) warnFor('balancer.queue')('HAProxy queues only for servers at maxconn: set maxConn on the backends');
  }
  if (defaults.length > 0) lines.push(`default-server ${defaults.join(' ')}`);

  const maxWeight = Math.max(...config.servers.map((s) => s.weight));
  const scale = maxWeight > HAPROXY_MAX_WEIGHT ? Math.ceil(maxWeight / HAPROXY_MAX_WEIGHT) : 1;
  if (scale > 1) warnFor('backends weight')(`HAProxy weights go up to ${HAPROXY_MAX_WEIGHT}; weights divided by ${scale} (rounded, at least 1)`);
  const used = new Set<string>();
  for (const s of config.servers) {
    const name = groupName(s.name, used);
    const params: string[] = [];
    const w = Math.max(1, Math.round(s.weight / scale));
    if (w !== 1) params.push(`weight ${w}`);
    if (s.maxConn > 0) params.push(`maxconn ${s.maxConn}`);
    if (s.role === 'backup') params.push('backup');
    if (s.role === 'down') params.push('disabled');
    if (sticky) params.push(`cookie ${name}`);
    lines.push(`server ${name} ${s.address}${params.length ? ` ${params.join(' ')}` : ''}`);
  }

  if (config.passive !== false) {
    warnFor('balancer.passive')('HAProxy has no nginx-style failure accounting (max_fails in fail_timeout); nearest: "observe layer7 error-limit N on-error mark-down" with health checks');
  }
  if (config.outlier !== false) {
    warnFor('balancer.outlier')('HAProxy has no outlier ejection; nearest: "observe layer7 error-limit N on-error mark-down" with health checks');
  }
  if (config.panicThreshold > 0) warnFor('balancer.panicThreshold')(`HAProxy has no panic threshold; ${config.panicThreshold}% is not expressible`);
  const extra: string[] = [];
  if (config.rateLimit !== false) {
    warnFor('balancer.rateLimit')('HAProxy has no leaky-bucket limit_req; nearest: a stick-table request-rate rule, sketched as a comment');
    extra.push(
      '# nearest to the rate limit (a sliding-window rate, not a leaky bucket with burst):',
      '#   stick-table type ip size 100k expire 10s store http_req_rate(1s)',
      '#   http-request track-sc0 src',
      `#   http-request deny deny_status 503 if { sc_http_req_rate(0) gt ${Math.ceil(config.rateLimit.rate + config.rateLimit.burst)} }`,
    );
  }
  if (config.connLimit !== false) {
    warnFor('balancer.connLimit')('HAProxy limits concurrent connections per key with a stick table; sketched as a comment');
    extra.push(
      '# nearest to the per-key connection limit:',
      '#   stick-table type ip size 100k expire 10s store conn_cur',
      '#   http-request track-sc1 src',
      `#   http-request deny deny_status 503 if { sc_conn_cur(1) gt ${config.connLimit.perKey} }`,
    );
  }
  const out = header.map((x) => `# ${x}`);
  out.push('# Paste after your defaults section; needs "timeout connect/client/server" there (or here).');
  out.push(`backend ${config.name}`, ...lines.map((l) => `    ${l}`), ...extra.map((l) => `    ${l}`), '');
  return { format: 'haproxy', text: out.join('\n'), warnings };
}
