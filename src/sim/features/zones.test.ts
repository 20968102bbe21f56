/**
 * Zones in the simulator: a zone outage with the cross-zone share measured against the arithmetic
 * (balancers that know nothing of zones spread each client zone's requests over the live backends
 * by count, so the share staying in zone z is z's share of the live backends); the zone network's
 * latency added exactly (a round trip, half each way); client zones drawn with their shares;
 * determinism; every lease back to zero; scenarios without zones carry no traffic figures.
 * Fixed seeds; tolerances stated.
 */
import { describe, expect, it } from 'vitest';
import { normalizeScenario } from '../../scenario/normalize.js';
import { runScenario } from '../run.js';
import { FullSimulation } from '../engine/full.js';
import { WorkloadModel } from '../model/workload.js';
import type { Scenario } from '../../scenario/types.js';

/** Three zones: clients 50 / 30 / 20 %, backends 5 / 3 / 2, one balancer per zone, round robin. */
function threeZones(extra: Record<string, unknown> = {}): Scenario {
  return normalizeScenario(
    {
      seed: 4,
      duration: '10s',
      warmup: '1s',
      interval: '1s',
      clients: { arrival: 'poisson', rate: 2000, zones: { a: 0.5, b: 0.3, c: 0.2 } },
      network: { crossZone: '1ms', crossZoneBytes: '8KB', pricePerGB: 0.01 },
      backends: [
        { name: 'a', count: 5, zone: 'a', workers: 4, service: { dist: 'exponential', mean: '1ms' } },
        { name: 'b', count: 3, zone: 'b', workers: 4, service: { dist: 'exponential', mean: '1ms' } },
        { name: 'c', count: 2, zone: 'c', workers: 4, service: { dist: 'exponential', mean: '1ms' } },
      ],
      balancer: { passive: false, healthCheck: { interval: '100ms', timeout: '50ms', rise: 1, fall: 1, cost: 0 } },
      strategies: ['round-robin'],
      ...extra,
    },
    'test.yaml',
  );
}

function run(sc: Scenario, seed = 1) {
  const sim = new FullSimulation(new WorkloadModel(sc), sc.strategies[0]!, seed);
  const out = sim.run();
  return { sim, summary: out.summary, traffic: out.summary.traffic! };
}

