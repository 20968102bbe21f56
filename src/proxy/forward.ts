/**
 * One client request through the proxy: (buffer the body) → admit → acquire → forward → release,
 * with retries.
 *
 * The flow is nginx's `ngx_http_upstream` one: the request body is read ahead up to
 * `client.requestBuffer` (see `body.ts`), the balancer admits the request (rate limit, nginx
 * `limit_req`), leases a backend (or queues it, HAProxy `maxqueue`), the request is sent to the
 * backend's keep-alive pool (undici `Pool.dispatch`, one {@link Attempt} object as the handler),
 * and the response is streamed back with backpressure both ways. A failed attempt is retried on
 * another backend (the tried ones excluded) when nginx's `proxy_next_upstream` rules allow it: the
 * failure kind is listed in `retries.on`, attempts remain, and the request can be replayed (its
 * body still in memory or not yet sent; after the request may have reached the backend — reset,
 * timeout, 5xx — only for idempotent methods, nginx's `non_idempotent` default).
 *
 * Ownership, so that a lease cannot leak:
 * - The {@link Exchange} is the one owner of its request's lease (`this.h`). A lease is released
 *   ONLY by {@link Exchange.releaseLease}, which clears `this.h` first: at most once.
 * - The request ends ONLY in {@link Exchange.finish} (guarded by `done`), and `finish` itself
 *   releases a lease still held (as `cancelled`), leaves the balancer queue, clears the rate-limit
 *   delay and the attempt's watchdog: every way out — a refusal, the client leaving before, while
 *   queued or while in flight, an upstream error or timeout, a relay error — passes there.
 * - Every way a request can stall ends in `finish`: the client leaving (the response's `close`),
 *   the client body timeout (408), the send timeout (a client not reading), undici's connect,
 *   header and body timeouts, and a watchdog for an attempt undici never starts (a request stuck in
 *   a pool's queue), which no backend is blamed for.
 * - Each attempt has its own handler object; callbacks of an attempt that is no longer current
 *   (timed out, abandoned) are ignored and cannot touch the lease of the next one.
 * Latency given to the balancer = time to the response headers of that attempt.
 *
 * Failures that are the proxy's own — out of file descriptors or buffers (EMFILE, ENFILE,
 * ENOBUFS, ENOMEM, EADDRNOTAVAIL), or a request undici refused to send — are answered by the
 * proxy (503 `proxy-resources`, 500) and released as `cancelled`: they never count against a
 * backend's health. See docs/proxy-security.md#leases and #local-errors.
 */
