/**
 * The full engine: every fault kind shows up in the results as specified, the core's health
 * mechanisms act in simulated time (health checks within fall × interval + timeout, outlier
 * ejection of a fast-failing backend), retries avoid the backends already tried, the retry budget
 * and hedging hold their contracts, K balancers keep independent state, the autoscaler stays in
 * its bounds, leases always return to zero, runs are deterministic — and without any of these
 * features the full engine gives exactly the lean engine's output. Fixed seeds; tolerances stated.
 */
import { describe, expect, it, vi } from 'vitest';
import { Balancer } from '../../core/balancer/index.js';
import { Simulation } from './lean.js';
import { FullSimulation, needsFullEngine, type AttemptTrace } from './full.js';
import { runScenario } from '../run.js';
import type { Fault, Scenario } from '../../scenario/types.js';
import { choice, testScenario, type ScenarioPatch } from '../test/fixture.js';
import { WorkloadModel } from '../model/workload.js';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../../scenario/index.js';

/** Four `web` backends (1 worker, exponential 1 ms), Poisson 2000/s, 1 s warm-up, 10 s measured, 1 s slices. */
function fleet(patch: ScenarioPatch = {}): Scenario {
  return testScenario({
    durationMs: 10_000,
    warmupMs: 1_000,
    intervalMs: 1_000,
    clients: { process: { arrival: 'poisson', rate: 2000 } },
    backends: [{ name: 'web', count: 4, workers: 1, service: { dist: 'exponential', mean: 1 } }],
    ...patch,
  });
}

/** The ids of the four `web` backends. */
const WEB = ['web-0', 'web-1', 'web-2', 'web-3'];

const crash = (at: number, duration: number | null, backends = ['web-0']): Fault => ({
  kind: 'crash',
  backends,
  atMs: at,
  durationMs: duration,
  mtbfMs: null,
  mttrMs: null,
});

/** Runs one strategy on the full engine; returns the simulation (for its balancers) and its output. */
function full(sc: Scenario, strategy = 'round-robin', seed = 1, trace?: (t: AttemptTrace) => void) {
  const sim = new FullSimulation(new WorkloadModel(sc), choice(strategy), seed, { trace });
  const out = sim.run();
  const s = out.summary;
  return { sim, out, d: { ...s.dynamics!, errors: s.errors!, availability: s.availability! } };
}

const share = (out: ReturnType<typeof full>['out'], id: string): number => out.summary.backends.find((b) => b.id === id)!.share;

