/**
 * The proxy's config file (YAML or JSON): schema, defaults and error messages.
 *
 * The required keys:
 *
 * ```yaml
 * listen: 127.0.0.1:8080
 * strategy: weighted-round-robin     # any registry name
 * options: {}                        # the strategy's options (validated by its own schema)
 * backends:
 *   - { url: http://127.0.0.1:9001, weight: 5, maxConn: 100 }
 *   - { url: http://127.0.0.1:9009, backup: true, zone: b }   # or priority: 1, 2, …
 *   - { url: http://127.0.0.1:9010, degraded: true }         # Envoy DEGRADED (failover mode envoy)
 * ```
 *
 * plus optional sections. The balancer's settings — `passive` (nginx `max_fails` /
 * `fail_timeout`), `outlier` (Envoy consecutive 5xx), `panicThreshold`, `slowStart` (Envoy),
 * `rateLimit` (nginx `limit_req`, plus the proxy's refusal `status`), `connLimit` (nginx
 * `limit_conn`), `queue` (HAProxy `maxqueue` / `timeout queue`) and `healthCheck` (HAProxy `check
 * inter/rise/fall`, plus the probed `path`; off unless given, as in HAProxy and nginx —
 * `healthCheck: {}` probes `GET /` every 5 s) and `failover` (how `backup` / `priority` backends
 * are used: nginx, HAProxy or Envoy semantics, docs/tiers.md) — are the core's one schema
 * (`src/core/balancer/settings.ts`), the same keys as a scenario's `balancer` section, with the
 * proxy's own defaults in {@link PROXY_DEFAULTS}. The proxy's own sections: `retries` (nginx
 * `proxy_next_upstream`), `timeouts` (nginx `proxy_connect_timeout` / `proxy_read_timeout`),
 * `sticky` (nginx `sticky cookie`), `hashKey` and `seed`; and its serving settings — `client`
 * (client timeouts, connection and header caps, request buffering), `admin` (address, token,
 * allowed hosts) and `workers` (capped per core) — defined in `serving-config.ts`. A config file
 * larger than {@link MAX_CONFIG_BYTES} is refused unread.
 * Durations are a number of ms or a string with a unit (`500ms`, `5s`, `2m`).
 *
 * Errors are {@link ConfigError}s naming the file, the dotted path of the field
 * (`backends[2].url`) and what was expected; the CLI prints them as
 * `lbsim: <file>: <path>: <expected>` and exits with code 2.
 */
import { z } from 'zod';
import { parseDocument, YAMLError } from 'yaml';
import { InputError, zodProblems, type InputProblem } from '../input/errors.js';
import { DEFAULT_LIMITS, formatCount } from '../input/limits.js';
import { FileReadError, readBoundedText, readBoundedTextAsync, unreadable } from '../input/read.js';
import { POINTS_PER_WEIGHT } from '../strategies/support/ketama-ring.js';
import { duration } from '../input/units.js';
import {
  BALANCER_DEFAULTS,
  balancerSettingsShape,
  section,
  type ActiveCheckSettings,
  type BalancerDefaults,
  type BalancerSettings,
  type RateLimitSettings,
} from '../core/balancer/settings.js';
import { degradedMessage, degradedProblems, tierProblems } from '../core/balancer/tier-checks.js';
import { zoneProblems } from '../core/balancer/zone-checks.js';
import { findStrategy, strategyNames } from '../strategies/registry.js';
import { adminSchema, clientSchema, workersSchema, type AdminSettings, type ClientSettings } from './serving-config.js';

/** A bad proxy config: names the file, the field's dotted path and what was expected. */
export class ConfigError extends InputError {
  override name = 'ConfigError';
  /** Dotted path of the (first) offending field, e.g. `backends[2].url`; empty for the whole file. */
  readonly path: string;
  /** What was expected there (the first problem's message). */
  readonly expected: string;

