/**
 * Hostile clients and backends on raw loopback sockets: each test reproduces one attack on the
 * proxy — an upload aborted while queued, targets the proxy cannot forward, a non-Latin-1 reason
 * phrase, trickled bodies and unread downloads, pipelining floods, Host confusion, `Upgrade: h2c`,
 * CONNECT, header floods and doubtful `Transfer-Encoding` — and checks the answer, that no backend
 * is blamed, and that every lease and in-flight count returns to zero.
 */
import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProxyConfig } from './config.js';
import type { RunningProxy } from './server.js';
import { startBackends, type TestBackend } from './testing/backends.js';
import { startTestProxy, TestClient, testConfig, waitFor } from './testing/harness.js';
import { RawConnection, rawExchange } from './testing/raw.js';

let backends: TestBackend[];
let client: TestClient;

beforeAll(async () => {
  backends = await startBackends('a', 'b');
  client = new TestClient();
});

afterAll(async () => {
  await client.close();
  await Promise.all(backends.map((b) => b.stop()));
});

/** Waits until the proxy holds no lease and no request. */
async function settled(proxy: RunningProxy): Promise<void> {
  await waitFor(() => proxy.balancer.leasesOutstanding === 0 && proxy.inProgress === 0, 'leases and in-flight back to 0', 5_000);
  for (let i = 0; i < proxy.balancer.backends.length; i++) expect(proxy.balancer.activeOf(i)).toBe(0);
}

/** Total failed upstream attempts counted against any backend. */
function attemptErrors(proxy: RunningProxy): number {
  let n = 0;
  for (const [id, kinds] of Object.entries(proxy.snapshot().attemptErrors)) {
    if (id === 'none') continue;
    for (const v of Object.values(kinds)) n += v;
  }
  return n;
}

/** A config with one backend. */
function oneBackend(b: TestBackend, extra: Record<string, unknown> = {}, maxConn = 0) {
  return parseProxyConfig({ listen: '127.0.0.1:0', admin: false, strategy: 'round-robin', backends: [{ url: b.url, maxConn }], ...extra }, 'test.yaml');
}

describe('a client aborting its upload while queued', () => {
  it('is counted as 499 and the proxy keeps serving (maxConn 1, queue)', async () => {
    const a = backends[0]!;
    const proxy = await startTestProxy(oneBackend(a, { queue: { maxQueue: 10, timeout: '5s' }, client: { requestBuffer: 0 } }, 1));
    try {
      for (let round = 0; round < 3; round++) {
        const conns = await Promise.all([0, 1].map(() => RawConnection.open(proxy.url)));
        for (const c of conns) {
          await c.write(`POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n`);
          await c.write(Buffer.alloc(5_000, 120));
        }
        await waitFor(() => proxy.balancer.leasesOutstanding === 1, 'one upload holds the only slot');
        for (const c of conns) c.close();
        await settled(proxy);
      }
      expect((await client.get(`${proxy.url}/`)).status).toBe(200);
      expect(proxy.snapshot().requests[`127.0.0.1:${a.port}`]?.['499'] ?? 0).toBeGreaterThanOrEqual(1);
      await settled(proxy);
    } finally {
      await proxy.close();
    }
  });
});

describe('targets the proxy cannot forward', () => {
  const hostile = ['OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n', 'GET ftp://x/a HTTP/1.1\r\nHost: x\r\n\r\n', 'GET http://u:p@x/a HTTP/1.1\r\nHost: x\r\n\r\n'];

  it('get 400 from the proxy: no backend is tried, blamed or leased (passive health on)', async () => {
    const proxy = await startTestProxy(testConfig(backends, { passive: { maxFails: 1, failTimeout: '10s' } }));
    try {
      for (let k = 0; k < 4; k++) {
        for (const text of hostile) expect((await rawExchange(proxy.url, text)).status).toBe(400);
      }
      expect(proxy.balancer.status().map((s) => s.state)).toEqual(['up', 'up']);
      expect(attemptErrors(proxy)).toBe(0);
      expect(backends.every((b) => !b.seen.some((s) => s.url.includes('a') && s.method === 'OPTIONS'))).toBe(true);
      expect(proxy.snapshot().requests.none?.['400']).toBe(12);
      await settled(proxy);
      expect((await client.get(`${proxy.url}/`)).status).toBe(200);
    } finally {
      await proxy.close();
    }
  });

  it('never wedge a backend with maxConn 2', async () => {
    const proxy = await startTestProxy(oneBackend(backends[0]!, { passive: false }, 2));
    try {
      for (let k = 0; k < 3; k++) for (const text of hostile) expect((await rawExchange(proxy.url, text)).status).toBe(400);
      await settled(proxy);
      for (let round = 0; round < 2; round++) {
        const rs = await Promise.all([0, 1].map(() => client.get(`${proxy.url}/slow/20`)));
        expect(rs.map((r) => r.status)).toEqual([200, 200]);
      }
    } finally {
      await proxy.close();
    }
  });
});

