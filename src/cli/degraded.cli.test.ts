/**
 * Envoy degraded hosts through the built CLI: the comparison table's `degraded` column (share of
 * attempts sent to hosts marked `degraded`) and `traffic.degraded` in the results file, without a
 * traffic table when the scenario has no tiers or zones.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCliScratch, removeScratch, runBuiltCli } from './testing/built-cli.js';

let dir = '';

// four healthy, four degraded; Envoy: healthy load min(100, 1.4 × 100 × 4/8) = 70 %, degraded the rest
const SCENARIO = `name: degraded
seed: 2
duration: 5s
warmup: 500ms
clients: { arrival: poisson, rate: 1000 }
backends:
  - { name: h, count: 4, workers: 2, service: { dist: exponential, mean: 1ms } }
  - { name: d, count: 4, workers: 2, service: { dist: exponential, mean: 1ms }, degraded: true }
balancer: { failover: { mode: envoy }, passive: false }
strategies: [round-robin, least-connections]
`;

beforeAll(() => {
  dir = makeCliScratch('degraded', { 'degraded.yaml': SCENARIO });
});
afterAll(() => removeScratch(dir));

describe('degraded hosts in lbsim run', () => {
  it('a degraded column and traffic.degraded (about 30 %), no traffic table without tiers or zones', () => {
    const r = runBuiltCli(dir, ['run', 'degraded.yaml', '--json', 'out.json', '--no-headroom']);
    expect(r.code, r.err).toBe(0);
    const header = r.out.split('\n').find((l) => /^\s+strategy\s+mean/.test(l));
    expect(header, r.out).toMatch(/\bdegraded\b/);
    expect(r.out).not.toMatch(/^Traffic /m);
    const file = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as { results: { traffic?: { degraded?: { share: number; series: number[] }; tiers?: unknown } }[] };
    for (const res of file.results) {
      const d = res.traffic!.degraded!;
      // binomial sd at ~5 000 attempts ≤ 0.007; ±0.05 is > 7 σ
      expect(Math.abs(d.share - 0.3)).toBeLessThan(0.05);
      expect(d.series.length).toBeGreaterThan(1); // one share per time-series slice
      expect(d.series.every((x) => x >= 0 && x <= 1)).toBe(true);
      expect(res.traffic!.tiers).toBeUndefined();
    }
  });
});
