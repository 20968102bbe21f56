/**
 * denormalize: a normalized scenario written back as a document that normalizes to exactly the same
 * scenario, for every shipped scenario and for scenarios that use each form normalization rewrites
 * (lognormal by median and p99, pareto and gamma by mean, classes, schedules, the closed loop, every
 * fault kind, autoscaling, several balancers, balancer sections, strategy variants, the decision keys).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { denormalize, writeDuration } from './denormalize.js';
import { loadScenario, parseScenario } from './index.js';
import type { Scenario } from './types.js';

const SIMS = join(import.meta.dirname, '../../sims');

/** Normalizes `s` written back (through YAML text, as a link or the playground carries it). */
function roundTrip(s: Scenario): Scenario {
  return parseScenario(parse(stringify(denormalize(s))), 'back.yaml');
}

describe('denormalize', () => {
  it('gives back every shipped scenario exactly', () => {
    for (const f of readdirSync(SIMS).filter((x) => /\.ya?ml$/.test(x))) {
      const s = loadScenario(join(SIMS, f));
      expect(JSON.stringify(roundTrip(s)), f).toBe(JSON.stringify(s));
    }
  });

  it('gives back the forms normalization rewrites', () => {
    const s = parseScenario(
      {
        name: 'everything',
        seed: 3,
        duration: '90s',
        warmup: '2s',
        interval: '500ms',
        replications: 2,
        clients: {
          arrival: 'closed',
          users: 50,
          think: { dist: 'mixture', parts: [{ weight: 2, of: { dist: 'constant', value: '5ms' } }, { weight: 1, of: { dist: 'uniform', min: 1, max: 9 } }] },
          keys: { count: 500, popularity: 'zipf', exponent: 1.2 },
          addresses: 64,
          classes: [
            { name: 'a', share: 3 },
            { name: 'b', share: 1, serviceFactor: 4 },
          ],
        },
        backends: [
          { name: 'web', count: 4, workers: 2, weight: 3, speed: 1.5, maxConn: 10, queueLimit: 20, discipline: 'ps', service: { dist: 'lognormal', median: '2ms', p99: '20ms' }, cache: { size: 100 } },
          { count: 2, address: ['app-a:80', 'app-b:80'], service: { dist: 'pareto', mean: 3, shape: 2.5 } },
          { name: 'g', count: 1, address: '10.0.0.7:8080', service: { dist: 'gamma', mean: 4, shape: 2 } },
          { name: 'e', count: 1, service: { dist: 'empirical', samples: [1, 2, '3ms'] } },
        ],
        balancer: {
          passive: false,
          outlier: { consecutive5xx: 3 },
          slowStart: { window: '10s' },
          rateLimit: { rate: '100r/s', burst: 10, nodelay: true },
          connLimit: { perKey: 5 },
          queue: { maxQueue: 50, timeout: '1s' },
          retries: 2,
          timeout: '250ms',
          network: { dist: 'exponential', mean: '0.2ms' },
          overhead: 0.05,
          healthCheck: { interval: '1s', fall: 2 },
          retryBudget: 0.3,
          hedge: { delay: '15ms' },
        },
        strategies: ['round-robin', { name: 'p2c', label: 'p2c-d3', options: { draws: 3 } }, { name: 'sticky', options: { inner: 'p2c' } }],
        faults: [
          { kind: 'crash', backends: 'web-0', at: '10s', duration: '5s' },
          { kind: 'hang', backends: ['web-1'], mtbf: '20s', mttr: '2s' },
          { kind: 'slow', backends: 'web', at: '1m', factor: 4 },
          { kind: 'errors', backends: 'b4', fraction: 0.5, status: 503 },
          { kind: 'pause', backends: 'g', every: '5s', length: '300ms' },
          { kind: 'flap', backends: 'e', up: '4s', down: '2s' },
        ],
        autoscale: { group: 'web', min: 2, max: 8, target: 0.6, cooldown: '30s' },
        balancers: { count: 3, spread: 'random' },
      },
      'all.yaml',
    );
    expect(JSON.stringify(roundTrip(s))).toBe(JSON.stringify(s));
    const open = parseScenario(
      {
        clients: { arrival: 'schedule', schedule: [{ at: 0, rate: 100 }, { at: '30s', rate: 900, ramp: true }] },
        backends: [{ count: 3, service: { dist: 'constant', value: 0.5 } }],
        balancer: { healthCheck: false },
        balancers: 2,
      },
      'open.yaml',
    );
    expect(JSON.stringify(roundTrip(open))).toBe(JSON.stringify(open));
    const bursty = parseScenario(
      { clients: { arrival: 'bursty', rate: 10, burstRate: 100, on: '200ms', off: '800ms' }, backends: [{ service: { dist: 'exponential', mean: 1 } }] },
      'bursty.yaml',
    );
    expect(JSON.stringify(roundTrip(bursty))).toBe(JSON.stringify(bursty));
  });

  it('gives back a trace replay, empirical samples given in seconds, and the observed section of a fitted scenario', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lbsim-denorm-'));
    try {
      const log = join(dir, 'access.log');
      writeFileSync(log, '');
      const s = parseScenario(
        {
          clients: { arrival: 'trace', file: 'access.log', format: 'haproxy', speed: 2, loop: true, attributes: ['client', 'class'] },
          backends: [
            { name: 'app', count: 2, service: { dist: 'empirical', samples: [0.012, 0.02, '5ms'], unit: 's' } },
            { name: 'db', count: 1, service: { dist: 'lognormal', mu: 1, sigma: 0.5 } },
          ],
          observed: {
            source: 'access.log',
            what: 'response time at the proxy (Ta)',
            p50: 12.5,
            p90: '40ms',
            p99: 0.1234,
            shares: { app: 0.7, db: 0.3 },
            strategy: 'weighted-round-robin',
            verdict: 'agrees (p50 +2 %, p99 −4 %)',
          },
        },
        'fitted.yaml',
        dir,
      );
      expect(JSON.stringify(roundTrip(s))).toBe(JSON.stringify(s));
      const plain = parseScenario({ clients: { arrival: 'trace', file: log, format: 'envoy' }, backends: [{ service: { dist: 'constant', value: 1 } }] }, 'plain.yaml');
      expect(denormalize(plain)['clients']).toEqual({ arrival: 'trace', file: log, format: 'envoy' });
      expect(JSON.stringify(roundTrip(plain))).toBe(JSON.stringify(plain));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives back the decision keys: slo, baseline, proxy, and clients.load as the load', () => {
    const s = parseScenario(
      {
        clients: { arrival: 'constant', load: 0.7 },
        backends: [{ count: 4, workers: 2, service: { dist: 'exponential', mean: '2ms' } }],
        strategies: ['round-robin', { name: 'p2c', label: 'p2c-d3', options: { draws: 3 } }],
        slo: { p99: '30ms', p999: '0.2s', availability: 99.95 },
        baseline: 'p2c-d3',
        proxy: 'nginx-plus',
      },
      'decide.yaml',
    );
    const doc = denormalize(s);
    expect(doc['clients']).toMatchObject({ arrival: 'constant', load: 0.7 });
    expect(doc['clients']).not.toHaveProperty('rate');
    expect(doc['slo']).toEqual({ p99: '30ms', p999: '200ms', availability: 99.95 });
    expect([doc['baseline'], doc['proxy']]).toEqual(['p2c-d3', 'nginx-plus']);
    expect(JSON.stringify(roundTrip(s))).toBe(JSON.stringify(s));
  });

  it('gives back the imported: section (a queue worker checks a job by this round trip)', () => {
    const s = parseScenario(
      {
        clients: { arrival: 'poisson', rate: 100 },
        backends: [{ name: 'web1', service: { dist: 'exponential', mean: '2ms' } }],
        imported: {
          format: 'nginx',
          file: 'nginx.conf',
          section: 'upstream web',
          placeholder: '0123abcd',
          servers: [{ name: 'old', address: 'old.example.com:80', role: 'down', position: 1 }],
          addresses: { web1: ['web1.example.com:80'] },
          hashKey: 'header x-user-id',
          healthCheck: { interval: '2s', timeout: '1s', rise: 2, fall: 3, path: '/health' },
          directives: { section: ['keepalive 32'], location: ['proxy_http_version 1.1'], servers: { spare: ['max_fails=1'] } },
        },
      },
      'imported.yaml',
    );
    expect(denormalize(s)['imported']).toMatchObject({ healthCheck: { interval: '2s', timeout: '1s' } });
    expect(JSON.stringify(roundTrip(s))).toBe(JSON.stringify(s));
  });

  it('leaves defaults out and writes `all` for the whole registry', () => {
    const s = loadScenario(join(SIMS, 'homogeneous.yaml'));
    const doc = denormalize(s);
    expect(doc['strategies']).toBe('all');
    expect(doc['balancer']).toBeUndefined();
    expect(doc['backends']).toEqual([{ count: 10, service: { dist: 'exponential', mean: '1ms' } }]);
    expect(doc['duration']).toBe('1m');
  });

  it('writes durations with the largest unit that reads back exactly', () => {
    expect(writeDuration(60_000)).toBe('1m');
    expect(writeDuration(90_000)).toBe('90s');
    expect(writeDuration(1500)).toBe('1500ms');
    expect(writeDuration(2.5)).toBe('2.5ms');
    expect(writeDuration(0.1)).toBe('0.1ms');
    expect(writeDuration(0)).toBe(0);
    expect(writeDuration(1 / 3)).toBe('0.3333333333333333ms');
    expect(writeDuration(1e-7)).toBe(1e-7);
  });
});
