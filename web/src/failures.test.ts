import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  autoscaleSentence,
  availabilitySentence,
  cacheBars,
  cacheSentence,
  detectionBars,
  detectionSentence,
  errorBreakdown,
  errorStacks,
  errorTotal,
  extremes,
  failureSentences,
  faultBands,
  faultList,
  hasCache,
  hasDetection,
  hasErrors,
  hasFailures,
  hasHealth,
  healthLines,
  retrySentence,
} from './failures.js';
import { fmtAvailability } from './format.js';
import { sortRows, tableColumns, tableRows, verdict } from './transforms.js';
import type { DetectionResult, ErrorCounts, ResultsFile, StrategyResult } from './types.js';

const NO_ERRORS: ErrorCounts = { refused: 0, timeout: 0, http5xx: 0, reset: 0, rateLimited: 0, unavailable: 0 };

/** A strategy result with two backends and two windows; `extra` sets the optional fields. */
function mk(strategy: string, extra: Partial<StrategyResult> = {}): StrategyResult {
  return {
    strategy,
    name: strategy,
    options: {},
    latency: { mean: 2, p50: 1, p90: 4, p99: 10, p999: 15, max: 20 },
    ci95: { mean: null, p99: null },
    requests: { completed: 1000, failed: 0, rejected: 0 },
    throughput: 100,
    fairness: 1,
    backends: [
      { id: 'b0', requests: 500, share: 0.5, idealShare: 0.5, utilization: 0.5, meanQueue: 0 },
      { id: 'b1', requests: 500, share: 0.5, idealShare: 0.5, utilization: 0.5, meanQueue: 0 },
    ],
    timeseries: { interval: 1, t: [1, 2], throughput: [100, 100], p50: [1, 1], p99: [10, 10], utilization: [[0.5, 0.5], [0.5, 0.5]], inflight: [[1, 1], [1, 1]] },
    cdf: { p: [0, 1], x: [0, 20] },
    ...extra,
  };
}

/** A result that lost `lost` of 1000 measured requests in the given kinds. */
function lossy(strategy: string, errors: Partial<ErrorCounts>, extra: Partial<StrategyResult> = {}): StrategyResult {
  const e = { ...NO_ERRORS, ...errors };
  const lost = e.refused + e.timeout + e.http5xx + e.reset + e.rateLimited + e.unavailable;
  return mk(strategy, {
    requests: { completed: 1000 - lost, failed: lost - e.rateLimited - e.unavailable, rejected: e.rateLimited + e.unavailable },
    availability: (1000 - lost) / 1000,
    errors: e,
    retries: 0,
    ...extra,
  });
}

function detection(d: Partial<DetectionResult>): DetectionResult {
  return { faults: 1, detected: 1, meanDetectMs: 0, maxDetectMs: 0, meanRecoverMs: null, maxRecoverMs: null, events: [], ...d };
}

describe('which failure figures a run has', () => {
  const calm = mk('calm', { availability: 1, errors: NO_ERRORS, retries: 0 });
  it('finds nothing in a calm run, nor in results without the optional fields', () => {
    expect(hasFailures([calm, mk('plain')])).toBe(false);
    expect(hasErrors([calm])).toBe(false);
    expect(hasDetection([calm])).toBe(false);
    expect(hasCache([calm])).toBe(false);
    expect(hasHealth(calm)).toBe(false);
    expect(failureSentences([calm, mk('plain')])).toEqual([]);
  });
  it('shows failures for lost requests, retries alone, or fault windows alone', () => {
    expect(hasFailures([calm, lossy('a', { timeout: 1 })])).toBe(true);
    expect(hasFailures([mk('a', { availability: 1, errors: NO_ERRORS, retries: 3 })])).toBe(true);
    expect(hasFailures([mk('a', { availability: 1, detection: detection({}) })])).toBe(true);
    expect(hasDetection([mk('a', { detection: detection({ faults: 0, detected: 0 }) })])).toBe(false);
  });
  it('has the health series only when backends, healthy and up are all there', () => {
    const ts = { ...calm.timeseries, backends: [2, 2], healthy: [2, 1], up: [2, 1] };
    expect(hasHealth(mk('a', { timeseries: ts }))).toBe(true);
    expect(hasHealth(mk('a', { timeseries: { ...ts, up: undefined } }))).toBe(false);
    expect(hasHealth(undefined)).toBe(false);
  });
});

