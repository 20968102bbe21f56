import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDocument, parseScenario } from '../scenario/index.js';
import { strategyNames } from '../strategies/registry.js';
import { haproxyCheck, hasCommand, nginxCheck } from './check-proxies.js';
import { exportConfig } from './export.js';
import { scenarioToConfig } from './plan.js';
import { fixture, importFixture, resolvable } from './testing.js';
import type { LbConfig, ProxyFormat } from './types.js';

const hasNginx = hasCommand('nginx');
const hasHaproxy = hasCommand('haproxy');
if (!hasNginx) console.warn('interop: nginx is not installed, so `nginx -t` is not run on exported fragments (.ci/run installs it)');
if (!hasHaproxy) console.warn('interop: haproxy is not installed, so `haproxy -c` is not run on exported sections (.ci/run installs it)');

/** A scenario using every balancer mechanism, so each export writes all it can. */
const FULL = `
name: full
clients: { arrival: poisson, rate: 100 }
backends:
  - { name: web, count: 3, weight: 2, maxConn: 20, service: { dist: exponential, mean: 10ms } }
  - { name: spare, weight: 1, service: { dist: exponential, mean: 10ms } }
balancer:
  passive: { maxFails: 2, failTimeout: 5s }
  outlier: { consecutive5xx: 3 }
  slowStart: { window: 10s }
  rateLimit: { rate: 20, burst: 10, nodelay: true, key: client }
  connLimit: { perKey: 5, key: global }
  queue: { maxQueue: 50, timeout: 3s }
  retries: 2
  timeout: 2s
strategies: all
`;

function fullConfigs(): LbConfig[] {
  const scenario = parseScenario(parseDocument(FULL, 'full.yaml'), 'full.yaml');
  return strategyNames().map((name) => scenarioToConfig(scenario, name, 'full.yaml'));
}

/** Every importable fixture's config (all formats), host names made resolvable offline. */
function fixtureConfigs(): { label: string; config: LbConfig }[] {
  const out: { label: string; config: LbConfig }[] = [];
  for (const format of ['nginx', 'haproxy', 'envoy'] as ProxyFormat[]) {
    for (const f of readdirSync(fixture(format)).filter((x) => /\.(conf|cfg|ya?ml)$/.test(x) && !/^(multi|cds)\./.test(x))) {
      out.push({ label: `${format}/${f}`, config: resolvable(importFixture(join(fixture(format), f)).result.config) });
    }
  }
  return out;
}

/** Whether this nginx knows `least_time` (nginx Plus, or a build that ships the module). */
function nginxHasLeastTime(): boolean {
  return nginxCheck('upstream probe { least_time header; server 127.0.0.1:1; }\n').ok;
}

describe.runIf(hasNginx)('nginx -t accepts every exported fragment', () => {
  const leastTime = hasNginx && nginxHasLeastTime();
  if (hasNginx && !leastTime) console.warn('interop: this nginx has no least_time; the least-time export is checked to fail on that directive alone');
  for (const config of hasNginx ? fullConfigs() : []) {
    it(`strategy ${config.strategy.name} with every mechanism`, () => {
      const r = nginxCheck(exportConfig(config, 'nginx').text);
      if (config.strategy.name === 'least-time' && !leastTime) {
        expect(r.ok).toBe(false);
        expect(r.output).toMatch(/unknown directive "least_time"/);
        const fallback = exportConfig(config, 'nginx').text.replace('least_time header;', 'least_conn;');
        expect(nginxCheck(fallback)).toMatchObject({ ok: true });
        return;
      }
      expect(r.output).not.toMatch(/\[(emerg|warn)\]/);
      expect(r.ok).toBe(true);
    });
  }
  for (const { label, config } of hasNginx ? fixtureConfigs() : []) {
    it(`imported ${label}`, () => {
      const text = exportConfig(config, 'nginx').text;
      const r = nginxCheck(leastTime ? text : text.replace('least_time header;', 'least_conn;'));
      expect(r.output).not.toMatch(/\[(emerg|warn)\]/);
      expect(r.ok).toBe(true);
    });
  }
});

describe.runIf(hasHaproxy)('haproxy -c accepts every exported backend', () => {
  for (const config of hasHaproxy ? fullConfigs() : []) {
    it(`strategy ${config.strategy.name} with every mechanism`, () => {
      const r = haproxyCheck(exportConfig(config, 'haproxy').text, config.name);
      expect(r.output).not.toMatch(/\[(ALERT|WARNING)\]/);
      expect(r.ok).toBe(true);
    });
  }
  for (const { label, config } of hasHaproxy ? fixtureConfigs() : []) {
    it(`imported ${label}`, () => {
      const r = haproxyCheck(exportConfig(config, 'haproxy').text, config.name);
      expect(r.output).not.toMatch(/\[(ALERT|WARNING)\]/);
      expect(r.ok).toBe(true);
    });
  }
});
