/**
 * Soak: `lbsim proxy` (1 worker, retries on, passive and active health checks) in front of three
 * backend processes, for a long stretch (10 minutes; `--quick`: 15 s; `--soak-seconds N`), with
 *
 *  - normal clients in a closed loop: small idempotent GETs, and small POSTs (not idempotent);
 *  - hostile clients, each attack on a fresh raw connection: a request head that never ends
 *    (slowloris), a trickled body, an upload aborted half-way, a large download never read, a
 *    pipelined burst, a download abandoned mid-body, and requests the proxy must refuse itself
 *    (OPTIONS *, a foreign scheme, CONNECT, two Host fields, Transfer-Encoding tricks, a header
 *    flood);
 *  - chaos: every `period` one backend is killed (SIGKILL, mid-traffic) and restarted on its port
 *    after `down`.
 *
 * Reported: requests lost — idempotent requests that did not end in 2xx (target 0: with retries
 * on, a dead backend's requests go to another one), POSTs that failed (shown; a POST reset after
 * it may have reached the backend is not retried, as in nginx), hostile attacks by outcome, leases
 * and requests in flight once the clients stop (target 0), and the proxy's RSS (start after a
 * warm-up, peak, end; target: growth below 64 MB).
 */
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { Agent, request } from 'undici';
import { startBackendProcess } from './backends.js';
import { fmtMB, renderTable, renderTargets, type Target } from './format.js';
import { startLbsim } from './peer-lbsim.js';
import { isMain, kill } from './proc.js';

/** RSS growth allowed over the run (after warm-up). */
export const SOAK_RSS_LIMIT = 64 * 1048576;

/** The soak section's result. */
export interface SoakSection {
  seconds: number;
  normal: { getSent: number; getLost: number; postSent: number; postFailed: number; lostBy: Record<string, number>; postFailedBy: Record<string, number> };
  hostile: Record<string, Record<string, number>>;
  kills: number;
  end: { inProgress: number; leasesOutstanding: number; backendsUp: number; alive: boolean };
  rss: { start: number; peak: number; end: number };
  /** RSS growth is measured from this time on (the heap grows to its working size first). */
  warmupSeconds: number;
  /** RSS over the run, `[s, bytes]`, at most 60 points. */
  series: [number, number][];
  targets: Target[];
}

/** Soak options. */
export interface SoakOptions {
  quick: boolean;
  /** Overrides the duration (seconds). */
  seconds?: number;
  log?: (s: string) => void;
}

interface Status {
  inProgress: number;
  leasesOutstanding: number;
  backends: { state: string }[];
}

function rssOf(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * One raw-socket attack: sends `parts` (strings, with pauses given as numbers of ms between them)
 * and classifies what the proxy did within `holdMs`: the first status line it answered, `closed`
 * (closed without an answer), `reset`, or `open` (still open). `pause`: the client never reads —
 * at the end it reads once to learn whether the proxy closed the connection meanwhile. `abortAfterMs`
 * / `abortAfterBytes`: the client itself gives up (`aborted`).
 */
function attack(url: URL, parts: (string | number)[], holdMs: number, opts: { pause?: boolean; abortAfterMs?: number; abortAfterBytes?: number } = {}): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(Number(url.port), url.hostname);
    let got = '';
    let bytes = 0;
    let done = false;
    const statusOf = (t: string): string => /^HTTP\/1\.[01] (\d{3})/.exec(t)?.[1] ?? 'garbled';
    const finish = (what: string): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(abort);
      s.destroy();
      resolve(what);
    };
    const timer = setTimeout(() => {
      if (opts.pause !== true) return finish(got === '' ? 'open' : statusOf(got));
      // Read what is buffered: a connection the proxy closed ends soon after.
      s.on('data', () => undefined);
      s.resume();
      setTimeout(() => finish('open'), 2_000);
    }, holdMs);
    const abort = opts.abortAfterMs !== undefined ? setTimeout(() => finish('aborted'), opts.abortAfterMs) : undefined;
    s.on('error', () => finish(got === '' ? 'reset' : statusOf(got)));
    s.on('close', () => finish(got === '' || opts.pause === true ? 'closed' : statusOf(got)));
    s.on('data', (d: Buffer) => {
      if (got.length < 64) got += d.toString('latin1');
      bytes += d.length;
      if (opts.abortAfterBytes !== undefined && bytes >= opts.abortAfterBytes) finish('aborted');
    });
    s.on('connect', async () => {
      if (opts.pause === true) s.pause();
      for (const p of parts) {
        if (done) return;
        if (typeof p === 'number') await sleep(p);
        else s.write(p);
      }
    });
  });
}

