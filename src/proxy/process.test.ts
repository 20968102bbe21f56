/**
 * The proxy as a process: SIGHUP reloads the config for new requests while an in-flight one
 * finishes on the old config; SIGTERM lets in-flight requests finish, then exits 0. The same with
 * `--workers 2` (node cluster): both workers serve, the admin endpoint merges their metrics and
 * fans drains out to every worker, and reload and shutdown reach every worker.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackends, type TestBackend } from './testing/backends.js';
import { startProxyChild, type ProxyChild } from './testing/child.js';
import { TestClient, waitFor } from './testing/harness.js';
import { parsePrometheus, sumOf } from './testing/prom.js';

let backends: TestBackend[];
let client: TestClient;
let dir: string;

beforeAll(async () => {
  backends = await startBackends('a', 'b');
  client = new TestClient();
  dir = mkdtempSync(join(tmpdir(), 'lbsim-proc-'));
});

afterAll(async () => {
  await client.close();
  await Promise.all(backends.map((b) => b.stop()));
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(file: string, strategy: string, urls: string[]): void {
  writeFileSync(file, `listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\nstrategy: ${strategy}\nbackends:\n${urls.map((u) => `  - { url: ${u} }\n`).join('')}`);
}

async function stop(child: ProxyChild): Promise<void> {
  child.kill();
  await child.exited;
}

describe('one process', () => {
  it('SIGHUP reloads without dropping the in-flight request; SIGTERM drains, then exits 0', async () => {
    const [a, b] = backends as [TestBackend, TestBackend];
    const file = join(dir, 'single.yaml');
    writeConfig(file, 'first', [a.url, b.url]);
    const child = await startProxyChild(file);
    try {
      expect((await client.get(`${child.url}/`)).text).toBe('a');
      const inflight = client.get(`${child.url}/slow/400`); // on the old config, via a
      await waitFor(() => a.seen.some((s) => s.url === '/slow/400'), 'slow request reached a');

      writeConfig(file, 'round-robin', [b.url]);
      child.proc.kill('SIGHUP');
      // A reload parses the file in a worker thread (reload.ts): allow for its start on a busy machine.
      await waitFor(async () => (await client.get(`${child.url}/`)).text === 'b', 'new config in effect', 30_000);
      const old = await inflight;
      expect([old.status, old.text]).toEqual([200, 'a']);
      expect(child.stderr()).toMatch(/reloaded .*single\.yaml: strategy round-robin, 1 backends/);

      // A bad config on reload is refused and the running one kept.
      writeFileSync(file, 'listen: 127.0.0.1:0\nstrategy: nope\nbackends: []\n');
      child.proc.kill('SIGHUP');
      await waitFor(() => /reload refused/.test(child.stderr()), 'reload refused', 30_000);
      expect((await client.get(`${child.url}/`)).text).toBe('b');

      const last = client.get(`${child.url}/slow/500`);
      await waitFor(() => b.seen.some((s) => s.url === '/slow/500'), 'slow request reached b');
      child.proc.kill('SIGTERM');
      const r = await last;
      expect([r.status, r.text]).toEqual([200, 'b']);
      expect(await child.exited).toBe(0);
    } finally {
      await stop(child);
    }
  });
});

describe('--workers 2 (node cluster)', () => {
  it('serves from both workers, merges metrics, fans out drains and reloads, and shuts down cleanly', async () => {
    const [a, b] = backends as [TestBackend, TestBackend];
    const file = join(dir, 'cluster.yaml');
    writeConfig(file, 'round-robin', [a.url, b.url]);
    const child = await startProxyChild(file, 2);
    const fresh = (): TestClient => new TestClient();
    try {
      const status = JSON.parse((await client.get(`${child.adminUrl}/status`)).text) as { workers: { pid: number; strategy: string }[] };
      expect(status.workers).toHaveLength(2);
      expect(new Set(status.workers.map((w) => w.pid)).size).toBe(2);

      // Separate connections are spread over the workers by the primary; count what is sent.
      let sent = 0;
      for (let k = 0; k < 8; k++) {
        const c = fresh();
        try {
          for (let j = 0; j < 3; j++) {
            expect((await c.get(`${child.url}/`)).status).toBe(200);
            sent++;
          }
        } finally {
          await c.close();
        }
      }
      const perWorker = JSON.parse((await client.get(`${child.adminUrl}/status`)).text) as { workers: { backends: { requests: number }[] }[] };
      const served = perWorker.workers.map((w) => w.backends.reduce((s, x) => s + x.requests, 0));
      expect(served.every((n) => n > 0)).toBe(true); // both workers took connections
      const m = parsePrometheus((await client.get(`${child.adminUrl}/metrics`)).text);
      expect(sumOf(m, 'lbsim_requests_total')).toBe(sent);
      expect(sumOf(m, 'lbsim_request_duration_seconds_count')).toBe(sent);

      // Drain a in every worker: every new request goes to b.
      expect((await client.send(`${child.adminUrl}/backends/${encodeURIComponent(`127.0.0.1:${a.port}`)}/drain`, { method: 'POST' })).status).toBe(200);
      const drained = JSON.parse((await client.get(`${child.adminUrl}/status`)).text) as { workers: { backends: { draining: boolean }[] }[] };
      expect(drained.workers.map((w) => w.backends[0]!.draining)).toEqual([true, true]);
      for (let k = 0; k < 4; k++) {
        const c = fresh();
        try {
          expect((await c.get(`${child.url}/`)).text).toBe('b');
        } finally {
          await c.close();
        }
      }

      // SIGHUP: every worker reloads (the new config has only a, as "first").
      writeConfig(file, 'first', [a.url]);
      child.proc.kill('SIGHUP');
      await waitFor(async () => {
        const s = JSON.parse((await client.get(`${child.adminUrl}/status`)).text) as { workers: { strategy: string }[] };
        return s.workers.length === 2 && s.workers.every((w) => w.strategy === 'first');
      }, 'both workers reloaded', 30_000);

      // SIGTERM with a request in flight: it completes, then the whole cluster exits 0.
      const inflight = client.get(`${child.url}/slow/500`);
      await waitFor(() => a.seen.some((s) => s.url === '/slow/500'), 'slow request reached a');
      child.proc.kill('SIGTERM');
      const r = await inflight;
      expect([r.status, r.text]).toEqual([200, 'a']);
      expect(await child.exited).toBe(0);
    } finally {
      await stop(child);
    }
  });
});
