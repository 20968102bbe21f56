import { describe, expect, it } from 'vitest';
import { fileLabel } from './describe.js';
import { liveCheckLabel, liveCheckOf, liveCheckSummary, liveCheckTable, scaleText, signedPct } from './live-check.js';
import type { LiveCheck, ResultsFile } from './types.js';

const check = (side: 'sim' | 'live'): LiveCheck => ({
  side,
  scale: 20,
  overheadMs: 0.4,
  tolerance: { p50: 0.15, p99: 0.25 },
  rows: [
    {
      strategy: 'p2c',
      sim: { p50: 40, p99: 120, mean: 50, utilization: 0.8 },
      live: { p50: 42, p99: 150, mean: 55, utilization: 0.78 },
      diff: { p50: 0.05, p99: 0.25, mean: 0.1 },
      shareDiff: 0.012,
      p99spread: 0.18,
      ok: { p50: true, p99: true },
    },
    {
      strategy: 'round-robin',
      sim: { p50: 45, p99: 200, mean: 60, utilization: 0.8 },
      live: { p50: 60, p99: 400, mean: 90, utilization: 0.81 },
      diff: { p50: 1 / 3, p99: 1, mean: 0.5 },
      shareDiff: 0.002,
      p99spread: null,
      ok: { p50: false, p99: false },
    },
  ],
  ranking: { sim: ['p2c', 'round-robin'], live: ['p2c', 'round-robin'], same: true, consistent: true },
  agree: false,
  notes: ['the proxy adds 0.4 ms per request'],
});

const file = (side: 'sim' | 'live'): ResultsFile => ({ mode: side, scenario: { name: 'homogeneous' }, results: [], liveCheck: check(side) }) as unknown as ResultsFile;

describe('compare-live in the report', () => {
  it('names the two files of one scenario apart, with the time scale', () => {
    expect(fileLabel(file('sim'), 0)).toBe('homogeneous — simulated (×20 time scale)');
    expect(fileLabel(file('live'), 1)).toBe('homogeneous — measured live (×20 time scale)');
    expect(fileLabel({ mode: 'live', scenario: { name: 'homogeneous' }, results: [] } as unknown as ResultsFile, 0)).toBe('homogeneous — measured live');
    expect(liveCheckLabel(check('sim'))).toBe('simulated (×20 time scale)');
  });

  it('reads the section defensively', () => {
    expect(liveCheckOf(file('sim'))?.scale).toBe(20);
    expect(liveCheckOf({ scenario: {} } as unknown as ResultsFile)).toBeUndefined();
    expect(liveCheckOf({ liveCheck: { side: 'sim', scale: 20, rows: [{ strategy: 'x' }] } } as unknown as ResultsFile)).toBeUndefined();
  });

  it('puts simulated and measured side by side with the deltas, and marks rows out of tolerance', () => {
    const t = liveCheckTable(check('live'));
    expect(t.headers.slice(0, 7)).toEqual(['strategy', 'p50 sim', 'p50 live', 'Δp50', 'p99 sim', 'p99 live', 'Δp99']);
    expect(t.rows[0]).toEqual(['p2c', '40.0', '42.0', '+5.0 %', '120.0', '150.0', '+25 %', '±18 %', '50.0', '55.0', '+10 %', '80 %', '78 %', '1.2 pt']);
    expect(t.rows[1]![7]).toBe('–');
    expect(t.bad).toEqual([false, true]);
    expect(signedPct(-0.034)).toBe('−3.4 %');
  });

  it('states the time scale and the agreement', () => {
    expect(scaleText(check('sim'))).toMatch(/time scale ×20: every service, think and network time ×20 and every rate ÷20/);
    const lines = liveCheckSummary(check('sim'));
    expect(lines[1]).toMatch(/measured: p2c < round-robin \(the same\)/);
    expect(lines[2]).toMatch(/^Agreement: NOT every p50 within ±15 % and p99 within ±25 %/);
  });
});
