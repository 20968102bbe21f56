/**
 * lbsim → nginx: an http-context fragment with the `limit_req_zone` / `limit_conn_zone` the
 * settings need, the `upstream` block (balancing directive and `server` lines with `weight`,
 * `max_fails`, `fail_timeout`, `max_conns`, `backup`, `down`) and a minimal `server` whose
 * `location /` proxies to it with `limit_req`, `limit_conn`, `proxy_next_upstream[_tries]` and
 * `proxy_read_timeout`. Only open-source nginx directives are written as directives; nginx Plus
 * features (`queue`, `sticky`, `slow_start=`) are written as comments, and every strategy or
 * setting nginx cannot express gets a warning naming the nearest equivalent used (MAPPING.md).
 * `nginx -t` accepts the fragment inside `http { }` (tested where nginx is installed).
 */
import { equalWeights, flavorMismatch, tierWarnings } from '../common.js';
import { proxyTime } from '../durations.js';
import { describeHashKey, hashKeyToNginx } from '../hash-key.js';
import { retryOnToNginx } from '../retry-on.js';
import type { ExportResult, ExportWarning, LbConfig } from '../types.js';

/** Port of the example `server { listen … }` block. */
export const NGINX_LISTEN_PORT = 8080;

const LIMIT_KEYS: Record<string, string> = {
  client: '$binary_remote_addr',
  global: '$server_name',
  session: '$cookie_session',
  hash: '$request_uri',
};

/** The balancing directive for a strategy (null = nginx's default weighted round robin). */
function method(config: LbConfig, name: string, options: Record<string, unknown>, warn: (m: string) => void, warnKey: (m: string) => void): string | null {
  const hashLine = (): string => {
    let key = config.hashKey ? hashKeyToNginx(config.hashKey) : null;
    if (!key) {
      warnKey(config.hashKey ? `nginx has no variable for ${describeHashKey(config.hashKey)}; hashing $request_uri instead` : 'no hash key recorded (the scenario was not imported from a hashing config); hashing $request_uri: change it to your key');
      key = '$request_uri';
    }
    return `hash ${key} consistent;`;
  };
  switch (name) {
    case 'round-robin':
      if (!equalWeights(config.servers)) warn('nginx round robin honours weights, lbsim round-robin ignores them: set equal weights (or export weighted-round-robin) for the same behaviour');
      return null;
    case 'weighted-round-robin':
      return null;
    case 'weighted-random':
      return 'random;';
    case 'random':
      if (!equalWeights(config.servers)) warn('nginx random is weighted; lbsim random is uniform: equal weights give the same behaviour');
      return 'random;';
    case 'least-connections':
      return 'least_conn;';
    case 'p2c':
      if (options.draws !== 2) warn(`nginx samples exactly two servers ("random two"); lbsim p2c draws ${String(options.draws)}: nearest equivalent written`);
      return 'random two least_conn;';
    case 'peak-ewma':
      warn('nginx has no peak-EWMA balancer; nearest open-source equivalent: random two least_conn (nginx Plus: random two least_time=header)');
      return 'random two least_conn;';
    case 'least-time':
      warn('least_time needs nginx Plus or an nginx that ships ngx_http_upstream_least_time_module; elsewhere use least_conn, the nearest');
      return 'least_time header;';
    case 'ip-hash':
      return 'ip_hash;';
    case 'consistent-hash':
      return hashLine();
    case 'maglev':
    case 'rendezvous':
      warn(`nginx has no ${name} hashing; nearest equivalent: hash … consistent (ketama ring)`);
      return hashLine();
    case 'bounded-load':
      warn('nginx has no bounded-load hashing (HAProxy hash-balance-factor, Envoy hash_balance_factor); nearest: hash … consistent, without the load bound');
      return hashLine();
    case 'first':
      warn('nginx has no "first" balancer (fill servers in order up to max_conns); nearest: the default weighted round robin');
      return null;
    case 'jiq':
      warn('nginx has no join-idle-queue balancer; nearest: least_conn (idle servers have the fewest connections)');
      return 'least_conn;';
    case 'prequal':
      warn('nginx has no Prequal balancer; nearest: random two least_conn');
      return 'random two least_conn;';
    default:
      warn(`no nginx equivalent for ${name}; nginx's default weighted round robin is written`);
      return null;
  }
}

