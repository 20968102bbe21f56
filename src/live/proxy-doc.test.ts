import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/index.js';
import { parseProxyConfig } from '../proxy/config.js';
import { proxyConfigDoc } from './proxy.js';

describe('the live proxy config carries the backends\' tiers', () => {
  it('priority, zone and Envoy degraded state reach the proxy config, which accepts them', () => {
    const sc = parseScenario(
      {
        duration: '1s',
        clients: { rate: 100 },
        backends: [
          { name: 'h', count: 2, zone: 'a', service: { dist: 'exponential', mean: '1ms' } },
          { name: 'd', count: 1, zone: 'b', degraded: true, service: { dist: 'exponential', mean: '1ms' } },
          { name: 'p1', count: 1, priority: 1, service: { dist: 'exponential', mean: '1ms' } },
        ],
        balancer: { failover: { mode: 'envoy' } },
        strategies: ['round-robin'],
      },
      'live.yaml',
    );
    const doc = proxyConfigDoc(sc, sc.strategies[0]!, [9001, 9002, 9003, 9004], { admin: false, seed: 1 });
    const backends = doc.backends as Record<string, unknown>[];
    expect(backends.map((b) => [b.zone, b.degraded, b.priority])).toEqual([
      ['a', undefined, undefined],
      ['a', undefined, undefined],
      ['b', true, undefined],
      [undefined, undefined, 1],
    ]);
    const config = parseProxyConfig(doc, 'live proxy');
    expect(config.backends.map((b) => b.degraded ?? false)).toEqual([false, false, true, false]);
  });
});
