/**
 * nginx → lbsim: one `upstream` block (ngx_http_upstream_module and its balancing modules:
 * round robin, `least_conn`, `ip_hash`, `hash`, `random`, `least_time`) plus the `limit_req`,
 * `limit_conn`, `proxy_next_upstream[_tries]` and `proxy_read_timeout` in force where a
 * `proxy_pass` (or `grpc_pass`, `fastcgi_pass`, …) sends requests to it. Directive semantics follow
 * the nginx documentation (ngx_http_upstream_module, ngx_http_limit_req_module,
 * ngx_http_limit_conn_module, ngx_http_proxy_module); the mapping table is in ../MAPPING.md.
 *
 * Settings of the `limit_*` and `proxy_*` families are inherited as nginx inherits them: the
 * innermost level (location, server, http) that sets any of a family wins. Every directive inside
 * the upstream that lbsim does not model becomes a warning.
 */
import { InputError } from '../../input/errors.js';
import { baseConfig, groupName, mostCommon, withDefaults } from '../common.js';
import { parseNginxTime, proxyTime } from '../durations.js';
import { describeHashKey, hashKeyFromNginx } from '../hash-key.js';
import { retryOnFromNginx } from '../retry-on.js';
import type { HashKey, ImportResult, InteropWarning, LbConfig, LbServer } from '../types.js';
import type { InputLimits } from '../../input/limits.js';
import { parseNginxFile, type NginxDirective } from './parser.js';

/** Options of {@link importNginx}. */
export interface NginxImportOptions {
  /** Name of the upstream to import (required when the config has several). */
  upstream?: string;
  /** Input limits (file size; nginx nesting depth); the defaults when absent. */
  limits?: Readonly<InputLimits>;
}

interface Located {
  d: NginxDirective;
  /** Enclosing block directives, outermost first. */
  chain: NginxDirective[];
}

/** Every directive named `name` in the tree, with its enclosing blocks. */
function findAll(list: NginxDirective[], name: string | ((d: NginxDirective) => boolean), chain: NginxDirective[] = []): Located[] {
  const out: Located[] = [];
  const match = typeof name === 'string' ? (d: NginxDirective) => d.name === name : name;
  for (const d of list) {
    if (match(d)) out.push({ d, chain });
    if (d.block) out.push(...findAll(d.block, name, [...chain, d]));
  }
  return out;
}

