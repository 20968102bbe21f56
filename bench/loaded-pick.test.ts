/** The pick workload at the simulator's load: 80 % of the backends busy, leases all returned. */
import { describe, it, expect } from 'vitest';
import { LoadedPickWorkload } from './loaded-pick.js';

describe('LoadedPickWorkload', () => {
  it('runs every strategy it is given and leaves no lease outstanding', () => {
    for (const name of ['round-robin', 'p2c', 'least-connections']) {
      const w = new LoadedPickWorkload(name, 50);
      w.run(5000);
      expect(w.close()).toBe(0);
    }
  });

  it('leaves about a fifth of the backends idle under least-connections', () => {
    const w = new LoadedPickWorkload('least-connections', 100);
    w.run(10_000);
    // 80 leases held; least-connections puts each on an idle backend while one exists.
    const idle = w.activeCounts().filter((a) => a === 0).length;
    expect(idle).toBe(20);
    expect(w.close()).toBe(0);
  });
});
