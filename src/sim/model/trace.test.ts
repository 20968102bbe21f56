import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../input/errors.js';
import { formatLines, generate, tempDir, type SyntheticSpec } from '../../interop/logs/testing.js';
import { parseScenario } from '../../scenario/index.js';
import { likelyUnit } from '../../scenario/normalize.js';
import { DEFAULT_LIMITS } from '../../input/limits.js';
import { simulateRun } from '../run.js';
import { meanRate } from './arrivals.js';
import { traceOf } from './trace.js';
import { preloadTraces } from './trace-load.js';
import { Workload, WorkloadModel } from './workload.js';
import { Rng } from '../../core/rng.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

const SPEC: SyntheticSpec = {
  seed: 4,
  rate: 80,
  durationS: 60,
  servers: [
    { name: 's1', workers: 2 },
    { name: 's2', workers: 2 },
  ],
  service: { dist: 'exponential', mean: 5 },
  keys: { count: 500, exponent: 1 },
};
const reqs = generate(SPEC);
const log = tmp.write('trace.log', formatLines(reqs, SPEC, 'haproxy'));
const arrivals = reqs.map((r) => Math.round(r.arrival)).sort((a, b) => a - b);

function scenario(clients: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  return parseScenario(
    {
      seed: 3,
      duration: '50s',
      warmup: '5s',
      clients: { arrival: 'trace', file: log, format: 'haproxy', ...clients },
      backends: [{ count: 4, workers: 1, service: { dist: 'exponential', mean: '2ms' } }],
      strategies: ['round-robin', 'p2c', 'consistent-hash'],
      ...extra,
    },
    'trace.yaml',
  );
}

describe('trace replay', () => {
  it('replays the logged arrival times, the same for every strategy and run', async () => {
    const sc = scenario({});
    await preloadTraces(sc);
    const t = traceOf(sc.clients.process as Parameters<typeof traceOf>[0]);
    expect(t.n).toBe(reqs.length);
    expect(Array.from(t.times.subarray(0, 5))).toEqual(arrivals.slice(0, 5).map((a) => a - arrivals[0]!));
    const runs = sc.strategies.map((s) => simulateRun(sc, s, sc.seed).counters);
    const inWindow = arrivals.filter((a) => a - arrivals[0]! < 55_000).length;
    for (const c of runs) {
      expect(c.arrivals).toBe(inWindow);
      expect(c.arrivalTimeSum).toBe(runs[0]!.arrivalTimeSum);
      expect(c.totalDemand).toBe(runs[0]!.totalDemand);
    }
    const again = simulateRun(sc, sc.strategies[1]!, sc.seed);
    expect(JSON.stringify(again.summary)).toBe(JSON.stringify(simulateRun(sc, sc.strategies[1]!, sc.seed).summary));
  });

  it('speed 2 doubles the rate; loop repeats the trace after its end', async () => {
    const fast = scenario({ speed: 2 });
    await preloadTraces(fast);
    const c2 = simulateRun(fast, fast.strategies[0]!, 1).counters;
    expect(c2.arrivals).toBe(arrivals.length); // the whole 60 s log fits in 30 s
    const p = fast.clients.process;
    expect(meanRate(p, 0, 25_000)).toBeCloseTo(arrivals.filter((a) => a - arrivals[0]! < 50_000).length / 25, 6);
    const looped = scenario({ speed: 2, loop: true });
    const c3 = simulateRun(looped, looped.strategies[0]!, 1).counters;
    expect(c3.arrivals).toBeGreaterThan(1.7 * arrivals.length);
    const once = scenario({ speed: 2, loop: false });
    expect(simulateRun(once, once.strategies[0]!, 1).counters.arrivals).toBe(arrivals.length);
  });

  it('replays each request’s logged client (attributes), else draws it', async () => {
    const sc = scenario({ attributes: ['client'] });
    await preloadTraces(sc);
    const wl = new Workload(new WorkloadModel(sc), new Rng(1));
    const byArrival = [...reqs].sort((a, b) => Math.round(a.arrival) - Math.round(b.arrival) || 0);
    const logged = new Set(byArrival.map((r) => r.client));
    for (let n = 0; n < 50; n++) expect(logged.has(wl.clientOf(n))).toBe(true);
    const drawn = new Workload(new WorkloadModel(scenario({})), new Rng(1));
    expect(drawn.clientOf(0)).toMatch(/^10\.\d+\.\d+\.\d+$/);
    expect(logged.has(drawn.clientOf(0))).toBe(false);
  });

  it('validates file and format at load time', () => {
    const bad = (clients: Record<string, unknown>) => () => scenario(clients);
    expect(bad({ file: 'nope.log' })).toThrow(/clients.file: .*nope.log: no such file/);
    expect(bad({ format: 'apache' })).toThrow(/clients.format: unknown log format "apache"/);
    expect(() => parseScenario({ clients: { arrival: 'trace', format: 'haproxy' }, backends: [{ service: { dist: 'constant', value: 1 } }] }, 'x.yaml')).toThrow(/clients.file: is required for arrival "trace"/);
    expect(() => parseScenario({ clients: { arrival: 'poisson', rate: 1, speed: 2 }, backends: [{ service: { dist: 'constant', value: 1 } }] }, 'x.yaml')).toThrow(/clients.speed: does not apply to arrival "poisson"/);
  });

  it('a bad trace log is an input error when it is loaded', async () => {
    const junk = tmp.write('junk.log', ['not haproxy', 'nor this']);
    const sc = parseScenario({ clients: { arrival: 'trace', file: junk, format: 'haproxy' }, backends: [{ service: { dist: 'constant', value: 1 } }] }, 'x.yaml');
    await expect(preloadTraces(sc)).rejects.toThrow(InputError);
    await expect(preloadTraces(sc)).rejects.toThrow(/junk.log:1: 2 of 2 lines \(100\.0 %\) do not match HAProxy option httplog \(clients.format\).*"not haproxy"/);
  });
});

