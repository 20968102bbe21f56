/**
 * Failover tiers in the simulator: a primary zone-like outage (half the primaries crashed, found
 * by active checks) moves 30 % of the traffic to priority 1 under Envoy semantics (health 50 % ×
 * 1.4 = 70 %) and none under nginx's (the surviving primaries keep it all); a whole primary tier
 * crashed sends everything to the backups, and back after; leases return to zero. Fixed seeds;
 * tolerances stated.
 */
import { describe, expect, it } from 'vitest';
import type { Fault, Scenario } from '../../scenario/types.js';
import type { FailoverSettings } from '../../core/balancer/settings.js';
import { crashFault, runFull, twoGroupScenario } from '../test/fixture.js';

const crash = crashFault;

/** Four primaries `p-*` and four backups `s-*` (priority 1); see `twoGroupScenario`. */
function tiered(mode: FailoverSettings['mode'], faults: Fault[]): Scenario {
  return twoGroupScenario(['p', 's'], { priority: 1 }, { mode, allBackups: false, overprovisioningFactor: 1.4 }, faults);
}

function run(sc: Scenario, strategy = 'least-connections') {
  const r = runFull(sc, strategy);
  return { ...r, primary: r.share('p-'), backup: r.share('s-') };
}

describe('tiers in the simulator', () => {
  it('half the primaries down for the whole run: Envoy spills 30 % to priority 1, nginx none', () => {
    const down = [crash(['p-0', 'p-1'], 0, null)];
    const envoy = run(tiered('envoy', down));
    // binomial sd of a share at ~10 000 requests: 0.005; the crash is found within the first
    // 100 ms probe (warm-up); tolerance ±0.03
    expect(Math.abs(envoy.backup - 0.3)).toBeLessThan(0.03);
    const nginx = run(tiered('nginx', down));
    expect(nginx.backup).toBe(0);
    for (const r of [envoy, nginx]) expect(r.sim.balancers[0]!.leasesOutstanding).toBe(0);
  });

  it('the whole primary tier down for 4 s: backups serve meanwhile, traffic returns after (nginx, HAProxy)', () => {
    for (const mode of ['nginx', 'haproxy'] as const) {
      const r = run(tiered(mode, [crash(['p-0', 'p-1', 'p-2', 'p-3'], 4_000, 4_000)]));
      // the backups carry about 4 s of 10 s measured
      expect(Math.abs(r.backup - 0.4), mode).toBeLessThan(0.05);
      const perBackup = r.out.summary.backends.filter((b) => b.id.startsWith('s-')).map((b) => b.share);
      if (mode === 'haproxy') expect(perBackup.slice(1)).toEqual([0, 0, 0]); // the first backup only
      else expect(Math.min(...perBackup)).toBeGreaterThan(0.05);
      expect(r.sim.balancers[0]!.leasesOutstanding).toBe(0);
    }
  });
});
