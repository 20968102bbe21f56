/**
 * One applied config: the balancer built from it (strategy, health, limits on the real clock), the
 * upstream pools, the health prober, and the per-request plumbing the {@link Exchange}s share.
 *
 * A config reload (SIGHUP) builds a new generation for new requests while requests in flight
 * finish on the old one, whose pools and prober are closed once its last request ends — nginx's
 * "new workers take new connections, old ones finish theirs", within one process.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { backend, type BackendSpec } from '../core/backend.js';
import type { Balancer } from '../core/balancer/index.js';
import { buildBalancer as buildFromSettings } from '../core/balancer/build.js';
import { Rng } from '../core/rng.js';
import { requestInfo, type RequestInfo } from '../core/view.js';
import { strategyOf } from '../strategies/index.js';
import type { ProxyConfig } from './config.js';
import type { Exchange } from './forward.js';
import { HealthProber } from './health-prober.js';
import { NO_BACKEND, type BackendCounters, type BackendGauge, type ProxyMetrics } from './metrics.js';
import { realClock, realTimers } from './real-time.js';
import { Upstreams } from './upstreams.js';

/** Backend descriptors of a config (id `host:port`). */
export function backendSpecs(config: ProxyConfig): BackendSpec[] {
  return config.backends.map((b) =>
    backend({ id: b.id, host: b.host, port: b.port, weight: b.weight, maxConn: b.maxConn, priority: b.priority, ...(b.degraded === true ? { degraded: true } : {}), ...(b.zone !== undefined ? { zone: b.zone } : {}) }),
  );
}

/** Builds the balancer a config describes, on the real clock. */
export function buildBalancer(config: ProxyConfig, seed: number): Balancer {
  const env = {
    ...strategyOf(config.strategy, config.options),
    backends: backendSpecs(config),
    clock: realClock,
    timers: realTimers,
    rng: new Rng(seed),
    ...(config.zone !== undefined ? { localZone: config.zone } : {}),
    ...(config.localZoneShares !== undefined ? { localZoneShares: config.localZoneShares } : {}),
  };
  return buildFromSettings(config, env);
}

/** How a request's hash key is taken, per `hashKey` in the config. */
function hashKeyFn(spec: string): (req: IncomingMessage) => string {
  if (spec === 'uri') return (req) => req.url ?? '';
  if (spec === 'path') {
    return (req) => {
      const u = req.url ?? '';
      const q = u.indexOf('?');
      return q < 0 ? u : u.slice(0, q);
    };
  }
  if (spec === 'client') return () => ''; // empty: hash strategies fall back to the client address
  if (spec === 'host') return (req) => req.headers.host ?? '';
  if (spec.startsWith('header:')) {
    const name = spec.slice(7).toLowerCase();
    return (req) => {
      const v = req.headers[name];
      return v === undefined ? '' : Array.isArray(v) ? v.join(',') : v;
    };
  }
  const cookie = spec.slice(7);
  return (req) => {
    const h = req.headers.cookie;
    if (h === undefined) return '';
    for (const part of h.split(';')) {
      const eq = part.indexOf('=');
      if (eq > 0 && part.slice(0, eq).trim() === cookie) return part.slice(eq + 1).trim();
    }
    return '';
  };
}

/** Options of a {@link Generation}. */
export interface GenerationOptions {
  /** Root seed of the strategies' randomness. */
  seed?: number;
  /** Where state changes are logged. */
  log?: (line: string) => void;
}

