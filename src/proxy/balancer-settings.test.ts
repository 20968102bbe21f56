/**
 * One schema, one builder: a scenario's `balancer` section and a proxy config with the same
 * balancer settings give the core the same `BalancerOptions` (deep-equal), for every setting; and
 * with nothing written they differ exactly by the proxy's stated overrides (`PROXY_DEFAULTS`).
 */
import { describe, expect, it } from 'vitest';
import { backends } from '../core/backend.js';
import { balancerOptions, type BalancerEnv } from '../core/balancer/build.js';
import { BALANCER_DEFAULTS, BALANCER_SETTING_KEYS, settingsDocument } from '../core/balancer/settings.js';
import { Rng } from '../core/rng.js';
import { parseScenario } from '../scenario/index.js';
import { strategyOf } from '../strategies/index.js';
import { parseProxyConfig, PROXY_DEFAULTS } from './config.js';

/** Every balancer setting, none at its default. */
const SECTION = {
  passive: { maxFails: 3, failTimeout: '2s' },
  outlier: { consecutive5xx: 4, baseEjection: '10s', maxEjection: '1m', maxEjectionPercent: 30 },
  panicThreshold: 40,
  slowStart: { window: '20s', minWeightPercent: 25, aggression: 2 },
  rateLimit: { rate: '600r/m', burst: 10, nodelay: true, delay: 3, key: 'session' },
  connLimit: { perKey: 8, key: 'hash' },
  queue: { maxQueue: 50, timeout: '300ms' },
  healthCheck: { interval: '1s', timeout: '400ms', rise: 3, fall: 2 },
  failover: { mode: 'haproxy', allBackups: true, overprovisioningFactor: 1.2 },
  // routing none: these backends have no zones (zone routing would be refused); the rest is carried
  zones: { routing: 'none', minClusterSize: 3, routingEnabled: 70, failTrafficOnPanic: true, forceLocalityDirectRouting: true },
};

/** Everything but the settings: the same for both, so only the settings can make a difference. */
const env: BalancerEnv = { ...strategyOf('p2c', {}), backends: backends(3), clock: { now: () => 0 }, rng: new Rng(1) };

const scenario = (balancer: Record<string, unknown>) =>
  parseScenario({ clients: { rate: 10 }, backends: [{ count: 3, service: { dist: 'constant', value: 1 } }], balancer }, 'sc.yaml').balancer;
const proxy = (settings: Record<string, unknown>) =>
  parseProxyConfig({ listen: ':0', strategy: 'p2c', backends: [{ url: 'http://127.0.0.1:1' }], ...settings }, 'proxy.yaml');

describe('balancer settings: scenario and proxy build the same balancer', () => {
  it('the test section covers every setting of the schema', () => {
    expect(Object.keys(SECTION).sort()).toEqual([...BALANCER_SETTING_KEYS].sort());
  });

  it('the same settings give deep-equal BalancerOptions', () => {
    const fromScenario = balancerOptions(scenario(SECTION), env);
    const fromProxy = balancerOptions(proxy(SECTION), env);
    expect(fromProxy).toStrictEqual(fromScenario);
    // and every mechanism is really on, with the values written
    expect(fromScenario).toMatchObject({
      passive: { maxFails: 3, failTimeoutMs: 2_000 },
      outlier: { consecutive5xx: 4, baseEjectionMs: 10_000, maxEjectionMs: 60_000, maxEjectionPercent: 30 },
      active: { rise: 3, fall: 2 },
      panicThreshold: 40,
      slowStart: { windowMs: 20_000, minWeightPercent: 25, aggression: 2 },
      rateLimit: { rate: 10, burst: 10, nodelay: true, delay: 3, key: 'session' },
      connLimit: { perKey: 8, key: 'hash' },
      queue: { maxQueue: 50, timeoutMs: 300 },
      failover: { mode: 'haproxy', allBackups: true, overprovisioningFactor: 1.2 },
      zones: { routing: 'none', minClusterSize: 3, routingEnabled: 70, failTrafficOnPanic: true, forceLocalityDirectRouting: true },
    });
  });

  it('with keys left out, they differ exactly by PROXY_DEFAULTS', () => {
    const bare = { outlier: {}, slowStart: { window: '5s' }, rateLimit: { rate: 5 }, connLimit: { perKey: 2 }, queue: { maxQueue: 4 }, healthCheck: {} };
    const px = proxy(bare);
    expect(balancerOptions(scenario(bare), env)).not.toStrictEqual(balancerOptions(px, env));
    const stated = {
      ...bare,
      panicThreshold: PROXY_DEFAULTS.panicThreshold,
      rateLimit: { ...bare.rateLimit, key: PROXY_DEFAULTS.rateLimit.key },
    };
    expect(balancerOptions(scenario(stated), env)).toStrictEqual(balancerOptions(px, env));
    expect(px.healthCheck).toMatchObject({ intervalMs: PROXY_DEFAULTS.healthCheck.intervalMs, timeoutMs: PROXY_DEFAULTS.healthCheck.timeoutMs });
    expect(scenario(bare).healthCheck).toMatchObject({ intervalMs: BALANCER_DEFAULTS.healthCheck.intervalMs, timeoutMs: BALANCER_DEFAULTS.healthCheck.timeoutMs });
    // the overrides are the ones documented, nothing else
    const differ = (Object.keys(PROXY_DEFAULTS) as (keyof typeof PROXY_DEFAULTS)[]).filter(
      (k) => JSON.stringify(PROXY_DEFAULTS[k]) !== JSON.stringify(BALANCER_DEFAULTS[k]),
    );
    expect(differ).toEqual(['panicThreshold', 'rateLimit', 'healthCheck']);
  });

  it('the proxy keeps its own keys out of the balancer (rateLimit.status, healthCheck.path)', () => {
    const px = proxy({ ...SECTION, rateLimit: { ...SECTION.rateLimit, status: 429 }, healthCheck: { ...SECTION.healthCheck, path: '/healthz' } });
    expect(px.rateLimit).toMatchObject({ status: 429 });
    expect(px.healthCheck).toEqual({ path: '/healthz', intervalMs: 1_000, timeoutMs: 400, rise: 3, fall: 2 });
    expect(balancerOptions(px, env)).toStrictEqual(balancerOptions(scenario(SECTION), env));
  });

  it('a scenario section handed to the proxy as a document (lbsim live) comes back unchanged', () => {
    const s = scenario(SECTION);
    const px = proxy(settingsDocument({ ...s, healthCheck: false })); // live runs without active checks
    expect(px.healthCheck).toBe(false);
    for (const k of BALANCER_SETTING_KEYS) {
      if (k === 'rateLimit') expect(px.rateLimit).toEqual({ ...(s.rateLimit as object), status: 503 });
      else if (k !== 'healthCheck') expect(px[k]).toEqual(s[k]);
    }
  });
});
