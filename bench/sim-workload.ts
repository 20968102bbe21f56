/**
 * The simulator benchmark's workload: the homogeneous scenario (`sims/homogeneous.yaml`: identical
 * single-worker backends, exponential service of mean 1 ms, Poisson arrivals at 80 % load) scaled to
 * any number of backends at the same per-backend load, and sized to a number of requests. Built
 * through the public scenario parser (`parseScenario`), so the benchmark runs exactly what a
 * scenario file with these fields would.
 */
import { parseScenario } from '../src/scenario/index.js';
import type { Scenario } from '../src/scenario/types.js';

/** Arrivals per second per backend: 80 % of one single-worker backend's 1,000 req/s (mean 1 ms). */
export const PER_BACKEND_RATE = 800;
/** Time-series slices of every benchmark run (the recorder's per-slice, per-backend work is part of the cost). */
export const SLICES = 20;

/**
 * The homogeneous scenario at `backends` backends, 80 % load, lasting long enough for about
 * `requests` Poisson arrivals (no warm-up: every request is measured and recorded), running
 * `strategies` (registry names, or `'all'`).
 */
export function homogeneous(backends: number, requests: number, strategies: 'all' | readonly string[]): Scenario {
  if (!(Number.isInteger(backends) && backends > 0)) throw new Error(`backends must be a positive integer, got ${backends}`);
  if (!(requests > 0)) throw new Error(`requests must be positive, got ${requests}`);
  const rate = PER_BACKEND_RATE * backends;
  const durationMs = (requests / rate) * 1000;
  return parseScenario(
    {
      name: `bench-homogeneous-${backends}`,
      description: `${backends} single-worker backends, exponential 1 ms, Poisson arrivals at 80 % load`,
      seed: 1,
      duration: durationMs,
      warmup: 0,
      interval: durationMs / SLICES,
      clients: { arrival: 'poisson', rate },
      backends: [{ count: backends, workers: 1, service: { dist: 'exponential', mean: 1 } }],
      strategies: strategies === 'all' ? 'all' : [...strategies],
    },
    '<bench/sim-workload>',
  );
}
