/**
 * Scenario files: defaults, units, normalization, and one clear error per bad-input class, naming the
 * file and the path of the field. Every shipped scenario in sims/ must validate.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../input/errors.js';
import { strategyNames } from '../strategies/registry.js';
import { backendIds, loadScenario, parseDocument, parseScenario } from './index.js';

const minimal = () => ({
  clients: { arrival: 'poisson', rate: 9000 },
  backends: [{ count: 10, workers: 1, service: { dist: 'exponential', mean: '1ms' } }],
});

/** The problems an invalid document raises, as `path: message` lines. */
function problems(doc: unknown): string[] {
  try {
    parseScenario(doc, 'test.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected an InputError');
}

describe('parseScenario', () => {
  it('accepts the issue example exactly as written and fills defaults', () => {
    const doc = parseDocument(
      `name: two-choices-demo
seed: 1
duration: 60s
warmup: 5s
replications: 1
clients:
  arrival: poisson
  rate: 9000
backends:
  - count: 10
    workers: 1
    service: { dist: exponential, mean: 1ms }
strategies: all
`,
      'demo.yaml',
    );
    const s = parseScenario(doc, 'demo.yaml');
    expect(s.durationMs).toBe(60_000);
    expect(s.warmupMs).toBe(5_000);
    expect(s.clients.process).toEqual({ arrival: 'poisson', rate: 9000 });
    expect(s.backends[0]).toMatchObject({ count: 10, workers: 1, weight: 1, discipline: 'fifo', speed: 1, service: { dist: 'exponential', mean: 1 } });
    expect(s.strategies.map((c) => c.name)).toEqual(strategyNames());
    expect(s.balancer.passive).toEqual({ maxFails: 1, failTimeoutMs: 10_000 });
  });

  it('accepts labelled variants and validates their options against the strategy schema', () => {
    const s = parseScenario({ ...minimal(), strategies: ['p2c', { name: 'p2c', label: 'p2c-d3', options: { draws: 3 } }] }, 't.yaml');
    expect(s.strategies.map((c) => c.label)).toEqual(['p2c', 'p2c-d3']);
    expect(s.strategies[1]!.options).toMatchObject({ draws: 3 });
  });

  it('keeps backend addresses as written, one per backend (absent without them)', () => {
    const s = parseScenario(
      {
        ...minimal(),
        backends: [
          { name: 'web', count: 2, address: ['10.0.0.1:8080', 'app.internal'], service: { dist: 'constant', value: 1 } },
          { name: 'v6', address: '[2001:db8::1]:80', service: { dist: 'constant', value: 1 } },
          { name: 'sock', address: 'unix:/run/app.sock', service: { dist: 'constant', value: 1 } },
          { name: 'plain', service: { dist: 'constant', value: 1 } },
        ],
      },
      't.yaml',
    );
    expect(s.backends.map((g) => g.addresses)).toEqual([['10.0.0.1:8080', 'app.internal'], ['[2001:db8::1]:80'], ['unix:/run/app.sock'], undefined]);
    expect('addresses' in s.backends[3]!).toBe(false);
  });

  it('keeps backend host names; warns when no strategy hashes them', () => {
    const warnings: string[] = [];
    const doc = (strategies: unknown[]) => ({
      ...minimal(),
      backends: [{ name: 'web', count: 2, hostname: ['web-a.internal', 'web-b.internal'], service: { dist: 'constant', value: 1 } }],
      strategies,
    });
    const s = parseScenario(doc(['round-robin']), 't.yaml', undefined, (m) => warnings.push(m));
    expect(s.backends[0]!.hostnames).toEqual(['web-a.internal', 'web-b.internal']);
    expect(warnings).toEqual([
      't.yaml: backends[0].hostname: no strategy here hashes host names (only flavor envoy of consistent-hash, maglev and bounded-load with useHostnameForHashing: true); it changes nothing',
    ]);
    warnings.length = 0;
    parseScenario(doc([{ name: 'consistent-hash', options: { flavor: 'envoy', useHostnameForHashing: true } }]), 't.yaml', undefined, (m) => warnings.push(m));
    expect(warnings).toEqual([]);
  });

  it('converts lognormal median/p99 to mu/sigma and pareto/gamma means to scales', () => {
    const s = parseScenario(
      {
        ...minimal(),
        backends: [
          { service: { dist: 'lognormal', median: '2ms', p99: '40ms' } },
          { service: { dist: 'pareto', mean: '3ms', shape: 3 } },
          { service: { dist: 'gamma', shape: 2, mean: '20ms' } },
          { service: { dist: 'mixture', parts: [{ weight: 9, of: { dist: 'constant', value: 1 } }, { weight: 1, of: { dist: 'exponential', mean: '10ms' } }] } },
        ],
      },
      't.yaml',
    );
    const [ln, pa, ga] = s.backends.map((b) => b.service);
    expect(ln).toMatchObject({ dist: 'lognormal' });
    if (ln!.dist === 'lognormal') {
      expect(Math.exp(ln!.mu)).toBeCloseTo(2, 10);
      expect(Math.exp(ln!.mu + 2.3263478740408408 * ln!.sigma)).toBeCloseTo(40, 8);
    }
    // the terms the file used are kept beside the parameters, for summaries in the user's own terms
    expect(ln).toMatchObject({ median: 2, p99: 40 });
    expect(pa).toEqual({ dist: 'pareto', scale: 2, shape: 3, mean: 3 });
    expect(ga).toEqual({ dist: 'gamma', shape: 2, scale: 10, mean: 20 });
  });

  it.each([
    ['an unknown key', { ...minimal(), colour: 'blue' }, 'colour: unknown key "colour"'],
    ['a nested unknown key', { ...minimal(), backends: [{ service: { dist: 'exponential', mean: 1, median: 2 } }] }, 'backends[0].service.median: unknown key'],
    ['a wrong type', { ...minimal(), seed: 'one' }, 'seed: expected number, got "one"'],
    ['a negative service mean', { ...minimal(), backends: [{}, {}, { service: { dist: 'exponential', mean: -1 } }] }, 'backends[2].service.mean: expected a positive duration'],
    ['an unknown distribution', { ...minimal(), backends: [{ service: { dist: 'weibull', mean: 1 } }] }, 'backends[0].service.dist: expected one of'],
    ['an unknown strategy', { ...minimal(), strategies: ['round-robin', 'fastest'] }, 'strategies[1]: unknown strategy "fastest"'],
    ['a bad strategy option', { ...minimal(), strategies: [{ name: 'p2c', options: { draws: 'two' } }] }, 'strategies[0].options.draws: expected number'],
    ['a negative rate', { ...minimal(), clients: { arrival: 'poisson', rate: -5 } }, 'clients.rate: '],
    ['a negative duration', { ...minimal(), duration: '-5s' }, 'duration: expected a positive duration'],
    ['a malformed duration', { ...minimal(), warmup: '5 parsecs' }, 'warmup: expected a duration like 5ms'],
    ['a missing rate', { ...minimal(), clients: { arrival: 'poisson' } }, 'clients.rate: is required for arrival "poisson"'],
    ['missing backends', { clients: { arrival: 'poisson', rate: 1 } }, 'backends: is required'],
    ['a closed loop without users', { ...minimal(), clients: { arrival: 'closed', think: { dist: 'constant', value: 1 } } }, 'clients.users: is required'],
    ['duplicate labels', { ...minimal(), strategies: ['p2c', 'p2c'] }, 'strategies[1]: label "p2c" is used twice'],
    ['an unknown flavor', { ...minimal(), strategies: [{ name: 'p2c', options: { flavor: 'caddy' } }] }, 'strategies[0].options.flavor: unknown flavor "caddy"; p2c\'s flavors are paper, nginx, haproxy, envoy'],
    ['a flavor the strategy does not have', { ...minimal(), strategies: [{ name: 'consistent-hash', options: { flavor: 'aws' } }] }, 'strategies[0].options.flavor: consistent-hash has no flavor "aws"; its flavors are nginx, haproxy, envoy'],
    ['an option of another flavor', { ...minimal(), strategies: [{ name: 'p2c', options: { flavor: 'haproxy', activeRequestBias: 2 } }] }, 'strategies[0].options.activeRequestBias: applies to flavor envoy only (the flavor here is haproxy)'],
    ['a malformed address', { ...minimal(), backends: [{ count: 1, address: 'http://10.0.0.1', service: { dist: 'constant', value: 1 } }] }, 'backends[0].address: expected a server address (host:port, host, [v6]:port or unix:/path), got "http://10.0.0.1"'],
    ['a port out of range', { ...minimal(), backends: [{ count: 1, address: '10.0.0.1:70000', service: { dist: 'constant', value: 1 } }] }, 'backends[0].address: expected a server address'],
    ['one address for a group of several', { ...minimal(), backends: [{ count: 2, address: '10.0.0.1:80', service: { dist: 'constant', value: 1 } }] }, 'backends[0].address: one address for 2 backends; give a list of 2 addresses'],
    ['a list of the wrong length', { ...minimal(), backends: [{ count: 3, address: ['a:1', 'b:1'], service: { dist: 'constant', value: 1 } }] }, 'backends[0].address: expected 3 addresses (one per backend of the group), got 2'],
    ['hostnames of the wrong count', { ...minimal(), backends: [{ count: 2, hostname: 'web-a', service: { dist: 'constant', value: 1 } }] }, 'backends[0].hostname: one hostname for 2 backends; give a list of 2 hostnames'],
    ['a malformed hostname', { ...minimal(), backends: [{ count: 1, hostname: 'web a', service: { dist: 'constant', value: 1 } }] }, 'backends[0].hostname: expected a host name'],
    [
      'useHostnameForHashing with a group lacking hostnames',
      {
        ...minimal(),
        backends: [
          { count: 1, hostname: 'web-a', service: { dist: 'constant', value: 1 } },
          { count: 2, service: { dist: 'constant', value: 1 } },
        ],
        strategies: [{ name: 'maglev', options: { flavor: 'envoy', useHostnameForHashing: true } }],
      },
      'backends[1].hostname: strategy "maglev" hashes host names (useHostnameForHashing: true): give this group\'s hostname (one per backend)',
    ],
    ['useHostnameForHashing with another flavor', { ...minimal(), strategies: [{ name: 'consistent-hash', options: { useHostnameForHashing: true } }] }, 'strategies[0].options.useHostnameForHashing: applies to flavor envoy only (the flavor here is nginx)'],
  ])('rejects %s with the field path', (_what, doc, expected) => {
    expect(problems(doc).join('\n')).toContain(expected);
  });

  it('reports YAML syntax errors with line and column', () => {
    expect(() => parseDocument('name: x\nclients: [1, 2\n', 'bad.yaml')).toThrow(/bad\.yaml: line \d+, column \d+/);
  });

  it('reports a missing file as an InputError naming it', () => {
    expect(() => loadScenario('no/such/file.yaml')).toThrow(/no\/such\/file\.yaml: no such file/);
  });
});

describe('failures, health and elasticity keys', () => {
  const fleet = () => ({
    clients: { arrival: 'poisson', rate: 1000 },
    backends: [
      { name: 'web', count: 3, service: { dist: 'exponential', mean: '1ms' } },
      { name: 'db', count: 1, service: { dist: 'constant', value: 2 } },
    ],
  });

  it('leaves the normalized scenario unchanged when none is used', () => {
    const s = parseScenario(fleet(), 't.yaml');
    expect('faults' in s || 'autoscale' in s || 'balancers' in s).toBe(false);
    expect('healthCheck' in s.balancer || 'retryBudget' in s.balancer || 'hedge' in s.balancer).toBe(false);
    expect('cache' in s.backends[0]!).toBe(false);
  });

  it('normalizes faults: group names expand to backend ids, durations to ms, per-kind defaults', () => {
    const s = parseScenario(
      {
        ...fleet(),
        faults: [
          { kind: 'crash', backends: 'web-1', at: '20s', duration: '10s' },
          { kind: 'hang', backends: ['web'], mtbf: '30s', mttr: '2s' },
          { kind: 'slow', backends: 'db', factor: 5, at: '1m' },
          { kind: 'errors', backends: ['web-0', 'db'], fraction: 0.5 },
          { kind: 'pause', backends: 'web', every: '5s', length: '300ms' },
          { kind: 'flap', backends: 'web-2', up: '4s', down: '1s' },
        ],
      },
      't.yaml',
    );
    expect(s.faults).toEqual([
      { kind: 'crash', backends: ['web-1'], atMs: 20_000, durationMs: 10_000, mtbfMs: null, mttrMs: null },
      { kind: 'hang', backends: ['web-0', 'web-1', 'web-2'], atMs: 0, durationMs: null, mtbfMs: 30_000, mttrMs: 2_000 },
      { kind: 'slow', backends: ['db'], atMs: 60_000, durationMs: null, factor: 5 },
      { kind: 'errors', backends: ['web-0', 'db'], atMs: 0, durationMs: null, fraction: 0.5, status: 500, latency: 0.1 },
      { kind: 'pause', backends: ['web-0', 'web-1', 'web-2'], atMs: 0, durationMs: null, everyMs: 5_000, lengthMs: 300 },
      { kind: 'flap', backends: ['web-2'], atMs: 0, durationMs: null, upMs: 4_000, downMs: 1_000 },
    ]);
  });

  it('normalizes health checks, retry budget, hedging, caches, balancers and autoscaling', () => {
    const s = parseScenario(
      {
        ...fleet(),
        backends: [{ name: 'web', count: 3, service: { dist: 'exponential', mean: '1ms' }, cache: { size: 100 } }],
        balancer: { healthCheck: { interval: '1s' }, retryBudget: 0.2, hedge: { delay: '20ms' } },
        balancers: 4,
        autoscale: { min: 2, max: 8, target: 0.6, provisioningDelay: '5s' },
      },
      't.yaml',
    );
    expect(s.backends[0]!.cache).toEqual({ size: 100, hitFactor: 0.1 });
    expect(s.balancer.healthCheck).toEqual({ intervalMs: 1_000, timeoutMs: 1_000, rise: 2, fall: 3, costMs: 0.1 });
    expect(s.balancer.retryBudget).toEqual({ ratio: 0.2, burst: 10 });
    expect(s.balancer.hedge).toEqual({ delayMs: 20 });
    expect(s.balancers).toEqual({ count: 4, spread: 'round-robin' });
    expect(s.autoscale).toEqual({
      group: 0,
      min: 2,
      max: 8,
      target: 0.6,
      windowMs: 10_000,
      intervalMs: 1_000,
      cooldownMs: 10_000,
      provisioningDelayMs: 5_000,
      tolerance: 0.1,
    });
  });

  it.each([
    ['an unknown fault target', { faults: [{ kind: 'crash', backends: 'web-9' }] }, 'faults[0].backends: unknown backend or group "web-9"'],
    ['a key of another kind', { faults: [{ kind: 'crash', backends: 'web', factor: 2 }] }, 'faults[0].factor: does not apply to a crash fault'],
    ['a slow fault without factor', { faults: [{ kind: 'slow', backends: 'web' }] }, 'faults[0].factor: is required for a slow fault'],
    ['mtbf without mttr', { faults: [{ kind: 'hang', backends: 'web', mtbf: '10s' }] }, 'faults[0].mttr: mtbf and mttr go together'],
    ['a pause as long as its period', { faults: [{ kind: 'pause', backends: 'web', every: '1s', length: '1s' }] }, 'faults[0].length: expected a pause shorter'],
    ['an unknown fault kind', { faults: [{ kind: 'meteor', backends: 'web' }] }, 'faults[0].kind: '],
    ['a fraction above 1', { faults: [{ kind: 'errors', backends: 'web', fraction: 2 }] }, 'faults[0].fraction: '],
    ['an autoscaled group outside min…max', { autoscale: { group: 'web', min: 4, max: 6, target: 0.5 } }, 'backends[0].count: the scaled group starts with 3 backends'],
    ['autoscaling without a group among several', { autoscale: { min: 1, max: 6, target: 0.5 } }, 'autoscale.group: is required when there are several backend groups'],
    ['an unknown autoscaled group', { autoscale: { group: 'cache', min: 1, max: 6, target: 0.5 } }, 'autoscale.group: no backend group is named "cache"'],
    ['a zero retry budget', { balancer: { retryBudget: 0 } }, 'balancer.retryBudget'],
  ])('rejects %s with the field path', (_what, patch, expected) => {
    expect(problems({ ...fleet(), ...patch }).join('\n')).toContain(expected);
  });
});

describe('shipped scenarios', () => {
  const dir = join(import.meta.dirname, '../../sims');
  const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));

  it('ships at least the eight the simulator issue asks for', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)('%s validates and says what it teaches', (f) => {
    const s = loadScenario(join(dir, f));
    expect(s.description.length).toBeGreaterThan(20);
    expect(s.strategies.length).toBeGreaterThan(0);
  });
});