describe('errors by kind', () => {
  const a = lossy('a', { refused: 3, reset: 2 });
  const b = lossy('b', { timeout: 7 });
  it('totals the kinds', () => {
    expect(errorTotal(a)).toBe(5);
    expect(errorTotal(mk('none'))).toBe(0);
  });
  it('stacks only the kinds some strategy has, one value per strategy', () => {
    expect(errorStacks([a, b])).toEqual({
      strategies: ['a', 'b'],
      kinds: [
        { key: 'refused', label: 'connection refused', values: [3, 0] },
        { key: 'timeout', label: 'timeout', values: [0, 7] },
        { key: 'reset', label: 'connection reset', values: [2, 0] },
      ],
    });
    expect(errorStacks([mk('none')]).kinds).toEqual([]);
  });
  it('puts the kinds in words', () => {
    expect(errorBreakdown(a)).toBe('3 refused, 2 reset');
    expect(errorBreakdown(lossy('c', { http5xx: 21, rateLimited: 4, unavailable: 1 }))).toBe(
      '21 answered 5xx, 4 rate-limited, 1 refused by the balancer',
    );
    expect(errorBreakdown(mk('none'))).toBe('');
  });
});

describe('health and fault windows over time', () => {
  const ts = { ...mk('x').timeseries, t: [1, 2, 3], backends: [6, 6, 6], healthy: [6, 5, 6], up: [6, 5, 5], errors: [0, 4, 0] };
  const events = [
    { backend: 'web-2', kind: 'crash', start: 1.5, end: 2.5, detectMs: 0, recoverMs: 1485 },
    { backend: 'web-0', kind: 'hang', start: 2, end: null, detectMs: null, recoverMs: null },
  ];
  const r = mk('x', { timeseries: ts, detection: detection({ faults: 2, events }) });
  it('gives the three counts and failures per second as points over window ends', () => {
    expect(healthLines(r)).toEqual({
      backends: [{ x: 1, y: 6 }, { x: 2, y: 6 }, { x: 3, y: 6 }],
      healthy: [{ x: 1, y: 6 }, { x: 2, y: 5 }, { x: 3, y: 6 }],
      up: [{ x: 1, y: 6 }, { x: 2, y: 5 }, { x: 3, y: 5 }],
      errors: [{ x: 1, y: 0 }, { x: 2, y: 4 }, { x: 3, y: 0 }],
    });
    expect(healthLines(mk('plain'))).toBeNull();
  });
  it('shades each window; one still open ends at the last window end', () => {
    expect(faultBands(r)).toEqual([
      { from: 1.5, to: 2.5, label: 'web-2 crash' },
      { from: 2, to: 3, label: 'web-0 hang' },
    ]);
    expect(faultBands(mk('plain'))).toEqual([]);
  });
  it('lists the windows for the caption, with a count of the rest', () => {
    expect(faultList(r)).toBe('web-2 crash 1.5–2.5 s, web-0 hang 2–end s');
    expect(faultList(r, 1)).toBe('web-2 crash 1.5–2.5 s, 1 more');
    expect(faultList(undefined)).toBe('');
  });
});

describe('detection bars', () => {
  it('gives mean and largest time to detect and to recover (ms), null where not measured', () => {
    const r = mk('a', { detection: detection({ meanDetectMs: 8.1, maxDetectMs: 9, meanRecoverMs: null, maxRecoverMs: null }) });
    expect(detectionBars(r)).toEqual({ detect: [8.1, 9], recover: [null, null] });
    expect(detectionBars(mk('b'))).toBeNull();
    expect(detectionBars(mk('c', { detection: detection({ faults: 0 }) }))).toBeNull();
  });
});

describe('cache bars', () => {
  it('gives the overall then per-backend hit ratio in percent per strategy with a cache', () => {
    const withCache = (s: string, all: number, per: number[]): StrategyResult => {
      const base = mk(s, { cache: { hitRatio: all, hits: all * 100, misses: (1 - all) * 100 } });
      return { ...base, backends: base.backends.map((b, i) => ({ ...b, cacheHitRatio: per[i] })) };
    };
    const out = cacheBars([withCache('rr', 0.5, [0.25, 0.75]), mk('no-cache'), withCache('ch', 0.75, [0.5, 1])]);
    expect(out).toEqual({
      categories: ['all backends', 'b0', 'b1'],
      strategies: ['rr', 'ch'],
      values: [
        [50, 25, 75],
        [75, 50, 100],
      ],
    });
  });
});

