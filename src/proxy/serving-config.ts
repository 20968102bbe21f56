/**
 * The proxy's own serving settings — how it treats its clients, its admin endpoint and its worker
 * count — as opposed to the balancer settings (passive, outlier, queue, …) it shares with a
 * scenario. Kept in their own schema blocks, merged into the config schema by `config.ts`:
 *
 * ```yaml
 * client:                    # the client side; defaults follow nginx's ngx_http_core_module
 *   headerTimeout: 60s       # nginx client_header_timeout: the whole request head must arrive in time
 *   requestTimeout: 300s     # the whole request, body included (Node's server.requestTimeout); 0 = none
 *   bodyTimeout: 60s         # nginx client_body_timeout: longest gap between two reads of the body → 408
 *   sendTimeout: 60s         # nginx send_timeout: longest a response write may wait for the client → closed
 *   keepAliveTimeout: 5s     # idle time before a kept-alive client connection is closed (Node's default)
 *   maxConnections: 10000    # client connections beyond this get 503 and are closed
 *   maxHeaders: 100          # request header fields beyond this get 431 (HAProxy tune.http.maxhdr 101)
 *   requestBuffer: 64kB      # bodies up to this size are read in full before a backend is chosen; 0 = stream
 * admin: 127.0.0.1:9901      # or false, or { listen, token, allowHosts }; a bare port binds 127.0.0.1
 * workers: 1                 # or auto; at most MAX_WORKERS_PER_CORE per CPU core
 * ```
 *
 * `requestBuffer` is HAProxy's `option http-buffer-request` (wait for the body before connecting,
 * up to a buffer) and nginx's `proxy_request_buffering on` without the temporary file: a client
 * that trickles a small body then holds no upstream connection and no lease.
 *
 * See docs/proxy-security.md#client-timeouts.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { zodProblems } from '../input/errors.js';
import { duration } from '../input/units.js';

/** Client-side limits and timeouts of the proxy (durations in ms, sizes in bytes). */
export interface ClientSettings {
  /** Longest time for a request head to arrive (Node `server.headersTimeout`; nginx `client_header_timeout`). */
  headerTimeoutMs: number;
  /** Longest time for the whole request, body included, to arrive (Node `server.requestTimeout`); 0 = none. */
  requestTimeoutMs: number;
  /** Longest gap between two reads of a request body before 408 (nginx `client_body_timeout`). */
  bodyTimeoutMs: number;
  /** Longest a response write may wait for the client to read before the connection is closed (nginx `send_timeout`). */
  sendTimeoutMs: number;
  /** Idle keep-alive time of a client connection (Node `server.keepAliveTimeout`). */
  keepAliveTimeoutMs: number;
  /** Client connections at once; beyond it a new connection gets 503 and is closed. */
  maxConnections: number;
  /** Request header fields; beyond it 431. */
  maxHeaders: number;
  /** Request bodies up to this many bytes are buffered before a backend is chosen; 0 = always stream. */
  requestBuffer: number;
}

/** The admin endpoint: where it listens and who may use it. */
export interface AdminSettings {
  host: string;
  port: number;
  /** Bearer token required for POST routes (drain, weight); null = none. */
  token: string | null;
  /** Host names (besides IP literals and `localhost`) accepted in `Host` and `Origin`. */
  allowHosts: string[];
}

/** Defaults of the `client` block. */
export const CLIENT_DEFAULTS: Readonly<ClientSettings> = Object.freeze({
  headerTimeoutMs: 60_000,
  requestTimeoutMs: 300_000,
  bodyTimeoutMs: 60_000,
  sendTimeoutMs: 60_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 10_000,
  maxHeaders: 100,
  requestBuffer: 64 * 1024,
});

/** Largest `client.requestBuffer` (bytes held in memory per request). */
export const MAX_REQUEST_BUFFER = 64 * 1024 * 1024;
/** Worker processes allowed per CPU core: more only adds contention (and a fork storm at start). */
export const MAX_WORKERS_PER_CORE = 4;
/** Largest `client.maxHeaders` (Node's parser keeps at most 2,000 fields). */
export const MAX_HEADERS_LIMIT = 1_000;

const SIZE_UNITS: Record<string, number> = { b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, g: 1024 ** 3 };

/** Parses a byte size: a number of bytes, or a string with a unit (`64kB`, `1MB`; powers of 1024). NaN if not one. */
export function parseSize(v: number | string): number {
  if (typeof v === 'number') return v;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb?|mb?|gb?)?\s*$/i.exec(v);
  if (!m) return Number.NaN;
  return Math.round(Number(m[1]) * SIZE_UNITS[(m[2] ?? 'b').toLowerCase()]!);
}

