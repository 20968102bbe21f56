/**
 * Counts a reader can trust: requests answered only after the measured duration count as failed
 * (timeout) and leave the percentiles; the lean engine reports the retries it sent; `retryOn`
 * decides which failures are retried, on both engines; the warnings say what the results show.
 */
import { describe, expect, it } from 'vitest';
import { runScenario } from './run.js';
import { choice, testScenario } from './test/fixture.js';
import { needsFullEngine } from './engine/full.js';

describe('the give-up bound', () => {
  it('HAProxy first without maxConn: the first backend\'s backlog is failed, not a 4-minute "completion"', () => {
    const sc = testScenario({
      durationMs: 4_000,
      warmupMs: 400,
      clients: { process: { arrival: 'poisson', rate: 3000 } },
      backends: [{ count: 4 }],
      strategies: [choice('first'), choice('round-robin')],
    });
    const res = runScenario(sc);
    const [first, rr] = res.results;
    expect(first!.overBound).toBeGreaterThan(0);
    expect(first!.requests.failed).toBeGreaterThanOrEqual(first!.overBound!);
    expect(first!.errors!.timeout).toBe(first!.requests.failed);
    expect(first!.availability).toBeLessThan(0.5);
    expect(first!.latency.max).toBeLessThanOrEqual(sc.durationMs);
    expect(rr!.overBound).toBeUndefined();
    expect(rr!.availability).toBe(1);
    const w = res.warnings.find((x) => x.startsWith('first:'));
    expect(w).toMatch(/^first: [\d,]+ of [\d,]+ measured requests \(\d+ %\) were answered only after more than 4s \(the measured duration\) and count as failed \(timeout\): b0 took \d+ % of requests at 100 % utilization; [\d,]+ req\/s completed of 3,000 offered \(balance first fills each backend up to its maxConn: set maxConn on the backends\)$/);
  });
});

describe('retries', () => {
  const base = {
    durationMs: 3_000,
    warmupMs: 300,
    clients: { process: { arrival: 'poisson' as const, rate: 3500 } },
    backends: [{ count: 4, queueLimit: 2 }],
    strategies: [choice('random')],
  };

  it('the lean engine reports the retries it sent', () => {
    const sc = testScenario({ ...base, balancer: { retries: 1 } });
    expect(needsFullEngine(sc)).toBe(false);
    const r = runScenario(sc).results[0]!;
    expect(r.retries).toBeGreaterThan(0);
    // without retries the field stays out (shipped results unchanged)
    expect(runScenario(testScenario(base)).results[0]!.retries).toBeUndefined();
  });

  it('retryOn: a full backend\'s 503 is retried only when 503 (or 5xx) is listed', () => {
    const run = (retryOn?: (string | number)[]) =>
      runScenario(testScenario({ ...base, balancer: { retries: 1, ...(retryOn ? { retryOn: retryOn as never } : {}) } })).results[0]!;
    const all = run();
    const only503 = run([503]);
    const timeoutOnly = run(['timeout']);
    expect(all.retries).toBeGreaterThan(0);
    expect(only503.retries).toBe(all.retries);
    expect(run(['5xx']).retries).toBe(all.retries);
    expect(timeoutOnly.retries).toBe(0);
    expect(timeoutOnly.requests.rejected).toBeGreaterThan(all.requests.rejected);
  });

  it('retryOn on the full engine: an errors fault answering 500 is retried on 500, not on [502, connect]', () => {
    const mk = (retryOn: (string | number)[]) =>
      testScenario({
        durationMs: 3_000,
        warmupMs: 300,
        clients: { process: { arrival: 'poisson', rate: 500 } },
        backends: [{ count: 3 }],
        strategies: [choice('round-robin')],
        balancer: { retries: 1, retryOn: retryOn as never },
        faults: [{ kind: 'errors', backends: ['b0'], atMs: 0, durationMs: null, fraction: 1, status: 500, latency: 0.1 }],
      });
    expect(needsFullEngine(mk([500]))).toBe(true);
    const on500 = runScenario(mk([500])).results[0]!;
    const on502 = runScenario(mk([502, 'connect'])).results[0]!;
    expect(on500.retries).toBeGreaterThan(0);
    expect(on500.errors!.http5xx).toBe(0);
    expect(on502.retries).toBe(0);
    expect(on502.errors!.http5xx).toBeGreaterThan(0);
  });
});

describe('the overload warning says what happened', () => {
  it('backends saturated and queued', () => {
    const sc = testScenario({ durationMs: 3_000, warmupMs: 300, clients: { process: { arrival: 'poisson', rate: 4600 } }, backends: [{ count: 4 }], strategies: [choice('p2c')] });
    expect(runScenario(sc).warnings[0]).toMatch(/exceeds capacity 4,000 req\/s \(load factor 1\.15\): p2c ran backends at ≥ 95 % utilization and queued the excess/);
  });

  it('backends saturated and shed load as 5xx', () => {
    const sc = testScenario({ durationMs: 3_000, warmupMs: 300, clients: { process: { arrival: 'poisson', rate: 4600 } }, backends: [{ count: 4, queueLimit: 5 }], strategies: [choice('p2c'), choice('random')] });
    // p2c keeps every backend busy and sheds the rest as full queues' 503s; random leaves some idle
    expect(runScenario(sc).warnings[0]).toMatch(
      /: p2c ran backends at ≥ 95 % utilization and lost \d+ % of requests \(mostly answered 5xx\); queues did not grow for random: \d+ % of requests were lost instead \(mostly answered 5xx\), with backends at \d+ % utilization on average$/,
    );
  });

  it('round-robin onto short backend queues with passive health: requests lost while backends had spare time, no "queues grow"', () => {
    const sc = testScenario({
      durationMs: 3_000,
      warmupMs: 300,
      clients: { process: { arrival: 'poisson', rate: 4600 } },
      backends: [{ count: 4, queueLimit: 3 }],
      strategies: [choice('round-robin')],
      balancer: { passive: { maxFails: 1, failTimeoutMs: 2_000 }, panicThreshold: 0 },
    });
    const res = runScenario(sc);
    const util = Math.max(...res.results[0]!.backends.map((b) => b.utilization));
    expect(util).toBeLessThan(0.95);
    expect(res.warnings[0]).toMatch(/: queues did not grow for round-robin: \d+ % of requests were lost instead \(mostly answered 5xx\), with backends at \d+ % utilization on average$/);
    expect(res.warnings[0]).not.toMatch(/without bound/);
  });
});
