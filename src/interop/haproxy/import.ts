/**
 * HAProxy → lbsim: one `backend` or `listen` section with what it inherits from its `defaults`
 * section (the last one before it, or the one named by `from`, itself possibly inheriting), after
 * the HAProxy configuration manual: `balance` (every algorithm, `random(<draws>)`), `hash-type`,
 * `hash-balance-factor`, `default-server` / `server` parameters (`weight maxconn maxqueue check
 * inter rise fall slowstart backup disabled`), `timeout queue|server`, `retries`,
 * `option redispatch`, `option httpchk` and `cookie`. The mapping table is in ../MAPPING.md; every
 * keyword of the section that lbsim does not model becomes a warning.
 */
import { InputError } from '../../input/errors.js';
import { DEFAULT_LIMITS, type InputLimits } from '../../input/limits.js';
import { readInputFile } from '../../input/read.js';
import { baseConfig, equalWeights, groupName, mostCommon, withDefaults } from '../common.js';
import { parseHaproxyTime, proxyTime } from '../durations.js';
import { retryOnFromHaproxy } from '../retry-on.js';
import { describeHashKey, hashKeyFromHaproxy } from '../hash-key.js';
import type { HashKey, ImportResult, InteropWarning, LbConfig, LbServer } from '../types.js';
import { parseHaproxy, type HaproxyLine, type HaproxySection } from './parser.js';

/** Options of {@link importHaproxy}. */
export interface HaproxyImportOptions {
  /** Name of the backend or listen section (required when there are several). */
  upstream?: string;
  /** Input limits (file size; nginx nesting depth); the defaults when absent. */
  limits?: Readonly<InputLimits>;
}

/** `balance` algorithms HAProxy accepts. */
export const BALANCE_ALGORITHMS = ['roundrobin', 'static-rr', 'leastconn', 'first', 'source', 'uri', 'url_param', 'hdr(<name>)', 'random[(<draws>)]', 'rdp-cookie[(<name>)]', 'hash <expr>'];

/** Queue length written when HAProxy's is unlimited (`maxqueue 0`, the default). */
export const UNLIMITED_QUEUE = 1_000_000;

/** Server keywords that take no value. */
const FLAGS = new Set([
  'backup', 'no-backup', 'check', 'no-check', 'check-ssl', 'no-check-ssl', 'check-send-proxy', 'check-via-socks4',
  'disabled', 'enabled', 'ssl', 'no-ssl', 'send-proxy', 'no-send-proxy', 'send-proxy-v2', 'no-send-proxy-v2',
  'send-proxy-v2-ssl', 'send-proxy-v2-ssl-cn', 'no-send-proxy-v2-ssl', 'no-send-proxy-v2-ssl-cn', 'agent-check',
  'no-agent-check', 'allow-0rtt', 'tfo', 'no-tfo', 'non-stick', 'stick', 'no-verifyhost', 'no-tls-tickets',
  'tls-tickets', 'no-sslv3', 'no-tlsv10', 'no-tlsv11', 'no-tlsv12', 'no-tlsv13', 'force-sslv3', 'force-tlsv10',
  'force-tlsv11', 'force-tlsv12', 'force-tlsv13', 'ssl-reuse', 'no-ssl-reuse', 'check-reuse-pool', 'no-check-reuse-pool',
]);

/** Section keywords that do not bear on balancing and are passed over without a warning. */
const SILENT = new Set(['mode', 'log', 'description', 'id', 'no log']);
const SILENT_OPTIONS = new Set(['httplog', 'tcplog', 'dontlognull', 'logasap', 'log-separate-errors', 'log-health-checks']);

interface ServerDefaults {
  weight?: number;
  maxConn?: number;
  maxQueue?: number;
  check?: boolean;
  interMs?: number;
  rise?: number;
  fall?: number;
  slowStartMs?: number;
  backup?: boolean;
  disabled?: boolean;
}

interface Ctx {
  file: string;
  warnings: InteropWarning[];
  /** Warn about unknown keywords (only for the chosen section itself). */
  loud: boolean;
}

function fail(ctx: { file: string }, l: HaproxyLine, message: string, what = l.words[0]): never {
  throw new InputError(ctx.file, [{ path: `line ${l.line}: ${what}`, message }]);
}

function int(ctx: Ctx, l: HaproxyLine, key: string, value: string | undefined, min: number, max = Infinity): number {
  if (value === undefined || !/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    fail(ctx, l, `bad ${key} ${JSON.stringify(value ?? '')}: expected an integer${max < Infinity ? ` from ${min} to ${max}` : ` ≥ ${min}`}`, key);
  }
  return Number(value);
}

