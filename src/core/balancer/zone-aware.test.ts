/**
 * Envoy's zone-aware routing and locality-weighted arithmetic as vectors: the worked example in
 * `regenerateLocalityRoutingStructures`' comments, the two cases of Envoy's "Zone aware routing"
 * page, every early exit of `earlyExitNonLocalityRouting`, the table of the "Locality weighted
 * load balancing" page, and `createWithPicks` against picking from an empty schedule.
 */
import { describe, expect, it } from 'vitest';
import { effectiveLocalityWeight, LocalityScheduler } from './locality-wrr.js';
import { chooseLocality, LOCALITY_DIRECT, LOCALITY_RESIDUAL, localityPercentages, NO_LOCALITY_ROUTING, zoneRouting, type ZoneRoutingInput } from './zone-aware.js';
import { localCounts } from './zones.js';

function input(over: Partial<ZoneRoutingInput>): ZoneRoutingInput {
  return {
    upstreamHealthy: [4, 8, 4],
    hasLocalLocality: true,
    localCounts: [2, 2, 1],
    localTotal: 5,
    localLocalities: 3,
    localInLocal: 2,
    minClusterSize: 6,
    forceDirect: false,
    ...over,
  };
}

describe('zone-aware routing (ZoneAwareLoadBalancerBase)', () => {
  it("the source's worked example: local 40/40/20 %, upstream 25/50/25 % → residual 0, 10000, 15000", () => {
    const s = zoneRouting(input({}));
    expect(s.percentages).toEqual([
      [4000, 2500],
      [4000, 5000],
      [2000, 2500],
    ]);
    expect(s.state).toBe(LOCALITY_RESIDUAL);
    // The comment's numbers are in tenths of basis points (40000 …); the code's are basis points.
    expect(s.residualCapacity).toEqual([0, 1000, 1500]);
    // "if local percentage is 20% and upstream is 10% we can route only 50% of requests directly"
    expect(s.localPercentToRoute).toBe(6250);
    expect(zoneRouting(input({ upstreamHealthy: [1, 5, 4], localCounts: [2, 4, 4], localTotal: 10, localInLocal: 2 })).localPercentToRoute).toBe(5000);
  });

  it('page case 2: the local zone share of the originating cluster is smaller → all requests stay local', () => {
    const s = zoneRouting(input({ upstreamHealthy: [6, 3, 3], localCounts: [1, 2, 2] }));
    expect(s.state).toBe(LOCALITY_DIRECT);
    expect(chooseLocality(s, () => 12345)).toBe(0);
    // Equal shares are direct too (upstream ≥ local).
    expect(zoneRouting(input({ upstreamHealthy: [4, 4, 4], localCounts: [1, 1, 1], localTotal: 3, localInLocal: 1 })).state).toBe(LOCALITY_DIRECT);
  });

  it('page case 1: a larger local share → the routable part stays local, the rest spills by residual capacity', () => {
    const s = zoneRouting(input({}));
    // random % 10000 < 6250 → local
    expect(chooseLocality(s, () => 6249)).toBe(0);
    // 6250 → cross zone; second draw % 1500: < 1000 → zone 1, else zone 2
    const draws = [6250, 999];
    expect(chooseLocality(s, () => draws.shift()!)).toBe(1);
    const draws2 = [9999, 1000];
    expect(chooseLocality(s, () => draws2.shift()!)).toBe(2);
    // Over every draw pair the split is 62.5 % local, 25 % zone 1, 12.5 % zone 2 of this zone's traffic.
    const counts = [0, 0, 0];
    for (let a = 0; a < 10000; a++) counts[chooseLocality(s, () => a)]! += a < 6250 ? 1 : 0;
    expect(counts[0]).toBe(6250);
  });

  it('no capacity left anywhere (rounding) → a random locality, random % localities', () => {
    // local 3334 / 3333 / 3333 basis points against upstream 3333 each: the local zone is short by
    // one basis point and no other zone has more upstream than local share.
    const s = zoneRouting(input({ upstreamHealthy: [1, 1, 1], localCounts: [3334, 3333, 3333], localTotal: 10000, localInLocal: 3334, minClusterSize: 3 }));
    expect(s.state).toBe(LOCALITY_RESIDUAL);
    expect(s.localPercentToRoute).toBe(9997);
    expect(s.residualCapacity).toEqual([0, 0, 0]);
    const draws = [9998, 7];
    expect(chooseLocality(s, () => draws.shift()!)).toBe(1);
  });

  it('early exits (earlyExitNonLocalityRouting)', () => {
    expect(zoneRouting(input({ upstreamHealthy: [6] })).exit).toBe('upstream-localities');
    expect(zoneRouting(input({ localLocalities: 1 })).exit).toBe('local-localities');
    expect(zoneRouting(input({ localLocalities: 1, forceDirect: true })).state).toBe(LOCALITY_DIRECT);
    expect(zoneRouting(input({ localInLocal: 0 })).exit).toBe('local-locality-missing');
    expect(zoneRouting(input({ upstreamHealthy: [1, 2, 2] })).exit).toBe('cluster-too-small');
    expect(zoneRouting(input({ upstreamHealthy: [1, 2, 2], minClusterSize: 5 })).state).not.toBe(NO_LOCALITY_ROUTING);
  });

  it('no upstream hosts in the local zone → nothing routed locally, all by residual capacity', () => {
    const s = zoneRouting(input({ upstreamHealthy: [6, 6], hasLocalLocality: false, localCounts: [2, 1], localTotal: 5 }));
    expect(s.state).toBe(LOCALITY_RESIDUAL);
    expect(s.localPercentToRoute).toBe(0);
    expect(s.residualCapacity).toEqual([1000, 1000 + 3000]);
  });

  it('calculateLocalityPercentages: integer basis points; an empty upstream locality is 0/0', () => {
    expect(localityPercentages([1, 1, 1], 3, [1, 1, 0])).toEqual([
      [3333, 5000],
      [3333, 5000],
      [0, 0],
    ]);
  });

  it('local cluster shares: counts stay counts, fractions become parts per million', () => {
    expect([...localCounts({ a: 2, b: 3 })]).toEqual([
      ['a', 2],
      ['b', 3],
    ]);
    expect([...localCounts({ a: 0.5, b: 0.3, c: 0.2 }).values()]).toEqual([500000, 300000, 200000]);
    expect(localityPercentages([...localCounts({ a: 0.5, b: 0.3, c: 0.2 }).values()], 1e6, [1, 1, 1]).map((p) => p[0])).toEqual([5000, 3000, 2000]);
  });
});

