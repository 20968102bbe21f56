/**
 * import → export keeps the Envoy fields lbsim does not model: for every importable Envoy fixture,
 * exported to Envoy through the written scenario (its `imported:` section), the cluster's
 * unmodelled fields (`connect_timeout`, `circuit_breakers`, `transport_socket`, …), those it does
 * not read inside `outlier_detection`, `common_lb_config` and the health check, and each endpoint's
 * (`metadata`, `endpoint.health_check_config`) come back with their values, and no others appear;
 * a field whose parent the export does not write is named in a warning, as is everything an export
 * to another format leaves out.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportConfig, exportScenario } from '../export.js';
import { scenarioToConfig } from '../plan.js';
import { fixture, importFixture, roundTrip } from '../testing.js';
import { mergeKept } from './export.js';

type Obj = Record<string, unknown>;

const DIR = fixture('envoy');
const FILES: { file: string; upstream?: string }[] = [
  ...readdirSync(DIR).filter((f) => f.endsWith('.yaml') && f !== 'cds.yaml').map((file) => ({ file })),
  { file: 'cds.yaml', upstream: 'second' },
];

/** Cluster fields lbsim models: an export writes them from the scenario. */
const MODELLED = new Set([
  'name', 'type', '@type', 'lb_policy', 'load_balancing_policy', 'least_request_lb_config', 'ring_hash_lb_config', 'maglev_lb_config',
  'round_robin_lb_config', 'common_lb_config', 'load_assignment', 'outlier_detection', 'health_checks',
]);
/** Fields lbsim reads inside the parents whose other fields are kept. */
const NESTED: Record<string, string[]> = {
  outlier_detection: ['consecutive_5xx', 'base_ejection_time', 'max_ejection_time', 'max_ejection_percent'],
  common_lb_config: ['healthy_panic_threshold', 'consistent_hashing_lb_config', 'zone_aware_lb_config', 'locality_weighted_lb_config'],
};
const HEALTH = ['interval', 'timeout', 'healthy_threshold', 'unhealthy_threshold', 'http_health_check', 'tcp_health_check'];

function clusterOf(root: Obj, name?: string): Obj {
  const all = [...(((root.static_resources as Obj | undefined)?.clusters as Obj[] | undefined) ?? []), ...((root.clusters as Obj[] | undefined) ?? []), ...((root.resources as Obj[] | undefined) ?? [])];
  if (all.length === 0) return root;
  return name === undefined ? all[0]! : all.find((c) => c.name === name)!;
}

/** The cluster's unmodelled fields by dotted path (see the module header). */
function unmodelledFields(c: Obj): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(c)) if (!MODELLED.has(k)) out[k] = v;
  for (const [parent, known] of Object.entries(NESTED)) {
    for (const [k, v] of Object.entries((c[parent] as Obj | undefined) ?? {})) if (!known.includes(k)) out[`${parent}.${k}`] = v;
  }
  const hc = (c.health_checks as Obj[] | undefined)?.[0];
  for (const [k, v] of Object.entries(hc ?? {})) if (!HEALTH.includes(k)) out[`health_checks.0.${k}`] = v;
  return out;
}

/** address → the unmodelled fields of its lb_endpoints entry. */
function endpointFields(c: Obj): Map<string, Obj> {
  const out = new Map<string, Obj>();
  for (const loc of ((c.load_assignment as Obj).endpoints as Obj[]) ?? []) {
    for (const ep of (loc.lb_endpoints as Obj[]) ?? []) {
      const endpoint = ep.endpoint as Obj;
      const sa = ((endpoint.address as Obj).socket_address ?? (endpoint.address as Obj).pipe) as Obj;
      const own: Obj = {};
      for (const [k, v] of Object.entries(ep)) if (!['endpoint', 'load_balancing_weight', 'health_status'].includes(k)) own[k] = v;
      for (const [k, v] of Object.entries(endpoint)) if (!['address', 'hostname'].includes(k)) own[`endpoint.${k}`] = v;
      out.set(`${String(sa.address ?? sa.path)}:${String(sa.port_value ?? '')}`, own);
    }
  }
  return out;
}

