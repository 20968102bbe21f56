/**
 * The traffic recorder: shares per tier and zone in total and per window, cross-zone cost, and
 * spill-over and panic spells (a spell ends with the last attempt before a gap of one interval);
 * and on a real run (Envoy priorities, half the primaries crashed from 3 s to 6 s): one spill-over
 * spell that begins after the crash is found and ends after the primaries are back.
 */
import { describe, expect, it } from 'vitest';
import { normalizeScenario } from '../../scenario/normalize.js';
import { FullSimulation } from '../engine/full.js';
import { WorkloadModel } from '../model/workload.js';
import { TrafficRecorder } from './traffic.js';

describe('TrafficRecorder', () => {
  it('counts shares per tier, zone and window, prices cross-zone attempts, and cuts spells at a one-interval gap', () => {
    // window 1000…5000 ms in four 1 s slices; two tiers; zones x, y; client zones x, y
    const t = new TrafficRecorder(2, ['x', 'y'], ['x', 'y'], 4, 1000, 1000, 5000, { crossZoneBytes: 1e6, pricePerGB: 0.5 });
    t.request(0);
    t.request(1);
    t.attempt(1100, 0, 0, 0, false, false);
    t.attempt(1200, 1, 1, 0, true, false); // spill begins
    t.attempt(1900, 1, 1, 1, false, true); // panic begins
    t.attempt(2800, 1, 0, 1, true, false); // 900 ms after: same spill spell
    t.attempt(4000, 1, 0, 1, true, false); // 1200 ms after: a new spell
    t.latency(0, 5);
    t.latency(1, 7);
    const s = t.summarize();
    expect(s.tiers).toEqual({ names: ['0', '1'], share: [0.2, 0.8], series: [[1 / 3, 0, 0, 0], [2 / 3, 1, 0, 1]] });
    expect(s.zones!.share).toEqual([0.6, 0.4]);
    expect(s.crossZone!.share).toBe(0.6);
    expect(s.crossZone!.attemptsPerRequest).toBe(2.5);
    // 3 crossings over 2 requests × 10^6 × 10^6 B × 0.5 USD / 10^9 B
    expect(s.crossZone!.costPerMillion).toBe(750);
    expect(s.clientZones!.map((c) => [c.zone, c.requests, c.p50, c.crossZoneShare])).toEqual([
      ['x', 1, 5, 0.5],
      ['y', 1, 7, 2 / 3],
    ]);
    expect(s.episodes).toEqual([
      { kind: 'spill', tier: 1, start: 0.2, end: 1.8 },
      { kind: 'panic', start: 0.9, end: 0.9 },
      { kind: 'spill', tier: 1, start: 3, end: 3 },
    ]);
  });

  it('a real run: Envoy spills to priority 1 while half the primaries are down, and the spell ends after they return', () => {
    const sc = normalizeScenario(
      {
        seed: 5,
        duration: '8s',
        warmup: '1s',
        interval: '500ms',
        clients: { arrival: 'poisson', rate: 1000 },
        backends: [
          { name: 'p', count: 4, workers: 2, service: { dist: 'exponential', mean: '1ms' } },
          { name: 's', count: 2, workers: 2, priority: 1, service: { dist: 'exponential', mean: '1ms' } },
        ],
        balancer: { passive: false, panicThreshold: 0, healthCheck: { interval: '100ms', timeout: '50ms', rise: 1, fall: 1, cost: 0 } },
        faults: [{ kind: 'crash', backends: ['p-0', 'p-1'], at: '3s', duration: '3s' }],
        strategies: ['round-robin'],
      },
      't.yaml',
    );
    const out = new FullSimulation(new WorkloadModel(sc), sc.strategies[0]!, 1).run();
    const t = out.summary.traffic!;
    expect(t.zones).toBeUndefined();
    expect(t.crossZone).toBeUndefined();
    expect(t.episodes).toHaveLength(1);
    const e = t.episodes[0]!;
    // crash at 2 s after warm-up, found by the next probe (≤ 100 ms + 50 ms timeout); back at 5 s, up after one probe
    expect(e.kind).toBe('spill');
    expect(e.start).toBeGreaterThanOrEqual(2);
    expect(e.start).toBeLessThan(2.2);
    expect(e.end).toBeGreaterThanOrEqual(4.9);
    expect(e.end).toBeLessThan(5.2);
    // health 2/4 × 1.4 = 70 % → 30 % to priority 1 for 3 s of 8: 0.3 × 3/8 ≈ 0.11 (±0.03)
    expect(Math.abs(t.tiers!.share[1]! - 0.3 * (3 / 8))).toBeLessThan(0.03);
  });
});