describe('faults observed in the results', () => {
  it('crash: attempts to the crashed backend are refused (status 0 / connect) and its work in flight is reset', () => {
    // no health mechanism, no retry: a quarter of the requests during the 3 s crash fail
    const { d, out } = full(fleet({ faults: [crash(4_000, 3_000)] }));
    const expected = 2000 * 3 * 0.25;
    expect(Math.abs(d.errors.refused - expected) / expected).toBeLessThan(0.1);
    expect(d.errors.reset).toBeGreaterThan(0); // the crash found requests in service
    expect(d.errors.timeout + d.errors.http5xx).toBe(0);
    expect(out.summary.requests.failed).toBe(d.errors.refused + d.errors.reset);
    expect(d.availability).toBeCloseTo(out.summary.requests.completed / out.counters.measuredArrivals, 12);
    expect(d.lostInFailover).toBe(d.errors.refused + d.errors.reset);
    // the backend is down for three 1 s slices (t = 3…6 s after warm-up): web-0 utilization there is 0
    const u = out.summary.timeseries.utilization[0]!;
    expect(u.slice(3, 6)).toEqual([0, 0, 0]);
    // sampled at each slice's end: down at 4, 5 and 6 s (abs), up again at 7 s
    expect(d.series!.up).toEqual([4, 4, 3, 3, 3, 4, 4, 4, 4, 4]);
  });

  it('hang: accepted and never answered, so per-attempt timeouts (50 ms) fire; without a timeout its end resets them', () => {
    const hang: Fault = { kind: 'hang', backends: ['web-1'], atMs: 4_000, durationMs: 2_000, mtbfMs: null, mttrMs: null };
    const withTimeout = full(fleet({ faults: [hang], balancer: { timeoutMs: 50 } })).d;
    const expected = 2000 * 2 * 0.25;
    expect(Math.abs(withTimeout.errors.timeout - expected) / expected).toBeLessThan(0.1);
    expect(withTimeout.errors.refused).toBe(0);
    const noTimeout = full(fleet({ faults: [hang] })).d;
    expect(noTimeout.errors.timeout).toBe(0);
    expect(Math.abs(noTimeout.errors.reset - expected) / expected).toBeLessThan(0.1);
  });

  it('slow ×5 on one backend for 4 s: its utilization in that window is far above the others and p99 rises', () => {
    const slow: Fault = { kind: 'slow', backends: ['web-2'], atMs: 4_000, durationMs: 4_000, factor: 5 };
    const base = full(fleet()).out.summary;
    const { out } = full(fleet({ faults: [slow], clients: { process: { arrival: 'poisson', rate: 600 } } }));
    const u = out.summary.timeseries.utilization;
    const inWindow = (b: number) => u[b]!.slice(4, 7).reduce((s, x) => s + x, 0) / 3;
    // round robin sends it 150/s; at 1/5 speed that is 75 % busy, against 15 % for the others
    expect(inWindow(2)).toBeGreaterThan(0.6);
    expect(inWindow(0)).toBeLessThan(0.25);
    expect(u[2]![1]!).toBeLessThan(0.25); // before the window it is like the others
    expect(out.summary.latency.p99).toBeGreaterThan(base.latency.p99);
  });

  it('errors: half the answers of one backend are fast 500s (0.1 × service); they count as 5xx failures', () => {
    const errors: Fault = { kind: 'errors', backends: ['web-3'], atMs: 0, durationMs: null, fraction: 0.5, status: 500, latency: 0.1 };
    const { d, out } = full(fleet({ faults: [errors] }));
    const expected = out.summary.backends[3]!.requests * 0.5;
    expect(Math.abs(d.errors.http5xx - expected) / expected).toBeLessThan(0.05);
    expect(out.summary.requests.failed).toBe(d.errors.http5xx);
    expect(out.summary.requests.rejected).toBe(0);
    // fast: the failed half hardly loads the backend (≈ 0.5 + 0.05 of the others' work)
    const util = out.summary.backends.map((b) => b.utilization);
    expect(util[3]! / util[0]!).toBeGreaterThan(0.45);
    expect(util[3]! / util[0]!).toBeLessThan(0.65);
  });

  it('pause: 200 ms stop-the-world every 2 s shows as a latency tail up to the pause length', () => {
    const pause: Fault = { kind: 'pause', backends: WEB, atMs: 0, durationMs: null, everyMs: 2_000, lengthMs: 200 };
    const { out, d } = full(fleet({ faults: [pause] }));
    const lat = out.summary.latency;
    expect(lat.max).toBeGreaterThan(150);
    expect(lat.max).toBeLessThan(260);
    expect(lat.p99).toBeGreaterThan(50); // ≈ 10 % of requests meet a pause
    expect(d.errors.timeout + d.errors.refused + d.errors.reset).toBe(0);
    expect(out.summary.requests.completed).toBe(out.counters.measuredArrivals);
  });

  it('flap: down 500 ms / up 1500 ms, repeated: refused connections in bursts and the `up` series dips', () => {
    const flap: Fault = { kind: 'flap', backends: ['web-0'], atMs: 2_000, durationMs: null, upMs: 1_500, downMs: 500 };
    const { d } = full(fleet({ faults: [flap] }));
    // down 25 % of the measured time (from t=2 s to 11 s: 5 windows, the last cut at 11 s), a quarter of the traffic
    const expected = 2000 * 0.25 * 2.5;
    expect(Math.abs(d.errors.refused - expected) / expected).toBeLessThan(0.15);
    expect(d.detection!.faults).toBe(5);
    expect(Math.min(...d.series!.up)).toBe(3);
    expect(Math.max(...d.series!.up)).toBe(4);
  });

  it('random crashes (mtbf 2 s, mttr 300 ms) happen at the same times for every strategy', () => {
    const f: Fault = { kind: 'crash', backends: ['web-0', 'web-1'], atMs: 0, durationMs: null, mtbfMs: 2_000, mttrMs: 300 };
    const a = full(fleet({ faults: [f] }), 'round-robin').d.detection!.events.map((e) => [e.backend, e.start, e.end]);
    const b = full(fleet({ faults: [f] }), 'p2c').d.detection!.events.map((e) => [e.backend, e.start, e.end]);
    expect(a.length).toBeGreaterThan(4);
    expect(b).toEqual(a);
  });
});

