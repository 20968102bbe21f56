/**
 * `balancer.zones` in scenario files: defaults, the written-back form, and the checks across keys
 * (locality weights for a zone no backend has, zone routing without zones, locality-weighted
 * without weights, an unknown routing mode), each naming the file and the field path.
 */
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { InputError } from '../input/errors.js';
import { denormalize } from './denormalize.js';
import { parseScenario } from './index.js';

const svc = { dist: 'exponential', mean: '1ms' };
const doc = (backends: object[], balancer: object = {}) => ({
  clients: { arrival: 'poisson', rate: 100 },
  backends: backends.map((b) => ({ service: svc, ...b })),
  balancer,
  strategies: ['round-robin'],
});

function problems(d: unknown): string[] {
  try {
    parseScenario(d, 'zones.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).message).toContain('zones.yaml');
    return (e as InputError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected an InputError');
}

describe('zones in scenarios', () => {
  it("fills Envoy's defaults and writes the section back", () => {
    const s = parseScenario(doc([{ count: 3, zone: 'a' }, { count: 3, zone: 'b' }], { zones: {} }), 'ok.yaml');
    expect(s.balancer.zones).toEqual({ routing: 'zone-aware', minClusterSize: 6, routingEnabled: 100, failTrafficOnPanic: false, forceLocalityDirectRouting: false });
    const w = parseScenario(doc([{ zone: 'a' }, { zone: 'b' }], { zones: { routing: 'locality-weighted', localityWeights: { a: 1, b: 3 } } }), 'w.yaml');
    expect(w.balancer.zones && w.balancer.zones.localityWeights).toEqual({ a: 1, b: 3 });
    for (const x of [s, w]) expect(JSON.stringify(parseScenario(parse(stringify(denormalize(x))), 'back.yaml'))).toBe(JSON.stringify(x));
    expect('zones' in parseScenario(doc([{ zone: 'a' }]), 'plain.yaml').balancer).toBe(false);
  });

  it('refuses weights for a zone no backend has, zone routing without zones, missing weights, an unknown mode', () => {
    expect(problems(doc([{ zone: 'a' }, { zone: 'b' }], { zones: { routing: 'locality-weighted', localityWeights: { a: 1, c: 2 } } }))).toEqual([
      'balancer.zones.localityWeights.c: no backend has zone "c" (zones: a, b)',
    ]);
    expect(problems(doc([{ count: 2 }], { zones: { routing: 'zone-aware' } }))).toEqual(['balancer.zones.routing: routing zone-aware needs backends with a zone; no backend has one']);
    expect(problems(doc([{ zone: 'a' }], { zones: { routing: 'locality-weighted' } }))).toEqual([
      'balancer.zones.localityWeights: is required with routing locality-weighted (a weight per zone, as Envoy load_balancing_weight)',
    ]);
    const bad = problems(doc([{ zone: 'a' }], { zones: { routing: 'nearest' } }));
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(/^balancer\.zones\.routing: .*none.*zone-aware.*locality-weighted/);
    expect(problems(doc([{ zone: 'a' }], { zones: { routing: 'zone-aware', routingEnabled: 150 } }))[0]).toMatch(/^balancer\.zones\.routingEnabled: /);
  });
});
