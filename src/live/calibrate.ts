/**
 * Calibration of the live harness before a run, so that differences from the simulator can be
 * explained with numbers:
 * - timer resolution: the overshoot of `setTimeout(d)` (achieved − requested, ms) over sleeps of
 *   random length in this process (Node timers run on libuv's millisecond loop clock);
 * - proxy overhead: latency of zero-service requests sent one at a time straight to a backend and
 *   through the proxy; the difference of the medians is what the proxy adds per request at idle.
 */
import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';
import { Rng } from '../core/rng.js';
import { H_DEMAND } from './backend-server.js';
import { Samples, type SampleSummary } from './loadgen.js';

/** Calibration figures (ms). */
export interface Calibration {
  /** Achieved − requested sleep, over sleeps of 2–20 ms. */
  timerOvershoot: SampleSummary;
  /** Zero-service request straight to a backend. */
  direct: SampleSummary;
  /** Zero-service request through the proxy. */
  proxied: SampleSummary;
  /** proxied.p50 − direct.p50. */
  proxyOverheadMs: number;
}

/** Overshoot of `setTimeout` in this process: `n` sleeps of 2–20 ms. */
export async function timerOvershoot(n = 60, seed = 1): Promise<SampleSummary> {
  const rng = new Rng(seed).fork('timer-calibration');
  const s = new Samples(n);
  const signed: number[] = [];
  for (let i = 0; i < n; i++) {
    const d = 2 + 18 * rng.next();
    const t = performance.now();
    await new Promise((r) => setTimeout(r, d));
    const over = performance.now() - t - d;
    signed.push(over);
    s.push(over + 1000); // shift: overshoot can be negative (fractions are truncated)
  }
  const sum = s.summary();
  return { n, mean: signed.reduce((a, b) => a + b, 0) / n, p50: sum.p50 - 1000, p99: sum.p99 - 1000, max: sum.max - 1000 };
}

async function zeroServiceLatency(origin: string, n: number): Promise<SampleSummary> {
  const pool = new Pool(origin, { connections: 1, pipelining: 1 });
  const s = new Samples(n);
  try {
    for (let i = 0; i < n + 20; i++) {
      const t = performance.now();
      const res = await pool.request({ path: '/', method: 'GET', headers: { [H_DEMAND]: '0' } });
      await res.body.dump();
      if (i >= 20) s.push(performance.now() - t); // the first requests warm the connections and the JIT
    }
  } finally {
    await pool.close().catch(() => undefined);
  }
  return s.summary();
}

/** Measures everything; `backendUrl` is one emulated backend, `proxyUrl` the proxy in front of it. */
export async function calibrate(backendUrl: string, proxyUrl: string, n = 300): Promise<Calibration> {
  const timer = await timerOvershoot();
  const direct = await zeroServiceLatency(new URL(backendUrl).origin, n);
  const proxied = await zeroServiceLatency(new URL(proxyUrl).origin, n);
  return { timerOvershoot: timer, direct, proxied, proxyOverheadMs: proxied.p50 - direct.p50 };
}
