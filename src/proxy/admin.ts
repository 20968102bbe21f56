/**
 * The admin endpoint (its own listener, 127.0.0.1:9901 by default, like Envoy's admin port):
 *
 * - `GET /metrics`: Prometheus text exposition (see `metrics.ts`);
 * - `GET /status`: JSON — every backend's state from the balancer plus a config summary;
 * - `POST /backends/:id/drain`, `POST /backends/:id/undrain`: stop / resume new requests to a
 *   backend (in-flight ones finish), as HAProxy's `set server … state drain`;
 * - `POST /backends/:id/weight?value=N` (or a JSON body `{"value": N}`): re-weight at run time;
 *   `value=reset` restores the configured weight.
 *
 * `:id` is the backend id (`host:port`, URL-encoded or not) or its index. The handler reads through
 * an {@link AdminSource}, so the same routes serve one process or a cluster primary that asks its
 * workers.
 *
 * Who may use it ({@link adminRefusal}): the endpoint binds 127.0.0.1 unless an address is given.
 * A browser can still be made to reach a loopback port, so every request must name this server in
 * `Host` — an IP literal, `localhost`, or a name listed in `admin.allowHosts` — which defeats DNS
 * rebinding (a hostile name resolving to 127.0.0.1 arrives with that name in `Host`); and a request
 * carrying `Origin` must be same-origin (its host:port equal to `Host`), so a page elsewhere cannot
 * drain a backend with a cross-origin POST. With `admin.token` set, every POST also needs
 * `Authorization: Bearer <token>` (compared in constant time). See docs/proxy-security.md#admin-access.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { closeServer, listen, serverUrl } from './listen.js';
import { renderPrometheus, type MetricsSnapshot } from './metrics.js';
import type { AdminSettings } from './serving-config.js';

/** A backend id that names no backend. */
export class UnknownBackendError extends Error {
  override name = 'UnknownBackendError';
}

/** What the admin endpoint reads and changes. */
export interface AdminSource {
  /** Current counters and gauges. */
  metrics(): Promise<MetricsSnapshot>;
  /** Status document (JSON-serializable). */
  status(): Promise<unknown>;
  /** Drains (`on`) or undrains backend `id`; rejects with {@link UnknownBackendError}. */
  drain(id: string, on: boolean): Promise<void>;
  /** Sets (or with null restores) backend `id`'s weight; rejects with {@link UnknownBackendError} or RangeError. */
  weight(id: string, value: number | null): Promise<void>;
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, `${JSON.stringify(value, null, 2)}\n`);
}

async function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  let size = 0;
  const parts: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new RangeError('body too large');
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

/**
 * Largest run-time weight: weighted strategies add weights up (smooth WRR's `current_weight`, EDF
 * deadlines), so an absurd value (1e308) would overflow their sums to Infinity and stop picking.
 */
export const MAX_ADMIN_WEIGHT = 1_000_000;

/** Parses a weight from `?value=` or a JSON body `{"value": N}` / `{"weight": N}` / `N`. null = reset. */
async function weightValue(req: IncomingMessage, url: URL): Promise<number | null> {
  let raw: unknown = url.searchParams.get('value');
  if (raw === null) {
    const text = (await readBody(req)).trim();
    if (text === '') throw new RangeError('expected ?value=N or a JSON body {"value": N}');
    const doc: unknown = JSON.parse(text);
    raw = typeof doc === 'object' && doc !== null ? ((doc as Record<string, unknown>).value ?? (doc as Record<string, unknown>).weight) : doc;
  }
  if (raw === 'reset' || raw === null) return null;
  const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!(n > 0 && n <= MAX_ADMIN_WEIGHT)) throw new RangeError(`expected a weight > 0 and at most ${MAX_ADMIN_WEIGHT.toLocaleString('en-US')}, or "reset"; got ${JSON.stringify(raw).slice(0, 40)}`);
  return n;
}

/** Who may call the admin endpoint: the `admin` settings' token and allowed host names. */
export type AdminAccess = Pick<AdminSettings, 'token' | 'allowHosts'>;

/** The host name of a `Host` value (`name`, `name:port`, `[v6]:port`), lower case; null if malformed. */
function hostName(host: string): string | null {
  const m = /^(\[[0-9A-Fa-f:.]+\]|[^:[\]]+)(:\d*)?$/.exec(host.trim());
  return m ? m[1]!.toLowerCase() : null;
}

