/**
 * The scenario's decision keys: `slo`, `baseline`, `proxy` and `clients.load`, and the bad-input
 * cases they add (each one line naming the field).
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../input/errors.js';
import { parseScenario } from './index.js';

const base = (extra: Record<string, unknown> = {}, clients: Record<string, unknown> = { arrival: 'poisson', rate: 5000 }) => ({
  clients,
  backends: [{ count: 10, workers: 1, service: { dist: 'exponential', mean: '1ms' } }],
  strategies: ['round-robin', 'p2c', { name: 'p2c', label: 'p2c-d3', options: { draws: 3 } }],
  ...extra,
});

function problems(doc: unknown): string[] {
  try {
    parseScenario(doc, 'test.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as InputError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('expected an InputError');
}

describe('decision keys', () => {
  it('normalize slo (durations to ms), baseline (to a label) and proxy; absent keys stay absent', () => {
    const s = parseScenario(base({ slo: { p99: '300ms', p999: '1s', availability: 99.9 }, baseline: 'round-robin', proxy: 'nginx-plus' }), 't');
    expect(s.slo).toEqual({ p99Ms: 300, p999Ms: 1000, availability: 99.9 });
    expect(s.baseline).toBe('round-robin');
    expect(s.proxy).toBe('nginx-plus');
    const plain = parseScenario(base(), 't');
    expect('slo' in plain || 'baseline' in plain || 'proxy' in plain || 'load' in plain.clients).toBe(false);
  });

  it('resolve a baseline by label, or by registry name when one strategy has it', () => {
    expect(parseScenario(base({ baseline: 'p2c-d3' }), 't').baseline).toBe('p2c-d3');
    // two p2c variants: the name is ambiguous, the label is not
    expect(problems(base({ baseline: 'least-connections' }))).toEqual([
      'baseline: "least-connections" is not among the strategies (round-robin, p2c, p2c-d3); add it to strategies or name one of them',
    ]);
    const one = { ...base({ baseline: 'p2c' }), strategies: ['round-robin', { name: 'p2c', label: 'mine' }] };
    expect(parseScenario(one, 't').baseline).toBe('mine');
  });

  it('derive the rate from clients.load and the fleet capacity', () => {
    const s = parseScenario(base({}, { arrival: 'poisson', load: 0.7 }), 't');
    expect(s.clients.process).toEqual({ arrival: 'poisson', rate: 7000 });
    expect(s.clients.load).toBe(0.7);
    const classes = parseScenario(base({}, { arrival: 'constant', load: 0.5, classes: [{ name: 'a', share: 1 }, { name: 'b', share: 1, serviceFactor: 3 }] }), 't');
    expect(classes.clients.process).toEqual({ arrival: 'constant', rate: 2500 }); // capacity 10,000 / mean factor 2
  });

  it('refuse bad SLOs, loads and proxies with one line each', () => {
    expect(problems(base({ slo: {} }))).toEqual(['slo: expected at least one objective: p99, p999 or availability (e.g. { p99: 300ms })']);
    expect(problems(base({ slo: { p99: -3 } }))[0]).toBe('slo.p99: expected a positive duration, got -3');
    expect(problems(base({ slo: { availability: 120 } }))[0]).toMatch(/^slo\.availability: Too big/);
    expect(problems(base({ slo: { p50: '1ms' } }))).toContain('slo.p50: unknown key "p50"');
    expect(problems(base({ proxy: 'traefik' }))[0]).toMatch(/^proxy: expected one of "nginx", "nginx-plus", "haproxy", "envoy", got "traefik"/);
    expect(problems(base({}, { arrival: 'poisson', load: 0.5, rate: 100 }))).toEqual(['clients.load: give either rate or load (a fraction of the capacity), not both']);
    expect(problems(base({}, { arrival: 'poisson', load: 1.2 }))).toEqual([
      'clients.load: a load of 1.2 (≥ 1) makes queues grow without bound: give every backend group a queueLimit (or maxConn), or a balancer rateLimit, or a load below 1',
    ]);
    expect(problems(base({}, { arrival: 'closed', load: 0.5, users: 3, think: { dist: 'constant', value: 1 } }))).toEqual([
      'clients.load: does not apply to arrival "closed"',
    ]);
  });

  it('accept a load above 1 when every group bounds its queue', () => {
    const doc = base({}, { arrival: 'poisson', load: 1.2 });
    (doc.backends[0] as Record<string, unknown>).queueLimit = 20;
    expect(parseScenario(doc, 't').clients.process).toEqual({ arrival: 'poisson', rate: 12000 });
  });
});
