/**
 * One client request through the proxy: admit → acquire → forward → release, with retries.
 *
 * The flow is nginx's `ngx_http_upstream` one: the balancer admits the request (rate limit,
 * nginx `limit_req`), leases a backend (or queues it, HAProxy `maxqueue`), the request is streamed
 * to the backend's keep-alive pool (undici `Pool.dispatch`, this object being the handler), and the
 * response is streamed back with backpressure both ways. A failed attempt is retried on another
 * backend (the tried ones excluded) when nginx's `proxy_next_upstream` rules allow it: the failure
 * kind is listed in `retries.on`, attempts remain, and the request can be replayed (no body byte
 * sent yet; after the request may have reached the backend — reset, timeout, 5xx — only for
 * idempotent methods, nginx's `non_idempotent` default).
 *
 * Lease discipline: the lease handle lives in `this.h` and is released ONLY by
 * {@link Exchange.releaseLease}, which resets `this.h` to -1 first, so every path (response end,
 * upstream error, client abort, retry) releases it exactly once. The request as a whole ends ONLY
 * in {@link Exchange.finish}, guarded by `this.done`. Latency given to the balancer = time to the
 * response headers of that attempt.
 */
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { QUEUED, REFUSED_CONN_LIMITED, REFUSED_NO_BACKEND, REFUSED_RATE_LIMITED, refusalReason, type ErrorKind } from '../core/balancer/index.js';
import { ReplayableBody, SEND_TIMEOUT } from './body.js';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './headers.js';
import type { RetryOn } from './config.js';
import type { Generation } from './generation.js';

/** Status sent (and counted) when the client went away first (nginx's 499). */
export const CLIENT_CLOSED = 499;

/** How an upstream attempt failed, for retry decisions. */
type Failure = 'connect' | 'connect-timeout' | 'reset' | 'timeout';

/** Classifies an undici / socket error. */
export function classifyError(err: unknown): Failure {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EADDRNOTAVAIL':
      return 'connect';
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'connect-timeout';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case SEND_TIMEOUT:
      return 'timeout';
    default:
      return 'reset';
  }
}

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);

/** Kinds in {@link ProxyMetrics} attempt-error order. */
function errorSlot(f: Failure): number {
  return f === 'connect' ? 0 : f === 'reset' ? 1 : 2;
}

function errorKind(f: Failure): ErrorKind {
  return f === 'connect-timeout' ? 'timeout' : f;
}

class ClientGone extends Error {
  override name = 'ClientGone';
}

/** One client request; also the undici dispatch handler of its current attempt. */
export class Exchange implements Dispatcher.DispatchHandler {
  /** The lease held by the current attempt, or -1. */
  private h = -1;
  /** Backend index of the current (or last) attempt, or -1. */
  private backend = -1;
  private attempt = 0;
  private tried: number[] | undefined;
  private controller: Dispatcher.DispatchController | null = null;
  private readonly body: ReplayableBody | null;
  private headers: string[] | null = null;
  private readonly t0: number;
  private tAttempt = 0;
  private latency = 0;
  private status = 0;
  /** Response headers went to the client: no more retries or error pages. */
  private sent = false;
  /** The current attempt's response is being thrown away before a retry (retryable 5xx). */
  private discard = false;
  private clientGone = false;
  private done = false;
  private token = 0;
  private delay: NodeJS.Timeout | undefined;
  /** Why the previous attempt failed (a failure kind or a retryable status), or null. */
  private lastFailure: Failure | 502 | 503 | 504 | null = null;
  private readonly clientAddr: string;
  private readonly hashKey: string;
  private sessionKey = '';
  private setCookie: string | null = null;

  constructor(
    private readonly gen: Generation,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
  ) {
    this.t0 = performance.now();
    const h = req.headers;
    const hasBody = h['content-length'] !== undefined ? h['content-length'] !== '0' : h['transfer-encoding'] !== undefined;
    this.body = hasBody ? new ReplayableBody(req, gen.config.timeouts.idleMs, this.onClientBodyError) : null;
    this.clientAddr = req.socket.remoteAddress ?? '';
    this.hashKey = gen.hashKeyOf(req);
    if (gen.stickyCookie !== null) {
      const v = cookieValue(h.cookie, gen.stickyCookie);
      if (v !== undefined && v !== '') this.sessionKey = v;
      else {
        this.sessionKey = gen.newSessionId();
        this.setCookie = `${gen.stickyCookie}=${this.sessionKey}; Path=/; HttpOnly; SameSite=Lax`;
      }
    }
  }

  /** Starts handling the request. */
  run(): void {
    this.gen.begin();
    this.res.once('close', this.onClientClose);
    const d = this.gen.balancer.admit(this.fillInfo());
    if (d === REFUSED_RATE_LIMITED) this.refuse(d);
    else if (d > 0) {
      this.delay = setTimeout(this.onDelayed, d);
    } else this.acquire();
  }

