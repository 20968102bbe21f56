/**
 * `runLive` end to end on loopback: emulated backends up, the real proxy up, the load sent, a
 * `mode: "live"` results file with sane numbers, and everything torn down afterwards (connecting to
 * any port used fails; no child process left). Short runs at a low rate, 127.0.0.1 only, ports from
 * the OS; the only time-based assertions are lower bounds that sleeping guarantees.
 */
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { RESULTS_SCHEMA } from '../results/schema.js';
import { choice, testScenario } from '../sim/test/fixture.js';
import { Registry } from './children.js';
import { runLive, type LiveInfo } from './run.js';

// 3 backends, exponential 1 ms at 50 % load; scale 10 → 10 ms services, 150 req/s
const scenario = testScenario({
  seed: 7,
  durationMs: 10_000,
  warmupMs: 1_000,
  clients: { process: { arrival: 'poisson', rate: 1_500 } },
  backends: [{ count: 3, service: { dist: 'exponential', mean: 1 } }],
  strategies: [choice('round-robin'), choice('least-connections')],
});

async function refused(port: number): Promise<boolean> {
  try {
    const r = await request(`http://127.0.0.1:${port}/`, { headersTimeout: 2_000 });
    await r.body.dump();
    return false;
  } catch {
    return true;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function info(r: { scenario: Record<string, unknown> }): LiveInfo {
  return (r.scenario as unknown as { live: LiveInfo }).live;
}

async function checkTornDown(li: LiveInfo, registry: Registry): Promise<void> {
  for (const s of li.strategies) {
    const ports = [Number(new URL(s.endpoints.proxy).port), ...s.endpoints.backends];
    for (const p of ports) expect(await refused(p)).toBe(true);
    if (s.endpoints.proxyPid !== process.pid) expect(alive(s.endpoints.proxyPid)).toBe(false);
    if (s.endpoints.backendPid !== process.pid) expect(alive(s.endpoints.backendPid)).toBe(false);
  }
  expect(registry.size).toBe(0);
  expect(registry.children).toBe(0);
}

describe('runLive', () => {
  it('in one process: results with sane numbers for two strategies, then nothing left listening', async () => {
    const registry = new Registry();
    const r = await runLive(scenario, { scale: 10, durationMs: 1_500, warmupMs: 300, backends: 'inline', proxy: 'inline', registry });
    await registry.dispose();
    expect(r.schema).toBe(RESULTS_SCHEMA);
    expect(r.mode).toBe('live');
    expect(r.results.map((x) => x.strategy)).toEqual(['round-robin', 'least-connections']);
    expect(r.summary.loadFactor).toBeCloseTo(0.5, 9);
    const li = info(r);
    expect(li.scale).toBe(10);
    expect(li.calibration!.proxied.n).toBe(300);
    expect(li.calibration!.direct.p50).toBeGreaterThan(0);
    for (const x of r.results) {
      expect(x.requests.completed).toBeGreaterThan(100); // ~150 req/s × 1.5 s
      expect(x.requests.failed + x.requests.rejected).toBe(0);
      // the service floor: a 10 ms-mean exponential has median 6.9 ms; queueing and the proxy only add
      expect(x.latency.p50).toBeGreaterThan(3);
      expect(x.latency.p99).toBeGreaterThanOrEqual(x.latency.p50);
      expect(x.backends.map((b) => b.id)).toEqual(['b0', 'b1', 'b2']);
      expect(x.backends.reduce((s, b) => s + b.share, 0)).toBeCloseTo(1, 9);
      for (const b of x.backends) {
        expect(b.requests).toBeGreaterThan(0);
        expect(b.utilization).toBeGreaterThan(0.2);
        expect(b.utilization).toBeLessThan(0.9);
      }
      expect(x.timeseries.t.length).toBe(6); // 1.5 s in 250 ms windows
      expect(x.cdf.p.length).toBe(x.cdf.x.length);
    }
    // round-robin spreads requests evenly (within one request per backend per cycle)
    const rr = r.results[0]!.backends.map((b) => b.requests);
    expect(Math.max(...rr) - Math.min(...rr)).toBeLessThanOrEqual(2);
    for (const s of li.strategies) {
      expect(s.sendLag.n).toBe(r.results.find((x) => x.strategy === s.strategy)!.requests.completed);
      expect(s.overhead.mean).toBeGreaterThan(0);
    }
    await checkTornDown(li, registry);
  }, 30_000);

  it('backends and proxy as child processes: results, then no process or port left', async () => {
    const registry = new Registry();
    const r = await runLive(
      { ...scenario, strategies: [choice('p2c')] },
      { scale: 10, durationMs: 1_000, warmupMs: 300, backends: 'child', proxy: 'child', calibrate: false, registry },
    );
    await registry.dispose();
    const li = info(r);
    expect(li.calibration).toBeNull();
    const s = li.strategies[0]!;
    expect(s.endpoints.backendPid).not.toBe(process.pid);
    expect(s.endpoints.proxyPid).not.toBe(process.pid);
    expect(r.results[0]!.requests.completed).toBeGreaterThan(50);
    expect(r.results[0]!.backends.reduce((a, b) => a + b.share, 0)).toBeCloseTo(1, 9);
    await checkTornDown(li, registry);
  }, 60_000);

  it('open loop does not coordinate-omit: latency counts from the scheduled time while a backend lags behind', async () => {
    // one backend, one worker, constant 100 ms service, 15 requests scheduled 62.5 ms apart (at
    // 62.5, 125, …, 937.5 ms): each arrives before the previous one is done, so the k-th waits and
    // its latency is 62.5 + 37.5 k ms: 625 ms for the last and 362.5 ms for the median, all within
    // the 1 s measured duration (a request answered later than that counts as failed); a generator
    // that waited for answers before sending would see ≈ 100 ms for every request.
    const registry = new Registry();
    const r = await runLive(
      testScenario({
        durationMs: 1_000,
        warmupMs: 0,
        clients: { process: { arrival: 'constant', rate: 16 } },
        backends: [{ count: 1, service: { dist: 'constant', value: 100 } }],
        strategies: [choice('round-robin')],
      }),
      { scale: 1, durationMs: 1_000, warmupMs: 0, backends: 'inline', proxy: 'inline', calibrate: false, registry },
    );
    await registry.dispose();
    const x = r.results[0]!;
    expect(x.requests.completed).toBe(15);
    expect(x.requests.failed).toBe(0);
    expect(x.latency.max).toBeGreaterThan(550);
    expect(x.latency.p50).toBeGreaterThan(300);
    expect(info(r).strategies[0]!.sent).toBe(15);
  }, 30_000);

  it('closed loop: users wait for their answer, think, and send again', async () => {
    const registry = new Registry();
    const r = await runLive(
      testScenario({
        durationMs: 1_000,
        warmupMs: 100,
        clients: { process: { arrival: 'closed', users: 4, think: { dist: 'constant', value: 20 } } },
        backends: [{ count: 2, service: { dist: 'constant', value: 10 } }],
        strategies: [choice('round-robin')],
      }),
      { scale: 1, durationMs: 1_000, warmupMs: 100, calibrate: false, registry },
    );
    await registry.dispose();
    const x = r.results[0]!;
    // each user cycles in ≥ 30 ms (10 ms service + 20 ms think): at most 4 × 1100 / 30 ≈ 147 requests
    expect(x.requests.completed).toBeGreaterThan(20);
    expect(info(r).strategies[0]!.sent).toBeLessThanOrEqual(150);
    expect(x.latency.p50).toBeGreaterThanOrEqual(9); // the 10 ms service (timers fire at most ~1 ms early)
  }, 30_000);

  it('faults from the scenario: an errors fault on one backend fails its share of the requests', async () => {
    const registry = new Registry();
    const sc = {
      ...testScenario({
        durationMs: 1_000,
        warmupMs: 100,
        clients: { process: { arrival: 'constant', rate: 90 } },
        backends: [{ count: 3, service: { dist: 'constant', value: 2 } }],
        strategies: [choice('round-robin')],
      }),
      faults: [
        { kind: 'errors' as const, backends: ['b0'], atMs: 0, durationMs: null, fraction: 1, status: 500, latency: 0 },
        { kind: 'slow' as const, backends: ['b1', 'b9'], atMs: 0, durationMs: null, factor: 2 },
      ],
    };
    const r = await runLive(sc, { scale: 1, durationMs: 1_000, warmupMs: 100, calibrate: false, registry });
    await registry.dispose();
    const x = r.results[0]!;
    const li = info(r);
    expect(li.faults.windows).toBe(2);
    expect(r.warnings.some((w) => /no backend "b9"/.test(w))).toBe(true);
    // round-robin sends every third request to b0, which answers 500 (no retries in the scenario)
    const total = x.requests.completed + x.requests.failed;
    expect(x.requests.failed / total).toBeCloseTo(1 / 3, 1);
    expect(li.strategies[0]!.outcomes.errors).toBe(x.requests.failed);
  }, 30_000);
});

