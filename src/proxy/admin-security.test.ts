/**
 * Who may use the admin endpoint: a cross-origin POST (a web page elsewhere) cannot drain a
 * backend, a foreign `Host` (DNS rebinding) cannot read `/status`, a bare port binds 127.0.0.1,
 * and with `admin.token` every POST needs the bearer token while reads do not.
 */
import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProxyConfig } from './config.js';
import type { RunningProxy } from './server.js';
import { startBackends, type TestBackend } from './testing/backends.js';
import { startTestProxy } from './testing/harness.js';

let backends: TestBackend[];

beforeAll(async () => {
  backends = await startBackends('a', 'b');
});

afterAll(async () => {
  await Promise.all(backends.map((b) => b.stop()));
});

/** A request with exactly these headers (node:http sends a given Host as is). */
function call(url: string, method: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const req = httpRequest({ host: u.hostname, port: u.port, path: `${u.pathname}${u.search}`, method, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

function start(admin: unknown): Promise<RunningProxy> {
  return startTestProxy(parseProxyConfig({ listen: '127.0.0.1:0', admin, strategy: 'round-robin', backends: backends.map((b) => ({ url: b.url })) }, 'test.yaml'));
}

const draining = (p: RunningProxy): boolean[] => p.balancer.status().map((s) => s.draining);

describe('admin endpoint access', () => {
  it('refuses a cross-origin POST: the backend is not drained', async () => {
    const proxy = await start('127.0.0.1:0');
    try {
      const host = new URL(proxy.adminUrl!).host;
      const r = await call(`${proxy.adminUrl}/backends/0/drain`, 'POST', { host, origin: 'http://evil.example' });
      expect(r.status).toBe(403);
      expect(draining(proxy)).toEqual([false, false]);
      const nul = await call(`${proxy.adminUrl}/backends/0/drain`, 'POST', { host, origin: 'null' });
      expect(nul.status).toBe(403);
      // same origin (the endpoint's own page, or a tool that sends Origin) is fine
      const ok = await call(`${proxy.adminUrl}/backends/0/drain`, 'POST', { host, origin: `http://${host}` });
      expect(ok.status).toBe(200);
      expect(draining(proxy)).toEqual([true, false]);
    } finally {
      await proxy.close();
    }
  });

  it('refuses a foreign Host (DNS rebinding): /status and its seed stay private', async () => {
    const proxy = await start('127.0.0.1:0');
    try {
      const port = new URL(proxy.adminUrl!).port;
      const r = await call(`${proxy.adminUrl}/status`, 'GET', { host: `evil.example:${port}` });
      expect(r.status).toBe(403);
      expect(r.text).not.toMatch(/seed/);
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]) {
        expect((await call(`${proxy.adminUrl}/status`, 'GET', { host })).status, host).toBe(200);
      }
    } finally {
      await proxy.close();
    }
  });

  it('admin.allowHosts admits a name of its own', async () => {
    const proxy = await start({ listen: '127.0.0.1:0', allowHosts: ['lb-admin.internal'] });
    try {
      const port = new URL(proxy.adminUrl!).port;
      expect((await call(`${proxy.adminUrl}/status`, 'GET', { host: `lb-admin.internal:${port}` })).status).toBe(200);
      expect((await call(`${proxy.adminUrl}/status`, 'GET', { host: `other.internal:${port}` })).status).toBe(403);
    } finally {
      await proxy.close();
    }
  });

  it('a bare port binds 127.0.0.1, not every interface', async () => {
    expect(parseProxyConfig({ listen: ':0', admin: 9901, strategy: 'random', backends: [{ url: 'http://127.0.0.1:1' }] }).admin).toMatchObject({ host: '127.0.0.1', port: 9901 });
    const proxy = await start(0);
    try {
      expect(new URL(proxy.adminUrl!).hostname).toBe('127.0.0.1');
    } finally {
      await proxy.close();
    }
  });

  it('with admin.token, changes need the bearer token; reads do not', async () => {
    const token = 'k3y-0123456789abcdef';
    const proxy = await start({ listen: '127.0.0.1:0', token });
    try {
      const url = `${proxy.adminUrl}/backends/1/drain`;
      expect((await call(url, 'POST', {})).status).toBe(401);
      expect((await call(url, 'POST', { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
      expect(draining(proxy)).toEqual([false, false]);
      expect((await call(url, 'POST', { authorization: `Bearer ${token}` })).status).toBe(200);
      expect(draining(proxy)).toEqual([false, true]);
      expect((await call(`${proxy.adminUrl}/status`, 'GET', {})).status).toBe(200);
    } finally {
      await proxy.close();
    }
  });
});
