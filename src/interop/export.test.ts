import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../input/errors.js';
import { parseDocument, parseScenario } from '../scenario/index.js';
import { strategyNames } from '../strategies/registry.js';
import { exportScenario } from './export.js';
import { DEFAULT_BASE_PORT, scenarioToConfig } from './plan.js';
import { fixture, importFixture, importText, roundTrip } from './testing.js';
import type { ProxyFormat } from './types.js';

const FORMATS: ProxyFormat[] = ['nginx', 'haproxy', 'envoy'];

/** Every importable fixture of a format (error fixtures and ambiguous files excluded). */
function fixtures(format: ProxyFormat): { file: string; upstream?: string }[] {
  const dir = fixture(format);
  const out: { file: string; upstream?: string }[] = readdirSync(dir)
    .filter((f) => /\.(conf|cfg|ya?ml)$/.test(f) && !/^(multi|cds)\./.test(f))
    .map((f) => ({ file: join(dir, f) }));
  if (format === 'nginx') out.push({ file: join(dir, 'includes', 'nginx.conf') }, { file: join(dir, 'multi.conf'), upstream: 'beta' });
  if (format === 'haproxy') out.push({ file: join(dir, 'multi.cfg'), upstream: 'two' });
  if (format === 'envoy') out.push({ file: join(dir, 'cds.yaml'), upstream: 'second' });
  return out;
}

/** nginx Plus features written as comments: the only fixture whose round trip is not exact. */
const PLUS = /plus\.conf$/;

