/**
 * `startProxy`: the HTTP/1.1 reverse proxy of one process — a Node `http` server whose requests
 * are {@link Exchange}s on the current {@link Generation} (balancer + pools + prober), plus the
 * admin endpoint. `reload(config)` swaps in a new generation for new requests while in-flight ones
 * finish on the old (nginx's graceful reload, within a process); `close()` stops accepting, lets
 * in-flight requests finish (up to a drain timeout) and closes everything.
 *
 * In front of the exchanges: the client-connection cap and one-request-at-a-time per connection
 * (`connections.ts`), and the requests the proxy answers itself (`request-checks.ts`; CONNECT
 * gets 405 here). `Upgrade` is not acted on (no `upgrade` listener): Node then serves such a
 * request as plain HTTP/1.1, and the proxy forwards it without its hop-by-hop `Upgrade` — what
 * RFC 9110 §7.8 allows a server that ignores the upgrade (e.g. `Upgrade: h2c`). Errors accepting
 * connections (EMFILE when out of descriptors) are logged, never fatal.
 */
import { STATUS_CODES, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Balancer } from '../core/balancer/index.js';
import { startAdmin, UnknownBackendError, type AdminServer, type AdminSource } from './admin.js';
import type { ProxyConfig } from './config.js';
import { ClientConnections } from './connections.js';
import { CLIENT_CLOSED, Exchange } from './forward.js';
import { Generation } from './generation.js';
import { closeServer, listen, serverUrl } from './listen.js';
import { ProxyMetrics, type MetricsSnapshot } from './metrics.js';
import { checkRequest } from './request-checks.js';
import type { ClientSettings } from './serving-config.js';

/** Methods a 405 lists in `Allow` (what Node's parser accepts and the proxy forwards, minus CONNECT). */
const ALLOW = 'GET, HEAD, POST, PUT, DELETE, OPTIONS, PATCH, TRACE';
/** How often Node checks client connections for header and request timeouts (ms). */
const CONNECTION_CHECK_MS = 1_000;
/** Longest interval between two logged accept errors (ms). */
const ACCEPT_ERROR_LOG_MS = 1_000;

/** Options of {@link startProxy}. */
export interface StartOptions {
  /** Root seed for the strategies (overrides the config's `seed`; default from crypto). */
  seed?: number;
  /** Log sink for state changes (default: stderr with an `lbsim proxy:` prefix; pass `() => {}` to silence). */
  log?: (line: string) => void;
  /** Start the admin endpoint of the config (default true; cluster workers pass false). */
  admin?: boolean;
  /** Longest wait for in-flight requests on close before connections are cut (default 30 s). */
  drainTimeoutMs?: number;
}

/** A running proxy. */
export interface RunningProxy {
  /** Base URL of the proxy listener, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  /** Base URL of the admin endpoint, or null when disabled. */
  readonly adminUrl: string | null;
  /** The current generation's balancer (changes on reload). */
  readonly balancer: Balancer;
  /** The current config. */
  readonly config: ProxyConfig;
  /** Counters (kept across reloads). */
  readonly metrics: ProxyMetrics;
  /** Requests in progress over all generations. */
  readonly inProgress: number;
  /** Metrics snapshot (counters + gauges of the current balancer). */
  snapshot(): MetricsSnapshot;
  /** Status document (what `GET /status` returns). */
  status(): Record<string, unknown>;
  /** The admin operations, for the admin endpoint or a cluster primary. */
  readonly adminSource: AdminSource;
  /** Applies a new config to new requests; in-flight requests finish on the old one. */
  reload(config: ProxyConfig): Promise<void>;
  /** Stops accepting, drains in-flight requests, closes pools, prober and admin. */
  close(): Promise<void>;
}

function defaultLog(line: string): void {
  process.stderr.write(`lbsim proxy: ${line}\n`);
}

/** A JSON-friendly summary of a config (no Sets). */
export function configSummary(c: ProxyConfig): Record<string, unknown> {
  return {
    file: c.file,
    strategy: c.configuredStrategy,
    balancerStrategy: c.strategy,
    options: c.options,
    backends: c.backends.map((b) => ({ id: b.id, url: b.origin, weight: b.weight, maxConn: b.maxConn })),
    admin: c.admin === false ? false : { host: c.admin.host, port: c.admin.port, token: c.admin.token !== null, allowHosts: c.admin.allowHosts },
    client: c.client,
    healthCheck: c.healthCheck,
    passive: c.passive,
    outlier: c.outlier,
    panicThreshold: c.panicThreshold,
    retries: { count: c.retries.count, on: [...c.retries.on] },
    timeouts: c.timeouts,
    rateLimit: c.rateLimit,
    connLimit: c.connLimit,
    sticky: c.sticky,
    slowStart: c.slowStart,
    queue: c.queue,
    hashKey: c.hashKey,
  };
}

