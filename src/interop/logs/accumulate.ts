/**
 * The streaming pass over a log: every parsed line updates bounded summaries — per-server sketches
 * and moments (service.ts), concurrency at each attempt's start (fit/concurrency.ts), arrival counts
 * per bin (fit/arrivals.ts), key/client/session popularity (fit/popularity.ts), URL-pattern classes,
 * errors and retries — and nothing is kept per request. Memory is bounded by the number of servers,
 * URL patterns (at most {@link MAX_PATTERNS}), distinct keys counted exactly (fit/popularity.ts),
 * time bins, and the attempts in the reorder window.
 *
 * Attempts: nginx logs every attempt of a request (`$upstream_addr` "a, b"); they ran one after the
 * other, the last ending when the request's upstream part ended, so attempt k is placed just before
 * attempt k+1. An attempt answered with a status below 500 and a time is a service sample; one
 * answered 5xx counts as a 5xx of its server, one with no status or no time as a failure.
 */
import { BinCounts } from './fit/arrivals.js';
import { ConcurrencyTracker, type StartListener } from './fit/concurrency.js';
import { Popularity } from './fit/popularity.js';
import { ServerStats } from './fit/service.js';
import { Moments, Sketch } from './fit/sketch.js';
import type { LogRecord } from './record.js';

/** Distinct URL patterns tracked (later ones are pooled as "other"). */
export const MAX_PATTERNS = 2000;
/** URIs remembered with their class (repeated URIs skip the pattern normalization). */
export const URI_CACHE = 65_536;
/** A 0 ms time (below a whole-ms log's resolution) counts as this much in logarithms. */
export const ZERO_FLOOR_MS = 0.5;
/** Concurrency is tracked when timestamps resolve at least this finely (ms). */
export const CONCURRENCY_RESOLUTION_MS = 10;

/** URL patterns (the first seen) whose service samples are kept per server, for the class-free base. */
export const CLASS_SKETCHES = 64;

/** Service-time statistics of one URL pattern. */
export class ClassStats {
  count = 0;
  readonly all = new Moments();
  /** Requests that started with their server idle (no other in flight): never queued. */
  readonly idle = new Moments();
  /**
   * Per server: the class's un-queued service samples (idle starts; every request when concurrency
   * is unknown), for patterns among the first {@link CLASS_SKETCHES}.
   */
  readonly byServer = new Map<number, { sketch: Sketch; moments: Moments }>();
  constructor(readonly pattern: string) {}

  /** Adds a sample of this class served by `server`. */
  sample(server: number, ms: number): void {
    let e = this.byServer.get(server);
    if (!e) this.byServer.set(server, (e = { sketch: new Sketch(), moments: new Moments() }));
    e.sketch.add(ms);
    e.moments.add(ms, ZERO_FLOOR_MS);
  }
}

import { urlPattern } from './url-pattern.js';

export { urlPattern };

/** Everything one streaming pass collects. */
export class LogAccumulator implements StartListener {
  readonly servers: ServerStats[] = [];
  private readonly serverIndex = new Map<string, number>();
  readonly arrivals: BinCounts;
  /** Client-side response time of successful requests (ms). */
  readonly response = new Sketch();
  readonly keys = new Popularity();
  readonly clients = new Popularity();
  readonly sessions = new Popularity();
  readonly classes: ClassStats[] = [];
  private readonly classIndex = new Map<string, number>();
  readonly concurrency: ConcurrencyTracker | null;
  /** Requests (lines with an upstream attempt). */
  requests = 0;
  /** Lines parsed but sent to no upstream (answered by the proxy itself). */
  noUpstream = 0;
  /** Requests with more than one attempt, and the extra attempts. */
  retried = 0;
  extraAttempts = 0;
  /** Time queued in the proxy (HAProxy Tw) over requests that logged it. */
  readonly proxyQueue = new Moments();
  /** True while every upstream time is a whole number of ms (the log's resolution is 1 ms). */
  wholeMs = true;
  firstArrival = Infinity;
  lastArrival = -Infinity;
  /** Whether responses were timed by the proxy (else the upstream time stands in). */
  responseLogged = false;

  /** @param timeResolutionMs the format's timestamp resolution */
  constructor(readonly timeResolutionMs: number) {
    this.arrivals = new BinCounts(timeResolutionMs <= CONCURRENCY_RESOLUTION_MS ? 100 : 1000);
    this.concurrency = timeResolutionMs <= CONCURRENCY_RESOLUTION_MS ? new ConcurrencyTracker(this) : null;
  }

  /** The server's index (created on first sight). */
  serverOf(name: string): number {
    let i = this.serverIndex.get(name);
    if (i === undefined) {
      i = this.servers.push(new ServerStats(name)) - 1;
      this.serverIndex.set(name, i);
    }
    return i;
  }

  /**
   * Recent URIs → class, per method (two lookups instead of building a `method uri` string per line;
   * bounded: cleared when it holds {@link URI_CACHE} URIs).
   */
  private readonly uriCache = new Map<string, Map<string, number>>();
  private uriCached = 0;

