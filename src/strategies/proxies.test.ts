import { describe, expect, it } from 'vitest';
import { findStrategy, STRATEGIES } from './registry.js';
import { flavorFor, flavorOf, PROXIES, proxySupport, proxyTable, strategiesFor } from './proxies.js';

describe('proxies: (strategy, proxy) → support and flavor', () => {
  it('has a cell for every registered strategy and proxy', () => {
    expect(proxyTable()).toHaveLength(STRATEGIES.length * PROXIES.length);
    for (const c of proxyTable()) {
      expect(c.config.length).toBeGreaterThan(3);
      if (c.support !== 'exact') expect(c.note?.length ?? 0).toBeGreaterThan(5);
    }
  });

  it('every flavor it names is a flavor of that strategy, and every flavor is some proxy’s (or the paper’s)', () => {
    for (const c of proxyTable()) {
      if (c.flavor === undefined) continue;
      expect(findStrategy(c.strategy)!.flavors?.list).toContain(c.flavor);
      expect(c.support).toBe('exact');
    }
    for (const def of STRATEGIES) {
      for (const f of def.flavors?.list ?? []) {
        if (f === 'paper') continue;
        expect(PROXIES.some((p) => flavorFor(def.name, p) === f)).toBe(true);
      }
    }
  });

  it('answers the questions a --proxy filter asks', () => {
    expect(proxySupport('least-connections', 'haproxy')).toMatchObject({ support: 'exact', flavor: 'haproxy', config: 'balance leastconn' });
    expect(proxySupport('p2c', 'envoy').flavor).toBe('envoy');
    expect(proxySupport('bounded-load', 'nginx').support).toBe('nearest');
    expect(proxySupport('first', 'envoy').support).toBe('none');
    expect(strategiesFor('haproxy')).toContain('first');
    expect(strategiesFor('nginx')).not.toContain('first');
    expect(strategiesFor('aws')).toEqual(['round-robin', 'random', 'weighted-random', 'least-connections', 'sticky']);
    expect(strategiesFor('nginx-plus')).toEqual(strategiesFor('nginx'));
  });

  it('flavorOf reads the options, else the default; undefined for strategies without flavors', () => {
    expect(flavorOf('p2c', {})).toBe('paper');
    expect(flavorOf('p2c', { flavor: 'nginx' })).toBe('nginx');
    expect(flavorOf('least-connections')).toBe('nginx');
    expect(flavorOf('random', {})).toBeUndefined();
  });
});
