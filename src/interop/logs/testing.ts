/**
 * Test support: access logs written in each format's exact syntax by a small simulation with a
 * KNOWN truth — Poisson (or on/off) arrivals, a balancer (round robin or random), servers with
 * `workers` FIFO slots and a speed, service times from a given distribution (times a class factor)
 * — so the tests can check that the import recovers what generated the log. Queueing is exact:
 * a request assigned to a server starts when the earliest of its workers frees up (the
 * Kiefer–Wolfowitz recursion for a FIFO c-server queue). Lines are written in end-time order, as
 * proxies write them, with times rounded to whole milliseconds.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Rng } from '../../core/rng.js';
import { compileDistribution } from '../../sim/model/distributions.js';
import type { Distribution } from '../../scenario/index.js';

/** What generates a synthetic log. */
export interface SyntheticSpec {
  seed?: number;
  /** Requests per second (Poisson), or an on/off process. */
  rate: number;
  bursty?: { burstRate: number; onMs: number; offMs: number };
  durationS: number;
  servers: { name: string; workers: number; speed?: number; errorFraction?: number }[];
  service: Distribution;
  /** URL classes: path, share, service factor. */
  classes?: { path: string; share: number; factor: number }[];
  /** Hash keys: count and Zipf exponent (0 = uniform). */
  keys?: { count: number; exponent: number };
  balance?: 'round-robin' | 'random';
  /** Epoch ms of the first arrival. */
  startMs?: number;
}

/** One generated request. */
export interface SyntheticRequest {
  arrival: number;
  server: number;
  startService: number;
  end: number;
  service: number;
  status: number;
  path: string;
  key: string;
  client: string;
}

/** Runs the generator; requests in end-time order. */
export function generate(spec: SyntheticSpec): SyntheticRequest[] {
  const rng = new Rng(spec.seed ?? 1);
  const svc = compileDistribution(spec.service);
  const t0 = spec.startMs ?? Date.UTC(2026, 0, 1, 12, 0, 0);
  const free = spec.servers.map((s) => new Float64Array(s.workers));
  const out: SyntheticRequest[] = [];
  const classes = spec.classes ?? [{ path: '/api/items/{n}', share: 1, factor: 1 }];
  const totalShare = classes.reduce((a, c) => a + c.share, 0);
  let zipfCdf: Float64Array | undefined;
  if (spec.keys && spec.keys.exponent > 0) {
    zipfCdf = new Float64Array(spec.keys.count);
    let acc = 0;
    for (let i = 0; i < spec.keys.count; i++) zipfCdf[i] = acc += Math.pow(i + 1, -spec.keys.exponent);
    for (let i = 0; i < spec.keys.count; i++) zipfCdf[i]! /= acc;
  }
  let t = 0;
  let k = 0;
  const end = spec.durationS * 1000;
  const rateAt = (x: number) => {
    if (!spec.bursty) return spec.rate;
    const p = x % (spec.bursty.onMs + spec.bursty.offMs);
    return p < spec.bursty.onMs ? spec.bursty.burstRate : spec.rate;
  };
  const maxRate = spec.bursty ? Math.max(spec.rate, spec.bursty.burstRate) : spec.rate;
  for (;;) {
    // thinning (Lewis & Shedler) for the on/off rate; plain exponential gaps otherwise
    t += (-Math.log(rng.nextOpen()) / maxRate) * 1000;
    if (t >= end) break;
    if (spec.bursty && rng.next() * maxRate > rateAt(t)) continue;
    const si = spec.balance === 'random' ? rng.int(spec.servers.length) : k % spec.servers.length;
    k++;
    const s = spec.servers[si]!;
    let u = rng.next() * totalShare;
    let cls = classes[0]!;
    for (const c of classes) {
      if (u < c.share) {
        cls = c;
        break;
      }
      u -= c.share;
    }
    const demand = svc.sample(rng) * cls.factor;
    const service = demand / (s.speed ?? 1);
    const w = free[si]!;
    let j = 0;
    for (let q = 1; q < w.length; q++) if (w[q]! < w[j]!) j = q;
    const startService = Math.max(t, w[j]!);
    const fin = startService + service;
    w[j] = fin;
    const err = s.errorFraction !== undefined && rng.next() < s.errorFraction;
    let key = '';
    if (spec.keys) {
      if (zipfCdf) {
        const v = rng.next();
        let lo = 0;
        let hi = zipfCdf.length - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (zipfCdf[mid]! > v) hi = mid;
          else lo = mid + 1;
        }
        key = `k${lo}`;
      } else key = `k${rng.int(spec.keys.count)}`;
    }
    out.push({
      arrival: t0 + t,
      server: si,
      startService,
      end: t0 + fin,
      service,
      status: err ? 500 : 200,
      path: cls.path.replace('{n}', String(1 + rng.int(10000))),
      key,
      client: `10.1.${rng.int(200)}.${1 + rng.int(250)}`,
    });
  }
  out.sort((a, b) => a.end - b.end);
  return out;
}

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number) => String(n).padStart(2, '0');