/** The hostile repertoire: name → one attack. */
function attacks(url: URL): [string, () => Promise<string>][] {
  const head = (extra = ''): string => `GET / HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;
  const flood = Array.from({ length: 150 }, (_, k) => `X-F${k}: v\r\n`).join('');
  return [
    ['slowloris head', () => attack(url, ['GET / HTTP/1.1\r\nHost: x\r\n', 1_000, 'X-A: 1\r\n'], 8_000)],
    ['trickled body', () => attack(url, ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\nabc', 800, 'd'], 8_000)],
    ['upload aborted', () => attack(url, [`POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 200000\r\n\r\n${'u'.repeat(20_000)}`], 5_000, { abortAfterMs: 100 })],
    ['download never read', () => attack(url, ['GET /big?bytes=30000000 HTTP/1.1\r\nHost: x\r\n\r\n'], 6_000, { pause: true })],
    ['download abandoned', () => attack(url, ['GET /big?bytes=5000000 HTTP/1.1\r\nHost: x\r\n\r\n'], 5_000, { abortAfterBytes: 100_000 })],
    ['pipelined burst', () => attack(url, [Array.from({ length: 50 }, () => head()).join('')], 300)],
    ['OPTIONS *', () => attack(url, ['OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n'], 3_000)],
    ['foreign scheme', () => attack(url, ['GET ftp://x/a HTTP/1.1\r\nHost: x\r\n\r\n'], 3_000)],
    ['CONNECT', () => attack(url, ['CONNECT x:443 HTTP/1.1\r\nHost: x:443\r\n\r\n'], 3_000)],
    ['two Host', () => attack(url, ['GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'], 3_000)],
    ['TE on HTTP/1.0', () => attack(url, ['POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'], 3_000)],
    ['TE identity, chunked', () => attack(url, ['POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n'], 3_000)],
    ['header flood', () => attack(url, [head(flood)], 3_000)],
  ];
}

/** Runs the soak and returns its figures. */
export async function runSoak(opts: SoakOptions): Promise<SoakSection> {
  const log = opts.log ?? (() => undefined);
  const seconds = opts.seconds ?? (opts.quick ? 15 : 600);
  const period = opts.quick ? 6 : Math.min(60, Math.max(10, seconds / 10));
  const down = opts.quick ? 3 : Math.min(10, period / 3);
  const warmup = Math.min(60, Math.max(3, seconds / 10));

  const backends = await Promise.all([0, 1, 2].map(() => startBackendProcess()));
  const ports = backends.map((b) => b.port);
  const proxy = await startLbsim(ports, 1, [
    'admin: 127.0.0.1:0',
    'retries: { count: 2, on: [connect, reset, timeout] }',
    'passive: { maxFails: 1, failTimeout: 2s }',
    'healthCheck: { interval: 1s, timeout: 500ms, rise: 1, fall: 2 }',
    'timeouts: { connect: 1s, headers: 10s, idle: 10s }',
    'client: { headerTimeout: 3s, bodyTimeout: 2s, sendTimeout: 2s }',
  ]);
  const url = new URL(proxy.url);
  const agent = new Agent({ connections: 64, keepAliveTimeout: 10_000 });
  const status = async (): Promise<Status> => {
    const r = await request(`${proxy.adminUrl}/status`, { dispatcher: agent });
    return (await r.body.json()) as Status;
  };

  const normal = { getSent: 0, getLost: 0, postSent: 0, postFailed: 0, lostBy: {} as Record<string, number>, postFailedBy: {} as Record<string, number> };
  const hostile: Record<string, Record<string, number>> = {};
  let stopping = false;
  let kills = 0;
  const series: [number, number][] = [];
  const t0 = performance.now();
  const elapsed = (): number => (performance.now() - t0) / 1000;
  let rssStart = Number.NaN;
  let rssPeak = 0;

  const normalLoop = async (k: number): Promise<void> => {
    const body = Buffer.alloc(1024, 'p');
    for (let n = 0; !stopping; n++) {
      const post = (n + k) % 10 === 0;
      if (post) normal.postSent++;
      else normal.getSent++;
      let failure: string | null = null;
      try {
        const r = await request(`${proxy.url}/item/${n % 100}`, { dispatcher: agent, method: post ? 'POST' : 'GET', body: post ? body : null });
        await r.body.dump();
        if (r.statusCode < 200 || r.statusCode >= 300) failure = String(r.statusCode);
      } catch (e) {
        failure = (e as { code?: string }).code ?? 'error';
      }
      if (failure !== null) {
        if (post) {
          normal.postFailed++;
          normal.postFailedBy[failure] = (normal.postFailedBy[failure] ?? 0) + 1;
        } else {
          normal.getLost++;
          normal.lostBy[failure] = (normal.lostBy[failure] ?? 0) + 1;
        }
      }
    }
  };

  const hostileLoop = async (k: number): Promise<void> => {
    const list = attacks(url);
    for (let n = k; !stopping; n++) {
      const [name, run] = list[n % list.length]!;
      const outcome = await run();
      const h = (hostile[name] ??= {});
      h[outcome] = (h[outcome] ?? 0) + 1;
    }
  };

  const chaos = async (): Promise<void> => {
    let victim = 0;
    while (!stopping) {
      await sleep(period * 1000 - down * 1000);
      if (stopping) break;
      const b = backends[victim]!;
      kill(b.child, 'SIGKILL');
      kills++;
      log(`soak: killed backend ${victim} at ${elapsed().toFixed(0)} s`);
      await sleep(down * 1000);
      backends[victim] = await startBackendProcess(b.port);
      log(`soak: restarted backend ${victim} at ${elapsed().toFixed(0)} s`);
      victim = (victim + 1) % backends.length;
    }
  };

  const sampler = setInterval(() => {
    const rss = rssOf(proxy.pid);
    if (!(rss > 0)) return;
    series.push([Math.round(elapsed()), rss]);
    if (elapsed() >= warmup) {
      if (Number.isNaN(rssStart)) rssStart = rss;
      rssPeak = Math.max(rssPeak, rss);
    }
  }, 1000);

  let end: SoakSection['end'] = { inProgress: -1, leasesOutstanding: -1, backendsUp: 0, alive: false };
  try {
    const loops = [
      ...Array.from({ length: 16 }, (_, k) => normalLoop(k)),
      ...Array.from({ length: 6 }, (_, k) => hostileLoop(k * 2)),
    ];
    const chaosDone = chaos();
    await sleep(seconds * 1000);
    stopping = true;
    await Promise.all(loops);
    await chaosDone;
    // Once the clients are gone, every request and lease must drain (hostile ones time out).
    const deadline = performance.now() + 30_000;
    for (;;) {
      const s = await status();
      end = { inProgress: s.inProgress, leasesOutstanding: s.leasesOutstanding, backendsUp: s.backends.filter((b) => b.state === 'up').length, alive: true };
      if ((end.inProgress === 0 && end.leasesOutstanding === 0 && end.backendsUp === backends.length) || performance.now() > deadline) break;
      await sleep(200);
    }
  } finally {
    clearInterval(sampler);
    await agent.close();
    await proxy.stop();
    for (const b of backends) kill(b.child, 'SIGKILL');
  }
  const rssEnd = series.at(-1)?.[1] ?? Number.NaN;
  const step = Math.max(1, Math.ceil(series.length / 60));
  const r: Omit<SoakSection, 'targets'> = {
    seconds,
    normal,
    hostile,
    kills,
    end,
    rss: { start: rssStart, peak: rssPeak, end: rssEnd },
    warmupSeconds: warmup,
    series: series.filter((_, i) => i % step === 0),
  };
  return { ...r, targets: soakTargets(r) };
}

function soakTargets(r: Omit<SoakSection, 'targets'>): Target[] {
  const growth = r.rss.end - r.rss.start;
  return [
    { name: 'soak: idempotent requests lost', measured: `${r.normal.getLost} of ${r.normal.getSent}`, limit: '0', pass: r.normal.getLost === 0 },
    {
      name: 'soak: leases / requests in flight at the end',
      measured: `${r.end.leasesOutstanding} / ${r.end.inProgress}`,
      limit: '0 / 0',
      pass: r.end.alive && r.end.leasesOutstanding === 0 && r.end.inProgress === 0,
    },
    { name: 'soak: proxy RSS growth', measured: `${fmtMB(growth)} (peak ${fmtMB(r.rss.peak)})`, limit: `< ${fmtMB(SOAK_RSS_LIMIT)}`, pass: Number.isFinite(growth) ? growth < SOAK_RSS_LIMIT : null },
  ];
}

/** The soak's tables. */
export function renderSoak(r: SoakSection): string {
  const n = r.normal;
  const lines = [
    `${r.seconds} s, ${r.kills} backend kills (SIGKILL, restarted on the same port), 16 normal + 6 hostile client loops`,
    '',
    renderTable(
      ['normal clients', 'sent', 'failed', 'how'],
      [
        ['GET (idempotent)', String(n.getSent), String(n.getLost), Object.entries(n.lostBy).map(([k, v]) => `${k} ×${v}`).join(', ') || '–'],
        ['POST (not idempotent)', String(n.postSent), String(n.postFailed), Object.entries(n.postFailedBy).map(([k, v]) => `${k} ×${v}`).join(', ') || '–'],
      ],
    ),
    '',
    renderTable(
      ['hostile attack', 'outcomes'],
      Object.entries(r.hostile).map(([name, o]) => [name, Object.entries(o).map(([k, v]) => `${k} ×${v}`).join(', ')]),
    ),
    '',
    `end: ${r.end.inProgress} requests and ${r.end.leasesOutstanding} leases in flight, ${r.end.backendsUp} backends up; ` +
      `proxy RSS ${fmtMB(r.rss.start)} after ${r.warmupSeconds} s of warm-up → peak ${fmtMB(r.rss.peak)} → ${fmtMB(r.rss.end)} at the end`,
  ];
  return lines.join('\n');
}

if (isMain(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  const at = process.argv.indexOf('--seconds');
  runSoak({ quick, ...(at > 0 ? { seconds: Number(process.argv[at + 1]) } : {}), log: (s) => process.stderr.write(`${s}\n`) }).then(
    (r) => {
      console.log(renderSoak(r));
      console.log(renderTargets(r.targets));
    },
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
