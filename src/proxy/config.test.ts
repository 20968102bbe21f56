/**
 * The proxy config: the issue's example works as written, defaults and durations are filled in,
 * and every bad field gives a ConfigError naming the file, the dotted path and what was expected
 * (and `proxyCommand` prints it as one line and returns 2).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { ConfigError, loadProxyConfig, parseConfigText, parseListen, parseProxyConfig } from './config.js';
import { proxyCommand } from './cli.js';

const dir = mkdtempSync(join(tmpdir(), 'lbsim-proxy-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ISSUE_EXAMPLE = `listen: 127.0.0.1:8080
strategy: weighted-round-robin     # any registry name
options: {}                        # the strategy's options
backends:
  - { url: http://127.0.0.1:9001, weight: 5 }
  - { url: http://127.0.0.1:9002, weight: 1 }
  - { url: http://127.0.0.1:9003, weight: 1 }
`;

function errorOf(doc: unknown): ConfigError {
  try {
    parseProxyConfig(doc, 'proxy.yaml');
  } catch (e) {
    if (e instanceof ConfigError) return e;
    throw e;
  }
  throw new Error('expected a ConfigError');
}

const base = { listen: ':0', strategy: 'round-robin', backends: [{ url: 'http://127.0.0.1:9001' }] };

describe('loadProxyConfig', () => {
  it("reads the issue's example exactly as written, with defaults", () => {
    const file = join(dir, 'proxy.yaml');
    writeFileSync(file, ISSUE_EXAMPLE);
    const c = loadProxyConfig(file);
    expect(c.listen).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(c.strategy).toBe('weighted-round-robin');
    expect(c.backends.map((b) => [b.id, b.origin, b.weight, b.maxConn])).toEqual([
      ['127.0.0.1:9001', 'http://127.0.0.1:9001', 5, 0],
      ['127.0.0.1:9002', 'http://127.0.0.1:9002', 1, 0],
      ['127.0.0.1:9003', 'http://127.0.0.1:9003', 1, 0],
    ]);
    expect(c.admin).toEqual({ host: '127.0.0.1', port: 9901, token: null, allowHosts: [] });
    expect(c.healthCheck).toBe(false);
    expect(c.passive).toEqual({ maxFails: 1, failTimeoutMs: 10_000 });
    expect(c.panicThreshold).toBe(0);
    expect([...c.retries.on]).toEqual(['connect', 'reset', 'timeout']);
    expect(c.timeouts).toEqual({ connectMs: 5_000, headersMs: 60_000, idleMs: 60_000 });
    expect(c.workers).toBe(1);
  });

  it('reads JSON too, and accepts durations as ms numbers or strings with units', () => {
    const file = join(dir, 'proxy.json');
    writeFileSync(
      file,
      JSON.stringify({
        ...base,
        healthCheck: { path: '/healthz', interval: '2s', timeout: 250, rise: 1, fall: 2 },
        passive: { maxFails: 3, failTimeout: '1.5s' },
        timeouts: { connect: '500ms', headers: '1m', idle: 30000 },
        rateLimit: { rate: '600r/m', burst: 5, status: 429 },
        sticky: { cookie: 'srv' },
        backends: [{ url: 'http://127.0.0.1:9001', weight: 2, maxConn: 10 }],
      }),
    );
    const c = loadProxyConfig(file);
    expect(c.healthCheck).toEqual({ path: '/healthz', intervalMs: 2000, timeoutMs: 250, rise: 1, fall: 2 });
    expect(c.passive).toEqual({ maxFails: 3, failTimeoutMs: 1500 });
    expect(c.timeouts).toEqual({ connectMs: 500, headersMs: 60_000, idleMs: 30_000 });
    expect(c.rateLimit).toMatchObject({ rate: 10, burst: 5, status: 429, key: 'client' });
    // sticky wraps the configured strategy
    expect(c.strategy).toBe('sticky');
    expect(c.configuredStrategy).toBe('round-robin');
    expect(c.options).toEqual({ inner: 'round-robin', innerOptions: {}, maxSessions: 100_000 });
    expect(c.backends[0]!.maxConn).toBe(10);
  });

  it('parses listen addresses', () => {
    expect(parseListen('127.0.0.1:8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListen(':0')).toEqual({ host: '0.0.0.0', port: 0 });
    expect(parseListen('8080')).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(parseListen('[::1]:9901')).toEqual({ host: '::1', port: 9901 });
    expect(parseListen('localhost:99999')).toBeNull();
    expect(parseListen('nope')).toBeNull();
  });
});

describe('ConfigError names the field', () => {
  const cases: [string, unknown, string, RegExp][] = [
    ['bad backend url', { ...base, backends: [{ url: 'http://a:1' }, { url: 'http://b:2' }, { url: 'ftp://x' }] }, 'backends[2].url', /http:\/\/ URL/],
    ['backend url with a path', { ...base, backends: [{ url: 'http://a:1/api' }] }, 'backends[0].url', /without path/],
    ['duplicate backend', { ...base, backends: [{ url: 'http://a:1' }, { url: 'http://a:1/' }] }, 'backends[1].url', /different from backends\[0\]/],
    ['weight not a positive integer', { ...base, backends: [{ url: 'http://a:1', weight: 0 }] }, 'backends[0].weight', /too small|>=1|at least/i],
    ['no backends', { ...base, backends: [] }, 'backends', /.+/],
    ['unknown strategy', { ...base, strategy: 'fastest' }, 'strategy', /registered strategy.*round-robin/],
    ['bad strategy option', { ...base, strategy: 'weighted-round-robin', options: { maxFails: 'x' } }, 'options.maxFails', /expected number/],
    ['unknown strategy option', { ...base, options: { bogus: 1 } }, 'options.bogus', /unknown key/],
    ['unknown top-level key', { ...base, listne: ':1' }, 'listne', /unknown key/],
    ['missing listen', { strategy: 'round-robin', backends: base.backends }, 'listen', /required/],
    ['bad listen', { ...base, listen: 'here' }, 'listen', /host:port/],
    ['bad duration', { ...base, timeouts: { connect: 'soon' } }, 'timeouts.connect', /duration/],
    ['bad retry condition', { ...base, retries: { on: ['connect', '500'] } }, 'retries.on[1]', /expected one of/],
    ['bad rate-limit status', { ...base, rateLimit: { rate: 1, status: 500 } }, 'rateLimit.status', /.+/],
    ['bad inner strategy', { ...base, strategy: 'sticky', options: { inner: 'nope' } }, 'options.inner', /registered strategy/],
    ['host-name hashing', { ...base, strategy: 'maglev', options: { flavor: 'envoy', useHostnameForHashing: true } }, 'options.useHostnameForHashing', /carry no host names/],
    ['too many workers', { ...base, workers: 100_000 }, 'workers', /expected at most \d+ \(4 per CPU core, \d+ cores\), got 100000/],
    ['bad client timeout', { ...base, client: { bodyTimeout: '-1s' } }, 'client.bodyTimeout', /positive duration/],
    ['request buffer too big', { ...base, client: { requestBuffer: '1GB' } }, 'client.requestBuffer', /size from 0 to 64 MB/],
    ['unknown client key', { ...base, client: { maxConns: 5 } }, 'client.maxConns', /unknown key/],
    ['too many headers allowed', { ...base, client: { maxHeaders: 5000 } }, 'client.maxHeaders', /.+/],
    ['bad admin address', { ...base, admin: 'everywhere' }, 'admin', /host:port/],
    ['short admin token', { ...base, admin: { listen: 9901, token: 'short' } }, 'admin.token', /at least 16/],
    ['unknown admin key', { ...base, admin: { listen: 9901, tokn: 'x' } }, 'admin.tokn', /unknown key/],
  ];
  for (const [what, doc, path, expected] of cases) {
    it(`${what} → ${path}`, () => {
      const e = errorOf(doc);
      expect(e.file).toBe('proxy.yaml');
      expect(e.path).toBe(path);
      expect(e.expected).toMatch(expected);
      expect(e.message).toContain(`proxy.yaml: ${path}: `);
    });
  }

  it('refuses an unresolved YAML tag and an alias bomb as input errors', () => {
    expect(() => parseConfigText('listen: !secret x\n', 'tag.yaml')).toThrow(/tag\.yaml: line 1, column \d+: expected valid YAML: .*tag/i);
    const levels = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let k = 1; k < 9; k++) levels.push(`${String.fromCharCode(97 + k)}: &${String.fromCharCode(97 + k)} [${Array(9).fill(`*${String.fromCharCode(96 + k)}`).join(', ')}]`);
    expect(() => parseConfigText(`${levels.join('\n')}\n`, 'bomb.yaml')).toThrow(/bomb\.yaml: expected valid YAML: .*alias/i);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(() => parseConfigText('listen: [1,\n', 'bad.yaml')).toThrow(ConfigError);
    try {
      parseConfigText('listen: [1,\n', 'bad.yaml');
    } catch (e) {
      expect((e as ConfigError).path).toMatch(/^line \d+/);
    }
  });
});

describe('serving settings', () => {
  it('client defaults follow nginx (60 s client timeouts), Node (5 s keep-alive, 300 s request) and HAProxy (100 headers)', () => {
    expect(parseProxyConfig(base).client).toEqual({
      headerTimeoutMs: 60_000,
      requestTimeoutMs: 300_000,
      bodyTimeoutMs: 60_000,
      sendTimeoutMs: 60_000,
      keepAliveTimeoutMs: 5_000,
      maxConnections: 10_000,
      maxHeaders: 100,
      requestBuffer: 65_536,
    });
    expect(parseProxyConfig({ ...base, client: { requestBuffer: '1MB', bodyTimeout: '5s' } }).client).toMatchObject({ requestBuffer: 1_048_576, bodyTimeoutMs: 5_000 });
  });

  it('admin: a bare port or :port binds 127.0.0.1; an address or an object is taken as given', () => {
    expect(parseProxyConfig({ ...base, admin: 9901 }).admin).toEqual({ host: '127.0.0.1', port: 9901, token: null, allowHosts: [] });
    expect(parseProxyConfig({ ...base, admin: ':9901' }).admin).toMatchObject({ host: '127.0.0.1' });
    expect(parseProxyConfig({ ...base, admin: '0.0.0.0:9901' }).admin).toMatchObject({ host: '0.0.0.0' });
    expect(parseProxyConfig({ ...base, admin: false }).admin).toBe(false);
    expect(parseProxyConfig({ ...base, admin: { listen: 9902, token: 'abcdefghijklmnopq', allowHosts: ['LB.example'] } }).admin).toEqual({
      host: '127.0.0.1',
      port: 9902,
      token: 'abcdefghijklmnopq',
      allowHosts: ['lb.example'],
    });
  });

  it('a config file is read bounded: /dev/zero and an oversized file are refused without reading them whole', () => {
    expect(() => loadProxyConfig('/dev/zero')).toThrow(/\/dev\/zero: is a character device, not a regular file; refusing to read it/);
    const big = join(dir, 'big.yaml');
    writeFileSync(big, `listen: :0\n# ${'x'.repeat(1024 * 1024)}\n`);
    expect(() => loadProxyConfig(big)).toThrow(/big\.yaml: expected a config file of at most 1024 KiB/);
  });
});

describe('proxyCommand with a bad config', () => {
  it('prints one clear line naming file and field and returns 2', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, ISSUE_EXAMPLE.replace('http://127.0.0.1:9003', 'not a url'));
    const lines: string[] = [];
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
      lines.push(String(s));
      return true;
    });
    try {
      expect(await proxyCommand(file, {})).toBe(2);
    } finally {
      spy.mockRestore();
    }
    expect(lines.join('')).toBe(`lbsim: ${file}: backends[2].url: expected an http:// URL such as http://127.0.0.1:9001, got "not a url"\n`);
  });

  it('returns 2 for a missing file and for a bad --workers', async () => {
    const spy = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(await proxyCommand(join(dir, 'missing.yaml'), {})).toBe(2);
      expect(await proxyCommand(join(dir, 'missing.yaml'), { workers: 0 })).toBe(2);
    } finally {
      spy.mockRestore();
    }
  });
});
