/**
 * Attacks on the proxy as a process (child processes, 127.0.0.1, OS-chosen ports): a client
 * aborting its upload while queued must not end it; running out of file descriptors must not mark
 * healthy backends down nor end it; `workers: 100000` is refused (exit 2 naming the field) before
 * anything is forked; a config file beyond the size cap is refused on start and on reload; and
 * cluster workers left without their primary exit without stack traces.
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CONFIG_BYTES } from './config.js';
import { maxWorkers } from './serving-config.js';
import { startBackends, type TestBackend } from './testing/backends.js';
import { runProxyMain, startProxyChild, type ProxyChild } from './testing/child.js';
import { TestClient, waitFor } from './testing/harness.js';
import { RawConnection } from './testing/raw.js';

let backends: TestBackend[];
let client: TestClient;
let dir: string;

beforeAll(async () => {
  backends = await startBackends('a', 'b');
  client = new TestClient();
  dir = mkdtempSync(join(tmpdir(), 'lbsim-hostile-'));
});

afterAll(async () => {
  await client.close();
  await Promise.all(backends.map((b) => b.stop()));
  rmSync(dir, { recursive: true, force: true });
});

function writeConfig(name: string, body: string): string {
  const file = join(dir, name);
  writeFileSync(file, `listen: 127.0.0.1:0\nadmin: 127.0.0.1:0\nstrategy: round-robin\n${body}`);
  return file;
}

async function stop(child: ProxyChild): Promise<void> {
  child.kill();
  await child.exited;
}

interface Status {
  inProgress: number;
  leasesOutstanding: number;
  backends: { state: string; active: number }[];
}

describe('a client aborting its upload while queued (maxConn 1, queue)', () => {
  it('does not end the process: it keeps serving', async () => {
    const a = backends[0]!;
    const file = writeConfig('abort.yaml', `backends:\n  - { url: ${a.url}, maxConn: 1 }\nqueue: { maxQueue: 10, timeout: 5s }\nclient: { requestBuffer: 0 }\n`);
    const child = await startProxyChild(file);
    try {
      for (let round = 0; round < 3; round++) {
        const conns = await Promise.all([0, 1].map(() => RawConnection.open(child.url)));
        for (const c of conns) {
          await c.write('POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n');
          await c.write(Buffer.alloc(5_000, 120));
        }
        await new Promise((r) => setTimeout(r, 100));
        for (const c of conns) c.close();
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(child.proc.exitCode).toBe(null);
      expect((await client.get(`${child.url}/`)).status).toBe(200);
      const s = JSON.parse((await client.get(`${child.adminUrl}/status`)).text) as Status;
      expect([s.inProgress, s.leasesOutstanding]).toEqual([0, 0]);
      expect(child.stderr()).not.toMatch(/Unhandled|    at /);
    } finally {
      await stop(child);
    }
  });
});

describe('out of file descriptors (ulimit -n 160)', () => {
  it("the proxy's own EMFILE never marks a backend down, and the process keeps serving", async () => {
    const [a, b] = backends as [TestBackend, TestBackend];
    const file = writeConfig('fds.yaml', `backends:\n  - { url: ${a.url} }\n  - { url: ${b.url} }\npassive: { maxFails: 1, failTimeout: 30s }\n`);
    const limit = 160;
    const child = await startProxyChild(file, undefined, { fdLimit: limit });
    const idle: RawConnection[] = [];
    const burst = new TestClient();
    try {
      // Idle client connections take all but 6 descriptors, then a burst needs client and upstream ones.
      const used = readdirSync(`/proc/${child.pid}/fd`).length;
      for (let k = 0; k < limit - used - 6; k++) idle.push(await RawConnection.open(child.url));
      const outcomes = await Promise.all(
        Array.from({ length: 24 }, async () => {
          const c = await RawConnection.open(child.url).catch(() => null);
          if (c === null) return 'refused';
          try {
            await c.write('GET /slow/50 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
            await c.until(() => c.closed || c.responses().length > 0, 'an answer or a close', 10_000);
            const r = c.responses()[0];
            return r === undefined ? 'closed' : `${r.status} ${r.headers['x-lbsim-refused'] ?? ''}`.trim();
          } finally {
            c.close();
          }
        }),
      );
      // The limit was hit, and answered as the proxy's own failure where a client could be told.
      expect(outcomes.some((o) => o === '503 proxy-resources'), outcomes.join(', ')).toBe(true);
      for (const c of idle) c.close();
      expect(child.proc.exitCode).toBe(null);
      let s: Status | undefined;
      await waitFor(async () => {
        const r = await burst.get(`${child.adminUrl}/status`).catch(() => null);
        if (r === null || r.status !== 200) return false;
        s = JSON.parse(r.text) as Status;
        return s.inProgress === 0 && s.leasesOutstanding === 0;
      }, 'the proxy settles');
      expect(s!.backends.map((x) => x.state)).toEqual(['up', 'up']);
      const metrics = (await burst.get(`${child.adminUrl}/metrics`)).text;
      expect(metrics).not.toMatch(/lbsim_upstream_errors_total\{backend="127/);
      for (let k = 0; k < 4; k++) expect((await burst.get(`${child.url}/`)).status).toBe(200);
      expect(child.stderr()).not.toMatch(/    at /);
    } finally {
      for (const c of idle) c.close();
      await burst.close();
      await stop(child);
    }
  });
});

describe('configs that would exhaust the machine', () => {
  it('workers: 100000 and --workers 100000 exit 2 naming the field and the limit, forking nothing', async () => {
    const file = writeConfig('workers.yaml', `backends:\n  - { url: ${backends[0]!.url} }\nworkers: 100000\n`);
    const r = await runProxyMain(['--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`workers\\.yaml: workers: expected at most ${maxWorkers()} \\(4 per CPU core`));
    expect(r.stdout).toBe('');
    const flag = await runProxyMain(['--config', writeConfig('ok.yaml', `backends:\n  - { url: ${backends[0]!.url} }\n`), '--workers', '100000']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--workers: expected at most/);
  });

  it('a config file over the size cap is refused at start (exit 2) and on reload (the running config kept)', async () => {
    const a = backends[0]!;
    const big = `# ${'x'.repeat(MAX_CONFIG_BYTES)}\n`;
    const file = writeConfig('big.yaml', `backends:\n  - { url: ${a.url} }\n${big}`);
    const r = await runProxyMain(['--config', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/big\.yaml: expected a config file of at most 1024 KiB/);

    const ok = writeConfig('grow.yaml', `backends:\n  - { url: ${a.url} }\n`);
    const child = await startProxyChild(ok);
    try {
      writeFileSync(ok, `listen: 127.0.0.1:0\nstrategy: first\nbackends:\n  - { url: ${backends[1]!.url} }\n${big}`);
      child.proc.kill('SIGHUP');
      await waitFor(() => /reload refused.*at most 1024 KiB/.test(child.stderr()), 'reload refused', 30_000);
      expect((await client.get(`${child.url}/`)).text).toBe('a');
    } finally {
      await stop(child);
    }
  });
});

describe('cluster workers without their primary', () => {
  it('exit (no orphans serving on, no EPIPE stack traces)', async () => {
    const file = writeConfig('orphans.yaml', `backends:\n  - { url: ${backends[0]!.url} }\n`);
    const child = await startProxyChild(file, 2);
    try {
      const s = JSON.parse((await client.get(`${child.adminUrl}/status`)).text) as { workers: { pid: number }[] };
      const pids = s.workers.map((w) => w.pid);
      expect(pids).toHaveLength(2);
      child.proc.kill('SIGKILL');
      const alive = (pid: number): boolean => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      await waitFor(() => pids.every((p) => !alive(p)), 'orphaned workers exited', 20_000);
      expect(child.stderr()).not.toMatch(/EPIPE|    at /);
    } finally {
      await stop(child);
    }
  });
});
