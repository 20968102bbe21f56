/**
 * Backends failing and recovering under real traffic: retries hide a stopped backend, the active
 * health check marks it down and back up, and with every backend down the proxy answers 503 with
 * the reason. Also the prober's pass/fail rule on its own.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackends, type TestBackend } from './testing/backends.js';
import { startTestProxy, TestClient, testConfig, waitFor } from './testing/harness.js';
import { HealthProber } from './health-prober.js';
import { buildBalancer } from './generation.js';
import { parseProxyConfig } from './config.js';

let backends: TestBackend[];
let client: TestClient;

beforeAll(async () => {
  backends = await startBackends('a', 'b', 'c');
  client = new TestClient();
});

afterAll(async () => {
  await client.close();
  await Promise.all(backends.map((b) => b.stop()));
});

describe('a backend that stops and returns', () => {
  it('requests keep succeeding, the health check marks it down, then up, and traffic returns to it', async () => {
    const proxy = await startTestProxy(
      testConfig(backends, {
        strategy: 'round-robin',
        healthCheck: { path: '/health', interval: 30, timeout: 500, rise: 2, fall: 2 },
        passive: { maxFails: 1, failTimeout: 300 },
        retries: { count: 2, on: ['connect', 'reset'] },
      }),
    );
    const [, , c] = backends as [TestBackend, TestBackend, TestBackend];
    const cIndex = 2;
    try {
      const before = new Set<string>();
      for (let k = 0; k < 6; k++) before.add((await client.get(`${proxy.url}/`)).text);
      expect([...before].sort()).toEqual(['a', 'b', 'c']);

      await c.stop();
      const during: string[] = [];
      for (let k = 0; k < 30; k++) {
        const r = await client.get(`${proxy.url}/`);
        expect(r.status).toBe(200);
        during.push(r.text);
      }
      expect(during).not.toContain('c');
      expect(new Set(during)).toEqual(new Set(['a', 'b']));

      await waitFor(() => proxy.balancer.status()[cIndex]!.activeDown, 'active check marks c down');
      expect(proxy.balancer.status()[cIndex]!.state).toBe('down');

      await c.start();
      await waitFor(() => !proxy.balancer.status()[cIndex]!.activeDown, 'active check marks c up');
      await waitFor(async () => (await client.get(`${proxy.url}/`)).text === 'c', 'traffic reaches c again');
      expect(proxy.balancer.leasesOutstanding).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('with every backend down, 503 naming the reason', async () => {
    const proxy = await startTestProxy(
      testConfig(backends, {
        healthCheck: { path: '/health', interval: 30, timeout: 500, rise: 1, fall: 1 },
      }),
    );
    try {
      expect((await client.get(`${proxy.url}/`)).status).toBe(200);
      for (const b of backends) b.healthy = false; // /health answers 503: active checks fail
      await waitFor(() => proxy.balancer.status().every((s) => s.activeDown), 'every backend marked down');
      const r = await client.get(`${proxy.url}/`);
      expect(r.status).toBe(503);
      expect(r.text.trim()).toBe('no-backend');
      expect(proxy.snapshot().refused['no-backend']).toBe(1);
      for (const b of backends) b.healthy = true;
      await waitFor(() => proxy.balancer.status().every((s) => !s.activeDown), 'every backend marked up');
      expect((await client.get(`${proxy.url}/`)).status).toBe(200);
    } finally {
      for (const b of backends) b.healthy = true;
      await proxy.close();
    }
  });
});

describe('outlier ejection from real responses', () => {
  it('consecutive 5xx answers eject a backend (Envoy consecutive_5xx), at most one of three at 10 %', async () => {
    const proxy = await startTestProxy(testConfig(backends, { strategy: 'round-robin', outlier: { consecutive5xx: 2, baseEjection: '30s' }, retries: { count: 0 } }));
    try {
      for (let k = 0; k < 6; k++) expect((await client.get(`${proxy.url}/status/500`)).status).toBe(500);
      const states = proxy.balancer.status().map((s) => s.state);
      expect(states.filter((s) => s === 'ejected')).toHaveLength(1);
      const ejected = states.indexOf('ejected');
      const names = new Set<string>();
      for (let k = 0; k < 6; k++) names.add((await client.get(`${proxy.url}/`)).text);
      expect(names.has(backends[ejected]!.name)).toBe(false);
      expect(names.size).toBe(2);
    } finally {
      await proxy.close();
    }
  });
});

describe('HealthProber', () => {
  it('passes 2xx and 3xx, fails 4xx/5xx, refused connections and answers slower than the timeout', async () => {
    const statuses = [200, 302, 404, 503];
    const server = createServer((req, res) => {
      const code = Number(req.url!.slice(1));
      if (code === 0) return; // never answers
      res.writeHead(code, code === 302 ? { location: '/' } : {});
      res.end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as AddressInfo).port;
    const closed = await startBackends('closed');
    const deadPort = closed[0]!.port;
    await closed[0]!.stop();
    const config = parseProxyConfig({ listen: ':0', strategy: 'round-robin', healthCheck: {}, backends: [{ url: `http://127.0.0.1:${port}` }, { url: `http://127.0.0.1:${deadPort}` }] });
    const balancer = buildBalancer(config, 1);
    const results: Record<string, boolean> = {};
    try {
      for (const code of [...statuses, 0]) {
        const p = new HealthProber(balancer, config.backends, { path: `/${code}`, intervalMs: 60_000, timeoutMs: 150 });
        results[String(code)] = await p.probe(0);
        await p.stop();
      }
      const dead = new HealthProber(balancer, config.backends, { path: '/', intervalMs: 60_000, timeoutMs: 500 });
      results.refused = await dead.probe(1);
      await dead.stop();
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
    expect(results).toEqual({ '200': true, '302': true, '404': false, '503': false, '0': false, refused: false });
  });
});
