/**
 * Envoy degraded hosts in the simulator (`backends[].degraded`, `core/balancer/tiers.ts`): with
 * four healthy and four degraded backends, health = 140 × 4 / 8 = 70 and degraded availability
 * 70, normalized min(100, 140) = 100: healthy 70 %, degraded the remaining 30 %; with two of the
 * healthy crashed (found by active checks) health 35, degraded 70 → 35 / 65. The scenario checks
 * refuse `degraded` outside Envoy failover mode with the field path. Fixed seeds; tolerances stated.
 */
import { describe, expect, it } from 'vitest';
import type { Fault, Scenario } from '../../scenario/types.js';
import { crashFault, runFull, twoGroupScenario } from '../test/fixture.js';
import { parseScenario } from '../../scenario/index.js';
import { InputError } from '../../input/errors.js';

const crash = crashFault;

/** Four healthy backends `h-*` and four degraded `d-*`, Envoy failover; see `twoGroupScenario`. */
function degraded(faults: Fault[]): Scenario {
  return twoGroupScenario(['h', 'd'], { degraded: true }, { mode: 'envoy', allBackups: false, overprovisioningFactor: 1.4 }, faults);
}

function run(sc: Scenario, strategy = 'least-connections') {
  const r = runFull(sc, strategy);
  return { ...r, healthy: r.share('h-'), degraded: r.share('d-') };
}

describe('degraded hosts in the simulator', () => {
  it('healthy 70 % / degraded 30 % with all up; 35 / 65 with half the healthy crashed', () => {
    // binomial sd of a share at ~9 000 measured requests: ≤ 0.0053; tolerance ±0.03 (> 5 σ)
    const all = run(degraded([]));
    expect(Math.abs(all.degraded - 0.3)).toBeLessThan(0.03);
    const half = run(degraded([crash(['h-0', 'h-1'], 0, null)]));
    expect(Math.abs(half.degraded - 0.65)).toBeLessThan(0.03);
    for (const r of [all, half]) expect(r.sim.balancers[0]!.leasesOutstanding).toBe(0);
    // the traffic figures count attempts to degraded hosts: the same share as the backends' (no retries here)
    for (const r of [all, half]) {
      const d = r.out.summary.traffic!.degraded!;
      expect(Math.abs(d.share - r.degraded)).toBeLessThan(0.005);
      expect(d.series).toHaveLength(10); // 10 s measured, 1 s slices
    }
    expect(all.out.summary.traffic!.degraded!.series.every((x) => Math.abs(x - 0.3) < 0.08)).toBe(true);
    // half the healthy down from the start: every slice after the first check leans on the degraded hosts
    expect(half.out.summary.traffic!.degraded!.series.slice(1).every((x) => x > 0.5)).toBe(true);
  });

  it('same seed, same results', () => {
    const a = run(degraded([])).out.summary.backends.map((b) => b.share);
    const b = run(degraded([])).out.summary.backends.map((b) => b.share);
    expect(a).toEqual(b);
  });

  it('refused outside Envoy failover mode, with the field path', () => {
    const svc = { dist: 'exponential', mean: '1ms' };
    for (const failover of [{ mode: 'nginx' }, { mode: 'haproxy' }, false]) {
      const d = {
        clients: { arrival: 'poisson', rate: 100 },
        backends: [{ service: svc }, { service: svc, degraded: true }],
        balancer: { failover },
        strategies: ['round-robin'],
      };
      let msg = '';
      try {
        parseScenario(d, 'degraded.yaml');
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
        msg = (e as InputError).problems.map((p) => `${p.path}: ${p.message}`).join('\n');
      }
      expect(msg).toMatch(/^backends\[1\]\.degraded: degraded backends exist in Envoy only/);
    }
  });
});