describe('zones in the simulator', () => {
  it('without an outage: the share crossing zones is 1 − Σ client share × backend share = 0.62', () => {
    const { traffic, sim } = run(threeZones());
    // ~20 000 requests: the client zone draws have sd ≤ 0.0035 per share; round robin over ten
    // backends per balancer is exact to 1/20 000. Tolerance ±0.015.
    expect(Math.abs(traffic.crossZone!.share - 0.62)).toBeLessThan(0.015);
    const req = traffic.clientZones!.map((c) => c.requests);
    const total = req.reduce((s, x) => s + x, 0);
    [0.5, 0.3, 0.2].forEach((share, i) => expect(Math.abs(req[i]! / total - share)).toBeLessThan(0.015));
    expect(traffic.zones!.names).toEqual(['a', 'b', 'c']);
    [0.5, 0.3, 0.2].forEach((share, i) => expect(Math.abs(traffic.zones!.share[i]! - share)).toBeLessThan(0.002));
    // a client zone's cross share is 1 − its zone's share of the backends
    expect(Math.abs(traffic.clientZones![0]!.crossZoneShare - 0.5)).toBeLessThan(0.002);
    expect(Math.abs(traffic.clientZones![1]!.crossZoneShare - 0.7)).toBeLessThan(0.002);
    expect(Math.abs(traffic.clientZones![2]!.crossZoneShare - 0.8)).toBeLessThan(0.002);
    // cost: cross-zone attempts per request × 8000 B × 0.01 USD/GB × 10^6
    const c = traffic.crossZone!;
    expect(c.costPerMillion).toBeCloseTo(((c.share * c.attemptsPerRequest * 1e6 * 8000) / 1e9) * 0.01, 12);
    expect(sim.balancers).toHaveLength(3);
    for (const lb of sim.balancers) expect(lb.leasesOutstanding).toBe(0);
  });

  it('zone b down (one line: backends: { zone: b }): b gets nothing, the cross-zone share is 0.3 + 0.5 × 2/7 + 0.2 × 5/7', () => {
    const sc = threeZones({ faults: [{ kind: 'crash', backends: { zone: 'b' }, at: 0 }] });
    expect(sc.faults![0]!.backends).toEqual(['b-0', 'b-1', 'b-2']);
    const { traffic, sim, summary } = run(sc);
    // found by the first probes in the warm-up; then round robin over the 7 live backends
    const expected = 0.3 + 0.5 * (2 / 7) + 0.2 * (5 / 7); // 0.5857
    expect(Math.abs(traffic.crossZone!.share - expected)).toBeLessThan(0.015);
    expect(traffic.zones!.share[1]).toBe(0);
    expect(Math.abs(traffic.zones!.share[0]! - 5 / 7)).toBeLessThan(0.002);
    expect(traffic.clientZones![1]!.crossZoneShare).toBe(1);
    for (const k of traffic.zones!.series[1]!) expect(k).toBe(0);
    expect(summary.requests.failed + summary.requests.rejected).toBe(0);
    for (const lb of sim.balancers) expect(lb.leasesOutstanding).toBe(0);
  });

  it('a zone outage in the middle: zone b’s share per window drops to 0 and returns; the cross-zone share follows', () => {
    const sc = threeZones({ faults: [{ kind: 'crash', backends: { zone: 'b' }, at: '4s', duration: '4s' }] });
    const { traffic } = run(sc);
    const b = traffic.zones!.series[1]!;
    const x = traffic.crossZone!.series;
    // windows end at 1…10 s after the warm-up; the crash covers (3 s, 7 s]: windows 4–7 (found within 100 ms)
    for (const k of [0, 1, 2, 8, 9]) expect(Math.abs(b[k]! - 0.3)).toBeLessThan(0.01);
    for (const k of [4, 5, 6]) expect(b[k]).toBe(0);
    for (const k of [4, 5, 6]) expect(Math.abs(x[k]! - (0.3 + 0.5 * (2 / 7) + 0.2 * (5 / 7)))).toBeLessThan(0.03);
    for (const k of [0, 1, 2, 8, 9]) expect(Math.abs(x[k]! - 0.62)).toBeLessThan(0.03);
  });

  it('adds the zone round trip to each attempt exactly: constant service 2 ms + 1 ms cross zone, + 4 ms for a per-pair latency, + 0.25 ms same zone', () => {
    const one = (clientZone: string, network: Record<string, unknown>) =>
      normalizeScenario(
        {
          seed: 2,
          duration: '2s',
          warmup: '100ms',
          clients: { arrival: 'poisson', rate: 200, zones: { [clientZone]: 1 } },
          network,
          backends: [{ count: 1, zone: 'b', workers: 1000, service: { dist: 'constant', value: '2ms' } }],
          balancer: { passive: false },
          strategies: ['round-robin'],
        },
        'test.yaml',
      );
    const lat = (sc: Scenario) => run(sc).summary.latency;
    const cross = lat(one('a', { crossZone: '1ms' }));
    const pair = lat(one('a', { crossZone: '1ms', latency: { b: { a: '4ms' } } }));
    const same = lat(one('b', { sameZone: '0.25ms' }));
    for (const [l, want] of [
      [cross, 3],
      [pair, 6],
      [same, 2.25],
    ] as const) {
      expect(l.p50).toBeCloseTo(want, 9);
      expect(l.max).toBeCloseTo(want, 9);
      expect(l.mean).toBeCloseTo(want, 9);
    }
  });

  it('is deterministic: the same seed gives byte-identical results; zones draw from a stream of their own', () => {
    const sc = threeZones({ strategies: ['round-robin', 'p2c'], faults: [{ kind: 'crash', backends: { zone: 'b' }, at: '4s', duration: '2s' }] });
    const a = JSON.stringify(runScenario(sc));
    const b = JSON.stringify(runScenario(sc));
    expect(a).toBe(b);
    expect(a).toContain('"crossZone"');
    // the arrivals (common random numbers) do not move when client zones are added
    const plain = normalizeScenario(
      { seed: 4, duration: '2s', clients: { arrival: 'poisson', rate: 1000 }, backends: [{ count: 2, zone: 'a', service: { dist: 'exponential', mean: '1ms' } }], strategies: ['p2c'] },
      't.yaml',
    );
    const zoned = normalizeScenario(
      { seed: 4, duration: '2s', clients: { arrival: 'poisson', rate: 1000, zones: { a: 0.5, b: 0.5 } }, backends: [{ count: 2, zone: 'a', service: { dist: 'exponential', mean: '1ms' } }], strategies: ['p2c'] },
      't.yaml',
    );
    const arrivals = (sc: Scenario) => new FullSimulation(new WorkloadModel(sc), sc.strategies[0]!, 4).run().counters.arrivalTimeSum;
    expect(arrivals(zoned)).toBe(arrivals(plain));
  });

  it('scenarios without tiers or zones carry no traffic figures', () => {
    const sc = normalizeScenario({ duration: '1s', clients: { arrival: 'poisson', rate: 500 }, backends: [{ count: 2, service: { dist: 'exponential', mean: '1ms' } }], strategies: ['round-robin'] }, 't.yaml');
    expect(runScenario(sc).results[0]!.traffic).toBeUndefined();
  });
});
