/** `lbsim live` / `compare-live` flags: scenario edits with --set, and option parsing with clear errors. */
import { describe, expect, it } from 'vitest';
import { InputError } from '../input/errors.js';
import { liveOptions, loadLiveScenario } from './live.js';

describe('live flags', () => {
  it('--strategies, --seed and repeated --set edit the scenario before validation', async () => {
    const sc = await loadLiveScenario('homogeneous', { strategies: 'round-robin,p2c', seed: '9', set: ['clients.rate=5000', 'backends[0].count=3'] });
    expect(sc.strategies.map((s) => s.name)).toEqual(['round-robin', 'p2c']);
    expect(sc.seed).toBe(9);
    expect(sc.clients.process).toEqual({ arrival: 'poisson', rate: 5000 });
    expect(sc.backends[0]!.count).toBe(3);
  });

  it('a --set that breaks the scenario is reported as the scenario error', async () => {
    await expect(loadLiveScenario('homogeneous', { set: ['clients.rate=-1'] })).rejects.toThrow(InputError);
    await expect(loadLiveScenario('homogeneous', { set: ['nonsense'] })).rejects.toThrow(/KEY=VALUE/);
  });

  it('durations, scale, workers and placements', () => {
    const o = liveOptions({ duration: '20s', warmup: '500ms', scale: '10', workers: '2', backends: 'child', proxy: 'inline', quiet: true });
    expect(o).toEqual({ durationMs: 20_000, warmupMs: 500, scale: 10, workers: 2, backends: 'child', proxy: 'inline' });
    expect(liveOptions({ scale: 'auto', quiet: true }).scale).toBeUndefined();
    expect(() => liveOptions({ scale: '0' })).toThrow(/positive number or auto/);
    expect(() => liveOptions({ workers: '1.5' })).toThrow(/positive integer/);
    expect(() => liveOptions({ backends: 'far' })).toThrow(/inline or child/);
    expect(() => liveOptions({ duration: 'soon' })).toThrow(/positive duration/);
  });
});