describe('locality weighted load balancing (LocalityWrr)', () => {
  // The page: localities X (weight 1) and Y (weight 2), Y 100 % available, overprovisioning 1.4.
  const rows: Array<[healthyX: number, pageX: number, sourceX: number]> = [
    [100, 33, 1 / 3],
    [70, 33, 0.98 / 2.98],
    [69, 32, 0.966 / 2.966],
    [50, 26, 0.7 / 2.7],
    [25, 15, 0.35 / 2.35],
    [0, 0, 0],
  ];
  it.each(rows)('L=X %i %% healthy → the share of X', (healthyX, pageX, share) => {
    const ex = effectiveLocalityWeight(1, healthyX, 100, 140);
    const ey = effectiveLocalityWeight(2, 100, 100, 140);
    const x = ex / (ex + ey);
    expect(x).toBeCloseTo(share, 12);
    // The page rounds to whole percent, except the 69 % row (32.57 % is written 32 %): docs/zones.md.
    expect(healthyX === 69 ? Math.floor(100 * x) : Math.round(100 * x)).toBe(pageX);
    // The schedule delivers it: over N picks each locality's count is within one of N × share.
    const s = new LocalityScheduler();
    s.rebuild([ex, ey], 12345);
    const N = 30000;
    let nx = 0;
    for (let k = 0; k < N; k++) if (s.pick() === 0) nx++;
    expect(Math.abs(nx - N * x)).toBeLessThanOrEqual(1);
  });

  it('createWithPicks(P) continues exactly like P picks from an empty schedule (weights without ties)', () => {
    // With commensurate weights deadlines tie and the order offsets may differ, as Envoy's own
    // test of createWithPicks allows; these weights never tie.
    const w = [1.3, 0.966, 3.7, 2.2];
    for (const P of [0, 1, 7, 23, 100, 1001]) {
      const a = new LocalityScheduler();
      a.rebuild(w, 0);
      for (let k = 0; k < P; k++) a.pick();
      const b = new LocalityScheduler();
      b.rebuild(w, P);
      const sa: number[] = [];
      const sb: number[] = [];
      for (let k = 0; k < 40; k++) {
        sa.push(a.pick());
        sb.push(b.pick());
      }
      expect(sb).toEqual(sa);
    }
  });

  it('zero-weight localities are left out; no weight anywhere → no schedule', () => {
    const s = new LocalityScheduler();
    s.rebuild([0, 2, 0, 1], 0);
    expect(Array.from({ length: 6 }, () => s.pick())).toEqual([1, 3, 1, 1, 3, 1]);
    s.rebuild([0, 0], 5);
    expect(s.empty).toBe(true);
    expect(s.pick()).toBe(-1);
  });
});