describe('a backend whose reason phrase is not Latin-1', () => {
  let raw: Server;
  let port = 0;
  beforeAll(async () => {
    raw = createServer((s) => {
      s.on('data', () => {
        s.write(Buffer.concat([Buffer.from('HTTP/1.1 404 '), Buffer.from('Не найдено', 'utf8'), Buffer.from('\r\nContent-Length: 2\r\n\r\nno')]));
      });
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', () => r()));
    port = (raw.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => raw.close(() => r()));
  });

  it('still answers the client: the status with the standard reason', async () => {
    const proxy = await startTestProxy(parseProxyConfig({ listen: '127.0.0.1:0', admin: false, strategy: 'round-robin', backends: [{ url: `http://127.0.0.1:${port}` }] }));
    try {
      const r = await rawExchange(proxy.url, 'GET /x HTTP/1.1\r\nHost: x\r\n\r\n', 3_000);
      expect([r.status, r.reason, r.body]).toEqual([404, 'Not Found', 'no']);
      await settled(proxy);
    } finally {
      await proxy.close();
    }
  });
});

describe('client timeouts and request buffering', () => {
  it('client.bodyTimeout: a trickled body gets 408 and the connection is closed', async () => {
    const proxy = await startTestProxy(oneBackend(backends[0]!, { client: { bodyTimeout: '300ms', requestBuffer: 0 } }, 2));
    try {
      const c = await RawConnection.open(proxy.url);
      await c.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nx');
      const [r] = await c.response(1, 3_000);
      expect(r!.status).toBe(408);
      await c.closedByPeer(3_000);
      await settled(proxy);
    } finally {
      await proxy.close();
    }
  });

  it('a buffered slow upload holds no upstream slot: other requests are served meanwhile', async () => {
    const a = backends[0]!;
    const proxy = await startTestProxy(oneBackend(a, { client: { requestBuffer: '64kB' }, queue: { maxQueue: 10, timeout: '5s' } }, 1));
    try {
      const slow = await Promise.all([0, 1].map(() => RawConnection.open(proxy.url)));
      for (const c of slow) await c.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc');
      expect((await client.get(`${proxy.url}/status/204`)).status).toBe(204);
      expect(proxy.balancer.leasesOutstanding).toBe(0);
      for (const c of slow) await c.write('x'.repeat(97));
      const answers = await Promise.all(slow.map(async (c) => (await c.response(1))[0]!));
      expect(answers.map((r) => [r.status, JSON.parse(r.body).bytes])).toEqual([
        [200, 100],
        [200, 100],
      ]);
      for (const c of slow) c.close();
      await settled(proxy);
    } finally {
      await proxy.close();
    }
  });

  it('client.sendTimeout: a client that stops reading a download loses its connection and the lease returns', async () => {
    const proxy = await startTestProxy(oneBackend(backends[0]!, { client: { sendTimeout: '300ms' } }));
    try {
      const c = await RawConnection.open(proxy.url);
      c.socket.pause();
      await c.write('GET /bytes/50000000 HTTP/1.1\r\nHost: x\r\n\r\n');
      await waitFor(() => proxy.balancer.leasesOutstanding === 1, 'download started');
      await settled(proxy);
      expect(proxy.snapshot().requests[`127.0.0.1:${backends[0]!.port}`]?.['200']).toBe(1);
      c.close();
    } finally {
      await proxy.close();
    }
  });
});

describe('client.maxConnections', () => {
  it('a connection past the cap gets 503 client-connections and is closed; a freed slot is usable again', async () => {
    const proxy = await startTestProxy(oneBackend(backends[0]!, { client: { maxConnections: 3 } }));
    const open: RawConnection[] = [];
    try {
      for (let k = 0; k < 3; k++) open.push(await RawConnection.open(proxy.url));
      const over = await RawConnection.open(proxy.url);
      const [r] = await over.response();
      expect([r!.status, r!.headers['x-lbsim-refused']]).toEqual([503, 'client-connections']);
      await over.closedByPeer();
      await open[0]!.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
      expect((await open[0]!.response())[0]!.status).toBe(200);
      open.pop()!.close();
      await waitFor(() => proxy.status().clientConnections === 2, 'a slot freed');
      expect((await rawExchange(proxy.url, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n')).status).toBe(200);
      expect(proxy.snapshot().refused['client-connections']).toBe(1);
      await settled(proxy);
    } finally {
      for (const c of open) c.close();
      await proxy.close();
    }
  });
});

describe('pipelining', () => {
  it('pipelined requests reach the backend one at a time and are answered in order', async () => {
    const a = backends[1]!;
    const proxy = await startTestProxy(oneBackend(a));
    try {
      a.maxInflight = 0;
      const c = await RawConnection.open(proxy.url);
      let text = '';
      for (let k = 0; k < 60; k++) text += `POST /slow/2 HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n${String(k).padStart(2, '0')}`;
      await c.write(text);
      const rs = await c.response(60, 10_000);
      expect(rs.length).toBe(60);
      expect(rs.every((r) => r.status === 200)).toBe(true);
      expect(a.maxInflight).toBe(1);
      c.close();
      await settled(proxy);
    } finally {
      await proxy.close();
    }
  });
});

describe('pipelining after a refusal', () => {
  it('requests pipelined behind a refused one are not forwarded: the connection closes after the 400', async () => {
    const a = backends[0]!;
    const proxy = await startTestProxy(oneBackend(a));
    try {
      const seen = a.seen.length;
      const c = await RawConnection.open(proxy.url);
      await c.write('GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n');
      await c.closedByPeer();
      expect(c.responses().map((r) => r.status)).toEqual([400]);
      expect(a.seen.length).toBe(seen);
      await settled(proxy);
    } finally {
      await proxy.close();
    }
  });
});

describe('Host (RFC 9112 §3.2)', () => {
  it('two Host fields: 400, nothing forwarded', async () => {
    const proxy = await startTestProxy(testConfig(backends));
    try {
      const before = backends.map((b) => b.seen.length);
      expect((await rawExchange(proxy.url, 'GET /two-hosts HTTP/1.1\r\nHost: a.example\r\nHost: b.example\r\n\r\n')).status).toBe(400);
      expect(backends.map((b) => b.seen.length)).toEqual(before);
      await settled(proxy);
    } finally {
      await proxy.close();
    }
  });

  it('an absolute-form target is forwarded in origin form with the host taken from the target', async () => {
    const a = backends[0]!;
    const proxy = await startTestProxy(oneBackend(a));
    try {
      const r = await rawExchange(proxy.url, 'GET http://target.example:8443/p/q?x=1 HTTP/1.1\r\nHost: other.example\r\n\r\n');
      expect(r.status).toBe(200);
      expect(r.headers['x-seen-host']).toBe('target.example:8443');
      expect(a.seen.at(-1)!.url).toBe('/p/q?x=1');
      await settled(proxy);
    } finally {
      await proxy.close();
    }
  });
});

describe('request line and framing', () => {
  it('Upgrade: h2c is ignored and the request served as HTTP/1.1', async () => {
    const proxy = await startTestProxy(oneBackend(backends[0]!));
    try {
      const r = await rawExchange(proxy.url, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n');
      expect([r.status, r.body]).toEqual([200, 'a']);
      await settled(proxy);
    } finally {
      await proxy.close();
    }
  });

  it('CONNECT gets 405 from the proxy', async () => {
    const proxy = await startTestProxy(oneBackend(backends[0]!));
    try {
      const r = await rawExchange(proxy.url, 'CONNECT x.example:443 HTTP/1.1\r\nHost: x.example:443\r\n\r\n');
      expect(r.status).toBe(405);
      expect(r.headers.allow).toMatch(/GET/);
      await settled(proxy);
    } finally {
      await proxy.close();
    }
  });

  it('more header fields than client.maxHeaders: 431 instead of dropping the rest', async () => {
    const proxy = await startTestProxy(oneBackend(backends[0]!));
    try {
      const fields = (n: number): string => Array.from({ length: n }, (_, k) => `X-F${k}: v\r\n`).join('');
      expect((await rawExchange(proxy.url, `GET / HTTP/1.1\r\nHost: x\r\n${fields(98)}\r\n`)).status).toBe(200);
      expect((await rawExchange(proxy.url, `GET / HTTP/1.1\r\nHost: x\r\n${fields(1100)}\r\n`)).status).toBe(431);
      expect((await rawExchange(proxy.url, `GET / HTTP/1.1\r\nHost: x\r\n${fields(100)}\r\n`)).status).toBe(431);
      await settled(proxy);
    } finally {
      await proxy.close();
    }
  });

  it('Transfer-Encoding on HTTP/1.0, or other than a single chunked: 400 and close', async () => {
    const proxy = await startTestProxy(oneBackend(backends[0]!));
    try {
      const seen = backends[0]!.seen.length;
      for (const text of [
        'POST /upload HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
        'POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity, chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
      ]) {
        const c = await RawConnection.open(proxy.url);
        await c.write(text);
        const [r] = await c.response(1);
        expect(r!.status).toBe(400);
        await c.closedByPeer();
      }
      expect(backends[0]!.seen.length).toBe(seen);
      // a plain chunked body is fine
      const ok = await rawExchange(proxy.url, 'POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n');
      expect([ok.status, JSON.parse(ok.body).bytes]).toEqual([200, 3]);
      await settled(proxy);
    } finally {
      await proxy.close();
    }
  });
});
