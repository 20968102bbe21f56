/**
 * Failover tiers and zones through import and export: nginx and HAProxy `backup` servers and
 * HAProxy `option allbackups`, Envoy priorities, localities (zones) and the overprovisioning
 * factor become scenario groups with `priority` / `zone` and `balancer.failover`; export writes
 * them back (HAProxy backups with `check`), import → export → import keeps them, and nginx's
 * refusal of `backup` with `ip_hash` is an error naming the line.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../input/errors.js';
import { fixture, importFixture, roundTrip } from './testing.js';
import type { LbConfig } from './types.js';

const tiers = (c: LbConfig) => c.servers.map((s) => [s.address.replace(/:80$/, ''), s.role, s.priority ?? (s.role === 'backup' ? 1 : 0), s.zone ?? null]);

describe('tiers through import and export', () => {
  it('HAProxy backup + option allbackups: simulated as tier 1 with HAProxy semantics, written back', () => {
    const { result, scenario } = importFixture(fixture('haproxy', 'allbackups.cfg'));
    expect(scenario.backends.map((g) => [g.name, g.priority ?? 0, g.weight])).toEqual([
      ['app1', 0, 1],
      ['app2', 0, 1],
      ['dr1', 1, 1],
      ['dr2', 1, 2],
    ]);
    expect(scenario.balancer.failover).toEqual({ mode: 'haproxy', allBackups: true, overprovisioningFactor: 1.4 });
    expect(result.warnings.filter((w) => /backup/.test(w.directive))).toEqual([]);
    const { exported, back } = roundTrip(scenario, 'weighted-round-robin', 'haproxy');
    expect(exported.text).toMatch(/^ +option allbackups$/m);
    expect(exported.text).toMatch(/^ +server dr2 10\.0\.9\.2:8080 weight 2 backup$/m);
    expect(exported.text).toMatch(/^ +default-server check inter 2s rise 2 fall 3$/m);
    expect(tiers(back.config)).toEqual(tiers(result.config));
    expect(back.config.failover).toEqual(result.config.failover);
  });

  it('HAProxy export of backups without health checks adds check (else HAProxy never fails over)', () => {
    const { scenario } = importFixture(fixture('nginx', 'backup.conf'));
    const { exported } = roundTrip(scenario, 'least-connections', 'haproxy');
    expect(exported.text).toMatch(/^ +default-server check$/m);
    expect(exported.text).toMatch(/^ +server \S+ spare\.example\.com:80 backup$/m);
    expect(exported.warnings.map((w) => w.feature)).toContain('balancer.failover'); // nginx semantics simulated
  });

  it('Envoy priorities, zones and overprovisioning factor: simulated, and kept import → export → import', () => {
    const { result, scenario, text } = importFixture(fixture('envoy', 'priorities.yaml'));
    expect(scenario.backends.map((g) => [g.priority ?? 0, g.zone])).toEqual([
      [0, 'us-east-1a'],
      [0, 'us-east-1a'],
      [0, 'us-east-1b'],
      [1, 'us-east-1b'],
      [2, 'us-west-2a'],
    ]);
    expect(scenario.balancer.failover).toEqual({ mode: 'envoy', allBackups: false, overprovisioningFactor: 1.2 });
    expect(scenario.balancer.panicThreshold).toBe(40);
    expect(result.warnings).toEqual([]);
    expect(text).toMatch(/failover: \{ mode: envoy, overprovisioningFactor: 1\.2 \}/);
    const { exported, back } = roundTrip(scenario, 'weighted-round-robin', 'envoy');
    expect(exported.text).toMatch(/overprovisioning_factor: 120/);
    expect(tiers(back.config)).toEqual(tiers(result.config));
    expect(back.config.failover).toEqual(result.config.failover);
    expect(back.config.panicThreshold).toBe(40);
    // nginx has one backup tier and no zones: both said (besides the Envoy flavor of the strategy).
    const toNginx = roundTrip(scenario, 'weighted-round-robin', 'nginx');
    const features = toNginx.exported.warnings.map((w) => w.feature);
    expect(features.filter((f) => f !== 'balancer.panicThreshold' && !f.startsWith('strategy ')).sort()).toEqual(['backends priority', 'backends zone', 'balancer.failover']);
    expect(toNginx.exported.warnings.some((w) => w.feature === 'strategy weighted-round-robin' && /flavor envoy/.test(w.message))).toBe(true);
    expect(toNginx.back.config.servers.filter((s) => s.role === 'backup').map((s) => s.address)).toEqual(['10.1.1.2:8080', '10.2.0.1:8080']);
  });

  it('nginx backup with ip_hash is refused as nginx refuses it', () => {
    const file = fixture('nginx', 'errors', 'backup-ip-hash.conf');
    let err: unknown;
    try {
      importFixture(file);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const p = (err as InputError).problems;
    expect(p).toEqual([{ path: 'line 4: server', message: 'nginx does not support "backup" with ip_hash ("balancing method does not support parameter backup")' }]);
  });
});