describe('extremes', () => {
  it('finds the lowest and highest value, first wins ties, skipping missing values', () => {
    const rs = [mk('a', { retries: 2 }), mk('b'), mk('c', { retries: 5 }), mk('d', { retries: 2 })];
    const ex = extremes(rs, (r) => r.retries);
    expect([ex?.lo.r.strategy, ex?.lo.v, ex?.hi.r.strategy, ex?.hi.v]).toEqual(['a', 2, 'c', 5]);
    expect(extremes([mk('b')], (r) => r.retries)).toBeNull();
  });
});

describe('verdict sentences on failures', () => {
  it('names the lowest and highest availability with what was lost', () => {
    const rr = lossy('round-robin', { refused: 40, timeout: 20 });
    const lc = lossy('least-connections', { reset: 1 });
    expect(availabilitySentence([rr, lc])).toBe(
      'Lowest availability: round-robin, 94.0 % (60 of 1000 measured requests lost: 40 refused, 20 timed out); ' +
        'highest: least-connections, 99.90 %.',
    );
    expect(availabilitySentence([rr])).toBe('Availability of round-robin: 94.0 % (60 of 1000 measured requests lost: 40 refused, 20 timed out).');
    expect(availabilitySentence([lossy('a', { http5xx: 1 }), lossy('b', { http5xx: 1 })])).toBe(
      'Every strategy has availability 99.90 % (a: 1 of 1000 measured requests lost: 1 answered 5xx).',
    );
  });
  it('says every request completed when retries or failure windows were all that happened', () => {
    const a = mk('a', { availability: 1, errors: NO_ERRORS, retries: 1 });
    const b = mk('b', { availability: 1, errors: NO_ERRORS, retries: 2, retriesDenied: 3 });
    expect(availabilitySentence([a, b])).toBe('Every strategy completed every measured request (availability 100 %).');
    expect(retrySentence([a, b])).toBe('Retries: most sent by b (2, 3 more denied by the retry budget), fewest by a (1).');
    expect(retrySentence([b, { ...b, strategy: 'c' }])).toBe('Retries: every strategy sent 2 retries, 3 more denied by the retry budget.');
    expect(retrySentence([mk('x', { retries: 0, hedges: 5 }), mk('y', { retries: 0, hedges: 2 })])).toBe(
      'Retries: most hedged copies sent by x (5).',
    );
    expect(retrySentence([mk('x', { retries: 0 })])).toBeNull();
  });
  it('gives the range of mean time to detect and to recover', () => {
    const a = mk('a', { detection: detection({ meanDetectMs: 6.39, meanRecoverMs: 1485 }) });
    const b = mk('b', { detection: detection({ meanDetectMs: 11.7, meanRecoverMs: 2751 }) });
    expect(detectionSentence([a, b])).toBe(
      'Failure detection: every strategy detected all 1 failure window; mean time to detect from 6.39 ms (a) to 11.7 ms (b); ' +
        'mean time to recover from 1485 ms (a) to 2751 ms (b).',
    );
    const c = mk('c', { detection: detection({ faults: 3, detected: 3, meanDetectMs: 0 }) });
    expect(detectionSentence([c, { ...c, strategy: 'd' }])).toBe(
      'Failure detection: every strategy detected all 3 failure windows; mean time to detect 0.00 ms under every strategy; no recovery measured.',
    );
    const missed = mk('e', { detection: detection({ faults: 2, detected: 1, meanDetectMs: 30 }) });
    expect(detectionSentence([missed])).toBe(
      'Failure detection: missed windows under e (1 of 2 detected); mean time to detect 30.0 ms; no recovery measured.',
    );
    expect(detectionSentence([mk('plain')])).toBeNull();
  });
  it('names the highest and lowest cache hit ratio', () => {
    const cache = (s: string, h: number): StrategyResult => mk(s, { cache: { hitRatio: h, hits: h * 10, misses: (1 - h) * 10 } });
    expect(cacheSentence([cache('round-robin', 0.5306), cache('consistent-hash', 0.7432)])).toBe(
      'Highest cache hit ratio: consistent-hash, 74.3 %; lowest: round-robin, 53.1 %.',
    );
    expect(cacheSentence([cache('a', 0.5)])).toBe('Cache hit ratio of a: 50.0 %.');
    expect(cacheSentence([mk('plain')])).toBeNull();
  });
  it('describes autoscaling by the mean number of backends', () => {
    const as = (s: string, mean: number, outs: number) =>
      mk(s, { autoscale: { scaleOuts: outs, scaleIns: 1, minBackends: 2, maxBackends: 11, meanBackends: mean, actions: [] } });
    expect(autoscaleSentence([as('rr', 5.82, 6), as('p2c', 5.2, 5)])).toBe(
      'Autoscaling used the fewest backends under p2c (mean 5.2 backends (2 to 11), 5 scale-outs, 1 scale-in) ' +
        'and the most under rr (mean 5.8 backends (2 to 11), 6 scale-outs, 1 scale-in).',
    );
    expect(autoscaleSentence([as('rr', 5.82, 1)])).toBe('Autoscaling under rr: mean 5.8 backends (2 to 11), 1 scale-out, 1 scale-in.');
  });
  it('replace the lost-requests sentence in the verdict when availability is known', () => {
    const rr = lossy('round-robin', { refused: 40 });
    const lc = lossy('least-connections', { reset: 1 });
    const v = verdict([rr, lc]);
    expect(v.some((s) => s.startsWith('Most requests lost'))).toBe(false);
    expect(v).toContain('Lowest availability: round-robin, 96.0 % (40 of 1000 measured requests lost: 40 refused); highest: least-connections, 99.90 %.');
    // Without availability the old sentence stays.
    const old = verdict([mk('a', { requests: { completed: 10, failed: 2, rejected: 1 } }), mk('b')]);
    expect(old).toContain('Most requests lost: a, 2 failed and 1 rejected.');
  });
});

