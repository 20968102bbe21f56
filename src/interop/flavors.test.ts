/**
 * Imports simulate the proxy that was read: the strategy gets that proxy's flavor, and the
 * servers' addresses become the simulated backends' addresses, hashed as the proxy hashes them.
 */
import { describe, expect, it } from 'vitest';
import { crc32Update, crc32UpdateByte } from '../core/hash.js';
import { requestInfo } from '../core/view.js';
import { WorkloadModel } from '../sim/model/workload.js';
import { scenarioBackends } from '../sim/engine/lean.js';
import { FixtureView, makeStrategy } from '../strategies/test/fixture.js';
import { ketamaBaseHash, KetamaRing } from '../strategies/support/ketama-ring.js';
import { backend } from '../core/backend.js';
import { fixture, importFixture } from './testing.js';

describe('an import simulates the proxy it read', () => {
  it('nginx hash … consistent: the simulated ring is the production ring (servers hashed by their address)', () => {
    const { scenario } = importFixture(fixture('nginx', 'hash-consistent.conf'));
    const { specs } = scenarioBackends(new WorkloadModel(scenario));
    expect(specs.map((s) => s.address)).toEqual(['10.0.0.11:8080', '10.0.0.12:8080', '10.0.0.13:8080']);
    // ngx_http_upstream_update_chash: crc32(HOST "\0" PORT) of the server as written.
    const base = (host: string, port: string) => crc32Update(crc32UpdateByte(crc32Update(0, host), 0), port);
    expect(specs.map(ketamaBaseHash)).toEqual([base('10.0.0.11', '8080'), base('10.0.0.12', '8080'), base('10.0.0.13', '8080')]);
    // The same picks as a ring built from the production servers (weights 1, 2, 1).
    const prod = [backend({ id: 'a', host: '10.0.0.11', port: 8080 }), backend({ id: 'b', host: '10.0.0.12', port: 8080, weight: 2 }), backend({ id: 'c', host: '10.0.0.13', port: 8080 })];
    const ring = new KetamaRing();
    ring.build(prod);
    const view = new FixtureView(specs);
    const { strategy } = makeStrategy('consistent-hash', view);
    for (let k = 0; k < 500; k++) {
      const key = `/item/${k}`;
      expect(strategy.pick(view, requestInfo({ hashKey: key }))).toBe(ring.owners[ring.findKey(key)]);
    }
  });

  it('Envoy use_hostname_for_hashing: the simulated backends carry the endpoints\' hostnames, and the ring hashes them', () => {
    const { scenario } = importFixture(fixture('envoy', 'ring-hash-hostname.yaml'));
    const { specs } = scenarioBackends(new WorkloadModel(scenario));
    expect(specs.map((s) => [s.address, s.hostname])).toEqual([
      ['10.9.0.1:8080', 'web-a.internal'],
      ['10.9.0.2:8080', 'web-b.internal'],
    ]);
    const view = new FixtureView(specs);
    const { strategy: byName } = makeStrategy('consistent-hash', view, scenario.strategies[0]!.options);
    // The same picks as a ring over backends that carry only the hostnames as their addresses.
    const renamed = specs.map((s) => backend({ id: s.id, address: s.hostname!, weight: s.weight }));
    const { strategy: byAddress } = makeStrategy('consistent-hash', new FixtureView(renamed), { flavor: 'envoy' });
    for (let k = 0; k < 300; k++) {
      const req = requestInfo({ hashKey: `/item/${k}` });
      expect(byName.pick(view, req)).toBe(byAddress.pick(view, req));
    }
  });

  it.each([
    ['nginx', 'random-two.conf', 'p2c', 'nginx'],
    ['haproxy', 'leastconn.cfg', 'least-connections', 'haproxy'],
    ['haproxy', 'random.cfg', 'p2c', 'haproxy'],
    ['haproxy', 'random1.cfg', 'weighted-random', 'haproxy'],
    ['haproxy', 'uri-bounded.cfg', 'bounded-load', 'haproxy'],
    ['haproxy', 'uri.cfg', 'consistent-hash', 'haproxy'],
    ['envoy', 'least-request.yaml', 'p2c', 'envoy'],
    ['envoy', 'least-request-full-scan.yaml', 'least-connections', 'envoy'],
    ['envoy', 'round-robin.yaml', 'weighted-round-robin', 'envoy'],
    ['envoy', 'ring-hash-bounded.yaml', 'bounded-load', 'envoy'],
    ['envoy', 'maglev-bounded-dns.yaml', 'bounded-load', 'envoy'],
  ] as const)('%s %s → %s flavor %s in the written scenario', (format, file, strategy, flavor) => {
    const { scenario } = importFixture(fixture(format, file));
    expect(scenario.strategies[0]).toMatchObject({ name: strategy, options: { flavor } });
  });
});