describe("the core's mechanisms in simulated time", () => {
  const hc = { intervalMs: 500, timeoutMs: 200, rise: 2, fall: 3, costMs: 0.1 };

  it.each(['crash', 'hang'] as const)('active health checks detect a %s within fall × interval + timeout (1.7 s)', (kind) => {
    const f: Fault =
      kind === 'crash' ? crash(3_000, 4_000) : { kind: 'hang', backends: ['web-0'], atMs: 3_000, durationMs: 4_000, mtbfMs: null, mttrMs: null };
    const { d } = full(fleet({ faults: [f], balancer: { passive: false, timeoutMs: 100, retries: 1, healthCheck: hc } }), 'p2c');
    const det = d.detection!;
    expect(det.faults).toBe(1);
    expect(det.detected).toBe(1);
    expect(det.maxDetectMs!).toBeGreaterThan(2 * hc.intervalMs); // it takes `fall` failed probes…
    expect(det.maxDetectMs!).toBeLessThanOrEqual(hc.fall * hc.intervalMs + hc.timeoutMs);
    // …and `rise` passed probes to come back, after which it answers again
    expect(det.meanRecoverMs!).toBeGreaterThan(0);
    expect(det.meanRecoverMs!).toBeLessThanOrEqual(hc.rise * hc.intervalMs + 50);
    expect(d.series!.healthy.slice(4, 6)).toEqual([3, 3]);
  });

  it('probes cost their backend work: 0.1 ms every 500 ms from 2 balancers adds 0.04 % utilization', () => {
    const idle = fleet({ clients: { process: { arrival: 'poisson', rate: 1 } }, balancers: { count: 2, spread: 'round-robin' }, balancer: { healthCheck: hc } });
    const u = full(idle).out.summary.backends.map((b) => b.utilization);
    for (const x of u) expect(x).toBeGreaterThan(0.0003);
  });

  it('outlier ejection removes a backend answering fast 500s; peak-ewma and least-time stop preferring it', () => {
    const errors: Fault = { kind: 'errors', backends: ['web-0'], atMs: 0, durationMs: null, fraction: 1, status: 500, latency: 0.1 };
    const outlier = { consecutive5xx: 5, baseEjectionMs: 60_000, maxEjectionMs: 300_000, maxEjectionPercent: 10 };
    for (const strategy of ['peak-ewma', 'least-time']) {
      const trapped = full(fleet({ faults: [errors], balancer: { passive: false } }), strategy).out;
      // without ejection the fast failures look attractive: more than its fair quarter
      expect(share(trapped, 'web-0')).toBeGreaterThan(0.3);
      const { out, d } = full(fleet({ faults: [errors], warmupMs: 1_000, balancer: { passive: false, outlier } }), strategy);
      // ejected during warm-up after 5 consecutive 500s, for 60 s: no measured request goes there
      expect(share(out, 'web-0')).toBe(0);
      expect(d.detection!.detected).toBe(1);
      expect(d.detection!.maxDetectMs!).toBeLessThan(50);
      expect(d.series!.healthy.every((h) => h === 3)).toBe(true);
      expect(d.availability).toBe(1);
    }
  });

  it('passive health (nginx max_fails 1, fail_timeout 2 s) takes a crashed backend out at its first failure', () => {
    const { d } = full(fleet({ faults: [crash(3_000, 3_000)], balancer: { passive: { maxFails: 1, failTimeoutMs: 2_000 }, retries: 1 } }));
    expect(d.detection!.maxDetectMs!).toBeLessThan(5);
    expect(d.availability).toBe(1); // every failure was retried elsewhere
    expect(d.retries).toBeGreaterThan(0);
  });

  it('panic threshold: with 3 of 4 crashed and detected, the balancer spreads over all (25 % < 50 %)', () => {
    // 600/s: web-3 alone can carry it (an overloaded web-3 would fail its own probes, queued behind requests)
    const sc = fleet({
      clients: { process: { arrival: 'poisson', rate: 600 } },
      faults: [crash(3_000, 5_000, ['web-0', 'web-1', 'web-2'])],
      balancer: { passive: false, healthCheck: hc, panicThreshold: 50 },
    });
    const { out } = full(sc);
    // in panic, round robin keeps sending 3/4 of the traffic to the crashed backends
    expect(share(out, 'web-3')).toBeLessThan(0.35);
    const noPanic = full({ ...sc, balancer: { ...sc.balancer, panicThreshold: 0 } }).out;
    expect(share(noPanic, 'web-3')).toBeGreaterThan(0.5);
  });

  it('retries never go to a backend the request already tried (crash + 5xx faults, 3 retries)', () => {
    const errors: Fault = { kind: 'errors', backends: ['web-1'], atMs: 0, durationMs: null, fraction: 0.5, status: 503, latency: 0.1 };
    for (const strategy of ['round-robin', 'p2c', 'least-connections']) {
      const tried = new Map<number, number[]>();
      let retries = 0;
      let repeated = 0;
      let misnumbered = 0;
      const { d } = full(fleet({ faults: [crash(2_000, 4_000), errors], balancer: { passive: false, retries: 3 } }), strategy, 1, (t) => {
        let seen = tried.get(t.request);
        if (seen === undefined) tried.set(t.request, (seen = []));
        if (seen.includes(t.backend)) repeated++;
        if (t.attempt !== seen.length + 1) misnumbered++;
        if (t.attempt > 1) retries++;
        seen.push(t.backend);
      });
      expect(repeated).toBe(0);
      expect(misnumbered).toBe(0);
      expect(retries).toBeGreaterThan(1000);
      expect(d.retries).toBeLessThanOrEqual(retries);
    }
  });

  it('a retry budget of 0.1 keeps retries ≤ 10 % of requests even when a quarter fail', () => {
    const sc = fleet({ faults: [crash(0, null)], balancer: { passive: false, retries: 3, retryBudget: { ratio: 0.1, burst: 10 } } });
    const { d, out } = full(sc);
    expect(d.retries).toBeLessThanOrEqual(0.1 * out.counters.arrivals);
    expect(d.retries).toBeGreaterThan(0.09 * out.counters.measuredArrivals);
    expect(d.retriesDenied).toBeGreaterThan(0);
    expect(d.errors.refused).toBeGreaterThan(0);
  });

  it('hedging: a copy after 20 ms beats GC pauses; the loser is released as cancelled exactly once', () => {
    const pause: Fault = { kind: 'pause', backends: WEB, atMs: 0, durationMs: null, everyMs: 1_000, lengthMs: 150 };
    const release = vi.spyOn(Balancer.prototype, 'release');
    const hedged = full(fleet({ faults: [pause], balancer: { hedge: { delayMs: 20 } } }));
    const cancelled = release.mock.calls.filter((c) => c[3] === 'cancelled').length;
    release.mockRestore();
    const plain = full(fleet({ faults: [pause] }));
    expect(hedged.d.hedges).toBeGreaterThan(100);
    expect(cancelled).toBeGreaterThan(0);
    expect(cancelled).toBeLessThanOrEqual(hedged.out.counters.arrivals); // at most one loser per request
    expect(hedged.out.summary.latency.p99).toBeLessThan(plain.out.summary.latency.p99 / 2);
    expect(hedged.out.summary.latency.max).toBeLessThan(60);
    expect(hedged.sim.balancers[0]!.leasesOutstanding).toBe(0);
  });
});

