/** The benchmark's homogeneous scenario at any size: same per-backend load, sized by requests. */
import { describe, it, expect } from 'vitest';
import { scenarioFacts } from '../src/sim/run.js';
import { homogeneous, PER_BACKEND_RATE, SLICES } from './sim-workload.js';

describe('homogeneous', () => {
  it('keeps 80 % load per backend at every size and lasts requests / rate', () => {
    for (const n of [10, 1000]) {
      const s = homogeneous(n, 100_000, ['p2c']);
      expect(s.backends).toHaveLength(1);
      expect(s.backends[0]!.count).toBe(n);
      expect(s.durationMs).toBeCloseTo((100_000 / (PER_BACKEND_RATE * n)) * 1000, 9);
      expect(s.warmupMs).toBe(0);
      expect(s.intervalMs).toBeCloseTo(s.durationMs / SLICES, 9);
      expect(scenarioFacts(s).loadFactor).toBeCloseTo(0.8, 9);
      expect(s.strategies.map((c) => c.name)).toEqual(['p2c']);
    }
  });

  it('expands "all" to every registered strategy and rejects a bad size', () => {
    expect(homogeneous(10, 1000, 'all').strategies.length).toBeGreaterThan(10);
    expect(() => homogeneous(0, 1000, ['p2c'])).toThrow(/backends/);
    expect(() => homogeneous(1.5, 1000, ['p2c'])).toThrow(/backends/);
  });
});
