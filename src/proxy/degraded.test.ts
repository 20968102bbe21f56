/**
 * An Envoy degraded backend on the real proxy, real sockets (`degraded: true`, `core/balancer/tiers.ts`):
 * with three healthy backends of four the healthy availability is full (140 × 3 / 4 ≥ 100) and the
 * degraded one gets nothing; with two of the healthy stopped (health 35, degraded 35, normalized 70)
 * it gets half the traffic (`LoadBalancerBase::choosePriority`); with them back, nothing again.
 * Also the config's refusal of `degraded` outside Envoy failover mode.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackends, type TestBackend } from './testing/backends.js';
import { startTestProxy, TestClient, waitFor } from './testing/harness.js';
import { ConfigError, parseProxyConfig } from './config.js';

let backends: TestBackend[];
let client: TestClient;

beforeAll(async () => {
  backends = await startBackends('h1', 'h2', 'h3', 'd1');
  client = new TestClient();
});

afterAll(async () => {
  await client.close();
  await Promise.all(backends.map((b) => b.stop()));
});

/** Backend names answering `n` requests, with counts. */
function counts(url: string, n: number): Promise<Map<string, number>> {
  return client.tally(`${url}/`, n);
}

describe('a degraded backend on the real proxy', () => {
  it('gets traffic only while the healthy backends are short of availability', async () => {
    const config = parseProxyConfig(
      {
        listen: '127.0.0.1:0',
        admin: false,
        strategy: 'round-robin',
        backends: backends.map((b, k) => ({ url: b.url, ...(k === 3 ? { degraded: true } : {}) })),
        failover: { mode: 'envoy' },
        panicThreshold: 0,
        passive: { maxFails: 1, failTimeout: 200 },
        healthCheck: { path: '/health', interval: 30, timeout: 500, rise: 1, fall: 1 },
        retries: { count: 3, on: ['connect', 'reset'] },
      },
      'degraded.yaml',
    );
    const proxy = await startTestProxy(config);
    const [h1, h2] = backends as [TestBackend, TestBackend];
    try {
      expect(proxy.balancer.priorityLoad()).toEqual({ healthy: [100], degraded: [0] });
      expect((await counts(proxy.url, 12)).get('d1')).toBeUndefined();
      await h1.stop();
      await h2.stop();
      await waitFor(() => proxy.balancer.status().slice(0, 2).every((s) => s.activeDown), 'checks mark h1 and h2 down');
      expect(proxy.balancer.priorityLoad()).toEqual({ healthy: [50], degraded: [50] });
      // 40 requests at 50 / 50: both sources serve (one side only has probability 2 × 2⁻⁴⁰).
      const short = await counts(proxy.url, 40);
      expect([...short.keys()].sort()).toEqual(['d1', 'h3']);
      await h1.start();
      await h2.start();
      await waitFor(() => proxy.balancer.status().every((s) => !s.activeDown), 'checks mark h1 and h2 up');
      expect(proxy.balancer.priorityLoad()).toEqual({ healthy: [100], degraded: [0] });
      expect((await counts(proxy.url, 12)).get('d1')).toBeUndefined();
      expect(proxy.balancer.leasesOutstanding).toBe(0);
    } finally {
      await proxy.close();
      await Promise.all(backends.slice(0, 2).map((b) => b.start().catch(() => undefined)));
    }
  });

  it('the config refuses degraded with nginx or HAProxy failover, naming the field', () => {
    for (const mode of ['nginx', 'haproxy']) {
      let msg = '';
      try {
        parseProxyConfig(
          { listen: '127.0.0.1:0', strategy: 'round-robin', backends: [{ url: 'http://127.0.0.1:9001' }, { url: 'http://127.0.0.1:9002', degraded: true }], failover: { mode } },
          'p.yaml',
        );
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        const p = (e as ConfigError).problems[0]!;
        msg = `${p.path}: ${p.message}`;
      }
      expect(msg).toMatch(/^backends\[1\]\.degraded: degraded backends exist in Envoy only/);
    }
  });
});