  /**
   * @param file the config file
   * @param problems one entry per offending field (at least one)
   */
  constructor(file: string, problems: InputProblem[]) {
    super(file, problems);
    this.path = problems[0]?.path ?? '';
    this.expected = problems[0]?.message ?? 'invalid config';
  }
}

/** A listen address: host and port (port 0 = any free port). */
export interface ListenAddress {
  host: string;
  port: number;
}

/** Parses `host:port`, `[v6]:port`, `:port` or `port` into a {@link ListenAddress}; null if malformed. */
export function parseListen(s: string): ListenAddress | null {
  const t = s.trim();
  let host: string;
  let portText: string;
  if (/^\d+$/.test(t)) {
    host = '0.0.0.0';
    portText = t;
  } else if (t.startsWith('[')) {
    const m = /^\[([0-9a-fA-F:.]+)\]:(\d+)$/.exec(t);
    if (!m) return null;
    host = m[1]!;
    portText = m[2]!;
  } else {
    const at = t.lastIndexOf(':');
    if (at < 0) return null;
    host = t.slice(0, at) === '' ? '0.0.0.0' : t.slice(0, at);
    portText = t.slice(at + 1);
    if (!/^[A-Za-z0-9.-]+$/.test(host)) return null;
  }
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return null;
  return { host, port: Number(portText) };
}

