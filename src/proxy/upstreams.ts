/**
 * One keep-alive connection pool per backend (undici `Pool`, HTTP/1.1, no pipelining), sized by the
 * backend's `maxConn` (unbounded when 0, like nginx without `keepalive`/`max_conns` limits), with
 * the config's connect, response-header and idle (between body chunks) timeouts.
 *
 * Pools are created on first use, so a config with thousands of backends applies (at start or on
 * a reload) without building thousands of pools on the serving path. A pool can be discarded and
 * rebuilt ({@link Upstreams.discard}): undici marks a pool client that failed to take a request
 * synchronously as needing a drain that never comes, so such a pool would queue later requests
 * forever.
 */
import { Pool } from 'undici';
import type { ProxyBackend, ProxyConfig } from './config.js';

/** Idle keep-alive time of upstream connections; below Node's 5 s server default to avoid the reuse race. */
const KEEP_ALIVE_MS = 4_000;

/** The pools of one config generation, by backend index. */
export class Upstreams {
  private readonly pools: (Pool | undefined)[];
  private readonly retired: Pool[] = [];

  constructor(
    private readonly backends: readonly ProxyBackend[],
    private readonly timeouts: ProxyConfig['timeouts'],
  ) {
    this.pools = backends.map(() => undefined);
  }

  /** The pool of backend `i` (created on first use). */
  pool(i: number): Pool {
    let p = this.pools[i];
    if (p === undefined) {
      const b = this.backends[i]!;
      p = new Pool(b.origin, {
        connections: b.maxConn > 0 ? b.maxConn : null,
        pipelining: 1,
        connectTimeout: this.timeouts.connectMs,
        headersTimeout: this.timeouts.headersMs,
        bodyTimeout: this.timeouts.idleMs,
        keepAliveTimeout: KEEP_ALIVE_MS,
        keepAliveMaxTimeout: KEEP_ALIVE_MS * 4,
      });
      this.pools[i] = p;
    }
    return p;
  }

  /** Replaces backend `i`'s pool with a fresh one on next use; the old one finishes its requests and closes. */
  discard(i: number): void {
    const p = this.pools[i];
    if (p === undefined) return;
    this.pools[i] = undefined;
    this.retired.push(p);
    p.close().catch(() => undefined);
  }

  /**
   * Closes every pool: waits for their requests to finish (`force`: destroys them at once).
   * Discarded pools are destroyed: the generation is idle by then, so what they still queue is
   * only the request that could not be sent.
   */
  async close(force = false): Promise<void> {
    const live = this.pools.filter((p): p is Pool => p !== undefined);
    await Promise.all([
      ...live.map((p) => (force ? p.destroy() : p.close()).catch(() => undefined)),
      ...this.retired.map((p) => p.destroy().catch(() => undefined)),
    ]);
  }
}