function time(ctx: Ctx, l: HaproxyLine, key: string, value: string | undefined): number {
  const ms = value === undefined ? Number.NaN : parseHaproxyTime(value);
  if (!Number.isFinite(ms)) fail(ctx, l, `bad ${key} ${JSON.stringify(value ?? '')}: expected a time such as 2s, 500ms or 1m (a bare number is ms)`, key);
  return ms;
}

/** Applies server (or default-server) parameters from `words` onto `into`. */
function serverParams(ctx: Ctx, l: HaproxyLine, words: string[], into: ServerDefaults): void {
  for (let k = 0; k < words.length; k++) {
    const kw = words[k]!;
    const value = words[k + 1];
    const take = () => {
      k++;
      return value;
    };
    switch (kw) {
      case 'weight':
        into.weight = int(ctx, l, 'weight', take(), 0, 256);
        break;
      case 'maxconn':
        into.maxConn = int(ctx, l, 'maxconn', take(), 0);
        break;
      case 'maxqueue':
        into.maxQueue = int(ctx, l, 'maxqueue', take(), 0);
        break;
      case 'check':
        into.check = true;
        break;
      case 'no-check':
        into.check = false;
        break;
      case 'inter':
        into.interMs = time(ctx, l, 'inter', take());
        break;
      case 'rise':
        into.rise = int(ctx, l, 'rise', take(), 1);
        break;
      case 'fall':
        into.fall = int(ctx, l, 'fall', take(), 1);
        break;
      case 'slowstart':
        into.slowStartMs = time(ctx, l, 'slowstart', take());
        break;
      case 'backup':
        into.backup = true;
        break;
      case 'no-backup':
        into.backup = false;
        break;
      case 'disabled':
        into.disabled = true;
        break;
      case 'enabled':
        into.disabled = false;
        break;
      case 'cookie':
        take();
        break;
      default:
        if (FLAGS.has(kw)) {
          ctx.warnings.push({ file: ctx.file, line: l.line, directive: `${l.words[0]} ${kw}`, message: 'not modelled by lbsim' });
        } else {
          take();
          ctx.warnings.push({ file: ctx.file, line: l.line, directive: `${l.words[0]} ${kw}`, message: `${kw} ${value ?? ''}: not modelled by lbsim`.trim() });
        }
    }
  }
}

interface ProxySettings {
  balance?: { l: HaproxyLine; words: string[] };
  hashType?: { l: HaproxyLine; method: string; rest: string[] };
  balanceFactor?: { l: HaproxyLine; value: number };
  defaults: ServerDefaults;
  timeoutQueueMs?: number;
  timeoutServerMs?: number;
  timeoutConnectMs?: number;
  timeoutCheckMs?: number;
  retries?: { l: HaproxyLine; value: number };
  /** `retry-on` keywords, as written. */
  retryOn?: { l: HaproxyLine; args: string[] };
  /** `option redispatch [<interval>]`: the interval (default -1), or false when off. */
  redispatch?: number | false;
  /** `option allbackups` (`PR_O_USE_ALL_BK`): every usable backup, not only the first. */
  allBackups?: boolean;
  httpchk?: { l: HaproxyLine; path: string };
  cookie?: HaproxyLine;
  servers: { l: HaproxyLine; name: string; address: string; params: ServerDefaults }[];
}

