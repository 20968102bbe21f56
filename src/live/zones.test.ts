import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../input/errors.js';
import { loadScenario } from '../scenario/index.js';
import { liveZoneCheck } from './zones.js';

const sims = join(import.meta.dirname, '../../sims');
const load = (name: string) => loadScenario(join(sims, `${name}.yaml`));

describe('live runs and zones', () => {
  it('refuses zone-aware routing, naming the field and the two ways out', () => {
    const sc = load('zone-outage-zone-aware');
    expect(() => liveZoneCheck(sc, 'z.yaml')).toThrow(InputError);
    expect(() => liveZoneCheck(sc, 'z.yaml')).toThrow(/z\.yaml: balancer\.zones\.routing: zone-aware routing needs .* --set balancer\.zones\.routing=none/);
  });

  it('warns that client zones and the zone network are simulated only, and runs', () => {
    expect(liveZoneCheck(load('zone-outage'), 'z.yaml')).toEqual([
      'client zones, balancers per zone and the zone network (cross-zone latency and cost) are simulated only: the live run sends every request through one proxy on loopback',
    ]);
    const sc = load('zone-outage-zone-aware');
    const z = sc.balancer.zones;
    if (!z) throw new Error('zone-outage-zone-aware has a zones section');
    sc.balancer.zones = { ...z, routing: 'locality-weighted', localityWeights: { a: 1, b: 1, c: 1 } };
    expect(liveZoneCheck(sc, 'z.yaml')).toHaveLength(1);
  });

  it('says nothing for a scenario without zones', () => {
    expect(liveZoneCheck(load('homogeneous'), 'h.yaml')).toEqual([]);
  });
});
