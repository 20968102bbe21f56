import { describe, expect, it } from 'vitest';
import { InputError } from '../../input/errors.js';
import { NOTES_MARKER, notesOf } from '../notes.js';
import { fixture, importFixture } from '../testing.js';
import type { HashKey, LbMechanisms } from '../types.js';

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

/** `address weight maxConn role` per server, compactly. */
type S = [string, number, number, 'active' | 'backup' | 'down'];

interface Case {
  file: string;
  upstream?: string;
  strategy: string;
  options?: Record<string, unknown>;
  key?: HashKey;
  servers: S[];
  balancer: Partial<LbMechanisms>;
  /** `directive:line` of every warning, in order. */
  warnings: string[];
}

const NGINX_PASSIVE = { maxFails: 1, failTimeoutMs: 10_000 };

const CASES: Case[] = [
  {
    file: 'round-robin.conf',
    strategy: 'weighted-round-robin',
    options: { maxFails: 1 },
    servers: [['srv1.example.com', 3, 0, 'active'], ['srv2.example.com', 1, 0, 'active'], ['srv3.example.com', 1, 0, 'active']],
    balancer: { passive: NGINX_PASSIVE, panicThreshold: 0, retries: 2, timeoutMs: 0, rateLimit: false },
    warnings: [],
  },
  {
    file: 'least-conn.conf',
    strategy: 'least-connections',
    servers: [['srv1.example.com', 3, 0, 'active'], ['srv2.example.com', 1, 0, 'active'], ['srv3.example.com', 1, 100, 'active']],
    balancer: { passive: { maxFails: 3, failTimeoutMs: 30_000 }, retries: 2 },
    warnings: ['keepalive:8'],
  },
  {
    file: 'ip-hash.conf',
    strategy: 'ip-hash',
    servers: [['backend1.example.com', 1, 0, 'active'], ['backend2.example.com', 1, 0, 'active'], ['backend3.example.com', 1, 0, 'down'], ['backend4.example.com', 1, 0, 'active']],
    balancer: { passive: NGINX_PASSIVE, retries: 2 },
    warnings: ['server:7'],
  },
  {
    file: 'hash-consistent.conf',
    strategy: 'consistent-hash',
    key: { kind: 'uri' },
    servers: [['10.0.0.11:8080', 1, 0, 'active'], ['10.0.0.12:8080', 2, 0, 'active'], ['10.0.0.13:8080', 1, 0, 'active']],
    balancer: { retries: 2 },
    warnings: [],
  },
  {
    file: 'hash-modulo.conf',
    strategy: 'consistent-hash',
    key: { kind: 'client' },
    servers: [['192.168.1.10:80', 1, 0, 'active'], ['192.168.1.11:80', 1, 0, 'active']],
    balancer: { retries: 1 },
    warnings: ['hash:3'],
  },
  {
    file: 'random.conf',
    strategy: 'weighted-random',
    servers: [['api1.internal:9000', 2, 0, 'active'], ['api2.internal:9000', 1, 0, 'active']],
    balancer: {},
    warnings: [],
  },
  {
    file: 'random-two.conf',
    strategy: 'p2c',
    options: { flavor: 'nginx', draws: 2, replacement: false },
    servers: [['10.1.0.1:9000', 1, 0, 'active'], ['10.1.0.2:9000', 1, 0, 'active'], ['10.1.0.3:9000', 1, 0, 'active'], ['10.1.0.4:9000', 1, 0, 'active']],
    balancer: { retries: 3 },
    warnings: [],
  },
  {
    file: 'random-two-default.conf',
    strategy: 'p2c',
    options: { flavor: 'nginx', draws: 2, replacement: false },
    servers: [['10.1.0.1:9000', 1, 0, 'active'], ['10.1.0.2:9000', 1, 0, 'active']],
    balancer: {},
    warnings: [],
  },
  {
    file: 'least-time.conf',
    strategy: 'least-time',
    options: { alpha: 0.05, defaultMs: 0, bucketMs: 20, capMs: 5000 },
    servers: [['app1.example.com:8080', 1, 0, 'active'], ['app2.example.com:8080', 2, 0, 'active']],
    balancer: {},
    warnings: ['zone:3'],
  },
  {
    file: 'limits.conf',
    strategy: 'least-connections',
    servers: [['127.0.0.1:9001', 1, 0, 'active'], ['127.0.0.1:9002', 1, 0, 'active'], ['127.0.0.1:9003', 1, 0, 'active']],
    balancer: {
      passive: { maxFails: 2, failTimeoutMs: 5000 },
      rateLimit: { rate: 10, burst: 5, nodelay: true, delay: 0, key: 'client' },
      connLimit: { perKey: 10, key: 'client' },
      retries: 1,
      timeoutMs: 3000,
    },
    warnings: [],
  },
  {
    file: 'limits-delay.conf',
    strategy: 'weighted-round-robin',
    servers: [['10.0.0.1:80', 1, 0, 'active'], ['10.0.0.2:80', 1, 0, 'active']],
    balancer: { rateLimit: { rate: 0.5, burst: 12, nodelay: false, delay: 8, key: 'global' }, connLimit: false, retries: 0 },
    warnings: [],
  },
  {
    file: 'backup.conf',
    strategy: 'least-connections',
    servers: [
      ['web1.example.com:80', 5, 200, 'active'],
      ['web2.example.com:80', 5, 200, 'active'],
      ['web3.example.com:80', 1, 0, 'active'],
      ['spare.example.com:80', 1, 0, 'backup'],
      ['old.example.com:80', 1, 0, 'down'],
    ],
    balancer: { passive: { maxFails: 3, failTimeoutMs: 20_000 }, retries: 2 },
    warnings: ['upstream:2', 'server:8', 'keepalive:9', 'keepalive_timeout:10'],
  },
  {
    file: 'plus.conf',
    strategy: 'sticky',
    options: { inner: 'least-connections', innerOptions: { maxFails: 1 }, maxSessions: 100000 },
    servers: [['10.2.0.1:8080', 1, 0, 'active'], ['10.2.0.2:8080', 1, 0, 'active']],
    balancer: { slowStart: { windowMs: 30_000, minWeightPercent: 10, aggression: 1 }, queue: { maxQueue: 100, timeoutMs: 70_000 } },
    warnings: ['zone:3', 'sticky:7'],
  },
  {
    file: 'quoting.conf',
    strategy: 'consistent-hash',
    key: { kind: 'cookie', name: 'user' },
    servers: [['10.3.0.1:80', 2, 0, 'active'], ['10.3.0.2:80', 1, 0, 'active']],
    balancer: {},
    warnings: [],
  },
  {
    file: 'multi.conf',
    upstream: 'beta',
    strategy: 'least-connections',
    servers: [['10.0.0.2:80', 1, 0, 'active'], ['10.0.0.3:80', 1, 0, 'active']],
    balancer: {},
    warnings: [],
  },
  {
    file: 'includes/nginx.conf',
    strategy: 'least-connections',
    servers: [['10.4.0.1:8000', 2, 0, 'active'], ['10.4.0.2:8000', 1, 0, 'active']],
    balancer: { connLimit: { perKey: 5, key: 'client' }, retries: 1 },
    warnings: ['include:4'],
  },
];