import { STATUS_CODES, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import { QUEUED, REFUSED_CONN_LIMITED, REFUSED_NO_BACKEND, REFUSED_RATE_LIMITED, refusalReason, type ErrorKind } from '../core/balancer/index.js';
import { RequestBody, SEND_TIMEOUT, type ClientBodyFailure } from './body.js';
import { downstreamResponseHeaders, upstreamRequestHeaders } from './headers.js';
import type { RetryOn } from './config.js';
import type { Generation } from './generation.js';

/** Status sent (and counted) when the client went away first (nginx's 499). */
export const CLIENT_CLOSED = 499;

/** Extra time, past the connect timeout, before an attempt undici has not started is abandoned. */
const WATCHDOG_GRACE_MS = 1_000;

/** How an upstream attempt failed, for retry decisions; `local` is the proxy's own resource error. */
type Failure = 'connect' | 'connect-timeout' | 'reset' | 'timeout' | 'local';

/** Classifies an undici / socket error. */
export function classifyError(err: unknown): Failure {
  const code = (err as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ECONNREFUSED':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'connect';
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return 'connect-timeout';
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
    case SEND_TIMEOUT:
      return 'timeout';
    case 'EMFILE':
    case 'ENFILE':
    case 'ENOBUFS':
    case 'ENOMEM':
    case 'EADDRNOTAVAIL': // no local port left to connect from
      return 'local';
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
  return f === 'connect-timeout' ? 'timeout' : f === 'local' ? 'cancelled' : f;
}

/** Characters Node accepts in a reason phrase that are also the same in every decoding (ASCII). */
const SAFE_REASON = /^[\t\x20-\x7e]*$/;

/** The reason phrase to relay: the backend's when plain ASCII, else the standard one for `status`. */
export function safeReason(reason: string | undefined, status: number): string {
  if (reason !== undefined && reason !== '' && SAFE_REASON.test(reason)) return reason;
  return STATUS_CODES[status] ?? 'Unknown';
}

class ClientGone extends Error {
  override name = 'ClientGone';
}

/** The undici dispatch handler of one attempt: forwards to its exchange, which ignores it once stale. */
class Attempt implements Dispatcher.DispatchHandler {
  controller: Dispatcher.DispatchController | null = null;

  constructor(private readonly x: Exchange) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    this.x.attemptStarted(this, controller);
  }

  onResponseStart(_c: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>, statusMessage?: string): void {
    this.x.responseStart(this, statusCode, headers, statusMessage);
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    this.x.responseData(this, chunk);
  }

  onResponseEnd(): void {
    this.x.responseEnd(this);
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.x.responseError(this, err);
  }
}

/** One client request. */
export class Exchange {
  /** The lease held by the current attempt, or -1. */
  private h = -1;
  /** Backend index of the current (or last) attempt, or -1. */
  private backend = -1;
  private attempt = 0;
  private tried: number[] | undefined;
  /** The current attempt, or null between attempts. */
  private cur: Attempt | null = null;
  private readonly body: RequestBody | null;
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
  private queued = false;
  /** True while `dispatch` runs: an error reported now is undici refusing the request, not the backend. */
  private dispatching = false;
  private token = 0;
  private delay: NodeJS.Timeout | undefined;
  private watchdog: NodeJS.Timeout | undefined;
  private sendTimer: NodeJS.Timeout | undefined;
  private sendTimedOut = false;
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
    const c = gen.config;
    this.body = hasBody ? new RequestBody(req, { bodyTimeoutMs: c.client.bodyTimeoutMs, stallMs: c.timeouts.idleMs, onClientError: this.onClientBodyError }) : null;
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
    this.res.on('close', this.onClientClose); // emitted once; `on` spares the `once` wrapper
    const limit = this.gen.config.client.requestBuffer;
    if (this.body !== null && limit > 0) {
      const len = this.req.headers['content-length'];
      if (len === undefined || Number(len) <= limit) {
        this.body.buffer(limit, this.onBuffered);
        return;
      }
    }
    this.admit();
  }

  private readonly onBuffered = (): void => {
    if (!this.done) this.admit();
  };

  private admit(): void {
    const d = this.gen.balancer.admit(this.fillInfo());
    if (d === REFUSED_RATE_LIMITED) this.refuse(d);
    else if (d > 0) this.delay = setTimeout(this.onDelayed, d);
    else this.acquire();
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
    else if (h === QUEUED) {
      this.queued = true;
      gen.waiting.set(this.token, this);
    } else if (h === REFUSED_NO_BACKEND && this.lastFailure !== null) this.failUpstream(this.lastFailure);
    else this.refuse(h);
  }

  /** A queued request was granted lease `h` (called by the generation's queue listener). */
  granted(h: number): void {
    this.queued = false;
    if (this.done) {
      // Cannot happen (a finished request leaves the queue), but never leak a lease.
      this.gen.balancer.release(h, 0, 0, 'cancelled');
      return;
    }
    this.send(h);
  }

  /** A queued request was refused while waiting (called by the queue listener). */
  refusedWhileQueued(code: number): void {
    this.queued = false;
    if (!this.done) this.refuse(code);
  }

  private send(h: number): void {
    const gen = this.gen;
    this.h = h;
    this.backend = gen.balancer.backendOf(h);
    this.attempt++;
    if (this.attempt > 1) gen.metrics.retries++;
    this.discard = false;
    const req = this.req;
    let body: ReturnType<RequestBody['open']> | null = null;
    if (this.body !== null) {
      if (!this.body.replayable) {
        // mayRetry never allows this; a guard, not a path.
        this.releaseLease(0, 'cancelled');
        this.respond(502, 'bad gateway: the request body cannot be sent again');
        return;
      }
      body = this.body.open();
    }
    const a = new Attempt(this);
    this.cur = a;
    this.tAttempt = performance.now();
    this.headers ??= upstreamRequestHeaders(req.rawHeaders, this.clientAddr, 'http');
    this.dispatching = true;
    try {
      gen.upstreams.pool(this.backend).dispatch({ path: req.url ?? '/', method: req.method ?? 'GET', headers: this.headers, body }, a);
    } catch (e) {
      this.responseError(a, e as Error);
    } finally {
      this.dispatching = false;
    }
    // On a free kept-alive connection undici starts the request inside `dispatch`; only an attempt
    // still waiting (connecting, queued in the pool, or a streamed body) needs the watchdog.
    if (this.cur === a && a.controller === null && !this.done) {
      this.watchdog = setTimeout(this.onWatchdog, gen.config.timeouts.connectMs + WATCHDOG_GRACE_MS);
    }
  }

  // ------------------------------------------------------------------ the current attempt

  /** undici started attempt `a` on a connection. */
  attemptStarted(a: Attempt, controller: Dispatcher.DispatchController): void {
    if (a !== this.cur || this.done) {
      controller.abort(new ClientGone('request already finished'));
      return;
    }
    this.clearWatchdog();
  }

  responseStart(a: Attempt, statusCode: number, headers: Record<string, string | string[] | undefined>, statusMessage: string | undefined): void {
    if (a !== this.cur || this.done || statusCode < 200) return;
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
      this.res.writeHead(statusCode, safeReason(statusMessage, statusCode), out);
    } catch (e) {
      // Header values Node refuses to send (invalid characters): a bad gateway.
      this.releaseLease(statusCode, 'none');
      this.dropAttempt(e instanceof Error ? e.message : 'invalid upstream response headers');
      this.respond(502, 'bad gateway: invalid upstream response headers');
      return;
    }
    this.sent = true;
  }

  responseData(a: Attempt, chunk: Buffer): void {
    if (a !== this.cur || this.done || this.discard) return;
    if (!this.res.write(chunk)) {
      a.controller?.pause();
      this.armSendTimeout();
      this.res.once('drain', this.onDrain);
    }
  }

  private readonly onDrain = (): void => {
    this.clearSendTimeout();
    this.cur?.controller?.resume();
  };

  responseEnd(a: Attempt): void {
    if (a !== this.cur || this.done) return;
    this.releaseLease(this.status, 'none');
    if (this.discard) {
      this.lastFailure = this.status as 502 | 503 | 504;
      this.retry();
      return;
    }
    this.res.end();
    this.finish(this.status);
  }

  responseError(a: Attempt, err: Error): void {
    if (a !== this.cur || this.done) return;
    if (this.dispatching) {
      // undici refused the request before sending it (the checks in request-checks.ts should make
      // this impossible): the proxy's fault. Its pool may now queue forever: rebuild it.
      this.gen.upstreams.discard(this.backend);
      this.localFailure(500, 'internal error: the request could not be sent upstream', 'proxy-error');
      return;
    }
    if (err instanceof ClientGone || this.clientGone) {
      this.abandon();
      return;
    }
    const f = classifyError(err);
    if (f === 'local') {
      this.localFailure(503, `proxy out of resources (${(err as NodeJS.ErrnoException).code ?? err.message})`, 'proxy-resources');
      return;
    }
    this.gen.countersOf(this.backend).attemptErrors[errorSlot(f)]!++;
    if (this.sent) {
      // Mid-body failure: the status is out; cut the client connection so it sees the truncation.
      this.releaseLease(this.status, errorKind(f));
      this.res.destroy();
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

  /** An attempt undici never started (stuck in a pool queue): the proxy's failure, not the backend's. */
  private readonly onWatchdog = (): void => {
    this.watchdog = undefined;
    if (this.done || this.cur === null) return;
    this.gen.upstreams.discard(this.backend);
    this.localFailure(503, 'the upstream request could not be started', 'proxy-stalled');
  };

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
    this.dropAttempt(null);
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

  /** The proxy's own failure during an attempt: released as cancelled, answered without blaming the backend. */
  private localFailure(status: number, text: string, reason: string): void {
    this.dropAttempt('abandoned by the proxy');
    this.releaseLease(0, 'cancelled');
    this.backend = -1;
    this.gen.metrics.refused(reason);
    if (this.sent) {
      this.res.destroy();
      this.finish(this.status);
    } else this.respond(status, text, reason);
  }

  /** Sends a short proxy-generated response and finishes. */
  private respond(status: number, text: string, refused?: string): void {
    if (this.done) return;
    const res = this.res;
    if (!res.headersSent && !this.clientGone && !res.destroyed) {
      const body = `${text}\n`;
      const headers: OutgoingHttpHeaders = {
        'content-type': 'text/plain; charset=utf-8',
        'content-length': Buffer.byteLength(body),
        'cache-control': 'no-store',
      };
      if (refused !== undefined) headers['x-lbsim-refused'] = refused;
      // A body not read to its end cannot be skipped on a kept-alive connection: close it.
      if (this.gen.closing || (this.body !== null && !this.body.complete)) headers.connection = 'close';
      res.writeHead(status, STATUS_CODES[status] ?? 'Unknown', headers);
      res.end(body);
    } else if (!res.writableEnded) res.destroy();
    this.finish(status);
  }

  /** The client is gone (or timed out): stop everything for this request, blaming no backend. */
  private abandon(): void {
    this.clientGone = true;
    this.dropAttempt('client closed the connection');
    this.releaseLease(this.sent ? this.status : 0, 'cancelled');
    this.finish(this.sendTimedOut ? this.status : CLIENT_CLOSED);
  }

  /**
   * Ends the request: the ONLY place it is counted and forgotten. Whatever is still held — a
   * lease, a place in the balancer queue, the rate-limit delay, the watchdog, body timers — is
   * given back here, so no way out can leak one.
   */
  private finish(code: number): void {
    if (this.done) return;
    this.done = true;
    const gen = this.gen;
    this.releaseLease(this.sent ? this.status : 0, 'cancelled');
    if (this.queued) {
      this.queued = false;
      if (gen.waiting.get(this.token) === this) gen.waiting.delete(this.token);
      gen.balancer.cancelQueued(this.token);
    }
    if (this.delay !== undefined) {
      clearTimeout(this.delay);
      this.delay = undefined;
    }
    this.clearWatchdog();
    this.body?.dispose();
    const counters = this.backend >= 0 ? gen.countersOf(this.backend) : gen.none;
    counters.record(code, (performance.now() - this.t0) / 1000);
    gen.end();
  }

  /**
   * Detaches the current attempt (its later callbacks are stale and ignored) and, with a reason,
   * aborts it — undici may report that abort synchronously, which must not count as a failure.
   */
  private dropAttempt(reason: string | null): void {
    const a = this.cur;
    this.cur = null;
    this.clearWatchdog();
    if (reason !== null) a?.controller?.abort(new ClientGone(reason));
  }

  private clearWatchdog(): void {
    if (this.watchdog !== undefined) {
      clearTimeout(this.watchdog);
      this.watchdog = undefined;
    }
  }

  /** nginx `send_timeout`: the client must take some of the response within `client.sendTimeout`. */
  private armSendTimeout(): void {
    if (this.sendTimer !== undefined) this.sendTimer.refresh();
    else this.sendTimer = setTimeout(this.onSendTimeout, this.gen.config.client.sendTimeoutMs);
  }

  private clearSendTimeout(): void {
    if (this.sendTimer !== undefined) {
      clearTimeout(this.sendTimer);
      this.sendTimer = undefined;
    }
  }

  private readonly onSendTimeout = (): void => {
    this.sendTimer = undefined;
    this.sendTimedOut = true;
    this.res.destroy(); // its 'close' ends the request (onClientClose)
  };

  /** The client's request body failed: the client is at fault (never the backend's health). */
  private readonly onClientBodyError = (why: ClientBodyFailure): void => {
    if (this.done) return;
    if (why === 'timeout' && !this.sent) {
      this.dropAttempt('client body timeout');
      this.releaseLease(0, 'cancelled');
      this.respond(408, 'request timeout: the client stopped sending the request body');
      return;
    }
    this.abandon();
  };

  /** The client connection closed: before the response finished, that is an abort. */
  private readonly onClientClose = (): void => {
    this.clearSendTimeout();
    if (this.done || this.res.writableFinished) return;
    this.abandon();
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