/** Zod schema of a byte size in [0, max]. */
function size(max: number) {
  return z.union([z.number(), z.string()]).transform((v, ctx) => {
    const n = parseSize(v);
    if (!(Number.isInteger(n) && n >= 0 && n <= max)) {
      ctx.addIssue({ code: 'custom', message: `expected a size from 0 to ${max / 1024 ** 2} MB (a number of bytes, or 64kB, 1MB), got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return n;
  });
}

const posInt = z.number().int().min(1);

/** The `client` block. */
export const clientSchema = z
  .object({
    headerTimeout: duration({ positive: true }).default(CLIENT_DEFAULTS.headerTimeoutMs),
    requestTimeout: duration().default(CLIENT_DEFAULTS.requestTimeoutMs),
    bodyTimeout: duration({ positive: true }).default(CLIENT_DEFAULTS.bodyTimeoutMs),
    sendTimeout: duration({ positive: true }).default(CLIENT_DEFAULTS.sendTimeoutMs),
    keepAliveTimeout: duration({ positive: true }).default(CLIENT_DEFAULTS.keepAliveTimeoutMs),
    maxConnections: posInt.max(1_000_000).default(CLIENT_DEFAULTS.maxConnections),
    maxHeaders: posInt.max(MAX_HEADERS_LIMIT).default(CLIENT_DEFAULTS.maxHeaders),
    requestBuffer: size(MAX_REQUEST_BUFFER).default(CLIENT_DEFAULTS.requestBuffer),
  })
  .strict()
  .default({
    headerTimeout: CLIENT_DEFAULTS.headerTimeoutMs,
    requestTimeout: CLIENT_DEFAULTS.requestTimeoutMs,
    bodyTimeout: CLIENT_DEFAULTS.bodyTimeoutMs,
    sendTimeout: CLIENT_DEFAULTS.sendTimeoutMs,
    keepAliveTimeout: CLIENT_DEFAULTS.keepAliveTimeoutMs,
    maxConnections: CLIENT_DEFAULTS.maxConnections,
    maxHeaders: CLIENT_DEFAULTS.maxHeaders,
    requestBuffer: CLIENT_DEFAULTS.requestBuffer,
  })
  .transform(
    (c): ClientSettings => ({
      headerTimeoutMs: c.headerTimeout,
      requestTimeoutMs: c.requestTimeout,
      bodyTimeoutMs: c.bodyTimeout,
      sendTimeoutMs: c.sendTimeout,
      keepAliveTimeoutMs: c.keepAliveTimeout,
      maxConnections: c.maxConnections,
      maxHeaders: c.maxHeaders,
      requestBuffer: c.requestBuffer,
    }),
  );

/** Admin listen address: `host:port`, `[v6]:port`; a bare `port` or `:port` means 127.0.0.1 (never every interface by accident). */
export function parseAdminListen(s: string): { host: string; port: number } | null {
  const t = s.trim();
  const bare = /^:?(\d{1,5})$/.exec(t);
  if (bare) return Number(bare[1]) <= 65535 ? { host: '127.0.0.1', port: Number(bare[1]) } : null;
  const v6 = /^\[([0-9a-fA-F:.]+)\]:(\d{1,5})$/.exec(t);
  if (v6) return Number(v6[2]) <= 65535 ? { host: v6[1]!, port: Number(v6[2]) } : null;
  const m = /^([A-Za-z0-9.-]+):(\d{1,5})$/.exec(t);
  return m && Number(m[2]) <= 65535 ? { host: m[1]!, port: Number(m[2]) } : null;
}

const adminObject = z
  .object({
    listen: z.union([z.string(), z.number()]).default('127.0.0.1:9901'),
    token: z.string().min(16, 'expected a token of at least 16 characters').regex(/^[\x21-\x7e]+$/, 'expected printable ASCII without spaces').optional(),
    allowHosts: z.array(z.string().regex(/^[A-Za-z0-9.-]+$/, 'expected a host name')).default([]),
  })
  .strict();

/**
 * The `admin` key: `false`, a listen address, or `{ listen, token, allowHosts }`. Parsed by hand
 * (not a zod union) so errors point into the object (`admin.token`).
 */
export const adminSchema = z
  .unknown()
  .default('127.0.0.1:9901')
  .transform((v, ctx): AdminSettings | false => {
    if (v === false) return false;
    let listen: unknown = v;
    let extra: { token?: string | undefined; allowHosts: string[] } = { allowHosts: [] };
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) {
      const r = adminObject.safeParse(v, { reportInput: true });
      if (!r.success) {
        for (const i of r.error.issues) {
          if (i.code === 'unrecognized_keys') {
            for (const k of i.keys) ctx.addIssue({ code: 'custom', message: `unknown key "${k}"`, path: [...i.path, k] });
          } else ctx.addIssue({ code: 'custom', message: zodProblems([i])[0]!.message, path: i.path });
        }
        return z.NEVER;
      }
      listen = r.data.listen;
      extra = r.data;
    } else if (typeof v !== 'string' && typeof v !== 'number') {
      ctx.addIssue({ code: 'custom', message: `expected false, an address (127.0.0.1:9901, or a port for 127.0.0.1) or { listen, token, allowHosts }, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    const a = parseAdminListen(String(listen));
    if (!a) {
      ctx.addIssue({ code: 'custom', message: `expected host:port (or a port, for 127.0.0.1), got ${JSON.stringify(listen)}`, path: listen === v ? [] : ['listen'] });
      return z.NEVER;
    }
    return { host: a.host, port: a.port, token: extra.token ?? null, allowHosts: extra.allowHosts.map((h) => h.toLowerCase()) };
  });

/** Most worker processes on this machine ({@link MAX_WORKERS_PER_CORE} per core). */
export function maxWorkers(): number {
  return MAX_WORKERS_PER_CORE * availableParallelism();
}

/** Why `n` workers are too many, or null when allowed. */
export function workersProblem(n: number): string | null {
  const max = maxWorkers();
  return n > max ? `expected at most ${max} (${MAX_WORKERS_PER_CORE} per CPU core, ${availableParallelism()} cores), got ${n}` : null;
}

/** The `workers` key: a positive integer up to {@link maxWorkers}, or `auto` (one per core). */
export const workersSchema = z
  .union([posInt, z.literal('auto')])
  .default(1)
  .superRefine((v, ctx) => {
    const p = typeof v === 'number' ? workersProblem(v) : null;
    if (p !== null) ctx.addIssue({ code: 'custom', message: p });
  });