describe('Envoy export gives back the fields lbsim does not model', () => {
  for (const { file, upstream } of FILES) {
    it(file, () => {
      const path = join(DIR, file);
      const { scenario, result } = importFixture(path, upstream ? { upstream } : {});
      const { exported } = roundTrip(scenario, result.config.strategy.name, 'envoy');
      const before = clusterOf(parse(readFileSync(path, 'utf8')) as Obj, upstream);
      const after = parse(exported.text) as Obj;
      expect(unmodelledFields(after)).toEqual(unmodelledFields(before));
      expect(endpointFields(after)).toEqual(endpointFields(before));
      expect(exported.warnings.map((w) => w.feature)).not.toContain('imported directives');
    });
  }

  it('passthrough.yaml keeps TLS, protocol options, circuit breakers and endpoint metadata', () => {
    const { scenario, result } = importFixture(join(DIR, 'passthrough.yaml'));
    expect(result.warnings.find((w) => w.directive.endsWith('.transport_socket'))?.message).toBe('not modelled by lbsim; kept for export');
    expect(Object.keys(result.config.passthrough?.fields ?? {})).toContain('outlier_detection.interval');
    const after = parse(roundTrip(scenario, 'p2c', 'envoy').exported.text) as Obj;
    expect((after.transport_socket as Obj).name).toBe('envoy.transport_sockets.tls');
    expect(after.circuit_breakers).toEqual({ thresholds: [{ priority: 'DEFAULT', max_connections: 1000, max_pending_requests: 200 }] });
    expect((after.outlier_detection as Obj).interval).toBe('10s');
    const eps = ((after.load_assignment as Obj).endpoints as Obj[])[0]!.lb_endpoints as Obj[];
    expect(eps.map((e) => e.metadata)).toEqual([{ filter_metadata: { 'envoy.lb': { canary: false, version: 'v1' } } }, { filter_metadata: { 'envoy.lb': { canary: true, version: 'v2' } } }]);
  });

  it('a kept field whose parent the export does not write is left out and named', () => {
    const { scenario } = importFixture(join(DIR, 'passthrough.yaml'));
    const config = scenarioToConfig(scenario, 'p2c', 'api.yaml');
    const exported = exportConfig({ ...config, outlier: false }, 'envoy');
    const after = parse(exported.text) as Obj;
    expect(after.outlier_detection).toBeUndefined();
    expect(after.transport_socket).toBeDefined();
    const w = exported.warnings.find((x) => x.feature === 'imported directives');
    expect(w?.message).toBe('kept fields left out: their parent is not in this export (another strategy, or a setting turned off): outlier_detection.interval: "10s"; outlier_detection.enforcing_consecutive_5xx: 80; outlier_detection.consecutive_gateway_failure: 3');
  });

  it('mergeKept: the export\'s own values win; common_lb_config may be created, other parents not', () => {
    const into: Obj = { connect_timeout: '1s', health_checks: [{ interval: '5s' }] };
    const left = mergeKept(into, { connect_timeout: '9s', 'common_lb_config.update_merge_window': '2s', 'health_checks.0.no_traffic_interval': '60s', 'outlier_detection.interval': '10s' });
    expect(into).toEqual({ connect_timeout: '1s', health_checks: [{ interval: '5s', no_traffic_interval: '60s' }], common_lb_config: { update_merge_window: '2s' } });
    expect(left).toEqual(['outlier_detection.interval']);
  });

  it('an nginx or HAProxy export leaves the Envoy fields out and names them', () => {
    const { scenario, result } = importFixture(join(DIR, 'passthrough.yaml'));
    for (const format of ['nginx', 'haproxy'] as const) {
      const { exported } = roundTrip(scenario, result.config.strategy.name, format);
      expect(exported.text).not.toContain('transport_socket');
      const w = exported.warnings.find((x) => x.feature === 'imported directives');
      expect(w?.message).toMatch(new RegExp(`^the envoy config's 14 field\\(s\\) lbsim does not model are envoy-only and left out of this ${format} export: `));
      expect(w?.message).toContain('dns_lookup_family: "V4_ONLY"');
      expect(w?.message).toContain('endpoint 10.0.30.2_8443 metadata: {"filter_metadata":{"envoy.lb":{"canary":true,"version":"v2"}}}');
    }
  });

  it('through a scenario file: write the scenario, load it, export', () => {
    const { text } = importFixture(join(DIR, 'passthrough.yaml'));
    const dir = mkdtempSync(join(tmpdir(), 'lbsim-envoy-pass-'));
    try {
      writeFileSync(join(dir, 'api.yaml'), text);
      const after = parse(exportScenario(join(dir, 'api.yaml'), { strategy: 'p2c', format: 'envoy' }).text) as Obj;
      expect(unmodelledFields(after)).toEqual(unmodelledFields(clusterOf(parse(readFileSync(join(DIR, 'passthrough.yaml'), 'utf8')) as Obj)));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