describe('empirical units', () => {
  const backend = (service: Record<string, unknown>) => ({ clients: { arrival: 'poisson', rate: 10 }, backends: [{ service }] });

  it('bare numbers take the unit; strings keep theirs', () => {
    const sc = parseScenario(backend({ dist: 'empirical', samples: [0.012, 0.02, '5ms'], unit: 's' }), 'x.yaml');
    const got = (sc.backends[0]!.service as { samples: number[] }).samples;
    [12, 20, 5].forEach((v, k) => expect(got[k]).toBeCloseTo(v, 9));
  });

  it('a file of seconds read as ms warns, naming the file and the likely unit; unit: s reads it right', () => {
    const f = tmp.write('rt.txt', '0.012\n0.034\n0.020\n0.101\n');
    const warnings: string[] = [];
    const sc = parseScenario(backend({ dist: 'empirical', file: f }), 'x.yaml', '.', (m) => warnings.push(m));
    expect((sc.backends[0]!.service as { samples: number[] }).samples[0]).toBe(0.012);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/x.yaml: backends\[0\].service.file: the values in .*rt.txt are read as ms but look like seconds \(median 0.034\); add unit: s/);
    const ok: string[] = [];
    const right = parseScenario(backend({ dist: 'empirical', file: f, unit: 's' }), 'x.yaml', '.', (m) => ok.push(m));
    expect(ok).toEqual([]);
    const got = (right.backends[0]!.service as { samples: number[] }).samples;
    [12, 34, 20, 101].forEach((v, k) => expect(got[k]).toBeCloseTo(v, 9));
  });

  it('a samples file over the size limit is refused, naming the field and the limit', () => {
    const f = tmp.write('big.txt', '1\n'.repeat(DEFAULT_LIMITS.fileBytes / 2 + 1));
    expect(() => parseScenario(backend({ dist: 'empirical', file: f }), 'x.yaml')).toThrow(/x.yaml: backends\[0\].service.file: cannot read samples file .*big.txt: is larger than 16 MiB; the limit is 16 MiB; raise it with --limit file-size=N/);
  });

  it('likelyUnit: seconds, microseconds, or plausible ms', () => {
    expect(likelyUnit([0.012, 0.05, 0.3])).toBe('s');
    expect(likelyUnit([120000, 250000, 90000])).toBe('us');
    expect(likelyUnit([12, 50, 3])).toBeUndefined();
    expect(likelyUnit([0, 0, 1])).toBeUndefined();
  });
});
