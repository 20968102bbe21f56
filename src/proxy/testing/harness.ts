/**
 * Test harness for the proxy: builds configs around loopback backends, starts the proxy in-process
 * (port 0, silent log), and makes requests with an undici client whose connections are closed at
 * the end. Everything returned has a `close()` the tests call in `finally` / `afterAll`.
 */
import { Agent, request } from 'undici';
import { parseProxyConfig, type ProxyConfig } from '../config.js';
import { startProxy, type RunningProxy, type StartOptions } from '../server.js';
import type { TestBackend } from './backends.js';

/** A proxy config for `backends` (health checks off unless given), with `extra` keys merged in. */
export function testConfig(backends: readonly TestBackend[], extra: Record<string, unknown> = {}, weights?: readonly number[]): ProxyConfig {
  return parseProxyConfig(
    {
      listen: '127.0.0.1:0',
      admin: '127.0.0.1:0',
      strategy: 'round-robin',
      healthCheck: false,
      backends: backends.map((b, k) => ({ url: b.url, weight: weights?.[k] ?? 1 })),
      ...extra,
    },
    'test.yaml',
  );
}

/** Starts a silent proxy. */
export function startTestProxy(config: ProxyConfig, opts: StartOptions = {}): Promise<RunningProxy> {
  return startProxy(config, { log: () => undefined, seed: 1, drainTimeoutMs: 5_000, ...opts });
}

/** A test HTTP client (keep-alive) with helpers returning status, headers and body text. */
export class TestClient {
  readonly agent = new Agent({ connections: 16, pipelining: 1, keepAliveTimeout: 1_000 });

  /** Sends a request; the body is read in full. */
  async send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}) {
    const res = await request(url, { dispatcher: this.agent, method: (init.method ?? 'GET') as 'GET', headers: init.headers, body: init.body });
    const body = Buffer.from(await res.body.arrayBuffer());
    return { status: res.statusCode, headers: res.headers, body, text: body.toString('utf8') };
  }

  /** GET `url`, body as text. */
  async get(url: string, headers?: Record<string, string>) {
    return this.send(url, { headers });
  }

  /**
   * GETs `url` `n` times, one after another, and counts the answers by body text (the test
   * backends answer with their name); throws at the first status other than 200.
   */
  async tally(url: string, n: number): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    for (let k = 0; k < n; k++) {
      const r = await this.get(url);
      if (r.status !== 200) throw new Error(`GET ${url}: status ${r.status} (request ${k + 1} of ${n}): ${r.text.slice(0, 200)}`);
      out.set(r.text, (out.get(r.text) ?? 0) + 1);
    }
    return out;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Polls `cond` every 10 ms until it is true; rejects after `maxMs` (a guard against hangs, not a timing assertion). */
export async function waitFor(cond: () => boolean | Promise<boolean>, what: string, maxMs = 10_000): Promise<void> {
  const deadline = Date.now() + maxMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
