/**
 * Proxy throughput and latency on loopback (the proxy section of `npm run bench`): three fast backends, a load generator
 * (`wrk` when installed, else the undici closed loop of `loadgen.ts`), a fixed time per point at 50
 * and 200 connections, against `lbsim proxy` with 1 and 2 workers, node-http-proxy (when the
 * package is installed), nginx with one worker and HAProxy with one thread (installed with apt when
 * running as root, else skipped with a message), plus the backends reached directly as the ceiling
 * of this machine. All targets are started first (idle ones cost nothing) and warmed up; each point's
 * time is then cut into slices measured round-robin over the targets (the order rotating every
 * round), so a disturbance of a noisy machine lands on all targets alike. Ratios to nginx are
 * taken from the same run.
 *
 * Targets: lbsim (1 worker) ≥ 1.5× node-http-proxy and ≥ ½ of one nginx worker, per connection count.
 */
import { startBackends, type Backends } from './backends.js';
import { brief, fmtMs, fmtRatio, fmtRate, renderTable, renderTargets, type Target } from './format.js';
import type { LoadResult } from './load-result.js';
import { runLoadgen } from './loadgen.js';
import type { RunningTarget } from './peer.js';
import { startHaproxy } from './peer-haproxy.js';
import { startLbsim } from './peer-lbsim.js';
import { startNginx } from './peer-nginx.js';
import { httpProxyInstalled, startNodeHttpProxy } from './peer-node-http-proxy.js';
import { isMain } from './proc.js';
import { ensureProgram, findExecutable } from './which.js';
import { runWrk } from './wrk.js';

/** Row labels (stable keys in the results JSON). */
export const TARGET_NAMES = {
  direct: 'backend direct (no proxy)',
  lbsim1: 'lbsim proxy (1 worker)',
  lbsim2: 'lbsim proxy (2 workers)',
  nodeHttpProxy: 'node-http-proxy',
  nginx: 'nginx (1 worker)',
  haproxy: 'haproxy (1 thread)',
} as const;

/** One measured (or skipped) point. */
export interface ProxyPoint {
  target: string;
  connections: number;
  result?: LoadResult;
  /** req/s relative to nginx at the same connection count in this run. */
  vsNginx?: number;
}

/** The proxy section's result. */
export interface ProxySection {
  generator: 'wrk' | 'undici';
  secondsPerPoint: number;
  connections: number[];
  points: ProxyPoint[];
  /** Targets not measured, with the reason (e.g. "not installed"). */
  skipped: { target: string; reason: string }[];
  targets: Target[];
}

interface TargetDef {
  name: string;
  start: (b: Backends) => Promise<RunningTarget | string>;
}

/** Options of {@link runProxySection}. */
export interface ProxyOptions {
  quick: boolean;
  /** Seconds per point (default 10, quick 2). */
  seconds?: number;
  log?: (s: string) => void;
}

/** Runs the proxy throughput section. Stops everything it started, also on error. */
export async function runProxySection(opts: ProxyOptions): Promise<ProxySection> {
  const log = opts.log ?? (() => undefined);
  const seconds = opts.seconds ?? (opts.quick ? 2 : 10);
  const warmup = opts.quick ? 1 : 2;
  const connections = [50, 200];
  const wrk = findExecutable('wrk');
  const generator = wrk ? 'wrk' : 'undici';
  if (!wrk) log('proxy: wrk not installed, using the undici load generator (bench/loadgen.ts)');
  const load = (url: string, c: number, s: number): Promise<LoadResult> => (wrk ? runWrk(wrk, url, c, s) : runLoadgen(url, c, s));

  const defs: TargetDef[] = [
    {
      name: TARGET_NAMES.direct,
      start: async (b) => ({ name: TARGET_NAMES.direct, url: `http://127.0.0.1:${b.ports[0]!}`, pid: b.pids[0]!, stop: async () => undefined }),
    },
    { name: TARGET_NAMES.lbsim1, start: (b) => startLbsim(b.ports, 1) },
    { name: TARGET_NAMES.lbsim2, start: (b) => startLbsim(b.ports, 2) },
    {
      name: TARGET_NAMES.nodeHttpProxy,
      start: async (b) => (httpProxyInstalled() ? startNodeHttpProxy(b.ports) : 'not installed (npm package http-proxy)'),
    },
    {
      name: TARGET_NAMES.nginx,
      start: async (b) => {
        const p = await ensureProgram('nginx', 'nginx-light', log);
        return 'path' in p ? startNginx(p.path, b.ports) : p.missing;
      },
    },
    {
      name: TARGET_NAMES.haproxy,
      start: async (b) => {
        const p = await ensureProgram('haproxy', 'haproxy', log);
        return 'path' in p ? startHaproxy(p.path, b.ports) : p.missing;
      },
    },
  ];

  const points: ProxyPoint[] = [];
  const skipped: { target: string; reason: string }[] = [];
  const running: RunningTarget[] = [];
  const backends = await startBackends(3);
  try {
    for (const def of defs) {
      let t: RunningTarget | string;
      try {
        t = await def.start(backends);
      } catch (e) {
        t = `failed to start: ${brief((e as Error).message)}`;
      }
      if (typeof t === 'string') {
        log(`proxy: ${def.name}: ${t}`);
        skipped.push({ target: def.name, reason: t });
      } else running.push(t);
    }
    const failed = new Set<string>();
    const measure = async (t: RunningTarget, c: number, sec: number): Promise<LoadResult | undefined> => {
      if (failed.has(t.name)) return undefined;
      try {
        return await load(t.url, c, sec);
      } catch (e) {
        failed.add(t.name);
        skipped.push({ target: t.name, reason: `failed: ${brief((e as Error).message)}` });
        return undefined;
      }
    };
    for (const t of running) {
      log(`proxy: ${t.name} at ${t.url}: warm-up ${warmup} s`);
      await measure(t, connections[0]!, warmup);
    }
    // Interleaved slices: every target gets one slice per round, the order rotating each round,
    // so a disturbance of the machine hits all targets alike instead of one whole point.
    const slices = opts.quick ? 2 : 5;
    const sliceSec = seconds / slices;
    for (const c of connections) {
      const acc = new Map<string, LoadResult[]>();
      for (let r = 0; r < slices; r++) {
        log(`proxy: ${c} connections, round ${r + 1}/${slices} (${sliceSec} s per target)`);
        for (let k = 0; k < running.length; k++) {
          const t = running[(k + r) % running.length]!;
          const res = await measure(t, c, sliceSec);
          if (res) acc.set(t.name, [...(acc.get(t.name) ?? []), res]);
        }
      }
      for (const t of running) {
        const parts = acc.get(t.name);
        if (parts && parts.length === slices && !failed.has(t.name)) points.push({ target: t.name, connections: c, result: combine(parts) });
      }
    }
  } finally {
    for (const t of running) await t.stop();
    await backends.stop();
  }
  const order = defs.map((d) => d.name);
  points.sort((a, b) => order.indexOf(a.target) - order.indexOf(b.target) || a.connections - b.connections);
  for (const p of points) {
    const ng = points.find((q) => q.target === TARGET_NAMES.nginx && q.connections === p.connections);
    if (ng?.result && p.result) p.vsNginx = p.result.rps / ng.result.rps;
  }
  return { generator, secondsPerPoint: seconds, connections, points, skipped, targets: proxyTargets(points, skipped, connections) };
}