/** Reads one proxy section's lines onto `s` (defaults first, then the section itself). */
function readSection(ctx: Ctx, section: HaproxySection, s: ProxySettings): void {
  for (const l of section.lines) {
    const [kw, ...args] = l.words as [string, ...string[]];
    const warn = (message: string, directive = kw) => {
      if (ctx.loud) ctx.warnings.push({ file: ctx.file, line: l.line, directive, message });
    };
    switch (kw) {
      case 'balance': {
        if (args.length === 0) fail(ctx, l, `expected an algorithm: ${BALANCE_ALGORITHMS.join(', ')}`);
        s.balance = { l, words: args };
        break;
      }
      case 'hash-type': {
        const method = args[0];
        if (method !== 'consistent' && method !== 'map-based') fail(ctx, l, `expected consistent or map-based, got ${JSON.stringify(method ?? '')}`);
        s.hashType = { l, method, rest: args.slice(1) };
        break;
      }
      case 'hash-balance-factor': {
        const v = int(ctx, l, 'hash-balance-factor', args[0], 0, 65535);
        if (v > 0 && v < 100) fail(ctx, l, `bad hash-balance-factor ${v}: expected 0 (off) or at least 100`);
        s.balanceFactor = { l, value: v };
        break;
      }
      case 'default-server':
        serverParams(ctx, l, args, s.defaults);
        break;
      case 'server': {
        if (section.type === 'defaults') fail(ctx, l, '"server" is not allowed in a defaults section');
        if (args.length < 2) fail(ctx, l, 'expected server <name> <address>[:port] [parameters]');
        const params: ServerDefaults = { ...s.defaults };
        serverParams(ctx, l, args.slice(2), params);
        s.servers.push({ l, name: args[0]!, address: args[1]!, params });
        break;
      }
      case 'timeout': {
        const what = args[0];
        const t = () => time(ctx, l, `timeout ${what}`, args[1]);
        if (what === 'queue') s.timeoutQueueMs = t();
        else if (what === 'server') s.timeoutServerMs = t();
        else if (what === 'connect') s.timeoutConnectMs = t();
        else if (what === 'check') s.timeoutCheckMs = t();
        else warn(`timeout ${what ?? ''} is not modelled`, `timeout ${what ?? ''}`.trim());
        break;
      }
      case 'retries':
        s.retries = { l, value: int(ctx, l, 'retries', args[0], 0) };
        break;
      case 'retry-on':
        s.retryOn = { l, args: [...args] };
        break;
      case 'option': {
        const opt = args[0] ?? '';
        if (opt === 'redispatch') {
          const v = args[1] ?? '-1';
          if (!/^-?\d+$/.test(v)) fail(ctx, l, `bad interval ${JSON.stringify(v)}: expected an integer`, 'option redispatch');
          s.redispatch = Number(v);
        }
        else if (opt === 'allbackups') s.allBackups = true;
        else if (opt === 'httpchk') {
          // option httpchk [<method>] [<uri>] [<version>], or option httpchk <uri>
          const path = args.length === 2 ? args[1]! : (args[2] ?? '/');
          s.httpchk = { l, path };
        } else if (!SILENT_OPTIONS.has(opt)) warn('not modelled by lbsim', `option ${opt}`);
        break;
      }
      case 'no':
        if (args[0] === 'option' && args[1] === 'redispatch') s.redispatch = false;
        else if (args[0] === 'option' && args[1] === 'httpchk') delete s.httpchk;
        else if (args[0] === 'option' && args[1] === 'allbackups') s.allBackups = false;
        else if (!(args[0] === 'log' || (args[0] === 'option' && SILENT_OPTIONS.has(args[1] ?? '')))) warn('not modelled by lbsim', l.words.slice(0, 3).join(' '));
        break;
      case 'cookie':
        s.cookie = l;
        break;
      default:
        if (!SILENT.has(kw)) warn('not modelled by lbsim');
    }
  }
}

/** The defaults chain of a proxy section, outermost first. */
function defaultsChain(sections: HaproxySection[], target: HaproxySection, file: string): HaproxySection[] {
  const chain: HaproxySection[] = [];
  let cur: HaproxySection = target;
  const seen = new Set<HaproxySection>();
  for (;;) {
    let parent: HaproxySection | undefined;
    if (cur.from !== undefined) {
      parent = sections.find((s) => s.type === 'defaults' && s.name === cur.from && s.line < cur.line);
      if (!parent) throw new InputError(file, [{ path: `line ${cur.line}: ${cur.type}`, message: `no defaults section named "${cur.from}" before this line` }]);
    } else if (cur === target || cur.type !== 'defaults') {
      parent = [...sections].reverse().find((s) => s.type === 'defaults' && s.line < cur.line);
    }
    if (!parent || seen.has(parent)) break;
    seen.add(parent);
    chain.unshift(parent);
    cur = parent;
  }
  return chain;
}

/**
 * Imports one backend (or listen section) of an HAProxy config as an {@link LbConfig}.
 * @throws InputError with file and line for syntax errors, bad values or an ambiguous backend
 */
