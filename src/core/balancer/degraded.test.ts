/**
 * Envoy degraded hosts in the Balancer (`tiers.ts`): a tier keeps a healthy and a degraded host
 * source, `choosePriority` sends the degraded share of the priority load to the degraded one
 * (`LoadBalancerBase::choosePriority`, `ZoneAwareLoadBalancerBase::hostSourceToUse` in Envoy's
 * `source/extensions/load_balancing_policies/common/load_balancer_impl.cc`). The table of Envoy's
 * "Degraded endpoints" page run through the balancer, a golden sequence, the refusal outside
 * Envoy mode, and leases back to zero.
 */
import { describe, expect, it } from 'vitest';
import { backend, type BackendSpec } from '../backend.js';
import { ManualClock } from '../clock.js';
import { Rng } from '../rng.js';
import { requestInfo } from '../view.js';
import { createBalancer } from '../../strategies/index.js';
import type { Balancer } from './index.js';

/** `healthy` healthy, `degraded` degraded, the rest (of `total`) down by active checks. */
function level(healthy: number, degraded: number, total = 100, priority = 0): BackendSpec[] {
  const out: BackendSpec[] = [];
  for (let k = 0; k < total; k++) {
    out.push(backend({ id: `p${priority}-${k}`, priority, ...(k >= healthy && k < healthy + degraded ? { degraded: true } : {}) }));
  }
  return out;
}

function make(specs: BackendSpec[], panicThreshold = 50, strategy = 'round-robin'): Balancer {
  const clock = new ManualClock();
  return createBalancer({ strategy, backends: specs, clock, timers: clock, rng: new Rng(11), passive: false, active: { rise: 1, fall: 1 }, panicThreshold });
}

/** Marks every backend past the first `healthy + degraded` of each group of `total` down. */
function downRest(b: Balancer, healthy: number, degraded: number, total = 100, offset = 0): void {
  for (let k = healthy + degraded; k < total; k++) b.reportProbe(offset + k, false);
}

/** Shares of `n` picks (each released at once) on healthy and on degraded backends. */
function shares(b: Balancer, n: number): { healthy: number; degraded: number; none: number } {
  const req = requestInfo();
  let h = 0;
  let d = 0;
  let none = 0;
  for (let k = 0; k < n; k++) {
    const lease = b.acquire(req);
    if (lease < 0) {
      none++;
      continue;
    }
    if (b.backends[b.backendOf(lease)]!.degraded === true) d++;
    else h++;
    b.release(lease, 200, 1);
  }
  return { healthy: h / n, degraded: d / n, none: none / n };
}

describe('Envoy "Degraded endpoints" table through the balancer (100 hosts, overprovisioning 1.4)', () => {
  // healthy %, degraded %, healthy load, degraded load (the page's rows; see docs/tiers.md)
  const rows: [number, number, number, number][] = [
    [100, 0, 100, 0],
    [71, 0, 100, 0],
    [71, 29, 99, 1],
    [25, 65, 35, 65],
    [5, 0, 100, 0],
  ];
  for (const [hp, dp, hl, dl] of rows) {
    it(`${hp} % healthy, ${dp} % degraded → ${hl} / ${dl}`, () => {
      const specs = level(hp, dp);
      const b = make(specs);
      downRest(b, hp, dp);
      // Without a degraded host the balancer builds no tier layer (the untiered path, unchanged).
      expect(b.priorityLoad()).toEqual(dp === 0 ? undefined : { healthy: [hl], degraded: [dl] });
      // 20 000 picks: the binomial standard deviation of a share is at most 0.0036; 0.02 is > 5 σ.
      const s = shares(b, 20_000);
      const panic = hp + dp < 50; // the 5 % row: total panic, every host (down ones too) is used
      if (panic) {
        expect(s.healthy).toBe(1);
      } else {
        expect(Math.abs(s.healthy - hl / 100)).toBeLessThan(0.02);
        expect(Math.abs(s.degraded - dl / 100)).toBeLessThan(0.02);
      }
      expect(s.none).toBe(0);
      expect(b.leasesOutstanding).toBe(0);
    });
  }
});