describe('nginx import: one fixture per balancing method and option', () => {
  for (const c of CASES) {
    it(`${c.file}${c.upstream ? ` --upstream ${c.upstream}` : ''} → ${c.strategy}`, () => {
      const { result, scenario, text } = importFixture(fixture('nginx', c.file), c.upstream ? { upstream: c.upstream } : {});
      const cfg = result.config;
      expect(cfg.strategy.name).toBe(c.strategy);
      if (c.options) expect(cfg.strategy.options).toEqual(c.options);
      expect(cfg.hashKey).toEqual(c.key);
      expect(cfg.servers.map((s) => [s.address, s.weight, s.maxConn, s.role])).toEqual(c.servers);
      expect(cfg).toMatchObject(c.balancer);
      expect(result.warnings.map((w) => `${w.directive}:${w.line}`)).toEqual(c.warnings);

      // The written scenario loads, simulates the active and backup servers (backups as priority 1),
      // and lists the imported strategy first.
      const active = c.servers.filter((s) => s[3] !== 'down');
      expect(scenario.strategies[0]!.name).toBe(c.strategy);
      expect(scenario.strategies.length).toBeGreaterThan(1);
      expect(scenario.backends.map((g) => [g.count, g.weight, g.maxConn, g.priority ?? 0])).toEqual(active.map((s) => [1, s[1], s[2], s[3] === 'backup' ? 1 : 0]));
      if (active.some((s) => s[3] === 'backup')) expect(scenario.balancer.failover).toMatchObject({ mode: 'nginx' });
      expect(scenario.balancer.passive).toEqual(cfg.passive);
      expect(scenario.balancer.rateLimit).toEqual(cfg.rateLimit);
      expect(scenario.balancer.retries).toBe(cfg.retries);
      expect(scenario.clients.process.arrival).toBe('poisson');
      expect(text).toMatch(/placeholder: fill in your traffic/);
      for (const w of result.warnings) expect(text).toContain(`${w.directive}: ${w.message}`);

      // Each active or backup server's address is its backend's `address` (hashed as nginx hashes
      // it); down servers and the key survive in the imported: section for export; the description
      // stays for people, and the placeholder workload is fingerprinted.
      expect(scenario.backends.map((g) => g.addresses)).toEqual(active.map((s) => [s[0]]));
      expect(scenario.description).not.toContain(NOTES_MARKER);
      expect(scenario.imported?.format).toBe('nginx');
      expect(scenario.imported?.placeholder).toMatch(/^[0-9a-f]{8}$/);
      const notes = notesOf(scenario);
      expect(notes.addresses.size).toBe(0);
      expect(notes.extraServers.map((s) => [s.address, s.role])).toEqual(c.servers.filter((s) => s[3] === 'down').map((s) => [s[0], s[3]]));
      expect(notes.hashKey).toEqual(c.key);
    });
  }

  it('warns about every directive it does not model, with the line', () => {
    const { result } = importFixture(fixture('nginx', 'backup.conf'));
    const messages = result.warnings.map((w) => `${w.line} ${w.directive}: ${w.message}`);
    expect(messages).toEqual([
      '2 upstream: servers have different max_fails/fail_timeout; lbsim applies one setting to all: max_fails=3 fail_timeout=20s (the most common)',
      '8 server: server old.example.com:80 is marked down: not simulated; kept for export',
      '9 keepalive: connection reuse to the upstream is not modelled (lbsim has no connection setup cost)',
      '10 keepalive_timeout: connection reuse to the upstream is not modelled (lbsim has no connection setup cost)',
    ]);
  });

  it('maps nginx time and rate units', () => {
    const { scenario } = importFixture(fixture('nginx', 'limits-delay.conf'));
    expect(scenario.balancer.rateLimit).toEqual({ rate: 0.5, burst: 12, nodelay: false, delay: 8, key: 'global' });
  });
});

