import { describe, expect, it } from 'vitest';
import { aliasesOf, editDistance, foldName, resolveStrategyName, suggestStrategy } from './aliases.js';
import { findStrategy, STRATEGIES } from './registry.js';

describe('strategy aliases', () => {
  it('every registry name resolves to itself in any case and spelling', () => {
    for (const s of STRATEGIES) {
      expect(resolveStrategyName(s.name)).toEqual({ name: s.name });
      expect(resolveStrategyName(s.name.toUpperCase().replace(/-/g, '_'))).toEqual({ name: s.name });
    }
  });

  it('the proxies\' names map to the strategy that simulates them, with valid options', () => {
    const cases: [string, string][] = [
      ['least_conn', 'least-connections'],
      ['leastconn', 'least-connections'],
      ['LEAST_REQUEST', 'p2c'],
      ['random two least_conn', 'p2c'],
      ['random(2)', 'p2c'],
      ['roundrobin', 'round-robin'],
      ['static-rr', 'weighted-round-robin'],
      ['ip_hash', 'ip-hash'],
      ['RING_HASH', 'consistent-hash'],
      ['MAGLEV', 'maglev'],
      ['source', 'ip-hash'],
      ['least_outstanding_requests', 'least-connections'],
    ];
    for (const [typed, name] of cases) {
      const r = resolveStrategyName(typed)!;
      expect(r.name, typed).toBe(name);
      expect(findStrategy(r.name)!.options.safeParse(r.options ?? {}).success).toBe(true);
    }
    expect(resolveStrategyName('fastest')).toBeUndefined();
    expect(aliasesOf('least-connections')).toContain('leastconn');
  });

  it('suggests the nearest name, or nothing when nothing is close', () => {
    expect(suggestStrategy('leest-conections')).toBe('least-connections');
    expect(suggestStrategy('round-robbin')).toBe('round-robin');
    expect(suggestStrategy('maglv')).toBe('maglev');
    expect(suggestStrategy('p2c-d4', ['p2c-d3'])).toBe('p2c-d3');
    expect(suggestStrategy('xyzzy')).toBeUndefined();
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(foldName('Least_Request')).toBe('leastrequest');
  });
});
