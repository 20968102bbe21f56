import { describe, expect, it } from 'vitest';
import { setPath } from './overrides.js';
import { parseGrid, parseVary } from './vary.js';
import { strategyNames } from '../strategies/registry.js';

describe('--vary', () => {
  it('ranges with and without a step, and lists', () => {
    expect(parseVary('clients.rate=1000:3000:1000')).toEqual({ key: 'clients.rate', values: [1000, 2000, 3000] });
    expect(parseVary('strategies[p2c].options.draws=2:4')).toEqual({ key: 'strategies[p2c].options.draws', values: [2, 3, 4] });
    expect(parseVary('backends[0].count=5,10,20')).toEqual({ key: 'backends[0].count', values: [5, 10, 20] });
    expect(parseVary('clients.load=0.5:0.95:0.05').values).toEqual([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]);
    expect(parseVary('balancer.retries=2')).toEqual({ key: 'balancer.retries', values: [2] });
  });

  it('lists of names and booleans, on every axis but the first', () => {
    expect(parseVary('strategies[bounded-load].options.flavor=paper,haproxy,envoy')).toEqual({
      key: 'strategies[bounded-load].options.flavor',
      values: ['paper', 'haproxy', 'envoy'],
    });
    expect(parseVary('balancer.zones.forceLocalityDirectRouting=true,false').values).toEqual([true, false]);
    expect(parseGrid(['clients.rate=1000,2000', 'strategies[bounded-load].options.flavor=paper,envoy']).map((a) => a.values)).toEqual([
      [1000, 2000],
      ['paper', 'envoy'],
    ]);
    expect(() => parseGrid(['strategies[bounded-load].options.flavor=paper,envoy'])).toThrow(
      /^--vary: strategies\[bounded-load\]\.options\.flavor: the first --vary is the x of the tables and charts and takes numbers; give named values in a later --vary/,
    );
    for (const bad of ['k=paper,paper', 'k=a b', 'k=a,,b', 'k=1,two', `k=${'x'.repeat(65)}`, 'k=a|b', 'k=-a']) {
      expect(() => parseVary(bad), bad).toThrow(/^--vary: /);
    }
    expect(parseVary(`k=${'x'.repeat(64)}`).values).toEqual(['x'.repeat(64)]);
  });

  it('rejects malformed specs, reversed ranges, repeated values, oversized axes and grids, naming --vary', () => {
    for (const bad of ['clients.rate', '=1:2', 'clients.rate=9:1:1', 'clients.rate=1:2:0', 'clients.rate=a b', 'clients.rate=1,1', 'x=1:1000']) {
      expect(() => parseVary(bad), bad).toThrow(/^--vary: /);
    }
    expect(() => parseGrid(['a=1:30', 'b=1:40'])).toThrow(/the grid has 1200 points \(30 × 40\); at most 1000/);
    expect(() => parseGrid(['a=1:3', 'a=4:5'])).toThrow(/a is varied twice/);
    expect(parseGrid(['a=1:3', 'b=1,2']).map((x) => x.values.length)).toEqual([3, 2]);
  });
});

describe('key paths', () => {
  const doc = {
    clients: { arrival: 'poisson', rate: 100 },
    backends: [{ name: 'app', count: 2 }, { count: 3 }],
    strategies: ['round-robin', { name: 'p2c', label: 'p2c-d3', options: { draws: 3 } }],
  };

  it('indices, dotted indices and [name] selectors by label or group name; the input is not changed', () => {
    expect(setPath(doc, 'clients.rate', 5)['clients']).toEqual({ arrival: 'poisson', rate: 5 });
    expect((setPath(doc, 'backends[1].count', 9)['backends'] as { count: number }[])[1]!.count).toBe(9);
    expect((setPath(doc, 'backends.1.count', 8)['backends'] as { count: number }[])[1]!.count).toBe(8);
    expect((setPath(doc, 'backends[app].count', 7)['backends'] as { count: number }[])[0]!.count).toBe(7);
    expect((setPath(doc, 'strategies[p2c-d3].options.draws', 4)['strategies'] as unknown[])[1]).toEqual({
      name: 'p2c',
      label: 'p2c-d3',
      options: { draws: 4 },
    });
    expect(doc.backends[0]!.count).toBe(2);
  });

  it('a bare strategy name becomes { name } with the option; strategies: all expands to the registry first', () => {
    expect((setPath(doc, 'strategies[round-robin].options.x', 1)['strategies'] as unknown[])[0]).toEqual({ name: 'round-robin', options: { x: 1 } });
    const all = setPath({ strategies: 'all' }, 'strategies[p2c].options.draws', 3)['strategies'] as unknown[];
    expect(all).toHaveLength(strategyNames().length);
    expect(all[strategyNames().indexOf('p2c')]).toEqual({ name: 'p2c', options: { draws: 3 } });
    expect((setPath({}, 'strategies[p2c].options.draws', 3)['strategies'] as unknown[]).length).toBe(strategyNames().length);
  });

  it('names the step that does not exist', () => {
    expect(() => setPath(doc, 'strategies[p3c].options.draws', 1)).toThrow(/^--vary: strategies\[p3c\]: no item labelled "p3c" \(there are: round-robin, p2c-d3\)/);
    expect(() => setPath(doc, 'backends[5].count', 1)).toThrow(/backends\[5\]: does not exist \(the list has 2 items\)/);
    expect(() => setPath(doc, 'clients[0].rate', 1)).toThrow(/clients: is not a list/);
    expect(() => setPath(doc, 'clients..rate', 1, '--set')).toThrow(/^--set: expected a key like/);
  });
});
