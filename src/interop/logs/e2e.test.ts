/**
 * End to end on logs a real proxy wrote: Debian's nginx and HAProxy, each started by this test with
 * its own config in a temp directory on 127.0.0.1 (OS-chosen ports), in front of three emulated
 * backends each (src/live/backend-server.ts, in child processes so their timers have their own
 * event loops) with a KNOWN service time — 2 workers each, lognormal with median 30 ms and σ 0.4 (mean
 * 19.5 ms) — driven by an open-loop Poisson load generator at 150 req/s (about half the fleet's
 * capacity) for 62 s through both proxies at once. Each proxy's access log is then imported with
 * its config (the log format is read from the config itself) and the test checks:
 *   - every server's de-queued mean service time within 10 % of the service its backend actually
 *     gave: 108 ms plus the backend's own measured timer error (sleeps overshoot by 1–4 ms on a
 *     busy machine; both figures are printed),
 *   - the simulated p50 within 15 % and p99 within 25 % of the log's own (the import's check).
 * Both proxies are stopped by PID; the backends' child processes are closed. About 85 s in all.
 * Skipped (with the reason) when nginx or haproxy is not installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, openSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { startBackends, type BackendHost } from '../../live/backends.js';
import { Registry } from '../../live/children.js';
import { parseScenario } from '../../scenario/index.js';
import { Rng } from '../../core/rng.js';
import { importLogs } from './import-logs.js';
import { tempDir } from './testing.js';

const MEDIAN = 100;
const SIGMA = 0.4;
const TRUE_MEAN = MEDIAN * Math.exp((SIGMA * SIGMA) / 2);
const RATE = 27;
const SECONDS = 62;

function which(bin: string): string | null {
  for (const dir of ['/usr/sbin', '/usr/bin', '/sbin', '/bin', '/usr/local/sbin', '/usr/local/bin']) {
    const p = join(dir, bin);
    if (existsSync(p)) return p;
  }
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  return r.status === 0 && r.stdout.trim() !== '' ? r.stdout.trim() : null;
}

const NGINX = which('nginx');
const HAPROXY = which('haproxy');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, what: string): Promise<void> {
  const until = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${what} exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`${what} did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function stopByPid(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.pid === undefined) return resolve();
    const t = setTimeout(() => {
      if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, 'SIGKILL');
    }, 5000);
    child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    process.kill(child.pid, signal);
  });
}

/** Open-loop Poisson arrivals at `rate` for `seconds`; resolves when every response has arrived. */
async function load(url: string, rate: number, seconds: number, seed: number): Promise<{ sent: number; failed: number }> {
  const agent = new Agent({ connections: 256, keepAliveTimeout: 10_000 });
  const rng = new Rng(seed);
  const start = performance.now();
  const end = start + seconds * 1000;
  let next = start;
  let sent = 0;
  let failed = 0;
  const pending = new Set<Promise<void>>();
  while (next < end) {
    const wait = next - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    while (next <= performance.now() && next < end) {
      sent++;
      const p = request(`${url}/api/items/${sent % 1000}`, { dispatcher: agent })
        .then(async (res) => {
          await res.body.dump();
          if (res.statusCode !== 200) failed++;
        })
        .catch(() => {
          failed++;
        })
        .finally(() => pending.delete(p));
      pending.add(p);
      next += (-Math.log(rng.nextOpen()) / rate) * 1000;
    }
  }
  await Promise.all(pending);
  await agent.close();
  return { sent, failed };
}

const tmp = tempDir();
chmodSync(tmp.dir, 0o755); // nginx workers run unprivileged when the test runs as root
const registry = new Registry();
const children: ChildProcess[] = [];
const backends: BackendHost[] = [];

afterAll(async () => {
  for (const c of children) await stopByPid(c, 'SIGTERM');
  for (const b of backends) await b.close();
  tmp.remove();
});