  private readonly onDelayed = (): void => {
    this.delay = undefined;
    if (!this.done) this.acquire();
  };

  private fillInfo() {
    const info = this.gen.info;
    info.clientAddr = this.clientAddr;
    info.hashKey = this.hashKey;
    info.sessionKey = this.sessionKey;
    info.attempt = this.attempt + 1;
    return info;
  }

  private acquire(): void {
    const gen = this.gen;
    if (this.token === 0) this.token = gen.nextToken();
    const h = gen.balancer.acquire(this.fillInfo(), this.token, this.tried);
    if (h >= 0) this.send(h);
    else if (h === QUEUED) gen.waiting.set(this.token, this);
    else if (h === REFUSED_NO_BACKEND && this.lastFailure !== null) this.failUpstream(this.lastFailure);
    else this.refuse(h);
  }

  /** A queued request was granted lease `h` (called by the generation's queue listener). */
  granted(h: number): void {
    if (this.done) {
      // Cannot happen (a finished request is removed from the queue), but never leak a lease.
      this.gen.balancer.release(h, 0, 0, 'cancelled');
      return;
    }
    this.send(h);
  }

  /** A queued request was refused while waiting (called by the queue listener). */
  refusedWhileQueued(code: number): void {
    if (!this.done) this.refuse(code);
  }

  private send(h: number): void {
    const gen = this.gen;
    this.h = h;
    this.backend = gen.balancer.backendOf(h);
    this.attempt++;
    if (this.attempt > 1) gen.metrics.retries++;
    this.controller = null;
    this.discard = false;
    this.tAttempt = performance.now();
    const req = this.req;
    this.headers ??= upstreamRequestHeaders(req.rawHeaders, this.clientAddr, 'http');
    gen.upstreams.pools[this.backend]!.dispatch(
      { path: req.url ?? '/', method: req.method ?? 'GET', headers: this.headers, body: this.body === null ? null : this.body.open() },
      this,
    );
  }

