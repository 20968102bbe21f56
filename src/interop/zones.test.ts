/**
 * Envoy localities through import and export: `locality.zone`, the localities'
 * `load_balancing_weight`, `common_lb_config.locality_weighted_lb_config` and
 * `zone_aware_lb_config` (routing_enabled, min_cluster_size, fail_traffic_on_panic),
 * `healthy_panic_threshold` and endpoint `health_status` (DEGRADED simulated as a degraded backend,
 * UNHEALTHY and DRAINING kept out of the simulation) become `balancer.zones` and scenario groups;
 * export writes them back and import → export → import keeps them. Nothing is dropped silently.
 */
import { describe, expect, it } from 'vitest';
import { fixture, importFixture, roundTrip } from './testing.js';
import type { LbConfig } from './types.js';

const servers = (c: LbConfig) => c.servers.map((s) => [s.address, s.role, s.zone ?? null, s.health ?? null, s.priority ?? 0]);

describe('Envoy localities through import and export', () => {
  it('locality weights, health statuses and the panic threshold: simulated, written back, kept on a round trip', () => {
    const { result, scenario, text } = importFixture(fixture('envoy', 'localities.yaml'));
    expect(scenario.balancer.zones).toEqual({
      routing: 'locality-weighted',
      minClusterSize: 6,
      routingEnabled: 100,
      failTrafficOnPanic: false,
      forceLocalityDirectRouting: false,
      localityWeights: { 'eu-west-1a': 1, 'eu-west-1b': 2, 'eu-west-1c': 3 },
    });
    expect(scenario.balancer.panicThreshold).toBe(30);
    // Simulated: the healthy and the degraded endpoints; UNHEALTHY and DRAINING are kept for export.
    expect(scenario.backends.map((g) => [g.name, g.zone, g.degraded ?? false])).toEqual([
      ['10.3.0.1_8080', 'eu-west-1a', false],
      ['10.3.0.2_8080', 'eu-west-1a', true],
      ['10.3.1.1_8080', 'eu-west-1b', false],
      ['10.3.2.1_8080', 'eu-west-1c', false],
    ]);
    expect(text).toMatch(/degraded: true/);
    expect(result.warnings.map((w) => `${w.directive}: ${w.message}`)).toEqual([
      expect.stringMatching(/endpoints\[1\]\.lb_endpoints\[1\]\.health_status: endpoint 10\.3\.1\.2:8080 is UNHEALTHY/),
      expect.stringMatching(/endpoints\[1\]\.lb_endpoints\[2\]\.health_status: endpoint 10\.3\.1\.3:8080 is DRAINING/),
    ]);
    expect(text).toMatch(/localityWeights:/);
    const { exported, back } = roundTrip(scenario, 'weighted-round-robin', 'envoy');
    expect(exported.text).toMatch(/locality_weighted_lb_config: \{\}/);
    expect(exported.text).toMatch(/healthy_panic_threshold:\s*\n\s+value: 30/);
    expect(exported.text).toMatch(/health_status: DEGRADED/);
    expect(exported.text).toMatch(/health_status: DRAINING/);
    expect(servers(back.config).sort()).toEqual(servers(result.config).sort());
    expect(back.config.zones).toEqual(result.config.zones);
    expect(back.config.panicThreshold).toBe(30);
  });

  it('zone_aware_lb_config: routing_enabled, min_cluster_size, fail_traffic_on_panic kept; the local cluster is said', () => {
    const { result, scenario } = importFixture(fixture('envoy', 'zone-aware.yaml'));
    expect(scenario.balancer.zones).toEqual({ routing: 'zone-aware', minClusterSize: 3, routingEnabled: 80, failTrafficOnPanic: true, forceLocalityDirectRouting: false });
    expect(result.warnings.map((w) => w.message)).toEqual([expect.stringMatching(/needs the local cluster/)]);
    const { exported, back } = roundTrip(scenario, 'least-connections', 'envoy');
    expect(exported.text).toMatch(/zone_aware_lb_config:\s*\n\s+routing_enabled:\s*\n\s+value: 80\s*\n\s+min_cluster_size: 3\s*\n\s+fail_traffic_on_panic: true/);
    expect(exported.warnings.map((w) => w.feature)).toContain('balancer.zones');
    expect(back.config.zones).toEqual(result.config.zones);
    const toHaproxy = roundTrip(scenario, 'least-connections', 'haproxy');
    expect(toHaproxy.exported.warnings.map((w) => w.feature)).toEqual(expect.arrayContaining(['backends zone', 'balancer.zones']));
  });
});
