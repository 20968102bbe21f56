/**
 * Every way a request can leave the proxy early gives its lease back: after each path below,
 * `GET /status` on the admin endpoint shows no request in progress, no lease outstanding, nothing
 * queued and no backend with a request in flight — refusals by the proxy and by the balancer, the
 * client leaving during the rate-limit delay, while queued, while its body is buffered or streamed,
 * before the response and during it, upstream connect failures, resets and timeouts (headers,
 * body, send stall), retried 5xx, the client body timeout and the send timeout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProxyConfig } from './config.js';
import type { RunningProxy } from './server.js';
import { startBackends, TestBackend } from './testing/backends.js';
import { startTestProxy, TestClient, waitFor } from './testing/harness.js';
import { RawConnection, rawExchange } from './testing/raw.js';

interface Status {
  inProgress: number;
  leasesOutstanding: number;
  queued: number;
  backends: { id: string; active: number }[];
}

let backends: TestBackend[];
let dead: TestBackend;
let client: TestClient;

beforeAll(async () => {
  backends = await startBackends('a', 'b');
  dead = await new TestBackend('dead').start();
  await dead.stop(); // its port refuses connections from now on
  client = new TestClient();
});

afterAll(async () => {
  await client.close();
  await Promise.all(backends.map((b) => b.stop()));
});

async function status(proxy: RunningProxy): Promise<Status> {
  return JSON.parse((await client.get(`${proxy.adminUrl}/status`)).text) as Status;
}

/** Waits until `/status` shows nothing held, then checks every backend's in-flight count. */
async function clean(proxy: RunningProxy, path: string): Promise<void> {
  let last: Status | undefined;
  try {
    await waitFor(async () => {
      last = await status(proxy);
      return last.inProgress === 0 && last.leasesOutstanding === 0 && last.queued === 0;
    }, `${path}: everything released`);
  } catch (e) {
    throw new Error(`${path}: ${JSON.stringify(last)} (${(e as Error).message})`);
  }
  expect(last!.backends.map((b) => b.active), path).toEqual(last!.backends.map(() => 0));
}

function config(extra: Record<string, unknown>, urls: string[], maxConn = 0) {
  return parseProxyConfig(
    { listen: '127.0.0.1:0', admin: '127.0.0.1:0', strategy: 'round-robin', backends: urls.map((url) => ({ url, maxConn })), ...extra },
    'test.yaml',
  );
}

/** Opens a raw connection, sends `text`, waits for `ready`, then aborts. */
async function abortAfter(proxy: RunningProxy, text: string, ready: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const c = await RawConnection.open(proxy.url);
  try {
    await c.write(text);
    await waitFor(ready, what);
  } finally {
    c.close();
  }
}

