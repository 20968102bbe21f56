/**
 * Zones on the real proxy, real sockets: with zone-aware routing the proxy keeps its traffic in its
 * own zone while that zone has capacity; when the zone's backends stop, the traffic crosses to the
 * other zone, and it comes back when they return. Also the config's `zones`, `zone` and
 * `localZoneShares` checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackends, type TestBackend } from './testing/backends.js';
import { startTestProxy, TestClient, waitFor } from './testing/harness.js';
import { ConfigError, parseProxyConfig } from './config.js';

let backends: TestBackend[];
let client: TestClient;

beforeAll(async () => {
  backends = await startBackends('a1', 'a2', 'a3', 'b1', 'b2', 'b3');
  client = new TestClient();
});

afterAll(async () => {
  await client.close();
  await Promise.all(backends.map((b) => b.stop()));
});

/** The backends answering `n` requests. */
async function names(url: string, n: number): Promise<Set<string>> {
  return new Set((await client.tally(`${url}/`, n)).keys());
}

describe('zone-aware routing on the real proxy', () => {
  it('its own zone while it has capacity; across zones when that zone stops; back when it returns', async () => {
    const config = parseProxyConfig(
      {
        listen: '127.0.0.1:0',
        admin: false,
        strategy: 'round-robin',
        backends: backends.map((b, k) => ({ url: b.url, zone: k < 3 ? 'a' : 'b' })),
        zone: 'a',
        localZoneShares: { a: 1, b: 1 },
        zones: { routing: 'zone-aware' },
        panicThreshold: 0,
        passive: { maxFails: 1, failTimeout: 200 },
        healthCheck: { path: '/health', interval: 30, timeout: 500, rise: 1, fall: 1 },
        retries: { count: 3, on: ['connect', 'reset'] },
      },
      'zones.yaml',
    );
    const proxy = await startTestProxy(config);
    const [a1, a2, a3] = backends as [TestBackend, TestBackend, TestBackend];
    try {
      // Equal shares: upstream 50 % ≥ local 50 % in zone a → LocalityDirect.
      expect([...(await names(proxy.url, 9))].sort()).toEqual(['a1', 'a2', 'a3']);
      await Promise.all([a1.stop(), a2.stop(), a3.stop()]);
      await waitFor(() => proxy.balancer.status().slice(0, 3).every((s) => s.activeDown), 'checks mark zone a down');
      expect([...(await names(proxy.url, 9))].sort()).toEqual(['b1', 'b2', 'b3']);
      await Promise.all([a1.start(), a2.start(), a3.start()]);
      await waitFor(() => proxy.balancer.status().slice(0, 3).every((s) => !s.activeDown), 'checks mark zone a up');
      expect([...(await names(proxy.url, 9))].sort()).toEqual(['a1', 'a2', 'a3']);
      expect(proxy.balancer.leasesOutstanding).toBe(0);
    } finally {
      await proxy.close();
      await Promise.all(backends.slice(0, 3).map((b) => b.start().catch(() => undefined)));
    }
  });

  it('the config refuses zone routing without zones, its own zone or shares, and weights for an unknown zone', () => {
    const a = { url: 'http://127.0.0.1:9001', zone: 'a' };
    const b = { url: 'http://127.0.0.1:9002', zone: 'b' };
    const doc = (extra: object, list: object[] = [a, b]) => ({ listen: '127.0.0.1:0', strategy: 'round-robin', backends: list, ...extra });
    const problem = (d: object): string => {
      try {
        parseProxyConfig(d, 'p.yaml');
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        expect((e as ConfigError).message).toContain('p.yaml');
        const p = (e as ConfigError).problems[0]!;
        return `${p.path}: ${p.message}`;
      }
      throw new Error('expected a ConfigError');
    };
    expect(problem(doc({ zones: {} }, [{ url: a.url }]))).toBe('zones.routing: routing zone-aware needs backends with a zone; no backend has one');
    expect(problem(doc({ zones: {}, localZoneShares: { a: 1, b: 1 } }))).toMatch(/^zone: is required with zones\.routing zone-aware/);
    expect(problem(doc({ zones: {}, zone: 'a' }))).toMatch(/^localZoneShares: is required/);
    expect(problem(doc({ zones: {}, zone: 'a', localZoneShares: { b: 1 } }))).toMatch(/^localZoneShares: expected a share for the proxy's zone "a"/);
    expect(problem(doc({ zones: { routing: 'locality-weighted', localityWeights: { a: 1, c: 1 } } }))).toBe('zones.localityWeights.c: no backend has zone "c" (zones: a, b)');
    expect(problem(doc({ zones: { routing: 'closest' } }))).toMatch(/^zones\.routing: /);
    const ok = parseProxyConfig(doc({ zones: { routing: 'locality-weighted', localityWeights: { a: 1, b: 2 } } }), 'p.yaml');
    expect(ok.zones).toEqual({ routing: 'locality-weighted', minClusterSize: 6, routingEnabled: 100, failTrafficOnPanic: false, forceLocalityDirectRouting: false, localityWeights: { a: 1, b: 2 } });
  });
});