const listenSchema = z
  .union([z.string(), z.number()], { error: (iss) => (iss.input === undefined ? 'is required (host:port, e.g. 127.0.0.1:8080)' : undefined) })
  .transform((v, ctx) => {
  const a = parseListen(String(v));
  if (!a) {
    ctx.addIssue({ code: 'custom', message: `expected host:port (e.g. 127.0.0.1:8080, :8080 or 8080), got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return a;
});

/**
 * Where the proxy deliberately departs from a simulation's balancer defaults
 * (`BALANCER_DEFAULTS`, which a scenario's `balancer` section uses), and why:
 * - `panicThreshold: 0` — the proxy stands in for nginx and HAProxy, which have no panic mode: with
 *   every backend down it answers 503 `no-backend` instead of sending requests to dead backends
 *   (a scenario keeps Envoy's 50 %, `healthy_panic_threshold`).
 * - `rateLimit.key: client` — a proxy limits each client (nginx `limit_req_zone
 *   $binary_remote_addr`); a scenario's default is one bucket for all its requests (`global`).
 * - `healthCheck` every 5 s with a 2 s timeout — nginx Plus `health_check` probes every 5 s; a
 *   scenario probes every 2 s with a 1 s timeout (HAProxy `inter 2s`).
 * Every other default is the same in both.
 */
export const PROXY_DEFAULTS: Readonly<BalancerDefaults> = Object.freeze({
  ...BALANCER_DEFAULTS,
  panicThreshold: 0,
  rateLimit: { ...BALANCER_DEFAULTS.rateLimit, key: 'client' as const },
  healthCheck: { ...BALANCER_DEFAULTS.healthCheck, intervalMs: 5_000, timeoutMs: 2_000 },
});

const posInt = z.number().int().min(1);
const nonNegInt = z.number().int().min(0);

const backendUrl = z.string().transform((v, ctx) => {
  let u: URL | undefined;
  try {
    u = new URL(v);
  } catch {
    u = undefined;
  }
  if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '') {
    ctx.addIssue({ code: 'custom', message: `expected an http:// URL such as http://127.0.0.1:9001, got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  if ((u.pathname !== '/' && u.pathname !== '') || u.search !== '' || u.hash !== '' || u.username !== '') {
    ctx.addIssue({ code: 'custom', message: `expected a URL without path, query or credentials (requests keep their own path), got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return u;
});

/** A zone (locality) name. */
const zoneName = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a zone name of letters, digits, "-", "_" or "."');

const backendSchema = z
  .object({
    url: backendUrl,
    weight: posInt.default(1),
    maxConn: nonNegInt.default(0),
    backup: z.boolean().optional(),
    priority: nonNegInt.max(127).optional(),
    degraded: z.boolean().optional(),
    zone: zoneName.optional(),
  })
  .strict();

const RETRY_ON = ['connect', 'reset', 'timeout', '502', '503', '504'] as const;
/** A failure after which a request may be retried on another backend (nginx `proxy_next_upstream`). */
export type RetryOn = (typeof RETRY_ON)[number];

const hashKeySchema = z
  .string()
  .regex(/^(uri|path|client|host|header:[!#$%&'*+.^_`|~0-9A-Za-z-]+|cookie:[^\s;=]+)$/, 'expected "uri", "path", "client", "host", "header:NAME" or "cookie:NAME"');

const schema = z
  .object({
    listen: listenSchema,
    strategy: z.string().min(1),
    options: z.record(z.string(), z.unknown()).default({}),
    backends: z.array(backendSchema).min(1),
    // ---- the proxy's own serving settings (serving-config.ts), not balancer settings
    admin: adminSchema,
    client: clientSchema,
    workers: workersSchema,
    // ---- the balancer settings (the core's one schema)
    ...balancerSettingsShape<{ status: 503 | 429 }, { path: string }>(PROXY_DEFAULTS, {
      rateLimit: { status: z.literal([503, 429]).default(503) },
      healthCheck: { path: z.string().startsWith('/').default('/') },
    }),
    retries: z
      .object({
        count: nonNegInt.default(2),
        // A status may be written as a number (`on: [502]`, as YAML reads it) or a string (`"502"`).
        on: z.array(z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.enum(RETRY_ON))).default(['connect', 'reset', 'timeout']),
      })
      .strict()
      .default({ count: 2, on: ['connect', 'reset', 'timeout'] }),
    timeouts: z
      .object({
        connect: duration({ positive: true }).default(5_000),
        headers: duration({ positive: true }).default(60_000),
        idle: duration({ positive: true }).default(60_000),
      })
      .strict()
      .default({ connect: 5_000, headers: 60_000, idle: 60_000 }),
    sticky: section<{ cookie: string; maxSessions: number }>(
      {
        cookie: z
          .string()
          .regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'expected a cookie name (letters, digits, - _ .)')
          .default('lbsim_session'),
        maxSessions: posInt.default(100_000),
      },
      [],
    ).default(false),
    hashKey: hashKeySchema.default('uri'),
    seed: z.number().int().optional(),
    // ---- where this proxy sits, for zone-aware routing (`zones`): Envoy's local locality and local cluster
    zone: zoneName.optional(),
    localZoneShares: z.record(zoneName, z.number().positive().max(1e9)).optional(),
  })
  .strict();

type Parsed = z.output<typeof schema>;

/** One upstream backend, normalized. */
export interface ProxyBackend {
  /** Backend id used in metrics, status and admin URLs: `host:port`. */
  id: string;
  /** Origin for the connection pool, e.g. `http://127.0.0.1:9001`. */
  origin: string;
  host: string;
  port: number;
  weight: number;
  /** Most concurrent requests from this proxy process (0 = unlimited); also sizes the pool. */
  maxConn: number;
  /** Failover tier: 0 = primary, 1 = backup (`backup: true`), … (see the `failover` setting). */
  priority: number;
  /** Envoy `health_status: DEGRADED` (failover mode envoy only): used for the degraded share of load. */
  degraded?: boolean;
  /** Zone (locality) label, when given. */
  zone?: string;
}

/**
 * A validated proxy config with defaults filled in; durations in ms. The balancer settings
 * (`passive` … `queue`, `healthCheck`) are the core's normalized {@link BalancerSettings}.
 */
export interface ProxyConfig extends BalancerSettings {
  /** The file it was read from (for messages and reloads); '' when built in code. */
  file: string;
  listen: ListenAddress;
  /** Registry name of the strategy the balancer runs (`sticky` when the `sticky` section is set). */
  strategy: string;
  /** Its options, validated by its own schema. */
  options: Record<string, unknown>;
  /** The strategy named in the file (the inner one when `sticky` wraps it). */
  configuredStrategy: string;
  backends: ProxyBackend[];
  /** The admin endpoint (address, token, allowed hosts), or false. */
  admin: AdminSettings | false;
  /** Client-side timeouts and caps. */
  client: ClientSettings;
  /** Active health checks, with the path probed. */
  healthCheck: ({ path: string } & ActiveCheckSettings) | false;
  retries: { count: number; on: ReadonlySet<RetryOn> };
  timeouts: { connectMs: number; headersMs: number; idleMs: number };
  /** The rate limit, with the status of a refusal. */
  rateLimit: (RateLimitSettings & { status: 503 | 429 }) | false;
  sticky: { cookie: string; maxSessions: number } | false;
  /** What keys hash strategies: `uri`, `path`, `client`, `host`, `header:NAME`, `cookie:NAME`. */
  hashKey: string;
  /** Worker processes (`auto` = one per CPU). */
  workers: number | 'auto';
  /** Root seed for the strategies' randomness; undefined = from crypto. */
  seed: number | undefined;
  /** This proxy's zone (Envoy's local locality), for `zones` routing. */
  zone?: string;
  /** How the proxy instances spread over zones (Envoy's local cluster), counts or fractions. */
  localZoneShares?: Readonly<Record<string, number>>;
}

/** Validates a config document (already parsed from YAML/JSON). `file` names it in errors. */
export function parseProxyConfig(doc: unknown, file = '<config>'): ProxyConfig {
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new ConfigError(file, [{ path: '', message: 'expected a mapping with listen, strategy and backends at the top level' }]);
  }
  const r = schema.safeParse(doc, { reportInput: true });
  if (!r.success) throw new ConfigError(file, zodProblems(r.error.issues));
  return normalize(r.data, file);
}

/** The probe settings without the path (which leads in the normalized health check). */
function withoutPath(h: { path: string } & ActiveCheckSettings): ActiveCheckSettings {
  const { path: _path, ...probe } = h;
  return probe;
}

function normalize(p: Parsed, file: string): ProxyConfig {
  const fail = (path: string, message: string): never => {
    throw new ConfigError(file, [{ path, message }]);
  };
  const def = findStrategy(p.strategy);
  if (!def) fail('strategy', `expected a registered strategy (${strategyNames().join(', ')}), got ${JSON.stringify(p.strategy)}`);
  const opt = def!.options.safeParse(p.options, { reportInput: true });
  if (!opt.success) throw new ConfigError(file, zodProblems(opt.error.issues, ['options']));

  let strategy = p.strategy;
  let options: Record<string, unknown> = p.options;
  if (p.sticky !== false && p.strategy !== 'sticky') {
    strategy = 'sticky';
    options = { inner: p.strategy, innerOptions: p.options, maxSessions: p.sticky.maxSessions };
  } else if (p.strategy === 'sticky' && typeof p.options.inner === 'string') {
    const inner = findStrategy(p.options.inner);
    const io = inner?.options.safeParse(p.options.innerOptions ?? {}, { reportInput: true });
    if (io && !io.success) throw new ConfigError(file, zodProblems(io.error.issues, ['options', 'innerOptions']));
  }
  if (strategy === 'sticky') {
    const inner = options.inner;
    if (typeof inner === 'string' && !findStrategy(inner)) {
      fail('options.inner', `expected a registered strategy (${strategyNames().join(', ')}), got ${JSON.stringify(inner)}`);
    }
  }
  // The proxy's backends are URLs without a separate host name: nothing for Envoy's
  // use_hostname_for_hashing to hash (docs/strategies.md#consistent-hash).
  const io = p.options.innerOptions as Record<string, unknown> | undefined;
  if (p.options.useHostnameForHashing === true) fail('options.useHostnameForHashing', 'the proxy\'s backends carry no host names to hash; remove it (the backends\' addresses are hashed)');
  if (io?.useHostnameForHashing === true) fail('options.innerOptions.useHostnameForHashing', 'the proxy\'s backends carry no host names to hash; remove it (the backends\' addresses are hashed)');

  const backends: ProxyBackend[] = [];
  const seen = new Map<string, number>();
  p.backends.forEach((b, k) => {
    const port = b.url.port !== '' ? Number(b.url.port) : b.url.protocol === 'https:' ? 443 : 80;
    const host = b.url.hostname;
    const id = `${host}:${port}`;
    const prev = seen.get(id);
    if (prev !== undefined) fail(`backends[${k}].url`, `expected a backend different from backends[${prev}] (both are ${id})`);
    seen.set(id, k);
    if (b.backup !== undefined && b.priority !== undefined && b.backup !== b.priority > 0) {
      fail(`backends[${k}].backup`, `expected backup: ${!b.backup} with priority ${b.priority} (or only one of the two)`);
    }
    const priority = b.priority ?? (b.backup === true ? 1 : 0);
    backends.push({ id, origin: `${b.url.protocol}//${b.url.host}`, host, port, weight: b.weight, maxConn: b.maxConn, priority, ...(b.degraded === true ? { degraded: true } : {}), ...(b.zone !== undefined ? { zone: b.zone } : {}) });
  });
  const mode = p.failover === false ? false : p.failover?.mode;
  for (const t of tierProblems(backends.map((b) => b.priority), mode, p.strategy)) {
    fail(t.backend < 0 ? 'strategy' : `backends[${t.backend}].priority`, t.message);
  }
  for (const k of degradedProblems(backends.map((b) => b.degraded === true), mode)) fail(`backends[${k}].degraded`, degradedMessage(mode));
  for (const z of zoneProblems(backends.map((b) => b.zone), p.zones)) fail(`zones.${z.path}`, z.message);
  if (p.zones && p.zones.routing === 'zone-aware') {
    if (p.zone === undefined) fail('zone', "is required with zones.routing zone-aware: the proxy's own zone (Envoy's local locality)");
    if (p.localZoneShares === undefined) fail('localZoneShares', 'is required with zones.routing zone-aware: how the proxy instances spread over zones (Envoy local cluster)');
    else if (!(p.localZoneShares[p.zone!]! > 0)) fail(`localZoneShares`, `expected a share for the proxy's zone "${p.zone}" (Envoy routes by zone only when the local cluster has hosts in its own zone)`);
  }
  // A ketama ring holds 160 points per unit of weight: a weight of a million is gigabytes (input limits, README).
  const ringOf = strategy === 'sticky' ? options.inner : strategy;
  if (ringOf === 'consistent-hash' || ringOf === 'bounded-load') {
    const weight = p.backends.reduce((sum, b) => sum + b.weight, 0);
    if (weight * POINTS_PER_WEIGHT > DEFAULT_LIMITS.ringPoints) {
      const heaviest = p.backends.reduce((best, b, k) => (b.weight > p.backends[best]!.weight ? k : best), 0);
      fail(
        `backends[${heaviest}].weight`,
        `${ringOf} builds a ketama ring of ${POINTS_PER_WEIGHT} points per unit of weight: total weight ${formatCount(weight)} gives ${formatCount(weight * POINTS_PER_WEIGHT)} points, more than the limit of ${formatCount(DEFAULT_LIMITS.ringPoints)} (at most ${formatCount(Math.floor(DEFAULT_LIMITS.ringPoints / POINTS_PER_WEIGHT))} in all)`,
      );
    }
  }

  return {
    file,
    listen: p.listen,
    strategy,
    options,
    configuredStrategy: p.strategy,
    backends,
    admin: p.admin,
    client: p.client,
    healthCheck: p.healthCheck ? { path: p.healthCheck.path, ...withoutPath(p.healthCheck) } : false,
    passive: p.passive,
    outlier: p.outlier,
    panicThreshold: p.panicThreshold,
    retries: { count: p.retries.count, on: new Set(p.retries.on) },
    timeouts: { connectMs: p.timeouts.connect, headersMs: p.timeouts.headers, idleMs: p.timeouts.idle },
    rateLimit: p.rateLimit,
    connLimit: p.connLimit,
    sticky: p.sticky,
    slowStart: p.slowStart,
    queue: p.queue,
    ...(p.failover !== undefined ? { failover: p.failover } : {}),
    ...(p.zones !== undefined ? { zones: p.zones } : {}),
    hashKey: p.hashKey,
    workers: p.workers,
    seed: p.seed,
    ...(p.zone !== undefined ? { zone: p.zone } : {}),
    ...(p.localZoneShares !== undefined ? { localZoneShares: p.localZoneShares } : {}),
  };
}

/** Parses config text: JSON when the file ends in `.json` (or the text starts with `{`), else YAML. */
export function parseConfigText(text: string, file: string): ProxyConfig {
  const json = /\.json$/i.test(file) || /^\s*\{/.test(text);
  let doc: unknown;
  try {
    if (json) doc = JSON.parse(text);
    else {
      // A YAML warning (an unresolved tag, …) is a config problem here, not a line on stderr.
      const d = parseDocument(text, { prettyErrors: true, uniqueKeys: true, logLevel: 'error' });
      const bad = d.errors[0] ?? d.warnings[0];
      if (bad !== undefined) throw bad;
      doc = d.toJS(); // the yaml package's default maxAliasCount (100) stops alias bombs
    }
  } catch (e) {
    if (e instanceof YAMLError) {
      const pos = e.linePos?.[0];
      throw new ConfigError(file, [
        { path: pos ? `line ${pos.line}, column ${pos.col}` : '', message: `expected valid YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}` },
      ]);
    }
    throw new ConfigError(file, [{ path: '', message: `expected valid ${json ? 'JSON' : 'YAML'}: ${e instanceof Error ? e.message.split('\n')[0]! : String(e)}` }]);
  }
  return parseProxyConfig(doc, file);
}

/** Largest config file read (bytes): a bigger one is refused before it is parsed. */
export const MAX_CONFIG_BYTES = 1024 * 1024;

function tooBig(path: string): ConfigError {
  return new ConfigError(path, [{ path: '', message: `expected a config file of at most ${MAX_CONFIG_BYTES / 1024} KiB` }]);
}

/** The reader's error as a {@link ConfigError} naming the file (too big: the proxy's own limit). */
function readError(path: string, e: unknown): ConfigError {
  if (e instanceof FileReadError && e.reason === 'too-large') return tooBig(path);
  return new ConfigError(path, [{ path: '', message: unreadable(e) }]);
}

/**
 * The config text at `path`: a regular file of at most {@link MAX_CONFIG_BYTES} (`/dev/zero` or a
 * FIFO is refused unread; src/input/read.ts); throws {@link ConfigError} when missing, unreadable
 * or too big.
 */
function readBoundedSync(path: string): string {
  try {
    return readBoundedText(path, MAX_CONFIG_BYTES);
  } catch (e) {
    throw readError(path, e);
  }
}

/** Reads and validates the proxy config at `path`; throws {@link ConfigError} on any problem. */
export function loadProxyConfig(path: string): ProxyConfig {
  return parseConfigText(readBoundedSync(path), path);
}

/**
 * The config text at `path`, read without blocking the event loop and bounded like
 * {@link loadProxyConfig}; throws {@link ConfigError} when missing, unreadable or too big.
 */
export async function readConfigText(path: string): Promise<string> {
  try {
    return await readBoundedTextAsync(path, MAX_CONFIG_BYTES);
  } catch (e) {
    throw readError(path, e);
  }
}