describe('leases come back on every early exit', () => {
  it('refusals, client aborts at every stage, upstream failures and timeouts', async () => {
    const [a, b] = backends as [TestBackend, TestBackend];
    const proxy = await startTestProxy(
      config(
        {
          queue: { maxQueue: 1, timeout: '300ms' },
          retries: { count: 1, on: ['connect', 'reset', 'timeout', '503'] },
          timeouts: { connect: '1s', headers: '300ms', idle: '300ms' },
          client: { bodyTimeout: '300ms', sendTimeout: '300ms', requestBuffer: '16kB' },
          passive: false,
        },
        [a.url, b.url],
        1,
      ),
    );
    try {
      // the proxy refuses (never reaches the balancer)
      expect((await rawExchange(proxy.url, 'OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n')).status).toBe(400);
      await clean(proxy, 'proxy refusal');

      // the balancer queues, then refuses: queue full, queue timeout
      const holds = await Promise.all([0, 1].map(() => RawConnection.open(proxy.url)));
      for (const h of holds) await h.write('GET /hold HTTP/1.1\r\nHost: x\r\n\r\n');
      await waitFor(() => proxy.balancer.leasesOutstanding === 2, 'both backends held');
      const queuedOne = client.get(`${proxy.url}/status/200`);
      await waitFor(() => proxy.balancer.queued === 1, 'one request queued');
      expect((await client.get(`${proxy.url}/status/200`)).text.trim()).toBe('queue-full');
      expect((await queuedOne).text.trim()).toBe('queue-timeout');
      // the client leaves while queued
      await abortAfter(proxy, 'GET /status/200 HTTP/1.1\r\nHost: x\r\n\r\n', () => proxy.balancer.queued === 1, 'queued');
      // the client leaves before the response headers (/hold)
      for (const h of holds) h.close();
      await clean(proxy, 'queue full, queue timeout, abort while queued, abort before headers');

      // the client leaves while its body is being buffered, and while it streams upstream
      await abortAfter(proxy, 'POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc', () => proxy.inProgress === 1, 'buffering');
      await clean(proxy, 'abort while buffering');
      await abortAfter(proxy, `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n${'x'.repeat(20_000)}`, () => proxy.balancer.leasesOutstanding === 1, 'streaming upload');
      await clean(proxy, 'abort while streaming the body upstream');

      // the client leaves during the response body
      const dl = await RawConnection.open(proxy.url);
      dl.socket.pause();
      await dl.write('GET /bytes/20000000 HTTP/1.1\r\nHost: x\r\n\r\n');
      await waitFor(() => proxy.balancer.leasesOutstanding === 1, 'download started');
      dl.close();
      await clean(proxy, 'abort during the response body');

      // client body timeout (408) and send timeout
      const slow = await RawConnection.open(proxy.url);
      await slow.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nab');
      expect((await slow.response())[0]!.status).toBe(408);
      slow.close();
      const big = `POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n${'y'.repeat(30_000)}`;
      const slow2 = await RawConnection.open(proxy.url);
      await slow2.write(big);
      expect((await slow2.response())[0]!.status).toBe(408);
      slow2.close();
      const reader = await RawConnection.open(proxy.url);
      reader.socket.pause();
      await reader.write('GET /bytes/50000000 HTTP/1.1\r\nHost: x\r\n\r\n');
      await waitFor(() => reader.closed || proxy.balancer.leasesOutstanding === 1, 'download started');
      await clean(proxy, 'client body timeout (buffered and streamed), send timeout');
      reader.close();

      // upstream header timeout (504 after a retry), stuck body, reset mid-body, retried 503
      expect((await client.get(`${proxy.url}/slow/2000`)).status).toBe(504);
      await expect(client.get(`${proxy.url}/stuck-body`)).rejects.toThrow();
      await expect(client.get(`${proxy.url}/cut/100000`)).rejects.toThrow();
      expect((await client.get(`${proxy.url}/status/503`)).status).toBe(503);
      await clean(proxy, 'header timeout, body timeout, reset mid-body, retried 503');

      // an upstream that stops reading the body (send stall → timeout)
      const stalled = await client.send(`${proxy.url}/stall`, { method: 'POST', body: Buffer.alloc(8 * 1024 * 1024, 1) }).catch((e: Error) => e);
      expect(stalled instanceof Error ? 'error' : stalled.status).not.toBe(200);
      await clean(proxy, 'upstream stopped reading the body');
    } finally {
      await proxy.close();
    }
  });

  it('rate limits: refused, and the client leaving during the delay', async () => {
    const proxy = await startTestProxy(config({ rateLimit: { rate: '1r/s', burst: 5, key: 'global' } }, [backends[0]!.url]));
    try {
      expect((await client.get(`${proxy.url}/`)).status).toBe(200);
      // the next ones wait in the limiter's delay; this client leaves meanwhile
      await abortAfter(proxy, 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', () => proxy.inProgress === 1, 'delayed');
      await clean(proxy, 'abort during the rate-limit delay');
    } finally {
      await proxy.close();
    }
    const strict = await startTestProxy(config({ rateLimit: { rate: '1r/m', burst: 0, nodelay: true, key: 'global' } }, [backends[0]!.url]));
    try {
      expect((await client.get(`${strict.url}/`)).status).toBe(200);
      expect((await client.get(`${strict.url}/`)).status).toBe(503);
      await clean(strict, 'rate-limited');
    } finally {
      await strict.close();
    }
  });

  it('connection refused on every backend: 502 after the retries, leases back', async () => {
    const proxy = await startTestProxy(config({ retries: { count: 2, on: ['connect'] }, passive: false }, [dead.url]));
    try {
      expect((await client.get(`${proxy.url}/`)).status).toBe(502);
      await clean(proxy, 'connect refused');
    } finally {
      await proxy.close();
    }
  });
});