  // ------------------------------------------------------------------ undici handler

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.clientGone) controller.abort(new ClientGone('client closed the connection'));
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>, statusMessage?: string): void {
    if (statusCode < 200) return;
    this.latency = performance.now() - this.tAttempt;
    this.status = statusCode;
    if ((statusCode === 502 || statusCode === 503 || statusCode === 504) && this.mayRetry(statusCode === 502 ? '502' : statusCode === 503 ? '503' : '504', true)) {
      this.discard = true;
      return;
    }
    const out: OutgoingHttpHeaders = downstreamResponseHeaders(headers);
    if (this.setCookie !== null) {
      const prev = out['set-cookie'];
      out['set-cookie'] = prev === undefined ? this.setCookie : Array.isArray(prev) ? [...prev, this.setCookie] : [String(prev), this.setCookie];
    }
    if (this.gen.closing) out.connection = 'close';
    try {
      if (statusMessage) this.res.writeHead(statusCode, statusMessage, out);
      else this.res.writeHead(statusCode, out);
    } catch (e) {
      // Headers Node refuses to send (invalid characters): a bad gateway.
      this.releaseLease(statusCode, 'none');
      this.controller?.abort(e as Error);
      this.respond(502, 'bad gateway: invalid upstream response headers');
      return;
    }
    this.sent = true;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.discard || this.clientGone) return;
    if (!this.res.write(chunk)) {
      controller.pause();
      this.res.once('drain', this.onDrain);
    }
  }

  private readonly onDrain = (): void => {
    this.controller?.resume();
  };

  onResponseEnd(): void {
    if (this.h < 0) return; // already settled (invalid headers path)
    this.releaseLease(this.status, 'none');
    if (this.discard) {
      if (this.clientGone) this.finish(CLIENT_CLOSED);
      else {
        this.lastFailure = this.status as 502 | 503 | 504;
        this.retry();
      }
      return;
    }
    this.res.end();
    this.finish(this.status);
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    if (this.clientGone || err instanceof ClientGone) {
      this.releaseLease(this.sent ? this.status : 0, 'cancelled');
      this.finish(CLIENT_CLOSED);
      return;
    }
    if (this.h < 0) return; // already settled
    const f = classifyError(err);
    this.gen.counters[this.backend]!.attemptErrors[errorSlot(f)]!++;
    if (this.sent) {
      // Mid-body failure: the status is out; cut the client connection so it sees the truncation.
      this.releaseLease(this.status, errorKind(f));
      this.res.destroy(err);
      this.finish(this.status);
      return;
    }
    if (this.discard) {
      // The retryable 5xx's body failed: retry as the status already allowed.
      this.releaseLease(this.status, errorKind(f));
      this.lastFailure = this.status as 502 | 503 | 504;
      this.retry();
      return;
    }
    this.releaseLease(0, errorKind(f));
    this.lastFailure = f;
    const on: RetryOn = f === 'connect-timeout' ? 'connect' : f;
    if (this.mayRetry(on, f !== 'connect' && f !== 'connect-timeout')) this.retry();
    else this.failUpstream(f);
  }

  // ------------------------------------------------------------------ decisions

  /**
   * Whether another attempt is allowed after a failure of kind `on`.
   * @param reached the request may have reached the backend (needs an idempotent method)
   */
  private mayRetry(on: RetryOn, reached: boolean): boolean {
    const r = this.gen.config.retries;
    if (this.attempt > r.count || !r.on.has(on) || this.clientGone) return false;
    if (this.body !== null && !this.body.replayable) return false;
    return !reached || IDEMPOTENT.has(this.req.method ?? 'GET');
  }

  private retry(): void {
    (this.tried ??= []).push(this.backend);
    this.acquire();
  }

  // ------------------------------------------------------------------ endings

  /** Releases the current lease, if any: the ONLY place a lease is released. */
  private releaseLease(status: number, error: ErrorKind): void {
    const h = this.h;
    if (h < 0) return;
    this.h = -1;
    const latency = status > 0 ? this.latency : performance.now() - this.tAttempt;
    this.gen.balancer.release(h, status, latency, error);
  }

  private refuse(code: number): void {
    const reason = refusalReason(code);
    this.gen.metrics.refused(reason);
    const limited = code === REFUSED_RATE_LIMITED || code === REFUSED_CONN_LIMITED;
    const status = limited && this.gen.config.rateLimit !== false ? this.gen.config.rateLimit.status : 503;
    this.respond(status, reason, reason);
  }

  private failUpstream(f: Failure | 502 | 503 | 504): void {
    if (typeof f === 'number') {
      this.respond(f, `upstream answered ${f} and no other backend was available to retry`);
      return;
    }
    const timeout = f === 'timeout' || f === 'connect-timeout';
    this.respond(timeout ? 504 : 502, timeout ? `gateway timeout: upstream ${f}` : `bad gateway: upstream ${f}`);
  }

  /** Sends a short proxy-generated response and finishes. */
  private respond(status: number, text: string, refused?: string): void {
    if (this.done) return;
    const res = this.res;
    if (!res.headersSent && !this.clientGone) {
      const body = `${text}\n`;
      const headers: OutgoingHttpHeaders = {
        'content-type': 'text/plain; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
      };
      if (refused !== undefined) headers['x-lbsim-refused'] = refused;
      if (this.gen.closing || this.body !== null) headers.connection = 'close';
      res.writeHead(status, headers);
      res.end(body);
    } else if (!res.writableEnded) res.destroy();
    this.finish(status);
  }

  /** Ends the request: the ONLY place it is counted and forgotten. */
  private finish(code: number): void {
    if (this.done) return;
    this.done = true;
    const gen = this.gen;
    const counters = this.backend >= 0 ? gen.counters[this.backend]! : gen.none;
    counters.record(code, (performance.now() - this.t0) / 1000);
    gen.end();
  }

  /** The client's request body failed: the client is at fault (never the backend's health). */
  private readonly onClientBodyError = (): void => {
    this.clientGone = true;
  };

  /** The client connection closed: before the response finished, that is an abort. */
  private readonly onClientClose = (): void => {
    if (this.done || this.res.writableFinished) return;
    this.clientGone = true;
    const gen = this.gen;
    if (this.delay !== undefined) {
      clearTimeout(this.delay);
      this.delay = undefined;
      this.finish(CLIENT_CLOSED);
    } else if (this.token !== 0 && gen.waiting.get(this.token) === this && this.h < 0) {
      gen.waiting.delete(this.token);
      gen.balancer.cancelQueued(this.token);
      this.finish(CLIENT_CLOSED);
    } else if (this.h >= 0) {
      // In flight: abort the upstream request; onResponseError releases the lease as cancelled.
      // Without a controller yet (still waiting for a pooled connection), onRequestStart aborts.
      this.controller?.abort(new ClientGone('client closed the connection'));
    } else {
      this.finish(CLIENT_CLOSED);
    }
  };
}

/** The value of cookie `name` in a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  let from = 0;
  for (;;) {
    const at = header.indexOf(name, from);
    if (at < 0) return undefined;
    const before = at === 0 ? 32 : header.charCodeAt(at - 1);
    if ((before === 32 || before === 59) && header.charCodeAt(at + name.length) === 61 /* = */) {
      const start = at + name.length + 1;
      const end = header.indexOf(';', start);
      return header.slice(start, end < 0 ? header.length : end).trim();
    }
    from = at + name.length;
  }
}
