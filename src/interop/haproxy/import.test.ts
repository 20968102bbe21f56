import { describe, expect, it } from 'vitest';
import { InputError } from '../../input/errors.js';
import { notesOf } from '../notes.js';
import { fixture, importFixture } from '../testing.js';
import type { HashKey, LbMechanisms } from '../types.js';
import { UNLIMITED_QUEUE } from './import.js';
import { parseHaproxy, splitHaproxyLine } from './parser.js';

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('HAProxy parser', () => {
  const split = (line: string) => splitHaproxyLine(line, 1, 't.cfg');

  it('splits words, honours quotes and escapes, and strips comments', () => {
    expect(split('  server a 10.0.0.1:80   weight 3 # comment')).toEqual(['server', 'a', '10.0.0.1:80', 'weight', '3']);
    expect(split(`http-request set-header X "a \\"b\\" # c" 'it''s'`)).toEqual(['http-request', 'set-header', 'X', 'a "b" # c', 'its']);
    expect(split(`x 'no \\escape' a\\ b \\#c "\\x41"`)).toEqual(['x', 'no \\escape', 'a b', '#c', 'A']);
    expect(split(`a"b c"d`)).toEqual(['ab cd']);
    expect(split('   # only a comment')).toEqual([]);
  });

  it('reports an unterminated quote with its line', () => {
    const e = inputError(() => parseHaproxy('backend a\n    x "open\n', 'q.cfg'));
    expect(e.problems[0]).toEqual({ path: 'line 2', message: 'unterminated double quote' });
  });

  it('groups lines into sections with names and from', () => {
    const s = parseHaproxy('global\n  daemon\ndefaults base\ndefaults web from base\nbackend b from web\n  balance first\n', 'p.cfg');
    expect(s.map((x) => [x.type, x.name, x.from, x.line, x.lines.length])).toEqual([
      ['global', '', undefined, 1, 1],
      ['defaults', 'base', undefined, 3, 0],
      ['defaults', 'web', 'base', 4, 0],
      ['backend', 'b', 'web', 5, 1],
    ]);
  });
});

type S = [string, string, number, number, 'active' | 'backup' | 'down'];

interface Case {
  file: string;
  upstream?: string;
  strategy: string;
  options?: Record<string, unknown>;
  key?: HashKey;
  servers?: S[];
  balancer: Partial<LbMechanisms>;
  warnings: string[];
}

const T = (file: string, strategy: string, rest: Partial<Case> = {}): Case => ({ file, strategy, balancer: {}, warnings: ['retries:7'], ...rest });

const CASES: Case[] = [
  {
    file: 'roundrobin.cfg',
    strategy: 'weighted-round-robin',
    servers: [['app1', '10.0.1.1:8080', 30, 0, 'active'], ['app2', '10.0.1.2:8080', 10, 0, 'active'], ['app3', '10.0.1.3:8080', 10, 0, 'active']],
    balancer: { passive: false, panicThreshold: 0, retries: 1, timeoutMs: 30_000, queue: false },
    warnings: ['retries:14', 'balance roundrobin:22', 'check:25'],
  },
  T('static-rr.cfg', 'weighted-round-robin', { servers: [['s1', '192.168.0.1:80', 2, 0, 'active'], ['s2', '192.168.0.2:80', 1, 0, 'active']], warnings: ['retries:7', 'balance static-rr:8'] }),
  {
    file: 'leastconn.cfg',
    strategy: 'least-connections',
    options: { flavor: 'haproxy' },
    servers: [['api1', '10.0.2.1:9000', 1, 50, 'active'], ['api2', '10.0.2.2:9000', 1, 50, 'active'], ['api3', '10.0.2.3:9000', 2, 25, 'active']],
    balancer: { queue: { maxQueue: 200, timeoutMs: 15_000 }, retries: 1, timeoutMs: 10_000 },
    warnings: ['retries:11'],
  },
  T('first.cfg', 'first', { balancer: { queue: { maxQueue: UNLIMITED_QUEUE, timeoutMs: 5000 } }, warnings: ['retries:8'] }),
  T('source.cfg', 'ip-hash', { key: { kind: 'client' }, warnings: ['retries:7', 'balance source:8'] }),
  T('source-consistent.cfg', 'consistent-hash', { options: { flavor: 'haproxy' }, key: { kind: 'client' }, warnings: ['retries:7', 'balance source:8'] }),
  T('uri-bounded.cfg', 'bounded-load', { options: { flavor: 'haproxy', factor: 1.5 }, key: { kind: 'uri' }, warnings: ['retries:8'] }),
  T('uri.cfg', 'consistent-hash', { key: { kind: 'path' } }),
  T('url-param.cfg', 'consistent-hash', { key: { kind: 'param', name: 'userid' } }),
  T('hdr.cfg', 'consistent-hash', { key: { kind: 'header', name: 'x-tenant' } }),
  T('hdr-map.cfg', 'consistent-hash', { key: { kind: 'header', name: 'host' }, warnings: ['retries:7', 'hash-type:8'] }),
  T('rdp-cookie.cfg', 'consistent-hash', { key: { kind: 'cookie', name: 'mstshash' } }),
  T('hash-expr.cfg', 'consistent-hash', { key: { kind: 'cookie', name: 'sid' } }),
  T('random.cfg', 'p2c', { options: { flavor: 'haproxy', draws: 2, replacement: false }, warnings: ['retries:8'] }),
  T('random3.cfg', 'p2c', { options: { flavor: 'haproxy', draws: 3, replacement: false } }),
  T('random1.cfg', 'weighted-random', { servers: [['a1', '10.0.11.1:80', 3, 0, 'active'], ['a2', '10.0.11.2:80', 1, 0, 'active']] }),
  {
    file: 'listen-from.cfg',
    strategy: 'least-connections',
    servers: [['w1', '10.0.12.1:80', 1, 100, 'active'], ['w2', '10.0.12.2:80', 1, 100, 'active']],
    balancer: { retries: 1, timeoutMs: 20_000, queue: { maxQueue: UNLIMITED_QUEUE, timeoutMs: 5000 } },
    warnings: ['bind:19', 'option forwardfor:20', 'http-request:21', 'check:22'],
  },
  T('cookie.cfg', 'sticky', { options: { inner: 'weighted-round-robin', innerOptions: {}, maxSessions: 100000 }, warnings: ['retries:8', 'cookie:10'] }),
  {
    file: 'servers.cfg',
    strategy: 'least-connections',
    servers: [
      ['web1', '10.0.14.1:80', 3, 0, 'active'],
      ['web2', '10.0.14.2:80', 3, 0, 'active'],
      ['spare', '10.0.14.9:80', 1, 0, 'backup'],
      ['old', '10.0.14.8:80', 1, 0, 'down'],
      ['zero', '10.0.14.7:80', 1, 0, 'down'],
    ],
    balancer: { slowStart: { windowMs: 60_000, minWeightPercent: 10, aggression: 1 } },
    warnings: [
      'retries:8',
      'stick-table:11',
      'http-request:12',
      'server send-proxy:13',
      'check:13',
      'server resolvers:14',
      'server disabled:16',
      'server weight 0:17',
      'fullconn:18',
    ],
  },
  T('multi.cfg', 'least-connections', { upstream: 'two', warnings: ['retries:7'] }),
];

