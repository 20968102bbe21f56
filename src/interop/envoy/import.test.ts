import { describe, expect, it } from 'vitest';
import { InputError } from '../../input/errors.js';
import { notesOf } from '../notes.js';
import { fixture, importFixture } from '../testing.js';
import type { LbMechanisms } from '../types.js';

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

const C = 'static_resources.clusters[0]';

interface Case {
  file: string;
  upstream?: string;
  strategy: string;
  options?: Record<string, unknown>;
  servers: [string, number, 'active' | 'backup' | 'down'][];
  /** The servers' hostnames as kept (absent: none has one). */
  hostnames?: string[];
  balancer: Partial<LbMechanisms>;
  warnings: string[];
}

const CASES: Case[] = [
  {
    file: 'round-robin.yaml',
    strategy: 'weighted-round-robin',
    options: { flavor: 'envoy', maxFails: 1 },
    servers: [['web1.internal:8080', 3, 'active'], ['web2.internal:8080', 1, 'active']],
    balancer: { slowStart: { windowMs: 30_000, minWeightPercent: 5, aggression: 2 }, panicThreshold: 50, passive: false, outlier: false },
    warnings: [`${C}.connect_timeout:6`],
  },
  {
    file: 'least-request.yaml',
    strategy: 'p2c',
    options: { flavor: 'envoy', draws: 3, replacement: false },
    servers: [['10.1.0.1:9000', 1, 'active'], ['10.1.0.2:9000', 1, 'active'], ['10.1.0.3:9000', 1, 'active'], ['10.1.0.4:9000', 1, 'active']],
    balancer: {},
    warnings: [],
  },
  {
    file: 'least-request-bias.yaml',
    strategy: 'p2c',
    // Envoy's weighted mode (unequal weights): EDF over weight / (active + 1)^0.5, modelled exactly.
    options: { flavor: 'envoy', draws: 2, replacement: false, activeRequestBias: 0.5 },
    servers: [['10.1.0.1:9000', 2, 'active'], ['10.1.0.2:9000', 1, 'active']],
    balancer: { slowStart: { windowMs: 10_000, minWeightPercent: 10, aggression: 1 } },
    warnings: [],
  },
  {
    file: 'ring-hash.yaml',
    strategy: 'consistent-hash',
    // Envoy's own ring (xxHash64, minimum_ring_size kept); only the route's hash key is warned about.
    options: { flavor: 'envoy', minimumRingSize: 4096 },
    servers: [['10.2.0.1:11211', 1, 'active'], ['10.2.0.2:11211', 2, 'active']],
    balancer: {},
    warnings: [`${C}.lb_policy:5`],
  },
  {
    file: 'ring-hash-bounded.yaml',
    strategy: 'bounded-load',
    // BoundedLoadHashingLoadBalancer over Envoy's own ring; only the route's hash key is warned about.
    options: { flavor: 'envoy', factor: 1.25 },
    servers: [['10.2.0.1:11211', 1, 'active'], ['10.2.0.2:11211', 1, 'active'], ['10.2.0.3:11211', 1, 'active']],
    balancer: {},
    warnings: [`${C}.lb_policy:6`],
  },
  {
    file: 'ring-hash-hostname.yaml',
    strategy: 'consistent-hash',
    options: { flavor: 'envoy', useHostnameForHashing: true },
    servers: [['10.9.0.1:8080', 1, 'active'], ['10.9.0.2:8080', 2, 'active']],
    hostnames: ['web-a.internal', 'web-b.internal'],
    balancer: {},
    warnings: [`${C}.lb_policy:6`],
  },
  {
    file: 'maglev-bounded-dns.yaml',
    strategy: 'bounded-load',
    // The table the bound wraps is Envoy's Maglev; STRICT_DNS hosts are named by their DNS address.
    options: { flavor: 'envoy', factor: 1.5, table: 'maglev', tableSize: 5003, useHostnameForHashing: true },
    servers: [['feed-1.internal:80', 1, 'active'], ['feed-2.internal:80', 1, 'active']],
    hostnames: ['feed-1.internal', 'feed-2.internal'],
    balancer: {},
    warnings: [`${C}.lb_policy:7`],
  },
  {
    file: 'maglev.yaml',
    strategy: 'maglev',
    options: { flavor: 'envoy', tableSize: 5003 },
    servers: [['10.3.0.1:80', 1, 'active'], ['10.3.0.2:80', 2, 'active']],
    balancer: {},
    warnings: [`${C}.lb_policy:5`],
  },
  {
    file: 'random.yaml',
    strategy: 'random',
    servers: [['10.4.0.1:80', 1, 'active'], ['10.4.0.2:80', 1, 'active']],
    balancer: {},
    warnings: [],
  },
  {
    file: 'health.yaml',
    strategy: 'weighted-round-robin',
    servers: [['10.5.0.1:8080', 1, 'active'], ['10.5.0.2:8080', 1, 'active'], ['10.5.0.3:8080', 1, 'down'], ['10.5.1.1:8080', 1, 'backup']],
    balancer: {
      panicThreshold: 25,
      outlier: { consecutive5xx: 3, baseEjectionMs: 10_000, maxEjectionMs: 120_000, maxEjectionPercent: 50 },
    },
    warnings: [
      `${C}.connect_timeout:5`,
      `${C}.health_checks[0]:12`,
      `${C}.outlier_detection.interval:23`,
      `${C}.circuit_breakers:25`,
      `${C}.load_assignment.endpoints[0].lb_endpoints[2].health_status:34`,
    ],
  },
  {
    file: 'cds.yaml',
    upstream: 'second',
    strategy: 'p2c',
    options: { flavor: 'envoy', draws: 2, replacement: false },
    servers: [['10.6.0.2:80', 1, 'active'], ['10.6.0.3:80', 1, 'active']],
    balancer: {},
    warnings: [],
  },
  {
    file: 'extension-policy.yaml',
    strategy: 'p2c',
    options: { flavor: 'envoy', draws: 4, replacement: false },
    servers: [['10.7.0.1:80', 1, 'active'], ['10.7.0.2:80', 1, 'active']],
    balancer: {},
    warnings: [],
  },
  {
    file: 'least-request-full-scan.yaml',
    strategy: 'least-connections',
    options: { flavor: 'envoy', activeRequestBias: 2 },
    servers: [['10.8.0.1:80', 1, 'active'], ['10.8.0.2:80', 3, 'active']],
    balancer: {},
    warnings: [],
  },
];