describe('fmtAvailability', () => {
  it('shows enough decimals to see the loss, rounding down so a loss never reads 100 %', () => {
    expect(fmtAvailability(1)).toBe('100 %');
    expect(fmtAvailability(0.9998704)).toBe('99.987 %');
    expect(fmtAvailability(0.9998612710347794)).toBe('99.986 %');
    expect(fmtAvailability(0.95)).toBe('95.0 %');
    expect(fmtAvailability(0.999)).toBe('99.90 %');
    expect(fmtAvailability(0.9999999)).toBe('99.9999 %');
  });
});

describe('table columns for failures and caches', () => {
  it('adds availability and retries with failures, cache hit with caches, nothing for a calm run', () => {
    const keys = (rs: StrategyResult[]) => tableColumns(rs).map((c) => c.key).slice(11);
    expect(keys([mk('a', { availability: 1, errors: NO_ERRORS, retries: 0 })])).toEqual([]);
    expect(keys([lossy('a', { timeout: 1 })])).toEqual(['availability', 'retries']);
    expect(keys([mk('a', { cache: { hitRatio: 0.5, hits: 1, misses: 1 } })])).toEqual(['cacheHitRatio']);
  });
  it('puts the figures in the rows and sorts rows without a value last', () => {
    const rows = tableRows([
      mk('none'),
      mk('low', { cache: { hitRatio: 0.5, hits: 5, misses: 5 }, availability: 0.9, retries: 4, retriesDenied: 1 }),
      mk('high', { cache: { hitRatio: 0.8, hits: 8, misses: 2 } }),
    ]);
    expect(rows[1]).toMatchObject({ availability: 0.9, retries: 4, retriesDenied: 1, cacheHitRatio: 0.5 });
    expect(sortRows(rows, 'cacheHitRatio', 'desc').map((r) => r.strategy)).toEqual(['high', 'low', 'none']);
    expect(sortRows(rows, 'cacheHitRatio', 'asc').map((r) => r.strategy)).toEqual(['low', 'high', 'none']);
  });
});

describe('the committed failures fixture', () => {
  const files = JSON.parse(readFileSync(new URL('../test/fixture-failures.json', import.meta.url), 'utf8')) as ResultsFile[];
  it('has a crash run, a fast-errors run and a cache run with the optional figures', () => {
    expect(files.map((f) => String(f.scenario['name']))).toEqual(['backend-crash', 'fast-errors-ejected', 'cache-affinity']);
    const [crash, errors, cache] = files as [ResultsFile, ResultsFile, ResultsFile];
    expect(hasFailures(crash.results) && hasDetection(crash.results) && !hasErrors(crash.results)).toBe(true);
    expect(crash.results.every((r) => hasHealth(r))).toBe(true);
    expect(hasErrors(errors.results)).toBe(true);
    expect(hasCache(cache.results) && !hasFailures(cache.results)).toBe(true);
  });
});

describe('lost requests averaged over replications', () => {
  it('keeps the fraction of a mean count, so a loss below 100 % never reads as 0 lost', () => {
    const r = mk('p2c', {
      requests: { completed: 29439.2, failed: 0.2, rejected: 0 },
      availability: 0.999993,
      errors: { ...NO_ERRORS, timeout: 0.2 },
      retries: 0,
    });
    expect(availabilitySentence([r])).toBe(
      'Availability of p2c: 99.9993 % (0.2 of 29439.4 measured requests lost per replication, on average: 0.2 timed out).',
    );
  });
});