describe('many balancers, caches, autoscaling', () => {
  it('K balancers keep independent state: each its own rate limit, streams and counts', () => {
    const limited = fleet({
      clients: { process: { arrival: 'constant', rate: 1000 } },
      balancers: { count: 2, spread: 'round-robin' },
      balancer: { rateLimit: { rate: 100, burst: 0, nodelay: true, delay: 0, key: 'global' } },
    });
    const { sim, out } = full(limited, 'p2c');
    // each instance admits 100/s of its own half: 200/s in all
    expect(out.summary.throughput).toBeGreaterThan(195);
    expect(out.summary.throughput).toBeLessThan(205);
    const [a, b] = sim.balancers.map((lb) => lb.status().map((s) => s.requests));
    expect(a!.reduce((s, x) => s + x, 0)).toBeCloseTo(b!.reduce((s, x) => s + x, 0), -1);
    expect(a).not.toEqual(b); // different random streams
    expect(sim.balancers[0]).not.toBe(sim.balancers[1]);
  });

  it('with 200 balancers spread round robin, least-connections herds (its tie-break rotates in lockstep) and p2c does not', () => {
    const sc = fleet({
      clients: { process: { arrival: 'poisson', rate: 3200 } },
      balancers: { count: 200, spread: 'round-robin' },
      durationMs: 5_000,
    });
    const lc = full(sc, 'least-connections').out.summary.latency;
    const p2c = full(sc, 'p2c').out.summary.latency;
    expect(lc.mean).toBeGreaterThan(1.3 * p2c.mean);
  });

  it('caches: consistent hashing on zipf keys hits far more often than round robin', () => {
    const sc = fleet({
      clients: { process: { arrival: 'poisson', rate: 2000 }, keys: { count: 5000, popularity: 'zipf', exponent: 1 } },
      backends: [{ name: 'web', count: 4, workers: 1, service: { dist: 'exponential', mean: 1 }, cache: { size: 300, hitFactor: 0.1 } }],
    });
    const rr = full(sc, 'round-robin');
    const ch = full(sc, 'consistent-hash');
    expect(ch.d.cache!.hits / (ch.d.cache!.hits + ch.d.cache!.misses)).toBeGreaterThan(
      1.3 * (rr.d.cache!.hits / (rr.d.cache!.hits + rr.d.cache!.misses)),
    );
    // hits are cheap: less work for the same requests
    const work = (x: typeof rr) => x.out.summary.backends.reduce((s, b) => s + b.utilization, 0);
    expect(work(ch)).toBeLessThan(work(rr));
    const res = runScenario({ ...sc, strategies: [choice('consistent-hash')] }).results[0]!;
    expect(res.cache!.hitRatio).toBeGreaterThan(0.5);
    expect(res.backends[0]!.cacheHitRatio).toBeGreaterThan(0.3);
  });

  it('the autoscaler stays within [min, max], waits out its cooldown, joins through slow start and drains before removing', () => {
    const sc = fleet({
      durationMs: 40_000,
      warmupMs: 0,
      clients: {
        process: {
          arrival: 'schedule',
          steps: [
            { atMs: 0, rate: 800, ramp: false },
            { atMs: 15_000, rate: 4000, ramp: true },
            { atMs: 25_000, rate: 400, ramp: false },
          ],
        },
      },
      backends: [{ name: 'web', count: 2, workers: 1, service: { dist: 'exponential', mean: 1 } }],
      balancer: { slowStart: { windowMs: 3_000, minWeightPercent: 10, aggression: 1 } },
      autoscale: { group: 0, min: 2, max: 6, target: 0.5, windowMs: 3_000, intervalMs: 1_000, cooldownMs: 4_000, provisioningDelayMs: 2_000, tolerance: 0.1 },
    });
    const { d, sim, out } = full(sc, 'p2c');
    const a = d.autoscale!;
    expect(a.scaleOuts).toBeGreaterThan(0);
    expect(a.scaleIns).toBeGreaterThan(0);
    expect(a.maxBackends).toBe(6);
    for (const x of d.series!.backends) {
      expect(x).toBeGreaterThanOrEqual(2);
      expect(x).toBeLessThanOrEqual(6);
    }
    for (let k = 1; k < a.actions.length; k++) expect(a.actions[k]!.t - a.actions[k - 1]!.t).toBeGreaterThanOrEqual(4 - 1e-9);
    for (const x of a.actions) {
      expect(x.to).toBeGreaterThanOrEqual(2);
      expect(x.to).toBeLessThanOrEqual(6);
    }
    // backends were added (web-2 …) and some taken out after draining
    const status = sim.balancers[0]!.status();
    expect(status.length).toBeGreaterThan(2);
    expect(status.some((s) => s.state === 'removed')).toBe(true);
    expect(out.summary.backends.map((b) => b.id)).toContain('web-2');
    // web-2 joined with slow start: its first full slice is lighter than two slices later
    const u = out.summary.timeseries.utilization[2]!;
    const first = u.findIndex((x) => x > 0);
    expect(u[first + 1]!).toBeLessThan(u[first + 3]!);
    expect(d.availability).toBe(1);
  });
});