describe('nginx import errors name the file and line', () => {
  const cases: [string, string, RegExp][] = [
    ['errors/unterminated.conf', 'line 2: upstream', /not closed/],
    ['errors/bad-weight.conf', 'line 3: server', /^bad weight="zero": expected an integer ≥ 1$/],
    ['errors/missing-semicolon.conf', 'line 2: server', /no ";"/],
    ['errors/unterminated-quote.conf', 'line 2', /unterminated double-quoted string/],
    ['errors/unknown-zone.conf', 'line 4: limit_req', /no limit_req_zone named "nosuch"/],
  ];
  for (const [file, path, message] of cases) {
    it(file, () => {
      const e = inputError(() => importFixture(fixture('nginx', file)));
      expect(e.file).toBe(fixture('nginx', file));
      expect(e.problems).toHaveLength(1);
      expect(e.problems[0]!.path).toBe(path);
      expect(e.problems[0]!.message).toMatch(message);
    });
  }

  it('lists the upstreams when the choice is ambiguous or wrong', () => {
    expect(inputError(() => importFixture(fixture('nginx', 'multi.conf'))).problems[0]!.message).toBe('several upstreams (alpha, beta): choose one with --upstream NAME');
    expect(inputError(() => importFixture(fixture('nginx', 'multi.conf'), { upstream: 'gamma' })).problems[0]).toEqual({
      path: '--upstream',
      message: 'no upstream "gamma"; the config has: alpha, beta',
    });
  });
});
