import { describe, expect, it } from 'vitest';
import { observedOf, observedTable, shareTable } from './observed.js';
import type { ResultsFile, StrategyResult } from './types.js';

const result = (strategy: string, p50: number, shares: [string, number][]): StrategyResult =>
  ({
    strategy,
    latency: { mean: p50, p50, p90: p50 * 2, p99: p50 * 4, p999: p50 * 5, max: p50 * 6 },
    backends: shares.map(([id, share]) => ({ id, share })),
  }) as unknown as StrategyResult;

describe('observed (checked against the access log)', () => {
  const file = {
    scenario: { observed: { source: 'access.log', what: 'response time at the proxy', p50Ms: 10, p90Ms: 20, p99Ms: 40, shares: { web1: 0.5, web2: 0.5 }, strategy: 'weighted-round-robin', verdict: 'agrees' } },
  } as unknown as ResultsFile;

  it('reads the section, and nothing from a scenario without one or with junk', () => {
    expect(observedOf(file)?.p99Ms).toBe(40);
    expect(observedOf({ scenario: {} } as unknown as ResultsFile)).toBeUndefined();
    expect(observedOf({ scenario: { observed: { source: 3 } } } as unknown as ResultsFile)).toBeUndefined();
  });

  it('tabulates every strategy against the log, and the config strategy’s shares', () => {
    const o = observedOf(file)!;
    const rs = [result('weighted-round-robin', 11, [['web1', 0.5], ['web2', 0.5]]), result('p2c', 9, [['web1', 0.6], ['web2', 0.4]])];
    const t = observedTable(o, rs);
    expect(t.rows[0]).toEqual(['access log (access.log)', '10.0', '20.0', '40.0']);
    expect(t.rows[1]![0]).toBe('weighted-round-robin (the config’s)');
    expect(t.rows[1]![1]).toBe('11.0 (+10.0 %)');
    expect(t.rows[2]![3]).toBe('36.0 (-10.0 %)');
    expect(shareTable(o, rs)).toEqual([
      ['web1', '50.0 %', '50.0 %'],
      ['web2', '50.0 %', '50.0 %'],
    ]);
  });
});
