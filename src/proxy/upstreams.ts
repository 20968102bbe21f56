/**
 * One keep-alive connection pool per backend (undici `Pool`, HTTP/1.1, no pipelining), sized by the
 * backend's `maxConn` (unbounded when 0, like nginx without `keepalive`/`max_conns` limits), with
 * the config's connect, response-header and idle (between body chunks) timeouts.
 */
import { Pool } from 'undici';
import type { ProxyBackend, ProxyConfig } from './config.js';

/** Idle keep-alive time of upstream connections; below Node's 5 s server default to avoid the reuse race. */
const KEEP_ALIVE_MS = 4_000;

/** The pools of one config generation, by backend index. */
export class Upstreams {
  /** Pool of backend `i`. */
  readonly pools: Pool[];

  constructor(backends: readonly ProxyBackend[], timeouts: ProxyConfig['timeouts']) {
    this.pools = backends.map(
      (b) =>
        new Pool(b.origin, {
          connections: b.maxConn > 0 ? b.maxConn : null,
          pipelining: 1,
          connectTimeout: timeouts.connectMs,
          headersTimeout: timeouts.headersMs,
          bodyTimeout: timeouts.idleMs,
          keepAliveTimeout: KEEP_ALIVE_MS,
          keepAliveMaxTimeout: KEEP_ALIVE_MS * 4,
        }),
    );
  }

  /** Closes every pool: waits for their requests to finish (`force`: destroys them at once). */
  async close(force = false): Promise<void> {
    await Promise.all(this.pools.map((p) => (force ? p.destroy() : p.close()).catch(() => undefined)));
  }
}
