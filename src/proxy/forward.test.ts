/**
 * The proxy forwards real requests (127.0.0.1, ports from the OS) through every registered
 * strategy, intact; smooth WRR gives nginx's sequence; header rewriting, retries, timeouts, client
 * aborts, refusals and sticky cookies behave as specified; every lease is released.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STRATEGIES } from '../strategies/registry.js';
import { parseProxyConfig } from './config.js';
import { startBackends, type TestBackend } from './testing/backends.js';
import { startTestProxy, TestClient, testConfig, waitFor } from './testing/harness.js';

/** Headers that legitimately differ between a direct and a proxied response. */
const PER_HOP = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

function endToEnd(h: Record<string, string | string[] | undefined>): Record<string, string | string[] | undefined> {
  const out: Record<string, string | string[] | undefined> = {};
  for (const k of Object.keys(h).sort()) if (!PER_HOP.has(k)) out[k] = h[k];
  return out;
}

/** GET with node:http (headers sent exactly as given). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

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

describe('every registered strategy', () => {
  const paths = ['/status/201', '/status/404', '/bytes/100000', '/bytes/0', '/status/200?q=1', '/status/503'];

  for (const def of STRATEGIES) {
    it(`${def.name}: responses come back intact (status, end-to-end headers, body bytes)`, async () => {
      // 503 answers are not retried here (retries on connect failures only), so they pass through.
      const proxy = await startTestProxy(testConfig(backends, { strategy: def.name, retries: { count: 1, on: ['connect'] } }));
      try {
        for (let round = 0; round < 3; round++) {
          for (const path of paths) {
            const via = await client.get(proxy.url + path);
            const name = via.headers['x-backend'];
            const b = backends.find((x) => x.name === name);
            expect(b, `response to ${path} names a backend`).toBeDefined();
            const direct = await client.get(b!.url + path);
            expect(via.status).toBe(direct.status);
            expect(endToEnd(via.headers)).toEqual(endToEnd(direct.headers));
            expect(via.body.equals(direct.body)).toBe(true);
          }
        }
        expect(proxy.balancer.leasesOutstanding).toBe(0);
      } finally {
        await proxy.close();
      }
    });
  }
});

describe('smooth weighted round robin', () => {
  it('weights 5,1,1 over sequential requests yield a a b a c a a (twice)', async () => {
    const proxy = await startTestProxy(testConfig(backends, { strategy: 'weighted-round-robin' }, [5, 1, 1]));
    try {
      const names: string[] = [];
      for (let k = 0; k < 14; k++) names.push((await client.get(`${proxy.url}/`)).text);
      expect(names.join(' ')).toBe('a a b a c a a a a b a c a a');
    } finally {
      await proxy.close();
    }
  });
});

describe('headers', () => {
  it('removes hop-by-hop fields, sets X-Forwarded-* and Via, preserves Host', async () => {
    const proxy = await startTestProxy(testConfig(backends, { strategy: 'first' }));
    try {
      // node:http, since undici's client does not send a Connection header it is given.
      const r = await rawGet(`${proxy.url}/anything`, {
        host: 'example.test:8443',
        'x-forwarded-for': '203.0.113.9',
        connection: 'keep-alive, x-hop',
        'x-hop': 'secret',
        'keep-alive': 'timeout=5',
        via: '1.0 edge',
      });
      expect(r.status).toBe(200);
      expect(r.headers['x-seen-host']).toBe('example.test:8443');
      expect(r.headers['x-seen-xff']).toBe('203.0.113.9, 127.0.0.1');
      expect(r.headers['x-seen-proto']).toBe('http');
      expect(r.headers['x-seen-xfh']).toBe('example.test:8443');
      expect(r.headers['x-seen-via']).toBe('1.0 edge, 1.1 lbsim');
      expect(r.headers['x-seen-hop']).toBe(''); // named in Connection: removed
      expect(r.headers['x-seen-keep']).toBe(''); // hop-by-hop: removed
      expect(r.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    } finally {
      await proxy.close();
    }
  });
});

describe('errors', () => {
  it('an upstream that does not answer within timeouts.headers gives 504 and releases the lease', async () => {
    const proxy = await startTestProxy(testConfig(backends, { strategy: 'first', timeouts: { headers: 100 }, retries: { count: 0 } }));
    try {
      const r = await client.get(`${proxy.url}/slow/3000`);
      expect(r.status).toBe(504);
      expect(r.text).toMatch(/timeout/);
      await waitFor(() => proxy.inProgress === 0, 'request finished');
      expect(proxy.balancer.leasesOutstanding).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('a retryable 503 (GET) is retried on another backend', async () => {
    const proxy = await startTestProxy(testConfig(backends, { strategy: 'round-robin', retries: { count: 2, on: ['503'] } }));
    try {
      // Backend a answers /status/503 with 503; the retry goes to b, which also answers 503, then c:
      // all three are tried once and the last 503 (no backend left) is reported as 503.
      const r = await client.get(`${proxy.url}/status/503`);
      expect(r.status).toBe(503);
      const tried = backends.map((b) => b.seen.filter((s) => s.url === '/status/503').length);
      expect(tried.reduce((x, y) => x + y, 0)).toBeGreaterThanOrEqual(3);
      expect(proxy.metrics.retries).toBe(2);
      expect(proxy.balancer.leasesOutstanding).toBe(0);
    } finally {
      await proxy.close();
    }
  });

  it('a client that disconnects aborts the upstream request; in-flight returns to zero', async () => {
    const proxy = await startTestProxy(testConfig(backends, { strategy: 'first' }));
    const a = backends[0]!;
    const abortedBefore = a.aborted;
    try {
      const u = new URL(`${proxy.url}/hold`);
      const req = httpRequest({ host: u.hostname, port: u.port, path: u.pathname, method: 'GET' });
      req.on('error', () => undefined);
      req.end();
      await waitFor(() => a.seen.some((s) => s.url === '/hold') && proxy.balancer.leasesOutstanding === 1, 'request reached the backend');
      req.destroy();
      await a.waitAborted(abortedBefore + 1);
      await waitFor(() => proxy.balancer.leasesOutstanding === 0 && proxy.inProgress === 0, 'lease released');
      expect(proxy.balancer.activeOf(0)).toBe(0);
      expect(proxy.snapshot().requests[a.url.slice(7)]?.['499']).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('a rate-limited request gets the configured 429 with the reason', async () => {
    const proxy = await startTestProxy(testConfig(backends, { rateLimit: { rate: '1r/m', burst: 0, nodelay: true, key: 'global', status: 429 } }));
    try {
      expect((await client.get(`${proxy.url}/`)).status).toBe(200);
      const r = await client.get(`${proxy.url}/`);
      expect(r.status).toBe(429);
      expect(r.text.trim()).toBe('rate-limited');
      expect(r.headers['x-lbsim-refused']).toBe('rate-limited');
    } finally {
      await proxy.close();
    }
  });

  it('with every backend drained the answer is 503 no-backend', async () => {
    const proxy = await startTestProxy(testConfig(backends));
    try {
      for (const b of proxy.balancer.backends) proxy.balancer.setDraining(b.id, true);
      const r = await client.get(`${proxy.url}/`);
      expect(r.status).toBe(503);
      expect(r.text.trim()).toBe('no-backend');
    } finally {
      await proxy.close();
    }
  });
});

describe('limits', () => {
  it('a backend at maxConn queues the next request (granted when a lease ends) and refuses beyond the queue', async () => {
    const a = backends[0]!;
    const proxy = await startTestProxy(
      parseProxyConfig({
        listen: '127.0.0.1:0',
        admin: false,
        strategy: 'round-robin',
        backends: [{ url: a.url, maxConn: 1 }],
        queue: { maxQueue: 1, timeout: '30s' },
      }),
    );
    try {
      const first = client.get(`${proxy.url}/slow/300`);
      await waitFor(() => proxy.balancer.leasesOutstanding === 1, 'first request holds the only slot');
      const second = client.get(`${proxy.url}/status/202`);
      await waitFor(() => proxy.balancer.queued === 1, 'second request queued');
      const third = await client.get(`${proxy.url}/status/202`);
      expect([third.status, third.text.trim()]).toEqual([503, 'queue-full']);
      expect((await first).status).toBe(200);
      expect((await second).status).toBe(202);
      expect(proxy.balancer.leasesOutstanding).toBe(0);
      expect(proxy.snapshot().refused).toEqual({ 'queue-full': 1 });
    } finally {
      await proxy.close();
    }
  });

  it('a rate limit with burst delays the excess request instead of refusing it (nginx limit_req without nodelay)', async () => {
    const proxy = await startTestProxy(testConfig(backends, { rateLimit: { rate: 20, burst: 2, key: 'global' } }));
    try {
      const rs = await Promise.all([0, 1, 2].map(() => client.get(`${proxy.url}/`)));
      expect(rs.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(proxy.snapshot().refused).toEqual({});
    } finally {
      await proxy.close();
    }
  });
});

describe('sticky cookie', () => {
  it('sets the cookie when absent and sends the session back to the same backend', async () => {
    const proxy = await startTestProxy(testConfig(backends, { strategy: 'round-robin', sticky: { cookie: 'lb' } }));
    try {
      const first = await client.get(`${proxy.url}/`);
      const cookies = first.headers['set-cookie'] as string[];
      const mine = cookies.find((c) => c.startsWith('lb='));
      expect(mine).toMatch(/^lb=[A-Za-z0-9_-]+; Path=\/; HttpOnly/);
      expect(cookies).toContain('a=1; Path=/'); // the backend's own cookies are kept
      const session = mine!.split(';')[0]!;
      const names = new Set<string>();
      for (let k = 0; k < 6; k++) {
        const r = await client.get(`${proxy.url}/`, { cookie: `x=1; ${session}` });
        names.add(r.text);
        expect((r.headers['set-cookie'] as string[]).some((c) => c.startsWith('lb='))).toBe(false);
      }
      expect([...names]).toEqual([first.text]);
    } finally {
      await proxy.close();
    }
  });
});