/** Combines interleaved slices: total requests over total time; latency percentiles are the median over slices. */
export function combine(parts: readonly LoadResult[]): LoadResult {
  const med = (xs: number[]): number => {
    const v = [...xs].sort((a, b) => a - b);
    const m = v.length >> 1;
    return v.length % 2 === 1 ? v[m]! : (v[m - 1]! + v[m]!) / 2;
  };
  const requests = parts.reduce((a, p) => a + p.requests, 0);
  const seconds = parts.reduce((a, p) => a + p.seconds, 0);
  return {
    generator: parts[0]!.generator,
    rps: requests / seconds,
    p50: med(parts.map((p) => p.p50)),
    p99: med(parts.map((p) => p.p99)),
    requests,
    errors: parts.reduce((a, p) => a + p.errors, 0),
    seconds,
  };
}

/** Targets: lbsim (1 worker) ≥ 1.5× node-http-proxy and ≥ 0.5× one nginx worker, per connection count. */
export function proxyTargets(points: readonly ProxyPoint[], skipped: readonly { target: string; reason: string }[], connections: readonly number[]): Target[] {
  const out: Target[] = [];
  const rps = (target: string, c: number): number | undefined => points.find((p) => p.target === target && p.connections === c)?.result?.rps;
  const why = (target: string): string => skipped.find((s) => s.target === target)?.reason ?? 'not measured';
  for (const c of connections) {
    const me = rps(TARGET_NAMES.lbsim1, c);
    for (const [peer, factor, limit] of [
      [TARGET_NAMES.nodeHttpProxy, 1.5, '≥ 1.50x'],
      [TARGET_NAMES.nginx, 0.5, '≥ 0.50x (within 2x)'],
    ] as const) {
      const other = rps(peer, c);
      const name = `proxy lbsim 1 worker vs ${peer} @${c} conns`;
      if (me === undefined || other === undefined) {
        out.push({ name, measured: '–', limit, pass: null, note: me === undefined ? why(TARGET_NAMES.lbsim1) : why(peer) });
      } else {
        out.push({ name, measured: `${fmtRatio(me / other)} (${fmtRate(me)} vs ${fmtRate(other)})`, limit, pass: me >= factor * other });
      }
    }
  }
  return out;
}

/** The proxy table. */
export function renderProxyTable(s: ProxySection): string {
  const rows = s.points.map((p) => [
    p.target,
    String(p.connections),
    fmtRate(p.result?.rps ?? Number.NaN),
    fmtMs(p.result?.p50 ?? Number.NaN),
    fmtMs(p.result?.p99 ?? Number.NaN),
    String(p.result?.errors ?? '–'),
    p.vsNginx === undefined ? '–' : fmtRatio(p.vsNginx),
    '',
  ]);
  for (const k of s.skipped) rows.push([k.target, '–', '–', '–', '–', '–', '–', k.reason]);
  return renderTable(['target', 'conns', 'req/s', 'p50', 'p99', 'errors', 'vs nginx', 'note'], rows);
}

if (isMain(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  runProxySection({ quick, log: (s) => process.stderr.write(`${s}\n`) }).then(
    (s) => {
      console.log(renderProxyTable(s));
      console.log();
      console.log(renderTargets(s.targets));
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.stack ?? e.message : String(e));
      process.exitCode = 1;
    },
  );
}
