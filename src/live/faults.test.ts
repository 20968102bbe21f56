/** The scenario's faults as per-backend windows, with the simulator's timing rules. */
import { describe, expect, it } from 'vitest';
import type { Fault, Scenario } from '../scenario/types.js';
import { testScenario } from '../sim/test/fixture.js';
import { backendIds } from '../scenario/backend-ids.js';
import { liveFaults } from './faults.js';

// warm-up 1 s + 10 s measured: windows end by 11 s
const sc = testScenario({ warmupMs: 1_000, durationMs: 10_000, backends: [{ count: 2 }, { name: 'slow', count: 2 }] });
const withFaults = (faults: Fault[]): Scenario => ({ ...sc, faults });

describe('liveFaults', () => {
  it('names backends as the simulator does', () => {
    expect(backendIds(sc.backends).map((b) => b.id)).toEqual(['b0', 'b1', 'slow-0', 'slow-1']);
  });

  it('fixed windows, clipped to the end of the measured window; unknown backends reported', () => {
    const f = liveFaults(
      withFaults([
        { kind: 'crash', backends: ['b1'], atMs: 2_000, durationMs: 500, mtbfMs: null, mttrMs: null },
        { kind: 'slow', backends: ['slow-0', 'slow-1'], atMs: 100, durationMs: null, factor: 5 },
        { kind: 'errors', backends: ['b0', 'nope'], atMs: 0, durationMs: 20_000, fraction: 0.25, status: 503, latency: 0.1 },
      ]),
    );
    const base = { factor: 1, fraction: 0, status: 500, latency: 0 };
    expect(f.windows).toEqual([
      { ...base, kind: 'crash', backend: 1, startMs: 2_000, endMs: 2_500 },
      { ...base, kind: 'slow', backend: 2, startMs: 100, endMs: 11_000, factor: 5 },
      { ...base, kind: 'slow', backend: 3, startMs: 100, endMs: 11_000, factor: 5 },
      { ...base, kind: 'errors', backend: 0, startMs: 0, endMs: 11_000, fraction: 0.25, status: 503, latency: 0.1 },
    ]);
    expect(f.skipped).toEqual(['faults[2]: no backend "nope"']);
  });

  it('mtbf/mttr alternate inside the span, the same for the same seed', () => {
    const s = withFaults([{ kind: 'hang', backends: ['b0'], atMs: 1_000, durationMs: null, mtbfMs: 1_000, mttrMs: 100 }]);
    const a = liveFaults(s);
    expect(a.windows.length).toBeGreaterThan(3);
    a.windows.forEach((w, i) => {
      expect(w.kind).toBe('hang');
      expect(w.startMs).toBeGreaterThanOrEqual(1_000);
      expect(w.endMs).toBeLessThanOrEqual(11_000);
      expect(w.endMs).toBeGreaterThan(w.startMs);
      if (i > 0) expect(w.startMs).toBeGreaterThan(a.windows[i - 1]!.endMs);
    });
    expect(liveFaults(s)).toEqual(a);
  });

  it('pause: one window of lengthMs every everyMs from a random phase; flap: down first, as crash windows', () => {
    const p = liveFaults(withFaults([{ kind: 'pause', backends: ['b0'], atMs: 0, durationMs: 5_000, everyMs: 1_000, lengthMs: 50 }]));
    expect(p.windows.length).toBe(5);
    const phase = p.windows[0]!.startMs;
    expect(phase).toBeGreaterThanOrEqual(0);
    expect(phase).toBeLessThan(1_000);
    p.windows.forEach((w, i) => expect([w.kind, w.startMs - phase, w.endMs - w.startMs]).toEqual(['pause', i * 1_000, 50]));
    const f = liveFaults(withFaults([{ kind: 'flap', backends: ['b1'], atMs: 1_000, durationMs: 1_000, upMs: 300, downMs: 200 }]));
    expect(f.windows.map((w) => [w.kind, w.startMs, w.endMs])).toEqual([
      ['crash', 1_000, 1_200],
      ['crash', 1_500, 1_700],
    ]);
  });

  it('no faults: nothing', () => {
    expect(liveFaults(sc)).toEqual({ windows: [], skipped: [] });
  });
});
