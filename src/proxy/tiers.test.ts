/**
 * Failover tiers on the real proxy, real sockets: with the primaries stopped the backups serve
 * (both under nginx semantics, the first only under HAProxy's), and when a primary is back the
 * traffic returns to it. Also the config's `backup` / `priority` checks.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackends, type TestBackend } from './testing/backends.js';
import { startTestProxy, TestClient, waitFor } from './testing/harness.js';
import { ConfigError, parseProxyConfig } from './config.js';

let backends: TestBackend[];
let client: TestClient;

beforeAll(async () => {
  backends = await startBackends('p1', 'p2', 's1', 's2');
  client = new TestClient();
});

afterAll(async () => {
  await client.close();
  await Promise.all(backends.map((b) => b.stop()));
});

function config(mode: 'nginx' | 'haproxy') {
  return parseProxyConfig(
    {
      listen: '127.0.0.1:0',
      admin: false,
      strategy: 'round-robin',
      backends: backends.map((b, k) => ({ url: b.url, ...(k >= 2 ? { backup: true } : {}) })),
      failover: { mode },
      panicThreshold: 0,
      passive: { maxFails: 1, failTimeout: 200 },
      healthCheck: { path: '/health', interval: 30, timeout: 500, rise: 1, fall: 1 },
      retries: { count: 3, on: ['connect', 'reset'] },
    },
    'tiers.yaml',
  );
}

/** The backends answering `n` requests. */
async function names(url: string, n: number): Promise<Set<string>> {
  return new Set((await client.tally(`${url}/`, n)).keys());
}

describe('backup servers on the real proxy', () => {
  for (const [mode, during] of [
    ['nginx', ['s1', 's2']],
    ['haproxy', ['s1']],
  ] as const) {
    it(`${mode}: primaries stopped → backups serve; a primary back → traffic returns`, async () => {
      const proxy = await startTestProxy(config(mode));
      const [p1, p2] = backends as [TestBackend, TestBackend];
      try {
        expect([...(await names(proxy.url, 8))].sort()).toEqual(['p1', 'p2']);
        await p1.stop();
        await p2.stop();
        await waitFor(() => proxy.balancer.status().slice(0, 2).every((s) => s.activeDown), 'checks mark both primaries down');
        expect([...(await names(proxy.url, 8))].sort()).toEqual([...during]);
        await p1.start();
        await waitFor(() => !proxy.balancer.status()[0]!.activeDown, 'check marks p1 up');
        await waitFor(async () => (await client.get(`${proxy.url}/`)).text === 'p1', 'traffic reaches p1 again');
        expect([...(await names(proxy.url, 6))]).toEqual(['p1']);
        expect(proxy.balancer.leasesOutstanding).toBe(0);
      } finally {
        await proxy.close();
        await Promise.all(backends.slice(0, 2).map((b) => b.start().catch(() => undefined)));
      }
    });
  }

  it('the config refuses a backup that contradicts its priority, a gap, and backup with ip_hash under nginx', () => {
    const doc = (backendsDoc: object[], extra: object = {}) => ({ listen: '127.0.0.1:0', strategy: 'round-robin', backends: backendsDoc, ...extra });
    const problem = (d: object): string => {
      try {
        parseProxyConfig(d, 'p.yaml');
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        const p = (e as ConfigError).problems[0]!;
        return `${p.path}: ${p.message}`;
      }
      throw new Error('expected a ConfigError');
    };
    const a = { url: 'http://127.0.0.1:9001' };
    const b = { url: 'http://127.0.0.1:9002' };
    expect(problem(doc([a, { ...b, backup: false, priority: 1 }]))).toBe('backends[1].backup: expected backup: true with priority 1 (or only one of the two)');
    expect(problem(doc([a, { ...b, priority: 2 }]))).toBe('backends[1].priority: no backend has priority 1: priorities must run 0, 1, … without a gap');
    expect(problem(doc([a, { ...b, backup: true }], { strategy: 'ip-hash', failover: { mode: 'nginx' } }))).toBe(
      'strategy: nginx refuses backup servers with "ip_hash" (ip-hash); use another strategy or failover mode',
    );
    const ok = parseProxyConfig(doc([a, { ...b, backup: true, zone: 'b' }], { failover: { mode: 'haproxy', allBackups: true } }), 'p.yaml');
    expect(ok.backends.map((x) => [x.priority, x.zone])).toEqual([
      [0, undefined],
      [1, 'b'],
    ]);
    expect(ok.failover).toEqual({ mode: 'haproxy', allBackups: true, overprovisioningFactor: 1.4 });
  });
});