describe('HAProxy import: one fixture per balance algorithm and option', () => {
  for (const c of CASES) {
    it(`${c.file}${c.upstream ? ` --upstream ${c.upstream}` : ''} → ${c.strategy}`, () => {
      const { result, scenario } = importFixture(fixture('haproxy', c.file), c.upstream ? { upstream: c.upstream } : {});
      const cfg = result.config;
      expect(cfg.strategy.name).toBe(c.strategy);
      if (c.options) expect(cfg.strategy.options).toEqual(c.options);
      expect(cfg.hashKey).toEqual(c.key);
      if (c.servers) expect(cfg.servers.map((s) => [s.name, s.address, s.weight, s.maxConn, s.role])).toEqual(c.servers);
      expect(cfg).toMatchObject(c.balancer);
      expect(result.warnings.map((w) => `${w.directive}:${w.line}`)).toEqual(c.warnings);
      expect(scenario.strategies[0]!.name).toBe(c.strategy);
      expect(scenario.backends.map((g) => [g.name, g.priority ?? 0])).toEqual(cfg.servers.filter((s) => s.role !== 'down').map((s) => [s.name, s.role === 'backup' ? 1 : 0]));
      expect(scenario.balancer.queue).toEqual(cfg.queue);
      expect(scenario.balancer.slowStart).toEqual(cfg.slowStart);
    });
  }

  it('inherits from the defaults chain: balance, default-server, retries, redispatch and timeouts', () => {
    const { result, scenario } = importFixture(fixture('haproxy', 'listen-from.cfg'));
    expect(result.kind).toBe('listen');
    expect(result.config.healthCheck).toEqual({ intervalMs: 2000, timeoutMs: 2000, rise: 1, fall: 2 });
    expect(notesOf(scenario).healthCheck).toEqual(result.config.healthCheck);
    expect(result.origins['balancer.retries']).toBe('retries 1, option redispatch -1');
  });

  it('keeps the HTTP health check path', () => {
    const { result } = importFixture(fixture('haproxy', 'roundrobin.cfg'));
    expect(result.config.healthCheck).toEqual({ intervalMs: 3000, timeoutMs: 3000, rise: 2, fall: 3, path: '/health' });
  });

  it('maps retries to redispatched retries only', () => {
    const rr = importFixture(fixture('haproxy', 'roundrobin.cfg')).result;
    expect(rr.config.retries).toBe(1); // retries 3 + option redispatch (last retry only)
    expect(rr.warnings[0]!.message).toMatch(/^2 of the 3 retries go to the same server/);
  });
});

describe('HAProxy import errors name the file and line', () => {
  const cases: [string, string, RegExp][] = [
    ['errors/unknown-balance.cfg', 'line 4: balance', /^unknown balance algorithm "fastest"; expected one of roundrobin, static-rr, leastconn, first, source/],
    ['errors/bad-weight.cfg', 'line 4: weight', /^bad weight "300": expected an integer from 0 to 256$/],
    ['errors/unterminated.cfg', 'line 2', /unterminated double quote/],
    ['errors/outside.cfg', 'line 1: balance', /outside any section/],
  ];
  for (const [file, path, message] of cases) {
    it(file, () => {
      const e = inputError(() => importFixture(fixture('haproxy', file)));
      expect(e.file).toBe(fixture('haproxy', file));
      expect(e.problems[0]!.path).toBe(path);
      expect(e.problems[0]!.message).toMatch(message);
    });
  }

  it('lists the backends when the choice is ambiguous', () => {
    expect(inputError(() => importFixture(fixture('haproxy', 'multi.cfg'))).problems[0]!.message).toBe('several backends (one, two): choose one with --upstream NAME');
  });
});