function allowedHost(name: string, access: AdminAccess): boolean {
  if (name === 'localhost') return true;
  if (isIP(name.startsWith('[') ? name.slice(1, -1) : name) !== 0) return true;
  return access.allowHosts.includes(name);
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Why `req` may not use the admin endpoint — `[status, message]` — or null when it may: a `Host`
 * that is not an IP literal, `localhost` or an allowed name (DNS rebinding); an `Origin` other
 * than the server's own (cross-origin request from a web page); a POST without the bearer token
 * when one is configured.
 */
export function adminRefusal(req: IncomingMessage, access: AdminAccess): [number, string] | null {
  const host = req.headers.host;
  if (host !== undefined) {
    const name = hostName(host);
    if (name === null || !allowedHost(name, access)) {
      return [403, `Host ${JSON.stringify(host.slice(0, 100))} is not allowed (use an IP address or localhost, or list the name in admin.allowHosts)`];
    }
  }
  const origin = req.headers.origin;
  if (origin !== undefined) {
    let originHost: string | null = null;
    try {
      originHost = new URL(origin).host.toLowerCase();
    } catch {
      originHost = null;
    }
    if (originHost === null || host === undefined || originHost !== host.trim().toLowerCase()) {
      return [403, `cross-origin request refused (Origin ${JSON.stringify(origin.slice(0, 100))})`];
    }
  }
  if (req.method === 'POST' && access.token !== null) {
    const auth = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
    if (!m || !sameToken(m[1]!, access.token)) return [401, 'this admin endpoint needs Authorization: Bearer <admin.token> for changes'];
  }
  return null;
}

/** Handles one admin request against `source` (after {@link adminRefusal} when `access` is given). */
export async function handleAdmin(source: AdminSource, req: IncomingMessage, res: ServerResponse, access?: AdminAccess): Promise<void> {
  if (access !== undefined) {
    const no = adminRefusal(req, access);
    if (no !== null) {
      req.resume();
      res.setHeader('connection', 'close');
      if (no[0] === 401) res.setHeader('www-authenticate', 'Bearer');
      return json(res, no[0], { error: no[1] });
    }
  }
  const url = new URL(req.url ?? '/', 'http://admin');
  const path = url.pathname;
  try {
    if (path === '/metrics') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'use GET' });
      return send(res, 200, renderPrometheus(await source.metrics()), 'text/plain; version=0.0.4; charset=utf-8');
    }
    if (path === '/status') {
      if (req.method !== 'GET' && req.method !== 'HEAD') return json(res, 405, { error: 'use GET' });
      return json(res, 200, await source.status());
    }
    const m = /^\/backends\/([^/]+)\/(drain|undrain|weight)$/.exec(path);
    if (m) {
      if (req.method !== 'POST') return json(res, 405, { error: 'use POST' });
      const id = decodeURIComponent(m[1]!);
      const action = m[2]!;
      if (action === 'weight') {
        const value = await weightValue(req, url);
        await source.weight(id, value);
        return json(res, 200, { ok: true, backend: id, weight: value ?? 'configured' });
      }
      await source.drain(id, action === 'drain');
      return json(res, 200, { ok: true, backend: id, draining: action === 'drain' });
    }
    return json(res, 404, { error: 'not found', routes: ['GET /metrics', 'GET /status', 'POST /backends/:id/drain', 'POST /backends/:id/undrain', 'POST /backends/:id/weight?value=N'] });
  } catch (e) {
    if (e instanceof UnknownBackendError) return json(res, 404, { error: e.message });
    if (e instanceof RangeError || e instanceof SyntaxError) return json(res, 400, { error: e.message });
    return json(res, 500, { error: e instanceof Error ? e.message : String(e) });
  }
}

/** A listening admin server. */
export interface AdminServer {
  /** Base URL, e.g. `http://127.0.0.1:9901`. */
  url: string;
  server: Server;
  close(): Promise<void>;
}

/** Starts the admin endpoint on `settings`' address (port 0 allowed), guarded by its token and allowed hosts. */
export async function startAdmin(source: AdminSource, settings: AdminSettings): Promise<AdminServer> {
  const access: AdminAccess = { token: settings.token, allowHosts: settings.allowHosts };
  const server = createServer((req, res) => {
    void handleAdmin(source, req, res, access);
  });
  server.on('error', () => undefined); // accept errors (EMFILE) must not end the process
  await listen(server, settings);
  return {
    url: serverUrl(server),
    server,
    close: () => closeServer(server),
  };
}