describe('degraded hosts in the balancer', () => {
  it('no traffic to a degraded host while the healthy ones have full availability', () => {
    // 3 healthy of 4 → health min(100, 140 × 3 / 4) = 100: the degraded host gets nothing.
    const b = make(level(3, 1, 4));
    expect(b.priorityLoad()).toEqual({ healthy: [100], degraded: [0] });
    expect(shares(b, 1000).degraded).toBe(0);
    // one healthy host down: health 140 × 2 / 4 = 70, degraded 35 → 70 / 30 (30 = 100 − 70).
    b.reportProbe(0, false);
    expect(b.priorityLoad()).toEqual({ healthy: [70], degraded: [30] });
    // A degraded host that fails its health check is unhealthy, as in Envoy.
    b.reportProbe(3, false);
    expect(b.priorityLoad()).toEqual({ healthy: [100], degraded: [0] });
    expect(b.leasesOutstanding).toBe(0);
  });

  it('degraded hosts of priority 0 come after the healthy hosts of priority 1', () => {
    // P0: 2 healthy + 2 degraded of 4 → health 70, degraded 70; P1: 2 of 2 healthy → 100.
    // normalized = min(100, 70 + 100 + 70) = 100: healthy 70 / 30, nothing left for degraded.
    const specs = [...level(2, 2, 4, 0), ...level(2, 0, 2, 1)];
    const b = make(specs);
    expect(b.priorityLoad()).toEqual({ healthy: [70, 30], degraded: [0, 0] });
    expect(shares(b, 1000).degraded).toBe(0);
  });

  it('golden sequence: round robin per host source, the source drawn per pick', () => {
    // p0-0 is the healthy source, p0-1 and p0-2 the degraded source: each keeps its own round-robin
    // cursor (its own strategy instance), so the degraded picks alternate 1, 2 across healthy ones.
    // 1 healthy, 2 degraded, 1 down of 4: health 35, degraded 70 → healthy 35 / degraded 65.
    const b = make(level(1, 2, 4));
    downRest(b, 1, 2, 4);
    const req = requestInfo();
    const seq: string[] = [];
    for (let k = 0; k < 16; k++) {
      const h = b.acquire(req);
      seq.push(b.backends[b.backendOf(h)]!.id);
      b.release(h, 200, 1);
    }
    expect(seq).toMatchInlineSnapshot(`
      [
        "p0-0",
        "p0-1",
        "p0-2",
        "p0-1",
        "p0-2",
        "p0-0",
        "p0-1",
        "p0-2",
        "p0-1",
        "p0-2",
        "p0-0",
        "p0-1",
        "p0-2",
        "p0-0",
        "p0-1",
        "p0-2",
      ]
    `);
    expect(b.leasesOutstanding).toBe(0);
  });

  it('leases back to zero with concurrent holds, failures and a queue-free refusal', () => {
    const b = make(level(1, 1, 2, 0).map((s) => backend({ id: s.id, degraded: s.degraded, maxConn: 2 })));
    b.reportProbe(0, false); // only the degraded host is available: it gets all the load
    expect(b.priorityLoad()).toEqual({ healthy: [0], degraded: [100] });
    const req = requestInfo();
    const held = [b.acquire(req), b.acquire(req)];
    expect(held.every((h) => h >= 0 && b.backends[b.backendOf(h)]!.id === 'p0-1')).toBe(true);
    expect(b.acquire(req)).toBeLessThan(0); // at maxConn, no queue
    b.release(held[0]!, 502, 1, 'reset');
    b.release(held[1]!, 200, 1);
    expect(b.leasesOutstanding).toBe(0);
    expect(() => b.release(held[1]!, 200, 1)).toThrow();
  });

  it('refused outside Envoy failover mode', () => {
    const clock = new ManualClock();
    const specs = level(1, 1, 2);
    for (const failover of [{ mode: 'nginx' as const }, { mode: 'haproxy' as const }, false as const]) {
      expect(() => createBalancer({ strategy: 'round-robin', backends: specs, clock, timers: clock, rng: new Rng(1), failover })).toThrow(/degraded/);
    }
  });

  it('without degraded backends the tier layer is not built and picks are unchanged', () => {
    const plain = make(level(4, 0, 4));
    expect(plain.priorityLoad()).toBeUndefined();
  });
});