describe.skipIf(NGINX === null || HAPROXY === null)('real nginx and HAProxy logs, imported', () => {
  it(
    'fitted service means within 10 % of the truth; simulated p50/p99 within 15 %/25 % of the log',
    async () => {
      const sc = parseScenario(
        {
          seed: 5,
          clients: { arrival: 'poisson', rate: 1 },
          backends: [{ name: 'web', count: 3, workers: 2, service: { dist: 'lognormal', mu: Math.log(MEDIAN), sigma: SIGMA } }],
        },
        'e2e.yaml',
      );
      // one fleet per proxy, so that each sees only its own load
      const forNginx = await startBackends(sc, 'child', registry);
      backends.push(forNginx);
      const forHaproxy = await startBackends(sc, 'child', registry);
      backends.push(forHaproxy);
      const ports = forNginx.ports;

      // nginx: its own log_format and access_log, round robin over the three backends
      const nginxPort = await freePort();
      const nginxDir = tmp.dir;
      const nginxConf = join(nginxDir, 'nginx.conf');
      const nginxLog = join(nginxDir, 'nginx-access.log');
      writeFileSync(
        nginxConf,
        `worker_processes 1;
daemon off;
pid ${nginxDir}/nginx.pid;
error_log ${nginxDir}/nginx-error.log warn;
events { worker_connections 1024; }
http {
  client_body_temp_path ${nginxDir}/body;
  proxy_temp_path ${nginxDir}/proxy;
  fastcgi_temp_path ${nginxDir}/fastcgi;
  uwsgi_temp_path ${nginxDir}/uwsgi;
  scgi_temp_path ${nginxDir}/scgi;
  log_format timed '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent '
                   '$msec $request_time $upstream_response_time $upstream_addr $upstream_status';
  upstream app {
${ports.map((p) => `    server 127.0.0.1:${p};`).join('\n')}
  }
  server {
    listen 127.0.0.1:${nginxPort};
    access_log ${nginxLog} timed;
    location / { proxy_pass http://app; }
  }
}
`,
      );
      const nginx = spawn(NGINX!, ['-p', nginxDir, '-e', join(nginxDir, 'nginx-error.log'), '-c', nginxConf], { stdio: 'ignore' });
      children.push(nginx);

      // HAProxy: option httplog, logging raw lines to stdout, which goes to a file
      const haPort = await freePort();
      const haCfg = join(tmp.dir, 'haproxy.cfg');
      const haLog = join(tmp.dir, 'haproxy.log');
      writeFileSync(
        haCfg,
        `global
  nbthread 1
  pidfile ${tmp.dir}/haproxy.pid
  log stdout format raw local0 info
defaults
  mode http
  log global
  option httplog
  timeout connect 5s
  timeout client 60s
  timeout server 60s
frontend fe
  bind 127.0.0.1:${haPort}
  default_backend app
backend app
  balance roundrobin
${forHaproxy.ports.map((p, i) => `  server web${i + 1} 127.0.0.1:${p}`).join('\n')}
`,
      );
      const out = openSync(haLog, 'w');
      const haproxy = spawn(HAPROXY!, ['-db', '-f', haCfg], { stdio: ['ignore', out, 'ignore'] });
      closeSync(out);
      children.push(haproxy);

      await waitForPort(nginxPort, nginx, 'nginx');
      await waitForPort(haPort, haproxy, 'haproxy');
      const [a, b] = await Promise.all([load(`http://127.0.0.1:${nginxPort}`, RATE, SECONDS, 1), load(`http://127.0.0.1:${haPort}`, RATE, SECONDS, 2)]);
      expect(a.failed).toBe(0);
      expect(b.failed).toBe(0);
      await stopByPid(nginx, 'SIGQUIT'); // graceful: finishes and closes its log
      await stopByPid(haproxy, 'SIGUSR1'); // soft stop
      // The truth is the service the backends actually gave: the drawn demand plus each backend's
      // own measured timer error (setTimeout overshoots more on a busy machine).
      const [snapN, snapH] = await Promise.all([forNginx.snapshot(), forHaproxy.snapshot()]);
      const truthOf = new Map<string, number>();
      snapN.forEach((x, i) => truthOf.set(`127.0.0.1:${forNginx.ports[i]}`, TRUE_MEAN + x.serviceError.mean));
      snapH.forEach((x, i) => truthOf.set(`web${i + 1}`, TRUE_MEAN + x.serviceError.mean));
      process.stdout.write(`e2e backends: mean achieved − drawn service (ms): ${[...snapN, ...snapH].map((x) => x.serviceError.mean.toFixed(2)).join(', ')}\n`);

      for (const [log, config] of [
        [nginxLog, nginxConf],
        [haLog, haCfg],
      ] as const) {
        const r = await importLogs({ logs: [log], config });
        const m = r.section.model;
        expect(m.servers).toHaveLength(3);
        for (const s of m.servers) {
          const truth = truthOf.get(s.logName)!;
          expect(Math.abs(s.meanMs / truth - 1), `${config}: ${s.logName} mean ${s.meanMs.toFixed(2)} ms vs ${truth.toFixed(2)}`).toBeLessThan(0.1);
        }
        const rows = r.section.check!.rows;
        const p50 = rows.find((x) => x.what === 'p50')!;
        const p99 = rows.find((x) => x.what === 'p99')!;
        expect(Math.abs(p50.delta), `${config}: p50 ${p50.observed} vs ${p50.simulated}`).toBeLessThan(0.15);
        expect(Math.abs(p99.delta), `${config}: p99 ${p99.observed} vs ${p99.simulated}`).toBeLessThan(0.25);
        process.stdout.write(
          `e2e ${config.endsWith('.cfg') ? 'haproxy' : 'nginx'}: means ${m.servers.map((s) => `${s.meanMs.toFixed(2)} (truth ${truthOf.get(s.logName)!.toFixed(2)})`).join(', ')} ms, ` +
            `workers ${m.servers.map((s) => s.demand.workers).join('/')}, p50 ${p50.observed.toFixed(2)}→${p50.simulated.toFixed(2)} (${(p50.delta * 100).toFixed(1)} %), ` +
            `p99 ${p99.observed.toFixed(1)}→${p99.simulated.toFixed(1)} (${(p99.delta * 100).toFixed(1)} %), ${r.section.check!.verdict}\n`,
        );
      }
    },
    180_000,
  );
});
