/**
 * Memory (the memory section of `npm run bench`):
 *  - peak RSS of a simulation of a million requests (one strategy, `sims/homogeneous.yaml`) and of
 *    one of a tenth of that, each in a fresh process (`sim-memory.ts`), so growth per request shows;
 *  - RSS of `lbsim proxy` (1 worker) sampled every 50 ms from /proc while a large body streams
 *    through it, upload (POST, the backend discards it) and download (GET from the backend), 1 GB
 *    (quick: 100 MB): start and peak; "flat" when peak − start < 64 MB. A 100 MB pass each way comes
 *    first and is shown but not judged: on its first large body the proxy's heap grows once to its
 *    working size (node lets up to ~64 MB of Buffer memory accumulate before collecting it); the
 *    question is whether memory then grows with the body, which the measured pass answers.
 *
 * Targets: proxy memory flat while streaming; simulation memory grows no faster than the number of
 * requests (from 100k to 1M requests, RSS growth ≤ 10× the growth of the 100k run).
 */
import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { startBackends } from './backends.js';
import { brief, fmtMB, renderTable, renderTargets, type Target } from './format.js';
import { startLbsim } from './peer-lbsim.js';
import { isMain } from './proc.js';
import { measureSimMemory, type SimMemoryResult } from './sim-memory.js';

/** "Flat" threshold for proxy RSS growth while streaming. */
export const FLAT_BYTES = 64 * 1048576;

/** RSS samples of the proxy during one transfer. */
export interface StreamResult {
  direction: 'upload' | 'download';
  /** A warm-up pass (the proxy's heap growing to its working size): shown, not judged. */
  warmup: boolean;
  bytes: number;
  seconds: number;
  rssStart: number;
  rssPeak: number;
  samples: number;
  /** RSS over the transfer, `[ms since start, bytes]`, at most 40 points (downsampled). */
  series: [number, number][];
  /** Bytes the other end saw (must equal `bytes`). */
  delivered: number;
}

/** The memory section's result. */
export interface MemorySection {
  sim: SimMemoryResult[];
  stream: StreamResult[];
  /** Why the streaming part was not measured, when it was not. */
  streamSkipped?: string;
  targets: Target[];
}

