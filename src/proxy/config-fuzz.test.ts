/**
 * Fuzzing the proxy-config parser (fast-check, fixed seeds, bounded in runs and time): whatever
 * the document — arbitrary values, a valid config with one field replaced by anything, keys added,
 * raw YAML/JSON text — `parseProxyConfig` / `parseConfigText` either return a config or throw a
 * {@link ConfigError} (an InputError: exit 2 with a one-line message per problem naming a field),
 * never any other exception.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../input/errors.js';
import { ConfigError, parseConfigText, parseProxyConfig, type ProxyConfig } from './config.js';
import { MAX_REQUEST_BUFFER, maxWorkers } from './serving-config.js';

/** Runs `f`; returns 'ok' or 'input-error', and rethrows anything else (the property then fails). */
function outcome(f: () => ProxyConfig): 'ok' | 'input-error' {
  try {
    const c = f();
    // What a successful parse promises the rest of the proxy.
    expect(c.backends.length).toBeGreaterThan(0);
    expect(c.workers === 'auto' || (Number.isInteger(c.workers) && c.workers >= 1 && c.workers <= maxWorkers())).toBe(true);
    expect(c.client.requestBuffer).toBeLessThanOrEqual(MAX_REQUEST_BUFFER);
    expect(c.client.maxHeaders).toBeGreaterThanOrEqual(1);
    return 'ok';
  } catch (e) {
    if (!(e instanceof ConfigError) || !(e instanceof InputError)) throw e;
    expect(e.problems.length).toBeGreaterThan(0);
    for (const p of e.problems) {
      expect(typeof p.message).toBe('string');
      expect(p.message).not.toMatch(/\n/);
    }
    return 'input-error';
  }
}

const VALID = {
  listen: '127.0.0.1:8080',
  admin: { listen: '127.0.0.1:9901', token: 'abcdefghijklmnop', allowHosts: ['lb.internal'] },
  strategy: 'p2c',
  options: {},
  backends: [{ url: 'http://127.0.0.1:9001', weight: 2, maxConn: 10 }, { url: 'http://127.0.0.1:9002' }],
  client: { headerTimeout: '10s', requestTimeout: '2m', bodyTimeout: '5s', sendTimeout: 60000, keepAliveTimeout: '5s', maxConnections: 100, maxHeaders: 50, requestBuffer: '64kB' },
  healthCheck: { path: '/health', interval: '2s', timeout: '1s', rise: 2, fall: 3 },
  passive: { maxFails: 1, failTimeout: '10s' },
  outlier: { consecutive5xx: 5, baseEjection: '30s' },
  retries: { count: 2, on: ['connect', 'reset', '502'] },
  timeouts: { connect: '1s', headers: '30s', idle: '30s' },
  rateLimit: { rate: '10r/s', burst: 5, status: 429 },
  connLimit: { perKey: 5 },
  queue: { maxQueue: 10, timeout: '1s' },
  sticky: { cookie: 'lb' },
  slowStart: { window: '10s' },
  hashKey: 'header:x-user',
  workers: 1,
  seed: 7,
};

/** Every field of VALID, and the subset that are mappings (where keys can be added). */
const PATHS: string[][] = [];
const MAPPINGS: string[][] = [[]];
(function walk(v: unknown, path: string[]): void {
  if (path.length > 0) PATHS.push(path);
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    if (path.length > 0) MAPPINGS.push(path);
    for (const [k, x] of Object.entries(v)) walk(x, [...path, k]);
  }
})(VALID, []);

/** Values near the edges of what fields accept, plus anything at all. */
const edgy = fc.oneof(
  fc.constantFrom(0, -1, 1, 0.5, 1e308, -1e308, Number.NaN, Infinity, -Infinity, 2 ** 53, 100_000, 1e12, '', ' ', '0', '-1s', '1e9s', '10r/s', '1e400', '64kB', '1GB', '99999999MB', 'auto', 'true', null, true, false, [], {}, [[]], { __proto__: null }),
  fc.string({ maxLength: 40 }),
  fc.anything({ maxDepth: 3, withNullPrototype: true, withObjectString: true }),
);

function setAt(doc: Record<string, unknown>, path: string[], v: unknown): Record<string, unknown> {
  const copy = structuredClone(doc);
  let o: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
  Object.defineProperty(o, path.at(-1)!, { value: v, enumerable: true, configurable: true, writable: true });
  return copy;
}

const RUNS = { seed: 20261205, numRuns: 1500, interruptAfterTimeLimit: 8_000 };

describe('proxy config parser under fuzzing', () => {
  it('the valid base config parses', () => {
    expect(outcome(() => parseProxyConfig(VALID, 'fuzz.yaml'))).toBe('ok');
  });

  it('any value as the whole document: a config or an input error', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4, withNullPrototype: true, withObjectString: true }), (doc) => {
        outcome(() => parseProxyConfig(doc, 'fuzz.yaml'));
      }),
      RUNS,
    );
  });

  it('one field of a valid config replaced by anything: a config or an input error', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), edgy, (path, v) => {
        outcome(() => parseProxyConfig(setAt(VALID, path, v), 'fuzz.yaml'));
      }),
      { ...RUNS, seed: RUNS.seed + 1 },
    );
  });

  it('extra keys (including __proto__ and constructor) at any level: a config or an input error', () => {
    fc.assert(
      fc.property(fc.constantFrom(...MAPPINGS), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'x', ''), edgy, (path, key, v) => {
        outcome(() => parseProxyConfig(setAt(VALID, [...path, key], v), 'fuzz.yaml'));
      }),
      { ...RUNS, seed: RUNS.seed + 2 },
    );
  });

  it('raw text (YAML and JSON fragments, garbage): a config or an input error', () => {
    const base = 'listen: 127.0.0.1:8080\nstrategy: round-robin\nbackends:\n  - { url: http://127.0.0.1:9001 }\n';
    const fragment = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.constantFrom('&a [*a, *a]\n', 'x: !!binary AAAA\n', 'client: { maxHeaders: 1e400 }\n', 'admin: 0\n', '{"listen": 1', ': : :\n', 'workers: 100000\n', '? [a]\n: b\n', '\t- x\n'),
      fc.json({ maxDepth: 3 }),
    );
    fc.assert(
      fc.property(fragment, fc.boolean(), (frag, prefix) => {
        outcome(() => parseConfigText(prefix ? base + frag : frag, frag.trimStart().startsWith('{') ? 'fuzz.json' : 'fuzz.yaml'));
      }),
      { ...RUNS, seed: RUNS.seed + 3 },
    );
  });
});