/** A directive as one line of nginx syntax (arguments quoted where nginx needs it), without the `;`. */
export function nginxLine(d: NginxDirective): string {
  const q = (a: string) => (a === '' || /[\s;{}"'#\\]/.test(a) ? `"${a.replace(/(["\\])/g, '\\$1')}"` : a);
  return [d.name, ...d.args.map(q)].join(' ');
}

const PASS_DIRECTIVES = ['proxy_pass', 'grpc_pass', 'fastcgi_pass', 'uwsgi_pass', 'scgi_pass', 'memcached_pass'];

function referencesUpstream(arg: string, name: string): boolean {
  const m = /^(?:[a-z]+:\/\/)?([^/:$]+)(?:\/.*)?$/i.exec(arg);
  return m !== null && m[1] === name;
}

/** The directives named `names` at the innermost level of `chain` (outermost first) that has any. */
function inherited(chain: NginxDirective[], top: NginxDirective[], names: string[]): NginxDirective[] {
  const levels = [top, ...chain.map((c) => c.block ?? [])];
  for (let k = levels.length - 1; k >= 0; k--) {
    const found = levels[k]!.filter((d) => names.includes(d.name));
    if (found.length > 0) return found;
  }
  return [];
}

function where(d: NginxDirective): string {
  return `line ${d.line}: ${d.name}`;
}

function fail(d: NginxDirective, message: string): never {
  throw new InputError(d.file, [{ path: where(d), message }]);
}

function needArgs(d: NginxDirective, min: number, max: number): void {
  if (d.args.length < min || d.args.length > max) {
    fail(d, min === max ? `expected ${min} argument${min === 1 ? '' : 's'}, got ${d.args.length}` : `expected ${min} to ${max} arguments, got ${d.args.length}`);
  }
}

function intParam(d: NginxDirective, key: string, value: string, min: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min) fail(d, `bad ${key}="${value}": expected an integer ≥ ${min}`);
  return Number(value);
}

function timeParam(d: NginxDirective, key: string, value: string): number {
  const ms = parseNginxTime(value);
  if (!Number.isFinite(ms)) fail(d, `bad ${key}="${value}": expected an nginx time such as 10s, 500ms or 1m`);
  return ms;
}

/** Limit key of a `limit_req_zone` / `limit_conn_zone` key expression. */
function limitKey(expr: string): { key: 'global' | 'client' | 'session' | 'hash'; exact: boolean } {
  if (expr === '$binary_remote_addr' || expr === '$remote_addr') return { key: 'client', exact: true };
  if (!expr.includes('$') || expr === '$server_name') return { key: 'global', exact: true };
  if (/^\$cookie_\w+$/.test(expr)) return { key: 'session', exact: true };
  return { key: 'hash', exact: false };
}

interface ServerParams {
  server: LbServer;
  maxFails: number;
  failTimeoutMs: number;
  slowStartMs?: number;
  d: NginxDirective;
}

function parseServer(d: NginxDirective, used: Set<string>, warn: (d: NginxDirective, msg: string) => void): ServerParams {
  if (d.args.length < 1) fail(d, 'expected an address: server <address> [parameters];');
  const address = d.args[0]!;
  const p: ServerParams = {
    server: { name: groupName(address, used), address, weight: 1, maxConn: 0, role: 'active' },
    maxFails: 1,
    failTimeoutMs: 10_000,
    d,
  };
  for (const param of d.args.slice(1)) {
    const eq = param.indexOf('=');
    const key = eq < 0 ? param : param.slice(0, eq);
    const value = eq < 0 ? '' : param.slice(eq + 1);
    switch (key) {
      case 'weight':
        p.server.weight = intParam(d, 'weight', value, 1);
        break;
      case 'max_fails':
        p.maxFails = intParam(d, 'max_fails', value, 0);
        break;
      case 'fail_timeout':
        p.failTimeoutMs = timeParam(d, 'fail_timeout', value);
        break;
      case 'max_conns':
        p.server.maxConn = intParam(d, 'max_conns', value, 0);
        break;
      case 'backup':
        // Simulated: a failover tier with nginx semantics (balancer.failover.mode nginx).
        p.server.role = 'backup';
        break;
      case 'down':
        p.server.role = 'down';
        warn(d, `server ${address} is marked down: not simulated; kept for export`);
        break;
      case 'slow_start':
        p.slowStartMs = timeParam(d, 'slow_start', value);
        break;
      default:
        warn(d, `server parameter "${param}" is not modelled`);
    }
  }
  return p;
}

/**
 * Imports one upstream of an nginx config (with its includes) as an {@link LbConfig}.
 * @throws InputError with file and line for syntax errors, bad parameters, or an ambiguous upstream
 */
export function importNginx(file: string, opts: NginxImportOptions = {}): ImportResult {
  const cfg = parseNginxFile(file, opts.limits);
  const warnings: InteropWarning[] = [...cfg.warnings];
  const origins: Record<string, string> = {};
  const warn = (d: NginxDirective, message: string) => warnings.push({ file: d.file, line: d.line, directive: d.name, message });

  const upstreams = findAll(cfg.directives, (d) => d.name === 'upstream' && d.block !== undefined);
  const names = [...new Set(upstreams.map((u) => u.d.args[0] ?? ''))];
  if (upstreams.length === 0) throw new InputError(file, [{ path: '', message: 'no upstream block found (expected upstream NAME { server …; })' }]);
  let chosen: Located;
  if (opts.upstream !== undefined) {
    const hit = upstreams.filter((u) => u.d.args[0] === opts.upstream);
    if (hit.length === 0) throw new InputError(file, [{ path: '--upstream', message: `no upstream "${opts.upstream}"; the config has: ${names.join(', ')}` }]);
    chosen = hit[0]!;
    if (hit.length > 1) warn(hit[1]!.d, `upstream "${opts.upstream}" is defined more than once; the first (line ${chosen.d.line}) is used`);
  } else {
    if (names.length > 1) {
      throw new InputError(file, [{ path: '', message: `several upstreams (${names.join(', ')}): choose one with --upstream NAME` }]);
    }
    chosen = upstreams[0]!;
  }
  const up = chosen.d;
  if (up.args.length !== 1) fail(up, 'expected one name: upstream NAME { … }');
  const name = up.args[0]!;
  const config: LbConfig = baseConfig(name);

  // --- the upstream block ---
  const used = new Set<string>();
  const servers: ServerParams[] = [];
  let method: { d: NginxDirective; strategy: string; options: Record<string, unknown>; key?: HashKey } | undefined;
  let sticky: NginxDirective | undefined;
  const setMethod = (d: NginxDirective, strategy: string, options: Record<string, unknown> = {}, key?: HashKey) => {
    if (method) warn(d, `load balancing method redefined (was ${method.d.name} on line ${method.d.line}); the last one is used, as nginx does`);
    method = { d, strategy, options, ...(key ? { key } : {}) };
  };
  const section: string[] = [];
  for (const d of up.block!) {
    // directives lbsim does not model travel to the export untouched
    if (['keepalive', 'keepalive_requests', 'keepalive_time', 'keepalive_timeout', 'zone', 'resolver', 'resolver_timeout', 'ntlm'].includes(d.name) && !d.block) section.push(nginxLine(d));
    switch (d.name) {
      case 'server':
        servers.push(parseServer(d, used, warn));
        break;
      case 'least_conn':
        needArgs(d, 0, 0);
        setMethod(d, 'least-connections');
        break;
      case 'ip_hash':
        needArgs(d, 0, 0);
        setMethod(d, 'ip-hash');
        break;
      case 'hash': {
        needArgs(d, 1, 2);
        if (d.args.length === 2 && d.args[1] !== 'consistent') fail(d, `invalid parameter "${d.args[1]}": expected hash <key> [consistent]`);
        const key = hashKeyFromNginx(d.args[0]!);
        setMethod(d, 'consistent-hash', {}, key);
        if (d.args.length === 1) {
          warn(d, 'hash without "consistent" maps keys by modulo over the weighted servers; nearest lbsim strategy: consistent-hash (same key affinity, different remapping when servers change)');
        }
        break;
      }
      case 'random': {
        needArgs(d, 0, 2);
        if (d.args.length === 0) setMethod(d, 'weighted-random');
        else {
          if (d.args[0] !== 'two') fail(d, `invalid parameter "${d.args[0]}": expected random [two [least_conn]]`);
          const m = d.args[1];
          if (m === undefined || m === 'least_conn') setMethod(d, 'p2c', { flavor: 'nginx', draws: 2 });
          else if (/^least_time=(header|last_byte)$/.test(m)) {
            setMethod(d, 'least-time');
            warn(d, `"random two ${m}" compares two random servers by response time; nearest lbsim strategy: least-time (scans every server)`);
          } else fail(d, `invalid parameter "${m}": expected least_conn or least_time=header|last_byte`);
        }
        break;
      }
      case 'least_time': {
        needArgs(d, 1, 2);
        if (!/^(header|last_byte)$/.test(d.args[0]!)) fail(d, `invalid parameter "${d.args[0]}": expected header or last_byte`);
        if (d.args[1] !== undefined && d.args[1] !== 'inflight') fail(d, `invalid parameter "${d.args[1]}": expected inflight`);
        setMethod(d, 'least-time');
        if (d.args[1] === 'inflight') warn(d, '"inflight" (counting incomplete requests in the average) is not modelled');
        break;
      }
      case 'sticky':
        sticky = d;
        break;
      case 'queue': {
        needArgs(d, 1, 2);
        const maxQueue = intParam(d, 'queue', d.args[0]!, 1);
        let timeoutMs = 60_000;
        if (d.args[1] !== undefined) {
          const m = /^timeout=(.+)$/.exec(d.args[1]);
          if (!m) fail(d, `invalid parameter "${d.args[1]}": expected timeout=<time>`);
          timeoutMs = timeParam(d, 'timeout', m[1]!);
        }
        config.queue = { maxQueue, timeoutMs };
        origins['balancer.queue'] = `queue ${d.args.join(' ')}`;
        break;
      }
      case 'keepalive':
      case 'keepalive_requests':
      case 'keepalive_time':
      case 'keepalive_timeout':
        warn(d, 'connection reuse to the upstream is not modelled (lbsim has no connection setup cost)');
        break;
      case 'zone':
        warn(d, 'shared-memory zone: no effect on balancing in lbsim (each simulated balancer is one process)');
        break;
      default:
        warn(d, 'not modelled by lbsim');
    }
  }
  const active = servers.filter((s) => s.server.role === 'active');
  if (active.length === 0) fail(up, 'no active server (every server is backup or down, or there is none)');
  config.servers = servers.map((s) => s.server);
  const backup = servers.find((s) => s.server.role === 'backup');
  if (backup) {
    // nginx refuses `backup` with hash, ip_hash and random (their flags lack
    // NGX_HTTP_UPSTREAM_BACKUP; ngx_http_upstream_server: "balancing method does not support parameter").
    const refused = method && ['hash', 'ip_hash', 'random'].includes(method.d.name) ? method.d.name : undefined;
    if (refused) fail(backup.d, `nginx does not support "backup" with ${refused} ("balancing method does not support parameter backup")`);
    config.failover = { mode: 'nginx', allBackups: false, overprovisioningFactor: 1.4 };
    origins['balancer.failover'] = 'server … backup (nginx: backups serve while every primary is down, full or tried)';
  }

  // Passive health: one setting for all servers in lbsim.
  const fails = mostCommon(active.map((s) => [s.maxFails, s.failTimeoutMs] as const))!;
  const [maxFails, failTimeoutMs] = fails.value;
  if (!fails.uniform) {
    warn(up, `servers have different max_fails/fail_timeout; lbsim applies one setting to all: max_fails=${maxFails} fail_timeout=${proxyTime(failTimeoutMs)} (the most common)`);
  }
  config.passive = maxFails === 0 ? false : { maxFails, failTimeoutMs };
  origins['balancer.passive'] = maxFails === 0 ? 'max_fails=0 (failure accounting off)' : `max_fails=${maxFails} fail_timeout=${proxyTime(failTimeoutMs)}${active.some((s) => /max_fails|fail_timeout/.test(s.d.args.join(' '))) ? '' : ' (nginx defaults)'}`;
  origins['balancer.panicThreshold'] = 'nginx has no panic mode';

  const slow = active.filter((s) => s.slowStartMs !== undefined);
  if (slow.length > 0) {
    const common = mostCommon(slow.map((s) => s.slowStartMs!))!;
    if (!common.uniform || slow.length < active.length) warn(slow[0]!.d, 'slow_start differs between servers; lbsim applies one window to all (the most common)');
    if (common.value > 0) {
      config.slowStart = { windowMs: common.value, minWeightPercent: 10, aggression: 1 };
      origins['balancer.slowStart'] = `slow_start=${proxyTime(common.value)} (nginx Plus)`;
    }
  }

  // Strategy.
  let strategy = method?.strategy ?? 'weighted-round-robin';
  let options = method?.options ?? {};
  // nginx lowers a failed peer's effective_weight by weight / max_fails in round robin and in
  // least_conn's tie-break (ngx_http_upstream_free_round_robin_peer_locked).
  if (strategy === 'weighted-round-robin') options = { maxFails: Math.max(1, maxFails) };
  if (strategy === 'least-connections' && maxFails > 0) options = { maxFails };
  origins.strategy = method ? `${method.d.name}${method.d.args.length ? ` ${method.d.args.join(' ')}` : ''}` : 'no balancing directive: weighted round robin';
  if (method?.key) {
    config.hashKey = method.key;
    origins.hashKey = `hash ${method.d.args[0]} (${describeHashKey(method.key)})`;
  }
  if (sticky) {
    warn(sticky, `sticky (nginx Plus) is modelled as lbsim sticky sessions keyed by clients.sessions; "${sticky.args.join(' ')}" details are not`);
    options = { inner: strategy, innerOptions: options };
    strategy = 'sticky';
    origins.strategy = `sticky ${sticky.args[0] ?? ''} + ${origins.strategy}`;
  }
  config.strategy = { name: strategy, options: withDefaults(strategy, options) };

  // --- where requests reach the upstream: limits, retries, timeout ---
  const sites = findAll(cfg.directives, (d) => PASS_DIRECTIVES.includes(d.name) && d.args.length > 0 && referencesUpstream(d.args[0]!, name));
  const contexts = sites.length > 0 ? sites.map((s) => ({ chain: s.chain, pass: s.d })) : [{ chain: chosen.chain, pass: undefined }];
  const zones = new Map<string, NginxDirective>();
  for (const z of findAll(cfg.directives, (d) => d.name === 'limit_req_zone' || d.name === 'limit_conn_zone')) {
    const m = z.d.args.map((a) => /^zone=([^:]+):/.exec(a)).find((x) => x);
    if (m) zones.set(`${z.d.name}:${m[1]}`, z.d);
  }
  const results = contexts.map(({ chain, pass }) => {
    const prefix = pass ? pass.name.replace(/_pass$/, '') : 'proxy';
    const mech: Partial<LbConfig> & { origins: Record<string, string>; notes: InteropWarning[] } = { origins: {}, notes: [] };
    const note = (d: NginxDirective, message: string) => mech.notes.push({ file: d.file, line: d.line, directive: d.name, message });
    // limit_req
    const reqs = inherited(chain, cfg.directives, ['limit_req']);
    if (reqs.length > 1) note(reqs[1]!, 'lbsim models one limit_req per upstream; the first one is used');
    const lr = reqs[0];
    if (lr) {
      const zoneArg = lr.args.find((a) => a.startsWith('zone='));
      if (!zoneArg) fail(lr, 'expected zone=<name>');
      const zoneName = zoneArg.slice(5);
      const zd = zones.get(`limit_req_zone:${zoneName}`);
      if (!zd) fail(lr, `no limit_req_zone named "${zoneName}"`);
      const rateArg = zd.args.find((a) => a.startsWith('rate='));
      const rm = rateArg ? /^rate=(\d+)r\/(s|m)$/.exec(rateArg) : null;
      if (!rm) fail(zd, `expected rate=<n>r/s or rate=<n>r/m, got ${rateArg ?? 'none'}`);
      const rate = Number(rm[1]) / (rm[2] === 'm' ? 60 : 1);
      if (!(rate > 0)) fail(zd, 'rate must be positive');
      let burst = 0;
      let nodelay = false;
      let delay = 0;
      for (const a of lr.args) {
        if (a.startsWith('zone=')) continue;
        if (a.startsWith('burst=')) burst = intParam(lr, 'burst', a.slice(6), 0);
        else if (a === 'nodelay') nodelay = true;
        else if (a.startsWith('delay=')) delay = intParam(lr, 'delay', a.slice(6), 0);
        else fail(lr, `invalid parameter "${a}": expected burst=, nodelay or delay=`);
      }
      const keyExpr = zd.args[0]!;
      const k = limitKey(keyExpr);
      if (!k.exact) note(zd, `limit key ${keyExpr}: lbsim keys the limit by the request's hash key (clients.keys)`);
      mech.rateLimit = { rate, burst, nodelay, delay, key: k.key };
      mech.origins['balancer.rateLimit'] = `limit_req ${lr.args.join(' ')} (zone: ${keyExpr} ${rateArg})`;
    }
    const conns = inherited(chain, cfg.directives, ['limit_conn']);
    if (conns.length > 1) note(conns[1]!, 'lbsim models one limit_conn per upstream; the first one is used');
    const lc = conns[0];
    if (lc) {
      if (lc.args.length !== 2) fail(lc, 'expected limit_conn <zone> <number>');
      const zd = zones.get(`limit_conn_zone:${lc.args[0]}`);
      if (!zd) fail(lc, `no limit_conn_zone named "${lc.args[0]}"`);
      const perKey = intParam(lc, 'number', lc.args[1]!, 1);
      const k = limitKey(zd.args[0]!);
      if (!k.exact) note(zd, `limit key ${zd.args[0]}: lbsim keys the limit by the request's hash key (clients.keys)`);
      mech.connLimit = { perKey, key: k.key };
      mech.origins['balancer.connLimit'] = `limit_conn ${lc.args.join(' ')} (zone key ${zd.args[0]})`;
    }
    // retries
    const nu = inherited(chain, cfg.directives, [`${prefix}_next_upstream`])[0];
    const tries = inherited(chain, cfg.directives, [`${prefix}_next_upstream_tries`])[0];
    const all = active.length - 1;
    if (nu && nu.args.includes('off')) {
      mech.retries = 0;
      mech.origins['balancer.retries'] = `${nu.name} off`;
    } else {
      const n = tries ? intParam(tries, 'tries', tries.args[0] ?? '', 0) : 0;
      mech.retries = n === 0 ? all : Math.min(n - 1, all);
      mech.origins['balancer.retries'] = tries && n > 0 ? `${tries.name} ${n}` : `nginx default: next server on error/timeout, every server once (${active.length} servers)`;
      // which failures are retried: as written, or nginx's default `error timeout`
      const { on, unmodelled } = retryOnFromNginx(nu ? nu.args : ['error', 'timeout']);
      mech.retryOn = on;
      mech.origins['balancer.retryOn'] = nu ? `${nu.name} ${nu.args.join(' ')}` : `nginx default ${prefix}_next_upstream error timeout`;
      if (nu && unmodelled.length > 0) note(nu, `retry conditions ${unmodelled.join(', ')}: not modelled by lbsim (no effect on which simulated failures are retried)`);
    }
    const rt = inherited(chain, cfg.directives, [pass && pass.name !== 'proxy_pass' ? `${prefix}_read_timeout` : 'proxy_read_timeout', 'proxy_timeout'])[0];
    if (rt) {
      mech.timeoutMs = timeParam(rt, rt.name, rt.args[0] ?? '');
      mech.origins['balancer.timeout'] = `${rt.name} ${rt.args[0]} (nginx's is per read; lbsim's per attempt)`;
    }
    return mech;
  });
  const first = results[0]!;
  for (const r of results.slice(1)) {
    const a = JSON.stringify({ ...first, origins: 0, notes: 0 });
    const b = JSON.stringify({ ...r, origins: 0, notes: 0 });
    if (a !== b) {
      warn(sites[results.indexOf(r)]!.d, 'this location sends to the upstream with different limits, retries or timeout than the first one; the first is used');
    }
  }
  warnings.push(...first.notes);
  // the first location's own lines lbsim does not model (proxy_http_version, proxy_set_header, …)
  const location: string[] = [];
  const site = sites[0];
  if (site) {
    const prefix = site.d.name.replace(/_pass$/, '');
    const modelled = new Set([...PASS_DIRECTIVES, 'limit_req', 'limit_conn', `${prefix}_next_upstream`, `${prefix}_next_upstream_tries`, `${prefix}_read_timeout`, 'proxy_timeout']);
    const block = site.chain[site.chain.length - 1]?.block ?? [];
    for (const d of block) if (!d.block && !modelled.has(d.name)) location.push(nginxLine(d));
  }
  // a server whose max_fails / fail_timeout differ from the one setting lbsim applies (a backup
  // with nginx's defaults beside primaries with max_fails=3) gets its own parameters back on export
  const own: Record<string, string[]> = {};
  for (const p of servers) {
    const same = config.passive === false ? p.maxFails === 0 : p.maxFails === config.passive.maxFails && p.failTimeoutMs === config.passive.failTimeoutMs;
    if (!same) own[p.server.name] = p.d.args.slice(1).filter((a) => /^(max_fails|fail_timeout)=/.test(a));
  }
  const hasOwn = Object.keys(own).length > 0;
  if (section.length > 0 || location.length > 0 || hasOwn) {
    config.passthrough = {
      format: 'nginx',
      ...(section.length > 0 ? { section } : {}),
      ...(location.length > 0 ? { location } : {}),
      ...(hasOwn ? { servers: own } : {}),
    };
  }
  Object.assign(origins, first.origins);
  if (first.rateLimit) config.rateLimit = first.rateLimit;
  if (first.connLimit) config.connLimit = first.connLimit;
  config.retries = first.retries ?? 0;
  if (first.retryOn !== undefined) config.retryOn = first.retryOn;
  if (first.timeoutMs !== undefined) config.timeoutMs = first.timeoutMs;
  if (sites.length === 0) {
    origins['balancer.retries'] = `${origins['balancer.retries'] ?? ''} (no proxy_pass to "${name}" in this file: read at the upstream's level)`.trim();
  }
  warnings.sort((a, b) => (a.file === b.file ? (a.line ?? 0) - (b.line ?? 0) : 0));

  return { format: 'nginx', file, kind: 'upstream', proxy: nginxTarget(config), config, origins, warnings };
}

/**
 * nginx Plus when the config uses what only the commercial nginx has (ngx_http_upstream_module
 * documentation: `least_time`, `sticky`, `queue`, the `slow_start=` server parameter; active
 * `health_check`), else open-source nginx.
 */
export function nginxTarget(config: LbConfig): 'nginx' | 'nginx-plus' {
  const s = config.strategy.name;
  const plus = s === 'least-time' || s === 'sticky' || config.slowStart !== false || config.queue !== false || config.healthCheck !== undefined;
  return plus ? 'nginx-plus' : 'nginx';
}