/** RSS of process `pid` in bytes from /proc (Linux), or NaN. */
export function rssOf(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

const CHUNK = Buffer.alloc(256 * 1024, 'b');

function upload(url: string, total: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/upload`, { method: 'POST', headers: { 'content-type': 'application/octet-stream', 'content-length': String(total) } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => {
        const m = /"bytes":(\d+)/.exec(body);
        if (res.statusCode !== 200 || !m) reject(new Error(`upload: status ${res.statusCode}: ${body.slice(0, 200)}`));
        else resolve(Number(m[1]));
      });
    });
    req.on('error', reject);
    let left = total;
    const pump = (): void => {
      while (left > 0) {
        const n = Math.min(left, CHUNK.length);
        left -= n;
        if (!req.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
          req.once('drain', pump);
          return;
        }
      }
      req.end();
    };
    pump();
  });
}

function download(url: string, total: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/big?bytes=${total}`, (res) => {
      let got = 0;
      res.on('data', (d: Buffer) => (got += d.length));
      res.on('end', () => (res.statusCode === 200 ? resolve(got) : reject(new Error(`download: status ${res.statusCode}`))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function sampled(pid: number, direction: 'upload' | 'download', bytes: number, warmup: boolean, run: () => Promise<number>): Promise<StreamResult> {
  const rssStart = rssOf(pid);
  const t0 = performance.now();
  const all: [number, number][] = [[0, rssStart]];
  const timer = setInterval(() => all.push([Math.round(performance.now() - t0), rssOf(pid)]), 50);
  try {
    const delivered = await run();
    const seconds = (performance.now() - t0) / 1000;
    all.push([Math.round(seconds * 1000), rssOf(pid)]);
    const peak = all.reduce((m, [, r]) => (r > m ? r : m), rssStart);
    const step = Math.max(1, Math.ceil(all.length / 40));
    const series = all.filter((_, i) => i % step === 0 || i === all.length - 1);
    return { direction, warmup, bytes, seconds, rssStart, rssPeak: peak, samples: all.length, series, delivered };
  } finally {
    clearInterval(timer);
  }
}

/**
 * Streams a warm-up body of `warmupBytes`, then `bytes`, each up and then down, through one
 * `lbsim proxy` (1 worker), sampling its RSS during each transfer.
 */
export async function measureProxyStreaming(warmupBytes: number, bytes: number): Promise<StreamResult[]> {
  const backends = await startBackends(1);
  try {
    const proxy = await startLbsim(backends.ports, 1);
    try {
      await download(proxy.url, 1024); // first request: connections and code paths warm
      await upload(proxy.url, 1024);
      const out: StreamResult[] = [];
      for (const [size, warm] of [
        [warmupBytes, true],
        [bytes, false],
      ] as const) {
        out.push(await sampled(proxy.pid, 'upload', size, warm, () => upload(proxy.url, size)));
        out.push(await sampled(proxy.pid, 'download', size, warm, () => download(proxy.url, size)));
      }
      return out;
    } finally {
      await proxy.stop();
    }
  } finally {
    await backends.stop();
  }
}

/** Runs the memory section. */
export async function runMemorySection(opts: { quick: boolean; log?: (s: string) => void }): Promise<MemorySection> {
  const log = opts.log ?? (() => undefined);
  const sim: SimMemoryResult[] = [];
  for (const n of [100_000, 1_000_000]) {
    log(`memory: simulation of ${n.toLocaleString('en-US')} requests`);
    sim.push(await measureSimMemory(n));
  }
  const bytes = opts.quick ? 100 * 1048576 : 1024 * 1048576;
  const warmupBytes = 100 * 1048576;
  let stream: StreamResult[] = [];
  let streamSkipped: string | undefined;
  if (Number.isNaN(rssOf(process.pid))) streamSkipped = 'no /proc/<pid>/status on this system';
  else {
    try {
      log(`memory: streaming ${fmtMB(warmupBytes)} (warm-up), then ${fmtMB(bytes)} through lbsim proxy`);
      stream = await measureProxyStreaming(warmupBytes, bytes);
    } catch (e) {
      streamSkipped = `failed: ${brief((e as Error).message)}`;
    }
  }
  return { sim, stream, ...(streamSkipped ? { streamSkipped } : {}), targets: memoryTargets(sim, stream, streamSkipped) };
}

/** Targets of the memory section. */
export function memoryTargets(sim: readonly SimMemoryResult[], stream: readonly StreamResult[], streamSkipped?: string): Target[] {
  const out: Target[] = [];
  for (const s of stream) {
    if (s.warmup) continue;
    const grow = s.rssPeak - s.rssStart;
    out.push({
      name: `proxy RSS while streaming ${fmtMB(s.bytes)} (${s.direction})`,
      measured: `${fmtMB(s.rssStart)} → peak ${fmtMB(s.rssPeak)} (+${fmtMB(grow)})${s.delivered === s.bytes ? '' : `, only ${s.delivered} bytes delivered`}`,
      limit: `flat: +< ${fmtMB(FLAT_BYTES)}`,
      pass: grow < FLAT_BYTES && s.delivered === s.bytes,
    });
  }
  if (stream.length === 0) out.push({ name: 'proxy RSS while streaming', measured: '–', limit: `flat: +< ${fmtMB(FLAT_BYTES)}`, pass: null, note: streamSkipped ?? 'not measured' });
  const [small, big] = [...sim].sort((a, b) => a.requests - b.requests);
  if (small && big && small !== big) {
    const gSmall = Math.max(0, small.maxRss - small.rssBefore);
    const gBig = Math.max(0, big.maxRss - big.rssBefore);
    const ratio = big.requests / small.requests;
    out.push({
      name: `simulation RSS growth, ${big.requests.toLocaleString('en-US')} vs ${small.requests.toLocaleString('en-US')} requests`,
      measured: `+${fmtMB(gBig)} vs +${fmtMB(gSmall)} (${((gBig - gSmall) / (big.requests - small.requests)).toFixed(1)} B/request)`,
      limit: `≤ ${ratio.toFixed(0)}x (no faster than requests)`,
      pass: gBig <= ratio * gSmall + 8 * 1048576,
    });
  }
  return out;
}

/** The memory table. */
export function renderMemoryTable(m: MemorySection): string {
  const rows: string[][] = [];
  for (const s of m.sim) {
    rows.push([`simulation ${s.requests.toLocaleString('en-US')} requests (${s.strategy}, ${s.scenario.replace(/^sims\//, '')})`, fmtMB(s.rssBefore), fmtMB(s.maxRss), `+${fmtMB(s.maxRss - s.rssBefore)}`, `${s.seconds.toFixed(2)} s`]);
  }
  for (const s of m.stream) {
    const verdict = s.warmup ? '(warm-up, not judged)' : s.rssPeak - s.rssStart < FLAT_BYTES ? 'flat' : 'GROWS';
    rows.push([`proxy streaming ${fmtMB(s.bytes)} ${s.direction} ${verdict}`, fmtMB(s.rssStart), fmtMB(s.rssPeak), `+${fmtMB(s.rssPeak - s.rssStart)}`, `${s.seconds.toFixed(2)} s, ${(s.bytes / 1048576 / s.seconds).toFixed(0)} MB/s`]);
  }
  if (m.streamSkipped) rows.push([`proxy streaming: ${m.streamSkipped}`, '–', '–', '–', '–']);
  return renderTable(['what', 'RSS start', 'RSS peak', 'growth', 'time'], rows);
}

if (isMain(import.meta.url)) {
  const quick = process.argv.includes('--quick');
  runMemorySection({ quick, log: (s) => process.stderr.write(`${s}\n`) }).then(
    (m) => {
      console.log(renderMemoryTable(m));
      console.log();
      console.log(renderTargets(m.targets));
    },
    (e: unknown) => {
      console.error(e instanceof Error ? e.stack ?? e.message : String(e));
      process.exitCode = 1;
    },
  );
}
