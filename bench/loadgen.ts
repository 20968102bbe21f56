/**
 * A small closed-loop HTTP load generator on undici (https://undici.nodejs.org), the fallback when
 * `wrk` is not installed: `connections` keep-alive connections, each with one request outstanding
 * at a time (wrk's model), for a fixed duration; latency percentiles from every response.
 *
 * It runs in its own node process (`node dist/bench/loadgen.js URL CONNECTIONS SECONDS` prints one
 * JSON {@link LoadResult}), so it never shares an event loop with what it measures.
 */
import { Pool } from 'undici';
import type { LoadResult } from './load-result.js';
import { isMain, runNodeJson } from './proc.js';

/** Runs the generator in this process. */
export async function generateLoad(url: string, connections: number, seconds: number): Promise<LoadResult> {
  const u = new URL(url);
  const pool = new Pool(u.origin, { connections, pipelining: 1, keepAliveTimeout: 60_000 });
  let lat = new Float64Array(1 << 16);
  let n = 0;
  let errors = 0;
  const path = `${u.pathname}${u.search}`;
  const start = performance.now();
  const until = start + seconds * 1000;
  const loop = async (): Promise<void> => {
    while (performance.now() < until) {
      const t0 = performance.now();
      try {
        const res = await pool.request({ path, method: 'GET' });
        await res.body.dump();
        if (res.statusCode >= 400) errors++;
      } catch {
        errors++;
        continue;
      }
      if (n === lat.length) {
        const bigger = new Float64Array(lat.length * 2);
        bigger.set(lat);
        lat = bigger;
      }
      lat[n++] = performance.now() - t0;
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsed = (performance.now() - start) / 1000;
  await pool.close();
  const sorted = lat.subarray(0, n).sort();
  const q = (p: number): number => (n === 0 ? Number.NaN : sorted[Math.min(n - 1, Math.floor(p * n))]!);
  return { generator: 'undici', rps: n / elapsed, p50: q(0.5), p99: q(0.99), requests: n, errors, seconds: elapsed };
}

/** Runs the generator in a child node process. */
export function runLoadgen(url: string, connections: number, seconds: number): Promise<LoadResult> {
  return runNodeJson<LoadResult>('loadgen.js', [url, String(connections), String(seconds)], [], (seconds + 60) * 1000);
}

if (isMain(import.meta.url)) {
  const [url, c, s] = process.argv.slice(2);
  if (!url || !c || !s) {
    console.error('usage: node dist/bench/loadgen.js URL CONNECTIONS SECONDS');
    process.exit(2);
  }
  generateLoad(url, Number(c), Number(s)).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (e: unknown) => {
      console.error(e instanceof Error ? e.message : String(e));
      process.exitCode = 1;
    },
  );
}