describe('contracts', () => {
  const all: Fault[] = [
    crash(3_000, 1_000),
    { kind: 'hang', backends: ['web-1'], atMs: 5_000, durationMs: 1_000, mtbfMs: null, mttrMs: null },
    { kind: 'slow', backends: ['web-2'], atMs: 2_000, durationMs: 3_000, factor: 3 },
    { kind: 'errors', backends: ['web-3'], atMs: 6_000, durationMs: 2_000, fraction: 0.3, status: 502, latency: 0.1 },
    { kind: 'pause', backends: WEB, atMs: 0, durationMs: null, everyMs: 1_500, lengthMs: 80 },
    { kind: 'flap', backends: ['web-2'], atMs: 8_000, durationMs: null, upMs: 700, downMs: 300 },
    { kind: 'crash', backends: ['web-3'], atMs: 0, durationMs: null, mtbfMs: 3_000, mttrMs: 200 },
  ];

  it.each(all.map((f) => [f.kind, f] as const))('leases return to zero with a %s fault, with retries, timeouts and hedging', (_k, f) => {
    for (const hedge of [undefined, { delayMs: 5 }]) {
      const sc = fleet({ faults: [f], balancer: { retries: 2, timeoutMs: 40, hedge, passive: { maxFails: 2, failTimeoutMs: 1_000 } } });
      const { sim, out } = full(sc, 'least-connections');
      for (const lb of sim.balancers) expect(lb.leasesOutstanding).toBe(0);
      const r = out.summary.requests;
      expect(r.completed + r.failed + r.rejected).toBe(out.counters.measuredArrivals);
    }
  });

  it('determinism with faults: the same seed gives byte-identical JSON, another seed differs', () => {
    const sc: Scenario = {
      ...fleet({
        faults: all,
        balancers: { count: 3, spread: 'random' },
        balancer: {
          retries: 1,
          timeoutMs: 50,
          hedge: { delayMs: 10 },
          retryBudget: { ratio: 0.2, burst: 10 },
          healthCheck: { intervalMs: 300, timeoutMs: 100, rise: 2, fall: 2, costMs: 0.1 },
          outlier: { consecutive5xx: 5, baseEjectionMs: 2_000, maxEjectionMs: 10_000, maxEjectionPercent: 50 },
        },
        backends: [{ name: 'web', count: 4, workers: 2, service: { dist: 'exponential', mean: 2 }, cache: { size: 50, hitFactor: 0.5 } }],
        autoscale: { group: 0, min: 3, max: 6, target: 0.4, windowMs: 2_000, intervalMs: 500, cooldownMs: 2_000, provisioningDelayMs: 1_000, tolerance: 0.1 },
        replications: 2,
      }),
      strategies: [choice('p2c'), choice('peak-ewma'), choice('consistent-hash')],
    };
    expect(needsFullEngine(sc)).toBe(true);
    const a = JSON.stringify(runScenario(sc));
    expect(JSON.stringify(runScenario(sc))).toBe(a);
    expect(JSON.stringify(runScenario({ ...sc, seed: 2 }))).not.toBe(a);
    const res = runScenario(sc).results[0]!;
    expect(res.availability).toBeGreaterThan(0.5);
    expect(res.timeseries.backends).toHaveLength(10);
    expect(res.detection!.faults).toBeGreaterThan(3);
  });

  it.each<[string, ScenarioPatch]>([
    ['plain', {}],
    ['retries, timeouts and backend queue limits', { balancer: { retries: 2, timeoutMs: 4 }, backends: [{ count: 3, queueLimit: 2 }] }],
    [
      'maxConn with a balancer queue, rate limit, passive health, PS and network',
      {
        backends: [{ count: 3, maxConn: 2, discipline: 'ps', workers: 2 }],
        balancer: {
          queue: { maxQueue: 50, timeoutMs: 20 },
          rateLimit: { rate: 1800, burst: 20, nodelay: false, delay: 5, key: 'global' },
          passive: { maxFails: 1, failTimeoutMs: 500 },
          network: { dist: 'exponential', mean: 0.2 },
          timeoutMs: 30,
          retries: 1,
        },
      },
    ],
    ['a closed loop with slow start', { clients: { process: { arrival: 'closed', users: 50, think: { dist: 'exponential', mean: 20 } } }, balancer: { slowStart: { windowMs: 2_000, minWeightPercent: 10, aggression: 1 } } }],
  ])('without new features the full engine gives exactly the lean output (%s)', (_what, patch) => {
    const sc = testScenario({ durationMs: 5_000, warmupMs: 500, clients: { process: { arrival: 'poisson', rate: 2000 } }, backends: [{ count: 3 }], ...patch });
    expect(needsFullEngine(sc)).toBe(false);
    const model = new WorkloadModel(sc);
    for (const strategy of ['round-robin', 'p2c', 'peak-ewma']) {
      const lean = new Simulation(model, choice(strategy), 3).run();
      const fullOut = new FullSimulation(model, choice(strategy), 3).run();
      delete fullOut.summary.dynamics;
      expect(JSON.stringify(fullOut)).toBe(JSON.stringify(lean));
    }
  });

  it('on every shipped scenario the lean engine runs, both engines give identical results for every strategy (0.5 s measured)', () => {
    const dir = join(import.meta.dirname, '../../../sims');
    const lean = readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => loadScenario(join(dir, f)))
      .filter((sc) => !needsFullEngine(sc));
    expect(lean.length).toBeGreaterThanOrEqual(8);
    for (const shipped of lean) {
      const durationMs = Math.min(shipped.durationMs, 500);
      const sc: Scenario = { ...shipped, durationMs, warmupMs: Math.min(shipped.warmupMs, 50), intervalMs: durationMs / 10 };
      const model = new WorkloadModel(sc);
      for (const strategy of sc.strategies) {
        const a = new Simulation(model, strategy, sc.seed).run();
        const b = new FullSimulation(model, strategy, sc.seed).run();
        delete b.summary.dynamics;
        expect(JSON.stringify(b), `${sc.name} / ${strategy.label}`).toBe(JSON.stringify(a));
      }
    }
  });
});
