/** The HPA-style policy (bounds, tolerance, cooldown) and the utilization window. */
import { describe, expect, it } from 'vitest';
import { ScalePolicy, UtilizationWindow } from './autoscale.js';
import type { AutoscaleSettings } from '../../scenario/types.js';

const settings = (patch: Partial<AutoscaleSettings> = {}): AutoscaleSettings => ({
  group: 0,
  min: 2,
  max: 6,
  target: 0.5,
  windowMs: 10_000,
  intervalMs: 1_000,
  cooldownMs: 5_000,
  provisioningDelayMs: 0,
  tolerance: 0.1,
  ...patch,
});

describe('ScalePolicy', () => {
  it('desired = ceil(serving × utilization / target): 3 backends at 0.8 with target 0.5 → 5', () => {
    expect(new ScalePolicy(settings()).decide(0, 3, 3, 0.8)).toBe(5);
  });

  it('no action within the tolerance: 0.54 / 0.5 = 1.08 ≤ 1.1', () => {
    expect(new ScalePolicy(settings()).decide(0, 4, 4, 0.54)).toBe(4);
  });

  it('clamps to [min, max]: idle → min 2, saturated → max 6', () => {
    expect(new ScalePolicy(settings()).decide(0, 4, 4, 0)).toBe(2);
    expect(new ScalePolicy(settings()).decide(0, 4, 4, 1)).toBe(6);
  });

  it('respects the cooldown: no second action within 5 s of the first', () => {
    const p = new ScalePolicy(settings());
    expect(p.decide(1_000, 2, 2, 1)).toBe(4);
    expect(p.decide(3_000, 4, 4, 1)).toBe(4); // would be 6, but cooling down
    expect(p.decide(5_999, 4, 4, 1)).toBe(4);
    expect(p.decide(6_000, 4, 4, 1)).toBe(6);
  });
});

describe('UtilizationWindow', () => {
  it('pools busy over available time across its last slots: (1 + 3) / (4 + 4) = 0.5, then the oldest drops out', () => {
    const w = new UtilizationWindow(2);
    expect(w.value()).toBe(0);
    w.add(1, 4);
    w.add(3, 4);
    expect(w.value()).toBe(0.5);
    w.add(4, 4);
    expect(w.value()).toBe(7 / 8);
  });
});