/** `dd/Mon/yyyy:HH:MM:SS` (+ `.mmm` when asked) in UTC. */
function clf(ms: number, frac: boolean): string {
  const d = new Date(ms);
  const base = `${p2(d.getUTCDate())}/${MON[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  return frac ? `${base}.${String(d.getUTCMilliseconds()).padStart(3, '0')}` : base;
}

/** The nginx format the generator writes (everything lbsim reads). */
export const NGINX_TEST_FORMAT =
  '$remote_addr - - [$time_local] "$request" $status $body_bytes_sent "-" "-" $msec $request_time $upstream_response_time $upstream_addr $upstream_status $http_x_key';

/** Writes requests in one format's syntax, one line each. */
export function formatLines(reqs: SyntheticRequest[], spec: SyntheticSpec, format: 'nginx' | 'haproxy' | 'envoy' | 'jsonl' | 'csv'): string[] {
  return reqs.map((r) => {
    const name = spec.servers[r.server]!.name;
    // the upstream time is the whole time at the server (queue + service): the proxy adds nothing
    const upMs = Math.round(r.end - r.arrival);
    const endMs = Math.round(r.end);
    const reqMs = upMs;
    switch (format) {
      case 'nginx':
        return `${r.client} - - [${clf(endMs, false)} +0000] "GET ${r.path} HTTP/1.1" ${r.status} 512 "-" "-" ${(endMs / 1000).toFixed(3)} ${(reqMs / 1000).toFixed(3)} ${(upMs / 1000).toFixed(3)} ${name} ${r.status} ${r.key || '-'}`;
      case 'haproxy': {
        const tr = Math.round(r.arrival);
        return `Jan  1 12:00:00 localhost haproxy[4242]: ${r.client}:5${r.server}123 [${clf(tr, true)}] fe be/${name} 0/0/0/${upMs}/${upMs} ${r.status} 512 - - ---- 1/1/1/1/0 0/0 "GET ${r.path} HTTP/1.1"`;
      }
      case 'envoy': {
        const st = new Date(Math.round(r.arrival)).toISOString();
        return `[${st}] "GET ${r.path} HTTP/1.1" ${r.status} - 0 512 ${upMs} ${upMs} "${r.client}" "test" "id" "svc" "${name}"`;
      }
      case 'jsonl':
        return JSON.stringify({ ts: Math.round(r.arrival) / 1000, rt: upMs / 1000, upstream: { addr: name, time: upMs }, status: r.status, path: r.path });
      case 'csv':
        return `${new Date(Math.round(r.arrival)).toISOString()},${name},${upMs},${r.status},"GET ${r.path}"`;
    }
  });
}

/** `--log-format` of each generated format. */
export const TEST_FORMAT_SPECS = {
  nginx: `nginx:${NGINX_TEST_FORMAT}`,
  haproxy: 'haproxy',
  envoy: 'envoy',
  jsonl: 'jsonl:start=ts:s,response_time=rt:s,upstream_time=upstream.time:ms,server=upstream.addr,status=status,uri=path',
  csv: 'csv:start=1:iso,server=2,upstream_time=3:ms,status=4',
} as const;

/** A temporary directory with helpers; remove() deletes it. */
export function tempDir(): { dir: string; write(name: string, lines: string[] | string, gzip?: boolean): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'lbsim-logs-'));
  return {
    dir,
    write(name, lines, gzip = false) {
      const text = typeof lines === 'string' ? lines : `${lines.join('\n')}\n`;
      const path = join(dir, name);
      writeFileSync(path, gzip ? gzipSync(text) : text);
      return path;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
