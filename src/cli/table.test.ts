import { describe, expect, it } from 'vitest';
import type { StrategyResult } from '../results/schema.js';
import { columnsFor, fmtAvailability, hasFailures, renderTable, thinNote } from './table.js';

/** A small result; `extra` adds the optional failure/cache fields. */
function mk(strategy: string, p99: number, extra: Partial<StrategyResult> = {}): StrategyResult {
  return {
    strategy,
    name: strategy,
    options: {},
    latency: { mean: p99 / 4, p50: p99 / 5, p90: p99 / 2, p99, p999: p99 * 1.5, max: p99 * 2 },
    ci95: { mean: null, p99: null },
    requests: { completed: 1000, failed: 0, rejected: 0 },
    throughput: 100,
    fairness: 1,
    backends: [{ id: 'b0', requests: 1000, share: 1, idealShare: 1, utilization: 0.5, meanQueue: 0 }],
    timeseries: { interval: 1, t: [1], throughput: [100], p50: [1], p99: [1], utilization: [[0.5]], inflight: [[1]] },
    cdf: { p: [0, 1], x: [0, 1] },
    ...extra,
  };
}

const NO_ERRORS = { refused: 0, timeout: 0, http5xx: 0, reset: 0, rateLimited: 0, unavailable: 0 };

function header(results: StrategyResult[]): string[] {
  return renderTable(results, false).split('\n')[0]!.trim().split(/\s{2,}/);
}

describe('CLI table columns', () => {
  it('has only the fixed columns for a calm run (availability 1, no errors, no retries)', () => {
    const calm = [mk('a', 10, { availability: 1, errors: NO_ERRORS, retries: 0 }), mk('b', 12)];
    expect(hasFailures(calm)).toBe(false);
    expect(header(calm)).toEqual([
      'strategy', 'mean ms', 'p50', 'p90', 'p99', 'p99.9', 'max', 'p99 95% CI', 'req/s', 'failed', 'rejected', 'fairness', 'max util',
    ]);
  });

  it('adds avail and retries when a result lost requests, and shows each row’s figures', () => {
    const rs = [
      mk('a', 10, { availability: 0.9998704, errors: { ...NO_ERRORS, http5xx: 21 }, retries: 3 }),
      mk('b', 8, { availability: 1, errors: NO_ERRORS, retries: 0 }),
    ];
    expect(hasFailures(rs)).toBe(true);
    const lines = renderTable(rs, false).split('\n');
    expect(header(rs).slice(-2)).toEqual(['avail', 'retries']);
    // Sorted by p99: b first (marked), then a.
    expect(lines[1]!.trim().split(/\s+/).slice(-2)).toEqual(['100%', '0']);
    expect(lines[2]!.trim().split(/\s+/).slice(-2)).toEqual(['99.987%', '3']);
  });

  it('adds avail and retries for retries alone or fault windows alone', () => {
    expect(hasFailures([mk('a', 1, { availability: 1, errors: NO_ERRORS, retries: 2 })])).toBe(true);
    const detection = { faults: 1, detected: 1, meanDetectMs: 0, maxDetectMs: 0, meanRecoverMs: null, maxRecoverMs: null, events: [] };
    expect(hasFailures([mk('a', 1, { availability: 1, errors: NO_ERRORS, retries: 0, detection })])).toBe(true);
  });

  it('adds cache hit when a result has a cache', () => {
    const rs = [mk('a', 10, { cache: { hitRatio: 0.7432, hits: 7432, misses: 2568 } }), mk('b', 12)];
    expect(columnsFor(rs).map((c) => c.head).slice(-1)).toEqual(['cache hit']);
    const lines = renderTable(rs, false).split('\n');
    expect(lines[1]!.trim().split(/\s+/).slice(-1)).toEqual(['74.3%']);
    expect(lines[2]!.endsWith('  ')).toBe(true); // b has no cache: an empty, padded cell
  });
});

describe('percentiles on a thin tail', () => {
  const cells = (r: StrategyResult): string[] => renderTable([r], false).split('\n')[1]!.trim().split(/\s+/);

  it('marks p99 and p99.9 cells with fewer than 100 requests beyond them, and says so under the table', () => {
    const short = mk('a', 10); // 1,000 completed: 10 beyond the p99, 1 beyond the p99.9
    expect(cells(short).slice(4, 6)).toEqual(['10.0†', '15.0†']);
    expect(thinNote([short])).toMatch(/^† fewer than 100 requests beyond this percentile in a replication \(as few as 1\)/);
    const mid = mk('b', 10, { requests: { completed: 20_000, failed: 0, rejected: 0 } }); // 200 beyond p99, 20 beyond p99.9
    expect(cells(mid).slice(4, 6)).toEqual(['10.0', '15.0†']);
    expect(thinNote([mid])).toContain('as few as 20');
    const long = mk('c', 10, { requests: { completed: 100_000, failed: 0, rejected: 0 } });
    expect(cells(long).slice(4, 6)).toEqual(['10.0', '15.0']);
    expect(thinNote([long])).toBeNull();
  });

  it('judges each replication: the thinnest one decides', () => {
    const reps = [
      { seed: 1, mean: 1, p99: 10, completed: 200_000 },
      { seed: 2, mean: 1, p99: 10, completed: 50_000 },
    ];
    const r = mk('a', 10, { requests: { completed: 250_000, failed: 0, rejected: 0 }, replications: reps });
    expect(cells(r).slice(4, 6)).toEqual(['10.0', '15.0†']);
    expect(thinNote([r])).toContain('as few as 50');
  });
});

describe('fmtAvailability', () => {
  it('shows enough decimals to see the loss and never rounds a loss up to 100%', () => {
    expect(fmtAvailability(1)).toBe('100%');
    expect(fmtAvailability(0.9998704)).toBe('99.987%');
    expect(fmtAvailability(0.95)).toBe('95.0%');
    expect(fmtAvailability(0.995)).toBe('99.50%');
    expect(fmtAvailability(0.9999999)).toBe('99.9999%');
    expect(fmtAvailability(0.5)).toBe('50.0%');
  });
});
