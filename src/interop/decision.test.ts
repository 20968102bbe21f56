/**
 * Imports set the scenario's decision keys: `baseline` is the config's own strategy (every other is
 * compared with it) and `proxy` the proxy it came from, nginx Plus when the config uses a Plus-only
 * method or directive, so recommendations stay within what that proxy runs.
 */
import { describe, expect, it } from 'vitest';
import { fixture, importFixture } from './testing.js';

describe('imports set baseline and proxy', () => {
  const cases: [string, string, string, string][] = [
    ['nginx least_conn', 'nginx/least-conn.conf', 'least-connections', 'nginx'],
    ['nginx least_time (Plus)', 'nginx/least-time.conf', 'least-time', 'nginx-plus'],
    ['nginx round robin', 'nginx/round-robin.conf', 'weighted-round-robin', 'nginx'],
    ['HAProxy first', 'haproxy/first.cfg', 'first', 'haproxy'],
    ['Envoy maglev', 'envoy/maglev.yaml', 'maglev', 'envoy'],
  ];
  it.each(cases)('%s', (_name, file, baseline, proxy) => {
    const [format, ...rest] = file.split('/');
    const { scenario, text } = importFixture(fixture(format!, ...rest));
    expect(scenario.baseline).toBe(baseline);
    expect(scenario.proxy).toBe(proxy);
    expect(text).toMatch(new RegExp(`\\nbaseline: ${baseline} # the strategy the config runs today`));
  });
});