class Proxy implements RunningProxy {
  readonly metrics = new ProxyMetrics();
  url = '';
  adminUrl: string | null = null;
  private gen: Generation;
  private readonly old = new Set<Generation>();
  private readonly server: Server;
  private readonly conns: ClientConnections;
  private lastAcceptError = 0;
  private admin: AdminServer | null = null;
  private closing: Promise<void> | null = null;
  private readonly log: (line: string) => void;

  constructor(
    config: ProxyConfig,
    private readonly opts: StartOptions,
  ) {
    this.log = opts.log ?? defaultLog;
    this.gen = new Generation(config, this.metrics, { seed: opts.seed, log: this.log });
    // Client timeouts are enforced by Node's periodic connection check (30 s apart by default):
    // every second, so a 3 s header timeout is not a 33 s one.
    this.server = createServer({ connectionsCheckingInterval: CONNECTION_CHECK_MS });
    this.conns = new ClientConnections(this.server, {
      maxConnections: () => this.gen.config.client.maxConnections,
      request: (req, res) => this.handle(req, res),
      refused: () => this.metrics.refused('client-connections'),
      dropped: () => this.gen.none.record(CLIENT_CLOSED, 0),
    });
    this.server.on('connect', (_req: IncomingMessage, socket: Socket) => this.refuseConnect(socket));
    this.server.on('error', (e: NodeJS.ErrnoException) => {
      // Accept failures (EMFILE, ENFILE, ENOBUFS): the proxy's own limits; never fatal.
      const now = Date.now();
      if (now - this.lastAcceptError >= ACCEPT_ERROR_LOG_MS) {
        this.lastAcceptError = now;
        this.log(`cannot accept a client connection: ${e.code ?? e.message}${e.code === 'EMFILE' || e.code === 'ENFILE' ? ' (out of file descriptors: lower client.maxConnections or raise the limit)' : ''}`);
      }
    });
    applyClientSettings(this.server, config.client);
  }

  /** One client request: answered here when it cannot be forwarded, else an {@link Exchange}. */
  private handle(req: IncomingMessage, res: ServerResponse): void {
    const gen = this.gen;
    const refusal = checkRequest(req, gen.config.client.maxHeaders);
    if (refusal === null) {
      new Exchange(gen, req, res).run();
      return;
    }
    this.metrics.refused(refusal.reason);
    gen.none.record(refusal.status, 0);
    const body = `${refusal.text}\n`;
    res.writeHead(refusal.status, STATUS_CODES[refusal.status] ?? 'Unknown', {
      'content-type': 'text/plain; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
      'x-lbsim-refused': refusal.reason,
      connection: 'close',
    });
    res.end(body);
  }

