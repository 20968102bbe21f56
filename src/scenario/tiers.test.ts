/**
 * Failover tiers in scenario files: `backends[].priority` and `zone`, `balancer.failover`, the
 * checks across keys (a priority gap, a third tier for nginx or HAProxy, nginx refusing `backup`
 * with hash/ip_hash/random, an unknown mode), and the written-back form.
 */
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { InputError } from '../input/errors.js';
import { denormalize } from './denormalize.js';
import { parseScenario } from './index.js';

const svc = { dist: 'exponential', mean: '1ms' };
const doc = (backends: object[], balancer: object = {}, strategies: unknown = ['round-robin']) => ({
  clients: { arrival: 'poisson', rate: 100 },
  backends: backends.map((b) => ({ service: svc, ...b })),
  balancer,
  strategies,
});

function problems(d: unknown): string[] {
  try {
    parseScenario(d, 'tiers.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as InputError).message).toContain('tiers.yaml');
    return (e as InputError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected an InputError');
}

describe('tiers in scenarios', () => {
  it('carries priority, zone and failover, and writes them back', () => {
    const s = parseScenario(
      doc([{ name: 'a', count: 2, zone: 'eu-1' }, { name: 'b', priority: 1, zone: 'eu-2' }], { failover: { mode: 'haproxy', allBackups: true } }),
      'ok.yaml',
    );
    expect(s.backends.map((g) => [g.priority, g.zone])).toEqual([
      [undefined, 'eu-1'],
      [1, 'eu-2'],
    ]);
    expect(s.balancer.failover).toEqual({ mode: 'haproxy', allBackups: true, overprovisioningFactor: 1.4 });
    const back = parseScenario(parse(stringify(denormalize(s))), 'back.yaml');
    expect(JSON.stringify(back)).toBe(JSON.stringify(s));
    const off = parseScenario(doc([{ count: 1 }, { priority: 1 }], { failover: false }), 'off.yaml');
    expect(off.balancer.failover).toBe(false);
    expect(JSON.stringify(parseScenario(parse(stringify(denormalize(off))), 'b.yaml'))).toBe(JSON.stringify(off));
  });

  it('leaves scenarios without tiers as they were (no failover key)', () => {
    const s = parseScenario(doc([{ count: 2 }]), 'plain.yaml');
    expect('failover' in s.balancer).toBe(false);
    expect('priority' in s.backends[0]!).toBe(false);
  });

  it('refuses a priority gap, a third tier for nginx/HAProxy, and an unknown mode', () => {
    expect(problems(doc([{ count: 1 }, { priority: 2 }]))).toEqual([
      'backends[1].priority: no backend has priority 1: priorities must run 0, 1, … without a gap',
    ]);
    expect(problems(doc([{ priority: 1 }]))).toEqual(['backends[0].priority: no backend has priority 0: priorities must run 0, 1, … without a gap']);
    expect(problems(doc([{ count: 1 }, { priority: 1 }, { priority: 2 }], { failover: { mode: 'haproxy' } }))).toEqual([
      'backends[2].priority: failover mode haproxy has primary (0) and backup (1) servers only, got priority 2',
    ]);
    expect(problems(doc([{ count: 1 }], { failover: { mode: 'f5' } }))[0]).toMatch(/^balancer\.failover\.mode: /);
    expect(problems(doc([{ count: 1, priority: -1 }]))[0]).toMatch(/^backends\[0\]\.priority: /);
    expect(problems(doc([{ count: 1, zone: 'a b' }]))[0]).toMatch(/^backends\[0\]\.zone: expected a zone name/);
  });

  it('refuses backup servers with the strategies whose nginx method refuses them', () => {
    const fleet = [{ count: 2 }, { priority: 1 }];
    expect(problems(doc(fleet, { failover: { mode: 'nginx' } }, ['least-connections', 'ip-hash', 'p2c']))).toEqual([
      'strategies[1]: nginx refuses backup servers with "ip_hash" (ip-hash); use another strategy or failover mode',
      'strategies[2]: nginx refuses backup servers with "random two" (p2c); use another strategy or failover mode',
    ]);
    expect(problems(doc(fleet, { failover: { mode: 'nginx' } }, 'all'))[0]).toMatch(/^strategies: "all" includes .*ip-hash.*consistent-hash/);
    // HAProxy and Envoy hash with backups / priorities.
    expect(() => parseScenario(doc(fleet, { failover: { mode: 'haproxy' } }, ['ip-hash']), 'h.yaml')).not.toThrow();
    expect(() => parseScenario(doc(fleet, {}, 'all'), 'e.yaml')).not.toThrow();
  });
});