/** A config applied: balancer + pools + prober + what the requests share. */
export class Generation {
  /** The balancer of this generation. */
  readonly balancer: Balancer;
  /** Upstream pools, by backend index. */
  readonly upstreams: Upstreams;
  /** Counters by backend index, made on first use (shared with later generations by backend id). */
  private readonly counters: (BackendCounters | undefined)[];
  /** Counters of requests answered without a backend. */
  readonly none: BackendCounters;
  /** Requests waiting in the balancer queue, by token. */
  readonly waiting = new Map<number, Exchange>();
  /** Scratch request attributes (the balancer reads them during `acquire` and keeps nothing). */
  readonly info: RequestInfo = requestInfo();
  /** The request's hash key. */
  readonly hashKeyOf: (req: IncomingMessage) => string;
  /** Sticky cookie name, or null. */
  readonly stickyCookie: string | null;
  /** The seed used. */
  readonly seed: number;
  /** True once the proxy is shutting down: responses ask clients to close their connections. */
  closing = false;
  private readonly prober: HealthProber | undefined;
  private tokens = 0;
  private active = 0;
  private idleWaiters: (() => void)[] = [];
  private retired = false;

  constructor(
    readonly config: ProxyConfig,
    readonly metrics: ProxyMetrics,
    opts: GenerationOptions = {},
  ) {
    this.seed = opts.seed ?? config.seed ?? randomInt(0, 2 ** 31);
    this.balancer = buildBalancer(config, this.seed);
    this.upstreams = new Upstreams(config.backends, config.timeouts);
    // Made on first use: a backend's counters hold a 600-slot status array, and a config with tens
    // of thousands of backends must not allocate them all while requests wait (reload).
    this.counters = config.backends.map(() => undefined);
    this.none = metrics.backend(NO_BACKEND);
    this.hashKeyOf = hashKeyFn(config.hashKey);
    this.stickyCookie = config.sticky === false ? null : config.sticky.cookie;
    this.balancer.setQueueListener({
      granted: (token, h) => {
        const x = this.waiting.get(token);
        this.waiting.delete(token);
        if (x) x.granted(h);
        else this.balancer.release(h, 0, 0, 'cancelled');
      },
      refused: (token, code) => {
        const x = this.waiting.get(token);
        this.waiting.delete(token);
        x?.refusedWhileQueued(code);
      },
    });
    const log = opts.log;
    this.prober =
      config.healthCheck === false
        ? undefined
        : new HealthProber(this.balancer, config.backends, {
            path: config.healthCheck.path,
            intervalMs: config.healthCheck.intervalMs,
            timeoutMs: config.healthCheck.timeoutMs,
            onChange: (id, up) => log?.(`backend ${id} is ${up ? 'up' : 'down'} (active health check)`),
          });
    this.prober?.start();
  }

  /** The counters of backend `i`. */
  countersOf(i: number): BackendCounters {
    return (this.counters[i] ??= this.metrics.backend(this.config.backends[i]!.id));
  }

  /** A fresh token naming a request in the balancer queue. */
  nextToken(): number {
    this.tokens = this.tokens >= 0x3fffffff ? 1 : this.tokens + 1;
    return this.tokens;
  }

  /** A new sticky session id (random, URL-safe). */
  newSessionId(): string {
    return randomBytes(12).toString('base64url');
  }

  /** A request started on this generation. */
  begin(): void {
    this.active++;
  }

  /** A request of this generation finished. */
  end(): void {
    this.active--;
    if (this.active === 0 && this.idleWaiters.length > 0) {
      const w = this.idleWaiters;
      this.idleWaiters = [];
      for (const f of w) f();
    }
  }

  /** Requests in progress on this generation. */
  get inProgress(): number {
    return this.active;
  }

  /** Resolves when no request is in progress. */
  idle(): Promise<void> {
    if (this.active === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Per-backend gauges for metrics. */
  gauges(): BackendGauge[] {
    return this.balancer.status().map((s) => ({ id: s.id, inflight: s.active, up: s.state === 'up' ? 1 : 0, weight: s.effectiveWeight }));
  }

  /**
   * Stops this generation once its requests are done: health checks stop now, pools close when
   * the last request ends (or at once with `force`).
   */
  async retire(force = false): Promise<void> {
    if (this.retired) return;
    this.retired = true;
    await this.prober?.stop();
    if (!force) await this.idle();
    await this.upstreams.close(force);
  }
}