describe('Envoy import: one fixture per lb_policy and option', () => {
  for (const c of CASES) {
    it(`${c.file}${c.upstream ? ` --upstream ${c.upstream}` : ''} → ${c.strategy}`, () => {
      const { result, scenario } = importFixture(fixture('envoy', c.file), c.upstream ? { upstream: c.upstream } : {});
      const cfg = result.config;
      expect(cfg.strategy.name).toBe(c.strategy);
      if (c.options) expect(cfg.strategy.options).toEqual(c.options);
      expect(cfg.servers.map((s) => [s.address, s.weight, s.role])).toEqual(c.servers);
      expect(cfg.servers.map((s) => s.hostname)).toEqual(c.hostnames ?? cfg.servers.map(() => undefined));
      if (c.hostnames) expect(scenario.backends.map((g) => g.hostnames?.[0])).toEqual(c.hostnames);
      expect(cfg).toMatchObject(c.balancer);
      expect(result.warnings.map((w) => `${w.directive}:${w.line}`)).toEqual(c.warnings);
      expect(scenario.strategies[0]!.name).toBe(c.strategy);
      expect(scenario.strategies[0]!.options).toEqual(cfg.strategy.options);
      expect(scenario.balancer.panicThreshold).toBe(cfg.panicThreshold);
      expect(scenario.balancer.outlier).toEqual(cfg.outlier);
      expect(scenario.balancer.slowStart).toEqual(cfg.slowStart);
    });
  }

  it('keeps health checks for export', () => {
    const { result, scenario } = importFixture(fixture('envoy', 'health.yaml'));
    expect(result.config.healthCheck).toEqual({ intervalMs: 5000, timeoutMs: 1000, rise: 2, fall: 3, path: '/healthz' });
    expect(notesOf(scenario).healthCheck).toEqual(result.config.healthCheck);
  });
});

describe('Envoy import errors name the file, line and field', () => {
  const cases: [string, string, RegExp][] = [
    ['errors/bad-policy.yaml', `line 4: ${C}.lb_policy`, /^unknown lb_policy "FASTEST"; expected one of ROUND_ROBIN, LEAST_REQUEST/],
    ['errors/bad-weight.yaml', `line 9: ${C}.load_assignment.endpoints[0].lb_endpoints[0].load_balancing_weight`, /^expected a weight: an integer ≥ 1, got 0$/],
    ['errors/bad-duration.yaml', `line 5: ${C}.outlier_detection.base_ejection_time`, /^expected a duration such as "30s"/],
    ['errors/maglev-not-prime.yaml', 'line 3: maglev_lb_config.table_size', /prime/],
    [
      'errors/hostname-missing.yaml',
      `line 13: ${C}.load_assignment.endpoints[0].lb_endpoints[1].endpoint.hostname`,
      /^use_hostname_for_hashing hashes each endpoint's hostname, and endpoint 10\.9\.0\.2:8080 has none$/,
    ],
    ['errors/syntax.yaml', 'line 3', /./],
  ];
  for (const [file, path, message] of cases) {
    it(file, () => {
      const e = inputError(() => importFixture(fixture('envoy', file)));
      expect(e.file).toBe(fixture('envoy', file));
      expect(e.problems[0]!.path).toBe(path);
      expect(e.problems[0]!.message).toMatch(message);
    });
  }

  it('lists the clusters when the choice is ambiguous', () => {
    expect(inputError(() => importFixture(fixture('envoy', 'cds.yaml'))).problems[0]!.message).toBe('several clusters (first, second): choose one with --upstream NAME');
  });
});