describe('round trip: import → scenario → export → import gives the same configuration', () => {
  for (const format of FORMATS) {
    for (const { file, upstream } of fixtures(format)) {
      const label = `${format}: ${file.replace(/.*fixtures\/[a-z]+\//, '')}`;
      it(label, () => {
        const first = importFixture(file, upstream ? { upstream } : {});
        const { back, exported } = roundTrip(first.scenario, first.result.config.strategy.name, format);
        if (PLUS.test(file)) {
          // sticky, queue and slow_start= are nginx Plus: commented out, with warnings, so they do not come back.
          expect(exported.text).toMatch(/# sticky cookie .*nginx Plus only/);
          expect(exported.text).toMatch(/# queue 100 timeout=70s;/);
          expect(exported.text).toMatch(/# slow_start=30s/);
          expect(exported.warnings.map((w) => w.feature)).toEqual(['strategy sticky', 'balancer.slowStart', 'balancer.queue']);
          expect(back.config).toEqual({ ...first.result.config, strategy: { name: 'least-connections', options: { maxFails: 1 } }, slowStart: false, queue: false });
          return;
        }
        expect(back.config).toEqual(first.result.config);
      });
    }
  }
});

describe('round trip across formats keeps servers, weights and hash keys', () => {
  const cases: [string, ProxyFormat, ProxyFormat][] = [
    ['hash-consistent.conf', 'nginx', 'haproxy'],
    ['quoting.conf', 'nginx', 'haproxy'],
    ['backup.conf', 'nginx', 'haproxy'],
    ['url-param.cfg', 'haproxy', 'nginx'],
    ['hdr.cfg', 'haproxy', 'nginx'],
    ['hash-expr.cfg', 'haproxy', 'nginx'],
    ['servers.cfg', 'haproxy', 'envoy'],
    ['health.yaml', 'envoy', 'haproxy'],
  ];
  for (const [name, from, to] of cases) {
    it(`${from} ${name} → ${to}`, () => {
      const first = importFixture(fixture(from, name));
      const { back } = roundTrip(first.scenario, first.result.config.strategy.name, to);
      // Envoy lists failover (backup) endpoints after the others; nginx has no default port.
      const addr = (c: typeof first.result.config) => c.servers.map((s) => `${s.address.replace(/:80$/, '')} ${s.weight} ${s.role}`).sort();
      expect(addr(back.config)).toEqual(addr(first.result.config));
      expect(back.config.hashKey).toEqual(first.result.config.hashKey);
      const backup = first.result.config.servers.some((s) => s.role === 'backup');
      if (to === 'haproxy' && backup && !first.result.config.healthCheck) {
        // HAProxy uses backups only when checks mark the actives down: the export adds `check`.
        expect(back.config.healthCheck).toMatchObject({ intervalMs: 2000, rise: 2, fall: 3 });
      } else expect(back.config.healthCheck).toEqual(first.result.config.healthCheck);
    });
  }
});

const SYNTH = `
name: synth
clients: { arrival: poisson, rate: 100 }
backends:
  - { count: 3, service: { dist: exponential, mean: 10ms } }
strategies: all
`;

/** What each registry strategy comes back as after export and import, per format. */
const COMES_BACK: Record<string, [string, string, string]> = {
  'round-robin': ['weighted-round-robin', 'weighted-round-robin', 'weighted-round-robin'],
  'weighted-round-robin': ['weighted-round-robin', 'weighted-round-robin', 'weighted-round-robin'],
  random: ['weighted-random', 'weighted-random', 'random'],
  'weighted-random': ['weighted-random', 'weighted-random', 'random'],
  'least-connections': ['least-connections', 'least-connections', 'least-connections'],
  p2c: ['p2c', 'p2c', 'p2c'],
  'peak-ewma': ['p2c', 'p2c', 'p2c'],
  'least-time': ['least-time', 'least-connections', 'p2c'],
  'ip-hash': ['ip-hash', 'ip-hash', 'consistent-hash'],
  'consistent-hash': ['consistent-hash', 'consistent-hash', 'consistent-hash'],
  maglev: ['consistent-hash', 'consistent-hash', 'maglev'],
  rendezvous: ['consistent-hash', 'consistent-hash', 'consistent-hash'],
  'bounded-load': ['consistent-hash', 'bounded-load', 'bounded-load'],
  sticky: ['weighted-round-robin', 'sticky', 'weighted-round-robin'],
  first: ['weighted-round-robin', 'first', 'weighted-round-robin'],
  jiq: ['least-connections', 'least-connections', 'p2c'],
  prequal: ['p2c', 'p2c', 'p2c'],
};

/**
 * Strategies a format expresses exactly with their DEFAULT options (equal weights): no strategy
 * warning expected. A default flavor that is not the format's (p2c's `paper` to nginx,
 * least-connections' `nginx` to HAProxy, …) is warned about, as is a nearest equivalent, and so is
 * least-connections to nginx without `maxFails` (nginx's `max_fails` lowers effective weights).
 */
const EXACT: Record<ProxyFormat, string[]> = {
  nginx: ['round-robin', 'weighted-round-robin', 'random', 'weighted-random', 'ip-hash', 'consistent-hash'],
  haproxy: ['round-robin', 'weighted-round-robin', 'random', 'sticky'],
  // maglev's default flavor (paper, MurmurHash3) is not Envoy's: exported, it is warned about.
  envoy: ['round-robin', 'random', 'weighted-random'],
};

/** The options that make each strategy with flavors exact for a format: no strategy warning. */
const FLAVORED: [string, Record<string, unknown>, ProxyFormat, string][] = [
  ['p2c', { flavor: 'nginx' }, 'nginx', 'random two least_conn;'],
  ['least-connections', { maxFails: 1 }, 'nginx', 'least_conn;'],
  ['p2c', { flavor: 'haproxy', draws: 3 }, 'haproxy', 'balance random(3)'],
  ['p2c', { flavor: 'envoy', draws: 3, activeRequestBias: 0.5 }, 'envoy', 'choice_count: 3'],
  ['least-connections', { flavor: 'haproxy' }, 'haproxy', 'balance leastconn'],
  ['least-connections', { flavor: 'envoy' }, 'envoy', 'selection_method: FULL_SCAN'],
  ['weighted-random', { flavor: 'haproxy' }, 'haproxy', 'balance random(1)'],
  ['weighted-round-robin', { flavor: 'envoy' }, 'envoy', 'lb_policy: ROUND_ROBIN'],
  ['consistent-hash', { flavor: 'haproxy', hashFunction: 'djb2', avalanche: true }, 'haproxy', 'hash-type consistent djb2 avalanche'],
  ['bounded-load', { flavor: 'haproxy', factor: 1.5 }, 'haproxy', 'hash-balance-factor 150'],
  ['consistent-hash', { flavor: 'envoy', minimumRingSize: 4096 }, 'envoy', 'minimum_ring_size: 4096'],
  ['maglev', { flavor: 'envoy', tableSize: 5003 }, 'envoy', 'table_size: 5003'],
];

describe('every registered strategy exports to every format', () => {
  const scenario = parseScenario(parseDocument(SYNTH, 'synth.yaml'), 'synth.yaml');
  it('the table covers the registry', () => {
    expect(Object.keys(COMES_BACK).sort()).toEqual(strategyNames().sort());
  });
  for (const name of strategyNames()) {
    FORMATS.forEach((format, k) => {
      it(`${name} → ${format} → ${COMES_BACK[name]![k]}`, () => {
        const { back, exported } = roundTrip(scenario, name, format, 'synth.yaml');
        expect(back.config.strategy.name).toBe(COMES_BACK[name]![k]);
        const strategyWarnings = exported.warnings.filter((w) => w.feature.startsWith('strategy '));
        if (EXACT[format].includes(name)) expect(strategyWarnings).toEqual([]);
        else expect(strategyWarnings.length).toBeGreaterThan(0);
        // Simulated backends b0…b2 get placeholder addresses in order.
        expect(back.config.servers.map((s) => s.address.replace(/^127\.0\.0\.1:/, ''))).toEqual(['8001', '8002', '8003']);
      });
    });
  }

  for (const [name, options, format, line] of FLAVORED) {
    it(`${name} ${JSON.stringify(options)} → ${format}: the proxy's own flavor, no strategy warning, and back`, () => {
      const flavored = { ...scenario, strategies: [{ name, label: name, options }] };
      const { back, exported } = roundTrip(flavored, name, format, 'synth.yaml');
      expect(exported.text).toContain(line);
      expect(exported.warnings.filter((w) => w.feature.startsWith('strategy ') && !/ring|RING_HASH|hash key/.test(w.message))).toEqual([]);
      expect(back.config.strategy.name).toBe(name);
      expect(back.config.strategy.options).toMatchObject(options);
    });
  }

  it('warns when the simulated flavor is not the target proxy’s', () => {
    const msg = (name: string, format: ProxyFormat) =>
      roundTrip(scenario, name, format, 'synth.yaml').exported.warnings.map((w) => `${w.feature}: ${w.message}`);
    expect(msg('p2c', 'nginx')[0]).toBe(
      'strategy p2c: the scenario simulates p2c flavor paper (d uniform draws, distinct (or with replacement); least active/weight; a tie keeps the first); nginx runs flavor nginx (random two: 2 distinct draws weighted by configured weight; a tie keeps the second; 20 rejected draws → round robin): simulate flavor nginx to predict this nginx',
    );
    expect(msg('least-connections', 'haproxy')[0]).toMatch(/^strategy least-connections: the scenario simulates least-connections flavor nginx .*; haproxy runs flavor haproxy/);
  });

  it('names the nearest equivalent for strategies a proxy cannot express', () => {
    const msg = (name: string, format: ProxyFormat) =>
      roundTrip(scenario, name, format, 'synth.yaml').exported.warnings.map((w) => `${w.feature}: ${w.message}`);
    expect(msg('peak-ewma', 'nginx')).toContain(
      'strategy peak-ewma: nginx has no peak-EWMA balancer; nearest open-source equivalent: random two least_conn (nginx Plus: random two least_time=header)',
    );
    expect(msg('least-time', 'haproxy')).toContain('strategy least-time: HAProxy has no response-time balancer; nearest: leastconn');
    expect(msg('maglev', 'nginx')[0]).toMatch(/^strategy maglev: nginx has no maglev hashing; nearest equivalent: hash … consistent/);
    expect(msg('first', 'envoy')).toContain('strategy first: Envoy has no "first" balancer; ROUND_ROBIN is written');
  });
});

describe('export settings', () => {
  const yaml = `
name: tuned
clients: { arrival: poisson, rate: 100 }
backends:
  - { name: big, count: 2, weight: 300, maxConn: 50, service: { dist: exponential, mean: 10ms } }
  - { name: small, weight: 30, service: { dist: exponential, mean: 10ms } }
balancer:
  passive: { maxFails: 3, failTimeout: 30s }
  rateLimit: { rate: 0.5, burst: 4, key: client }
  connLimit: { perKey: 8 }
  queue: { maxQueue: 20, timeout: 2s }
  retries: 2
  timeout: 1500ms
  slowStart: { window: 20s }
strategies:
  - { name: bounded-load, label: bl-1.1, options: { factor: 1.1 } }
  - p2c
`;
  const scenario = parseScenario(parseDocument(yaml, 'tuned.yaml'), 'tuned.yaml');

  it('nginx: servers, limits, retries and timeout in nginx syntax', () => {
    const { exported, back } = roundTrip(scenario, 'p2c', 'nginx');
    expect(exported.text).toContain(
      [
        'limit_req_zone $binary_remote_addr zone=tuned_req:10m rate=30r/m;',
        'limit_conn_zone $binary_remote_addr zone=tuned_conn:10m;',
        '',
        'upstream tuned {',
        '    random two least_conn;',
        `    server 127.0.0.1:${DEFAULT_BASE_PORT} weight=300 max_fails=3 fail_timeout=30s max_conns=50;`,
        `    server 127.0.0.1:${DEFAULT_BASE_PORT + 1} weight=300 max_fails=3 fail_timeout=30s max_conns=50;`,
        `    server 127.0.0.1:${DEFAULT_BASE_PORT + 2} weight=30 max_fails=3 fail_timeout=30s;`,
        '    # slow_start=20s on each server line needs nginx Plus',
        '    # queue 20 timeout=2s;  # nginx Plus only',
        '}',
      ].join('\n'),
    );
    expect(exported.text).toContain('        limit_req zone=tuned_req burst=4;\n        limit_conn tuned_conn 8;');
    expect(exported.text).toContain('        proxy_next_upstream_tries 3;\n        proxy_read_timeout 1500ms;');
    expect(back.config).toMatchObject({
      passive: { maxFails: 3, failTimeoutMs: 30_000 },
      rateLimit: { rate: 0.5, burst: 4, nodelay: false, delay: 0, key: 'client' },
      connLimit: { perKey: 8, key: 'client' },
      retries: 2,
      timeoutMs: 1500,
    });
  });

  it('HAProxy: weights scaled into 1–256, queue, slow start, hash-balance-factor from a label', () => {
    const { exported, back } = roundTrip(scenario, 'bl-1.1', 'haproxy');
    expect(exported.text).toContain(
      [
        'backend tuned',
        '    mode http',
        '    balance uri whole',
        '    hash-type consistent',
        '    hash-balance-factor 110',
        '    timeout queue 2s',
        '    timeout server 1500ms',
        '    retries 2',
        '    option redispatch 1',
        '    default-server slowstart 20s maxqueue 20',
        `    server big-0 127.0.0.1:${DEFAULT_BASE_PORT} weight 150 maxconn 50`,
        `    server big-1 127.0.0.1:${DEFAULT_BASE_PORT + 1} weight 150 maxconn 50`,
        `    server small 127.0.0.1:${DEFAULT_BASE_PORT + 2} weight 15`,
      ].join('\n'),
    );
    expect(exported.warnings.map((w) => w.feature)).toEqual([
      'strategy bounded-load',
      'hash key',
      'backends weight',
      'balancer.passive',
      'balancer.panicThreshold',
      'balancer.rateLimit',
      'balancer.connLimit',
    ]);
    expect(back.config.strategy).toEqual({ name: 'bounded-load', options: { flavor: 'haproxy', factor: 1.1 } });
    expect(back.config.queue).toEqual({ maxQueue: 20, timeoutMs: 2000 });
    expect(back.config.retries).toBe(2);
  });

  it('Envoy: route-level settings become warnings and a commented sketch', () => {
    const { exported, back } = roundTrip(scenario, 'p2c', 'envoy');
    expect(exported.text).toMatch(/retry_policy:\n# {5}retry_on: 5xx,connect-failure,reset\n# {5}num_retries: 2/);
    expect(exported.warnings.map((w) => w.feature)).toEqual([
      'strategy p2c',
      'backends maxConn',
      'balancer.passive',
      'balancer.queue',
      'balancer.rateLimit',
      'balancer.connLimit',
      'balancer.retries/timeout',
    ]);
    expect(back.config.slowStart).toEqual({ windowMs: 20_000, minWeightPercent: 10, aggression: 1 });
    expect(back.config.servers.map((s) => s.weight)).toEqual([300, 300, 30]);
  });

  it('reads the scenario inside a results file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbsim-results-'));
    const results = join(dir, 'results.json');
    writeFileSync(results, JSON.stringify({ schema: 'lbsim/results@1', mode: 'sim', scenario, results: [], warnings: [] }));
    const scenarioFile = join(dir, 'tuned.yaml');
    writeFileSync(scenarioFile, yaml);
    const a = exportScenario(results, { strategy: 'p2c', format: 'haproxy' });
    const b = exportScenario(scenarioFile, { strategy: 'p2c', format: 'haproxy' });
    expect(a.text.replace(/\(results\.json\)/, '')).toBe(b.text.replace(/\(tuned\.yaml\)/, ''));
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps imported addresses from a results file too', () => {
    const { scenario: imported } = importFixture(fixture('haproxy', 'servers.cfg'));
    const dir = mkdtempSync(join(tmpdir(), 'lbsim-results-'));
    const results = join(dir, 'results.json');
    writeFileSync(results, JSON.stringify({ schema: 'lbsim/results@1', scenario: imported, results: [] }));
    const back = importText(exportScenario(results, { strategy: 'least-connections', format: 'haproxy' }).text, 'haproxy');
    rmSync(dir, { recursive: true, force: true });
    expect(back.config.servers.map((s) => `${s.name} ${s.address} ${s.role}`)).toEqual([
      'web1 10.0.14.1:80 active',
      'web2 10.0.14.2:80 active',
      'spare 10.0.14.9:80 backup',
      'old 10.0.14.8:80 down',
      'zero 10.0.14.7:80 down',
    ]);
  });

  it('rejects a strategy the scenario does not have and the registry does not know', () => {
    let err: unknown;
    try {
      scenarioToConfig(scenario, 'fastest', 'tuned.yaml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/^--strategy: "fastest" is neither a strategy of tuned\.yaml \(bl-1\.1, p2c\) nor a registered strategy/);
  });
});
