/**
 * `startProxy`: the HTTP/1.1 reverse proxy of one process — a Node `http` server whose requests
 * are {@link Exchange}s on the current {@link Generation} (balancer + pools + prober), plus the
 * admin endpoint. `reload(config)` swaps in a new generation for new requests while in-flight ones
 * finish on the old (nginx's graceful reload, within a process); `close()` stops accepting, lets
 * in-flight requests finish (up to a drain timeout) and closes everything.
 */
import { createServer, type Server } from 'node:http';
import type { Balancer } from '../core/balancer/index.js';
import { startAdmin, UnknownBackendError, type AdminServer, type AdminSource } from './admin.js';
import type { ProxyConfig } from './config.js';
import { Exchange } from './forward.js';
import { Generation } from './generation.js';
import { closeServer, listen, serverUrl } from './listen.js';
import { ProxyMetrics, type MetricsSnapshot } from './metrics.js';

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
  private admin: AdminServer | null = null;
  private closing: Promise<void> | null = null;
  private readonly log: (line: string) => void;

  constructor(
    config: ProxyConfig,
    private readonly opts: StartOptions,
  ) {
    this.log = opts.log ?? defaultLog;
    this.gen = new Generation(config, this.metrics, { seed: opts.seed, log: this.log });
    this.server = createServer((req, res) => {
      new Exchange(this.gen, req, res).run();
    });
    this.server.on('upgrade', (_req, socket) => {
      socket.end('HTTP/1.1 501 Not Implemented\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    });
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

/**
 * Starts a proxy for `config`: listens on `config.listen` (port 0 = any free port) and, unless
 * disabled, the admin endpoint on `config.admin`. Resolves once both are listening.
 */
export async function startProxy(config: ProxyConfig, opts: StartOptions = {}): Promise<RunningProxy> {
  const p = new Proxy(config, opts);
  await p.start();
  return p;
}
