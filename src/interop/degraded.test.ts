/**
 * Envoy `health_status: DEGRADED` through import and export: import writes `degraded: true` on the
 * endpoint's group (simulated as Envoy's degraded host source, docs/tiers.md), Envoy export writes
 * `health_status: DEGRADED` back, and nginx/HAProxy export says they have no degraded servers.
 */
import { describe, expect, it } from 'vitest';
import { fixture, importFixture, roundTrip } from './testing.js';

describe('Envoy DEGRADED endpoints through import and export', () => {
  it('import → degraded: true → export health_status: DEGRADED → import again', () => {
    const { result, scenario } = importFixture(fixture('envoy', 'localities.yaml'));
    expect(scenario.backends.filter((g) => g.degraded === true).map((g) => g.name)).toEqual(['10.3.0.2_8080']);
    expect(result.warnings.some((w) => /DEGRADED/.test(w.message))).toBe(false);
    const { exported, back } = roundTrip(scenario, 'round-robin', 'envoy');
    expect(exported.text).toMatch(/address: 10\.3\.0\.2\s*\n\s+port_value: 8080\s*\n\s+health_status: DEGRADED/);
    expect(exported.text.match(/health_status: DEGRADED/g)).toHaveLength(1);
    const degradedOf = (servers: { address: string; health?: string }[]) => servers.filter((s) => s.health === 'DEGRADED').map((s) => s.address);
    expect(degradedOf(back.config.servers)).toEqual(['10.3.0.2:8080']);
    expect(degradedOf(back.config.servers)).toEqual(degradedOf(result.config.servers));
  });

  it('nginx and HAProxy export: no degraded state, said', () => {
    const { scenario } = importFixture(fixture('envoy', 'localities.yaml'));
    for (const format of ['nginx', 'haproxy'] as const) {
      const { exported } = roundTrip(scenario, 'round-robin', format);
      expect(exported.warnings.map((w) => w.feature)).toContain('backends degraded');
    }
  });
});