export function importHaproxy(file: string, opts: HaproxyImportOptions = {}): ImportResult {
  const text = readInputFile(file, (opts.limits ?? DEFAULT_LIMITS).fileBytes);
  const sections = parseHaproxy(text, file);
  const proxies = sections.filter((s) => s.type === 'backend' || s.type === 'listen');
  if (proxies.length === 0) throw new InputError(file, [{ path: '', message: 'no backend or listen section found' }]);
  let target: HaproxySection;
  if (opts.upstream !== undefined) {
    const hit = proxies.find((p) => p.name === opts.upstream);
    if (!hit) throw new InputError(file, [{ path: '--upstream', message: `no backend or listen section "${opts.upstream}"; the config has: ${proxies.map((p) => p.name).join(', ')}` }]);
    target = hit;
  } else {
    if (proxies.length > 1) throw new InputError(file, [{ path: '', message: `several backends (${proxies.map((p) => p.name).join(', ')}): choose one with --upstream NAME` }]);
    target = proxies[0]!;
  }

  const warnings: InteropWarning[] = [];
  const origins: Record<string, string> = {};
  const s: ProxySettings = { defaults: {}, servers: [] };
  for (const d of defaultsChain(sections, target, file)) readSection({ file, warnings, loud: false }, d, s);
  const ctx: Ctx = { file, warnings, loud: true };
  readSection(ctx, target, s);
  const warnAt = (l: HaproxyLine, directive: string, message: string) => warnings.push({ file, line: l.line, directive, message });

  const config: LbConfig = baseConfig(target.name);
  const used = new Set<string>();
  if (s.servers.length === 0) throw new InputError(file, [{ path: `line ${target.line}: ${target.type}`, message: 'no server lines' }]);
  const servers: (LbServer & { p: ServerDefaults; l: HaproxyLine })[] = s.servers.map(({ l, name, address, params }) => {
    let role: LbServer['role'] = params.disabled ? 'down' : params.backup ? 'backup' : 'active';
    if (params.weight === 0 && role !== 'down') {
      role = 'down';
      warnAt(l, 'server weight 0', `server ${name} has weight 0 (takes no new traffic): not simulated; kept for export`);
    } else if (role === 'down') warnAt(l, 'server disabled', `server ${name} is disabled: not simulated; kept for export`);
    return { name: groupName(name, used), address, weight: Math.max(1, params.weight ?? 1), maxConn: params.maxConn ?? 0, role, p: params, l };
  });
  const active = servers.filter((x) => x.role === 'active');
  if (active.length === 0) throw new InputError(file, [{ path: `line ${target.line}: ${target.type}`, message: 'no active server (all are backup, disabled or weight 0)' }]);
  config.servers = servers.map(({ p: _p, l: _l, ...server }) => server);
  const backups = servers.filter((x) => x.role === 'backup');
  if (backups.length > 0) {
    // Simulated with HAProxy semantics (recount_servers / update_backend_weight in src/backend.c).
    config.failover = { mode: 'haproxy', allBackups: s.allBackups === true, overprovisioningFactor: 1.4 };
    origins['balancer.failover'] = `server … backup${s.allBackups ? ', option allbackups' : ' (the first usable backup only)'}`;
  } else if (s.allBackups) warnings.push({ file, directive: 'option allbackups', message: 'no backup server: no effect' });

  // Strategy.
  const words = s.balance?.words ?? ['roundrobin'];
  const algo = words[0]!;
  const consistent = s.hashType?.method === 'consistent';
  const factor = s.balanceFactor?.value ?? 0;
  let strategy = 'weighted-round-robin';
  let options: Record<string, unknown> = {};
  let key: HashKey | undefined;
  const bl = s.balance?.l;
  // hash-type consistent [sdbm|djb2|wt6|crc32|none] [avalanche]: HAProxy's own tree and key hash.
  const hashOptions: Record<string, unknown> = { flavor: 'haproxy' };
  for (const w of s.hashType?.rest ?? []) {
    if (['sdbm', 'djb2', 'wt6', 'crc32'].includes(w)) {
      if (w !== 'sdbm') hashOptions.hashFunction = w;
    } else if (w === 'avalanche') hashOptions.avalanche = true;
    else warnAt(s.hashType!.l, 'hash-type', `hash function or modifier "${w}" is not modelled (sdbm is used)`);
  }
  const hashed = (k: { key: HashKey; extra: string[] }) => {
    key = k.key;
    if (k.extra.length > 0) warnAt(bl!, `balance ${algo}`, `parameters "${k.extra.join(' ')}" are not modelled`);
    if (consistent && factor > 0) {
      strategy = 'bounded-load';
      options = { ...hashOptions, factor: factor / 100 };
    } else {
      strategy = 'consistent-hash';
      options = { ...hashOptions };
      if (!consistent) {
        warnAt(s.hashType?.l ?? bl!, 'hash-type', 'map-based hashing (the default) maps keys by modulo over the weights; nearest lbsim strategy: consistent-hash flavor haproxy (the same key hash on HAProxy\'s consistent tree: same affinity, different remapping when servers change); add "hash-type consistent" for an exact mapping');
      }
    }
  };
  const randomMatch = /^random(?:\((\d+)\))?$/.exec(algo);
  if (algo === 'roundrobin') {
    strategy = 'weighted-round-robin';
    if (!equalWeights(servers)) warnAt(bl ?? servers[0]!.l, 'balance roundrobin', "HAProxy's weighted round-robin trees (lb_fwrr.c) are not modelled: simulated with nginx's smooth weighted round robin (the same shares, another order)");
  } else if (algo === 'static-rr') {
    strategy = 'weighted-round-robin';
    warnAt(bl!, 'balance static-rr', 'static-rr ignores runtime weight changes (and slow start); mapped to weighted-round-robin');
  } else if (algo === 'leastconn') {
    strategy = 'least-connections';
    options = { flavor: 'haproxy' };
  }
  else if (algo === 'first') strategy = 'first';
  else if (randomMatch) {
    const draws = randomMatch[1] === undefined ? 2 : Number(randomMatch[1]);
    if (draws < 1) fail(ctx, bl!, 'random(<draws>) needs draws ≥ 1', 'balance');
    if (draws === 1) {
      strategy = 'weighted-random';
      options = { flavor: 'haproxy' };
    } else {
      strategy = 'p2c';
      options = { flavor: 'haproxy', draws };
    }
  } else if (algo === 'source' && !consistent) {
    strategy = 'ip-hash';
    key = { kind: 'client' };
    warnAt(bl!, 'balance source', 'map-based source hashing: nearest lbsim strategy is ip-hash (nginx\'s, which hashes the /24 of IPv4 clients; HAProxy hashes the whole address)');
  } else if (['source', 'uri', 'url_param', 'hash'].includes(algo) || /^(hdr\(.*\)|rdp-cookie(\(.*\))?)$/.test(algo)) {
    if (algo === 'url_param' && words[1] === undefined) fail(ctx, bl!, 'url_param needs a parameter name', 'balance');
    if (algo === 'hash' && words[1] === undefined) fail(ctx, bl!, 'hash needs a sample expression', 'balance');
    hashed(hashKeyFromHaproxy(words));
    if (algo === 'source') {
      warnAt(bl!, 'balance source', 'HAProxy hashes the source address itself (the XOR of its 32-bit words, get_server_sh), not a key string; lbsim hashes clients.keys with the hash function');
    }
  } else {
    fail(ctx, bl!, `unknown balance algorithm "${algo}"; expected one of ${BALANCE_ALGORITHMS.join(', ')}`, 'balance');
  }
  if (factor > 0 && strategy !== 'bounded-load') {
    warnAt(s.balanceFactor!.l, 'hash-balance-factor', 'applies only to consistent hashing (hash-type consistent with a hashing algorithm); ignored');
  }
  if (s.hashType && !key && s.hashType.l.line >= target.line) {
    warnAt(s.hashType.l, 'hash-type', `has no effect with balance ${algo}`);
  }
  origins.strategy = `balance ${words.join(' ')}${s.hashType ? `, hash-type ${s.hashType.method}` : ''}${factor > 0 ? `, hash-balance-factor ${factor}` : ''}`;
  if (!s.balance) origins.strategy = 'balance roundrobin (HAProxy default)';
  if (key) {
    config.hashKey = key;
    origins.hashKey = describeHashKey(key);
  }
  if (s.cookie) {
    const c = s.cookie;
    warnAt(c, 'cookie', `cookie persistence is modelled as lbsim sticky sessions keyed by clients.sessions; "${c.words.slice(1).join(' ')}" details are not`);
    options = { inner: strategy, innerOptions: options };
    strategy = 'sticky';
    origins.strategy = `cookie ${c.words[1] ?? ''} + ${origins.strategy}`;
  }
  config.strategy = { name: strategy, options: withDefaults(strategy, options) };

  // Mechanisms.
  origins['balancer.passive'] = 'HAProxy has no passive failure accounting (see observe/error-limit)';
  origins['balancer.panicThreshold'] = 'HAProxy has no panic mode';
  const slow = active.filter((x) => x.p.slowStartMs !== undefined && x.p.slowStartMs > 0);
  if (slow.length > 0) {
    const c = mostCommon(slow.map((x) => x.p.slowStartMs!))!;
    if (!c.uniform || slow.length < active.length) warnAt(slow[0]!.l, 'slowstart', 'slowstart differs between servers; lbsim applies one window to all (the most common)');
    config.slowStart = { windowMs: c.value, minWeightPercent: 10, aggression: 1 };
    origins['balancer.slowStart'] = `slowstart ${proxyTime(c.value)}`;
  }
  const limited = active.filter((x) => x.maxConn > 0);
  const queues = active.map((x) => x.p.maxQueue ?? 0);
  if (limited.length > 0) {
    const q = mostCommon(queues)!;
    if (!q.uniform) warnAt(active[0]!.l, 'maxqueue', 'maxqueue differs between servers; lbsim has one balancer queue (the most common value is used)');
    const timeoutMs = s.timeoutQueueMs ?? s.timeoutConnectMs ?? 0;
    config.queue = { maxQueue: q.value === 0 ? UNLIMITED_QUEUE : q.value, timeoutMs };
    origins['balancer.queue'] = `maxconn on servers; maxqueue ${q.value === 0 ? '0 (unlimited)' : q.value}; ${s.timeoutQueueMs !== undefined ? 'timeout queue' : s.timeoutConnectMs !== undefined ? 'timeout connect (no timeout queue)' : 'no queue timeout'}`;
  } else if (queues.some((v) => v > 0)) {
    warnAt(active[0]!.l, 'maxqueue', 'maxqueue has no effect without maxconn on the servers');
  }
  // HAProxy retries connection attempts; only redispatched ones go to another server, which is
  // what an lbsim retry is: every <interval>-th retry for a positive interval, one (the last ones)
  // for a negative interval, none without redispatch.
  const tries = s.retries?.value ?? 3;
  const interval = s.redispatch === undefined || s.redispatch === false ? 0 : s.redispatch;
  config.retries = interval > 0 ? Math.floor(tries / interval) : interval < 0 ? Math.min(1, tries) : 0;
  origins['balancer.retries'] = `${s.retries ? `retries ${tries}` : 'HAProxy default retries 3'}, ${interval === 0 ? 'no redispatch' : `option redispatch ${interval}`}`;
  if (tries > config.retries) {
    warnings.push({
      file,
      line: s.retries?.l.line ?? target.line,
      directive: 'retries',
      message: `${tries - config.retries} of the ${tries} retries go to the same server${interval === 0 ? ' (no option redispatch)' : ''}, which lbsim does not model; lbsim retries (to another server): ${config.retries}. "option redispatch 1" redispatches every retry`,
    });
  }
  // which failures are retried: `retry-on` as written, or HAProxy's default `conn-failure`
  const ro = retryOnFromHaproxy(s.retryOn?.args ?? ['conn-failure']);
  config.retryOn = ro.on;
  origins['balancer.retryOn'] = s.retryOn ? `retry-on ${s.retryOn.args.join(' ')}` : 'HAProxy default retry-on conn-failure';
  if (s.retryOn && ro.unmodelled.length > 0) {
    warnings.push({ file, line: s.retryOn.l.line, directive: 'retry-on', message: `${ro.unmodelled.join(', ')}: not modelled by lbsim` });
  }
  if (s.timeoutServerMs !== undefined) {
    config.timeoutMs = s.timeoutServerMs;
    origins['balancer.timeout'] = `timeout server ${proxyTime(s.timeoutServerMs)} (HAProxy's is an inactivity timeout; lbsim's per attempt)`;
  }
  const checked = active.filter((x) => x.p.check);
  if (checked.length > 0) {
    const hc = mostCommon(checked.map((x) => [x.p.interMs ?? 2000, x.p.rise ?? 2, x.p.fall ?? 3] as const))!;
    if (!hc.uniform || checked.length < active.length) warnAt(checked[0]!.l, 'check', 'health check settings differ between servers; the most common is kept');
    const [intervalMs, rise, fall] = hc.value;
    config.healthCheck = { intervalMs, timeoutMs: s.timeoutCheckMs ?? intervalMs, rise, fall, ...(s.httpchk ? { path: s.httpchk.path } : {}) };
    warnAt(checked[0]!.l, 'check', 'active health checks are not simulated (lbsim servers fail only through the scenario); kept for export');
  }
  warnings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return { format: 'haproxy', file, kind: target.type, proxy: 'haproxy', config, origins, warnings };
}