/** nginx rate syntax: `10r/s`, or `r/m` for rates below 1 r/s or fractional ones. */
function nginxRate(rate: number, warn: (m: string) => void): string {
  if (Number.isInteger(rate)) return `${rate}r/s`;
  const perMin = rate * 60;
  if (Math.abs(perMin - Math.round(perMin)) > 1e-9) warn(`nginx rates are whole requests per second or per minute; ${rate} r/s rounded to ${Math.max(1, Math.round(perMin))}r/m`);
  return `${Math.max(1, Math.round(perMin))}r/m`;
}

/** Writes the config as an nginx http-context fragment. */
export function exportNginx(config: LbConfig, header: string[] = []): ExportResult {
  const warnings: ExportWarning[] = [];
  const warnFor = (feature: string) => (message: string) => warnings.push({ feature, message });
  const name = config.name;
  let strategy = config.strategy.name;
  let options = config.strategy.options;
  const out: string[] = header.map((h) => `# ${h}`);
  out.push('# Paste into the http { } context. The server block is a minimal example: adapt listen and location.');
  const upstream: string[] = [];
  if (strategy === 'sticky') {
    warnFor('strategy sticky')('sticky sessions need nginx Plus ("sticky cookie"); written as a comment, with the inner strategy as the balancer');
    upstream.push('    # sticky cookie lbsim_srv expires=1h;  # nginx Plus only');
    strategy = String(options.inner ?? 'round-robin');
    options = (options.innerOptions as Record<string, unknown> | undefined) ?? {};
  }
  const mismatch = flavorMismatch(strategy, options, 'nginx');
  if (mismatch) warnFor(`strategy ${strategy}`)(mismatch);
  const m = method(config, strategy, options, warnFor(`strategy ${strategy}`), warnFor('hash key'));
  if (strategy === 'weighted-round-robin' || strategy === 'least-connections') {
    // ngx_http_upstream_free_round_robin_peer_locked: effective_weight -= weight / max_fails, with
    // the server's max_fails (0: never), which the export writes from balancer.passive.
    const nginxMaxFails = config.passive === false ? 0 : config.passive.maxFails;
    const simulated = typeof options.maxFails === 'number' ? options.maxFails : 0;
    if (simulated !== nginxMaxFails) {
      warnFor(`strategy ${strategy}`)(
        `nginx lowers a failing server's effective weight by weight / max_fails with max_fails from balancer.passive (${nginxMaxFails}${nginxMaxFails === 0 ? ': never' : ''}); the simulation used maxFails ${simulated === 0 ? 'unset (never)' : String(simulated)}`,
      );
    }
  }
  if (m) upstream.push(`    ${m}`);
  warnings.push(...tierWarnings(config, 'nginx'));
  const noBackup = m !== null && /^(hash|ip_hash|random)/.test(m);
  for (const s of config.servers) {
    if (s.role === 'backup' && noBackup) {
      warnFor(`server ${s.address}`)(`nginx does not allow backup servers with ${m!.split(' ')[0]!.replace(/;$/, '')}; the backup server is left out`);
      continue;
    }
    const params: string[] = [];
    if (s.weight !== 1) params.push(`weight=${s.weight}`);
    const own = config.passthrough?.format === 'nginx' ? config.passthrough.servers?.[s.name] : undefined;
    // the server's own failure accounting as imported, where it differed from balancer.passive
    if (own !== undefined) params.push(...own);
    else if (config.passive === false) params.push('max_fails=0');
    else {
      if (config.passive.maxFails !== 1) params.push(`max_fails=${config.passive.maxFails}`);
      if (config.passive.failTimeoutMs !== 10_000) params.push(`fail_timeout=${proxyTime(config.passive.failTimeoutMs)}`);
    }
    if (s.maxConn > 0) params.push(`max_conns=${s.maxConn}`);
    if (s.role === 'backup') params.push('backup');
    if (s.role === 'down') params.push('down');
    upstream.push(`    server ${s.address}${params.length ? ` ${params.join(' ')}` : ''};`);
  }
  if (config.slowStart !== false) {
    warnFor('balancer.slowStart')('slow_start= is an nginx Plus server parameter; written as a comment');
    upstream.push(`    # slow_start=${proxyTime(config.slowStart.windowMs)} on each server line needs nginx Plus`);
  }
  if (config.queue !== false) {
    warnFor('balancer.queue')('the upstream queue directive is nginx Plus only; written as a comment');
    upstream.push(`    # queue ${config.queue.maxQueue}${config.queue.timeoutMs > 0 ? ` timeout=${proxyTime(config.queue.timeoutMs)}` : ''};  # nginx Plus only`);
  }
  if (config.outlier !== false) {
    warnFor('balancer.outlier')('nginx has no outlier ejection (Envoy); nearest: max_fails / fail_timeout (balancer.passive)');
  }
  if (config.panicThreshold > 0) {
    warnFor('balancer.panicThreshold')(`nginx has no panic threshold (it uses every server only when all are down); ${config.panicThreshold}% is not expressible`);
  }
  if (config.healthCheck) {
    warnFor('health check')('active health checks (health_check) are nginx Plus only; written as a comment');
  }

  const zones: string[] = [];
  const location: string[] = [`        proxy_pass http://${name};`];
  if (config.rateLimit !== false) {
    const r = config.rateLimit;
    zones.push(`limit_req_zone ${LIMIT_KEYS[r.key]} zone=${name}_req:10m rate=${nginxRate(r.rate, warnFor('balancer.rateLimit'))};`);
    const params = [`zone=${name}_req`];
    if (r.burst > 0) params.push(`burst=${r.burst}`);
    if (r.nodelay) params.push('nodelay');
    else if (r.delay > 0) params.push(`delay=${r.delay}`);
    location.push(`        limit_req ${params.join(' ')};`);
  }
  if (config.connLimit !== false) {
    zones.push(`limit_conn_zone ${LIMIT_KEYS[config.connLimit.key]} zone=${name}_conn:10m;`);
    location.push(`        limit_conn ${name}_conn ${config.connLimit.perKey};`);
  }
  if (config.retries > 0) {
    // the conditions the scenario retries on (without retryOn lbsim retries every failure)
    const { args, lost } = retryOnToNginx(config.retryOn ?? ['connect', 'reset', 'timeout', '5xx']);
    if (config.retryOn !== undefined) for (const m of lost) warnFor('balancer.retryOn')(m);
    location.push(`        proxy_next_upstream ${args.join(' ')};`);
    location.push(`        proxy_next_upstream_tries ${config.retries + 1};`);
  } else location.push('        proxy_next_upstream off;');
  if (config.timeoutMs > 0) location.push(`        proxy_read_timeout ${proxyTime(config.timeoutMs)};`);
  if (config.healthCheck) {
    const h = config.healthCheck;
    location.push(`        # health_check interval=${proxyTime(h.intervalMs)} fails=${h.fall} passes=${h.rise}${h.path ? ` uri=${h.path}` : ''};  # nginx Plus only`);
  }

  // lines lbsim does not model, as the imported nginx config had them
  const pass = config.passthrough?.format === 'nginx' ? config.passthrough : undefined;
  for (const l of pass?.section ?? []) upstream.push(`    ${l};`);
  for (const l of pass?.location ?? []) location.push(`        ${l};`);

  if (zones.length > 0) out.push(...zones, '');
  out.push(`upstream ${name} {`, ...upstream, '}', '');
  out.push('server {', `    listen ${NGINX_LISTEN_PORT};`, '', '    location / {', ...location, '    }', '}', '');
  return { format: 'nginx', text: out.join('\n'), warnings };
}