  /** CONNECT (a tunnel request): 405, then close — nginx's answer too (`ngx_http_process_request_header`, NGX_HTTP_NOT_ALLOWED). */
  private refuseConnect(socket: Socket): void {
    this.metrics.refused('method-not-allowed');
    this.gen.none.record(405, 0);
    const body = 'CONNECT is not supported by this reverse proxy\n';
    socket.on('error', () => undefined);
    socket.end(
      `HTTP/1.1 405 Method Not Allowed\r\nallow: ${ALLOW}\r\ncontent-type: text/plain; charset=utf-8\r\n` +
        `x-lbsim-refused: method-not-allowed\r\nconnection: close\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    );
    socket.setTimeout(2_000, () => socket.destroy());
  }

  async start(): Promise<void> {
    try {
      await listen(this.server, this.gen.config.listen);
      this.url = serverUrl(this.server);
      if (this.opts.admin !== false && this.gen.config.admin !== false) {
        this.admin = await startAdmin(this.adminSource, this.gen.config.admin);
        this.adminUrl = this.admin.url;
      }
    } catch (e) {
      await closeServer(this.server);
      await this.gen.retire(true);
      throw e;
    }
  }

  get balancer(): Balancer {
    return this.gen.balancer;
  }

  get config(): ProxyConfig {
    return this.gen.config;
  }

  get inProgress(): number {
    let n = this.gen.inProgress;
    for (const g of this.old) n += g.inProgress;
    return n;
  }

  snapshot(): MetricsSnapshot {
    return this.metrics.snapshot(this.gen.gauges());
  }

  status(): Record<string, unknown> {
    const b = this.gen.balancer;
    return {
      pid: process.pid,
      url: this.url,
      strategy: b.strategyName,
      seed: this.gen.seed,
      inProgress: this.inProgress,
      clientConnections: this.conns.open,
      leasesOutstanding: b.leasesOutstanding,
      queued: b.queued,
      panic: b.inPanic,
      backends: b.status(),
      config: configSummary(this.gen.config),
    };
  }

  private backendId(id: string): string {
    const b = this.gen.balancer;
    if (b.indexOf(id) >= 0) return id;
    if (/^\d+$/.test(id) && Number(id) < b.backends.length) return b.backends[Number(id)]!.id;
    throw new UnknownBackendError(`no backend "${id}" (known: ${b.backends.map((s) => s.id).join(', ')})`);
  }

  readonly adminSource: AdminSource = {
    metrics: async () => this.snapshot(),
    status: async () => this.status(),
    drain: async (id, on) => {
      const bid = this.backendId(id);
      this.gen.balancer.setDraining(bid, on);
      this.log(`backend ${bid} ${on ? 'draining' : 'undrained'} (admin)`);
    },
    weight: async (id, value) => {
      const bid = this.backendId(id);
      this.gen.balancer.setWeight(bid, value);
      this.log(`backend ${bid} weight ${value === null ? 'reset to configured' : `set to ${value}`} (admin)`);
    },
  };

  async reload(config: ProxyConfig): Promise<void> {
    if (this.closing) return;
    const cur = this.gen.config;
    const same = (a: { host: string; port: number } | false, b: { host: string; port: number } | false): boolean =>
      a === b || (a !== false && b !== false && a.host === b.host && a.port === b.port);
    if (!same(cur.listen, config.listen) || !same(cur.admin, config.admin)) {
      this.log('reload: listen/admin address changes need a restart (the listening sockets are kept); other changes apply');
    }
    const next = new Generation({ ...config, listen: cur.listen, admin: cur.admin }, this.metrics, { seed: this.opts.seed, log: this.log });
    applyClientSettings(this.server, config.client);
    const prev = this.gen;
    this.gen = next;
    this.old.add(prev);
    this.log(`reloaded ${config.file || 'config'}: strategy ${next.balancer.strategyName}, ${config.backends.length} backends; ${prev.inProgress} in-flight requests finish on the previous config`);
    await prev.retire();
    this.old.delete(prev);
  }

  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.gen.closing = true;
    for (const g of this.old) g.closing = true;
    const closed = closeServer(this.server);
    const drainMs = this.opts.drainTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      Promise.all([this.gen.idle(), ...[...this.old].map((g) => g.idle())]).then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), drainMs);
      }),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      this.log(`shutdown: ${this.inProgress} requests still in flight after ${drainMs} ms; closing their connections`);
      this.server.closeAllConnections();
    }
    await Promise.all([this.gen.retire(timedOut), ...[...this.old].map((g) => g.retire(timedOut))]);
    this.server.closeAllConnections();
    await closed;
    await this.admin?.close();
  }
}

/** Applies the client-side timeouts and the header cap to the server (at start and on reload). */
function applyClientSettings(server: Server, c: ClientSettings): void {
  server.headersTimeout = c.headerTimeoutMs;
  server.requestTimeout = c.requestTimeoutMs;
  server.keepAliveTimeout = c.keepAliveTimeoutMs;
  // One past the cap, so a request over it is seen (and refused with 431) instead of truncated.
  server.maxHeadersCount = c.maxHeaders + 1;
}

/**
 * Starts a proxy for `config`: listens on `config.listen` (port 0 = any free port) and, unless
 * disabled, the admin endpoint on `config.admin`. Resolves once both are listening.
 */
export async function startProxy(config: ProxyConfig, opts: StartOptions = {}): Promise<RunningProxy> {
  const p = new Proxy(config, opts);
  await p.start();
  return p;
}