  private classOf(method: string, uri: string): number {
    if (uri === '') return -1;
    let byUri = this.uriCache.get(method);
    const hit = byUri?.get(uri);
    if (hit !== undefined) return hit;
    const i = this.patternIndex(urlPattern(method, uri));
    if (this.uriCached >= URI_CACHE) {
      this.uriCache.clear();
      this.uriCached = 0;
      byUri = undefined;
    }
    if (byUri === undefined) this.uriCache.set(method, (byUri = new Map()));
    byUri.set(uri, i);
    this.uriCached++;
    return i;
  }

  private patternIndex(pattern: string): number {
    let p = pattern;
    let i = this.classIndex.get(p);
    if (i === undefined) {
      if (this.classes.length >= MAX_PATTERNS) p = 'other';
      i = this.classIndex.get(p);
      if (i === undefined) {
        i = this.classes.push(new ClassStats(p)) - 1;
        this.classIndex.set(p, i);
      }
    }
    return i;
  }

  /** StartListener: a successful attempt started with `n` others in flight on its server. */
  onStart(server: number, n: number, duration: number, tag: number): void {
    if (tag < 0) return;
    this.servers[server]!.addAtConcurrency(n, duration, ZERO_FLOOR_MS);
    if (n === 0 && tag > 0) {
      const c = this.classes[tag - 1]!;
      c.idle.add(duration, ZERO_FLOOR_MS);
      if (tag - 1 < CLASS_SKETCHES) c.sample(server, duration);
    }
  }

  /** Adds one parsed line (after `finishRecord`). */
  add(r: LogRecord): void {
    const nAttempts = Math.max(r.upstreamAddr.length, r.upstreamMs.length);
    if (r.upstreamAddr.length === 0) {
      this.noUpstream++;
      return;
    }
    this.requests++;
    const t = r.arrivalMs;
    if (!Number.isNaN(t)) {
      this.arrivals.add(t);
      if (t < this.firstArrival) this.firstArrival = t;
      if (t > this.lastArrival) this.lastArrival = t;
    }
    if (!Number.isNaN(r.queueMs)) this.proxyQueue.add(r.queueMs, ZERO_FLOOR_MS);
    const retries = r.retries >= 0 ? r.retries : nAttempts - 1;
    if (retries > 0) {
      this.retried++;
      this.extraAttempts += retries;
    }
    const cls = this.classOf(r.method, r.uri);
    let start = r.upstreamStartMs;
    let lastOk = false;
    let lastMs = NaN;
    for (let k = nAttempts - 1; k >= 0; k--) {
      const addr = r.upstreamAddr[k] ?? r.upstreamAddr[r.upstreamAddr.length - 1]!;
      const s = this.serverOf(addr);
      const st = this.servers[s]!;
      const ms = r.upstreamMs[k];
      const status = r.upstreamStatus[k] ?? (k === nAttempts - 1 ? r.status : 0);
      const last = k === nAttempts - 1;
      st.attempts++;
      if (last) st.requests++;
      st.statusCounts.set(status, (st.statusCounts.get(status) ?? 0) + 1);
      const timed = ms !== undefined && ms >= 0;
      if (timed && this.wholeMs && Math.abs(ms - Math.round(ms)) > 1e-6) this.wholeMs = false;
      let ok = false;
      if (!timed || status === 0) {
        st.failures++;
        if (timed) st.errorTime.add(ms, ZERO_FLOOR_MS);
      } else if (status >= 500) {
        st.errors5xx++;
        st.errorTime.add(ms, ZERO_FLOOR_MS);
      } else {
        ok = true;
        st.addService(ms, ZERO_FLOOR_MS);
        if (cls >= 0 && last) {
          const c = this.classes[cls]!;
          c.count++;
          c.all.add(ms, ZERO_FLOOR_MS);
          if (!this.concurrency && cls < CLASS_SKETCHES) c.sample(s, ms);
        }
      }
      if (last) {
        lastOk = ok;
        lastMs = timed ? ms : NaN;
      }
      if (timed && this.concurrency && !Number.isNaN(start)) {
        this.concurrency.add(s, start, ms, ok && last ? cls + 1 : ok ? 0 : -1);
      }
      if (timed && !Number.isNaN(start) && k > 0) start -= r.upstreamMs[k - 1] ?? 0;
    }
    if (lastOk) {
      const resp = !Number.isNaN(r.responseMs) ? r.responseMs : lastMs;
      if (!Number.isNaN(r.responseMs)) this.responseLogged = true;
      this.response.add(resp);
    }
    if (r.key !== '') this.keys.add(r.key);
    if (r.client !== '') this.clients.add(r.client);
    if (r.session !== '') this.sessions.add(r.session);
  }

  /** Ends the pass (processes the attempts still in the reorder window). */
  finish(): void {
    this.concurrency?.finish();
  }
}