describe('backend ids', () => {
  it('a group of one is named by its name alone; bigger and autoscaled groups are numbered; clashes are errors', () => {
    const svc = { dist: 'exponential', mean: '1ms' };
    const s = parseScenario(
      {
        clients: { arrival: 'poisson', rate: 100 },
        backends: [{ name: 'web', count: 2, service: svc }, { name: 'db', count: 1, service: svc }, { count: 1, service: svc }],
        faults: [{ kind: 'crash', backends: 'db', at: '1s', duration: '1s' }],
      },
      't.yaml',
    );
    expect(backendIds(s.backends).map((b) => b.id)).toEqual(['web-0', 'web-1', 'db', 'b3']);
    expect(s.faults![0]!.backends).toEqual(['db']);
    const scaled = parseScenario(
      { clients: { arrival: 'poisson', rate: 100 }, backends: [{ name: 'web', count: 1, service: svc }], autoscale: { min: 1, max: 3, target: 0.6 }, faults: [{ kind: 'crash', backends: 'web-0' }] },
      't.yaml',
    );
    expect(scaled.faults![0]!.backends).toEqual(['web-0']);
    expect(() =>
      parseScenario({ clients: { arrival: 'poisson', rate: 100 }, backends: [{ name: 'web', count: 2, service: svc }, { name: 'web-1', count: 1, service: svc }] }, 't.yaml'),
    ).toThrow(/backends\[1\]\.name: backend id "web-1" is also an id of backends\[0\]/);
  });
});
