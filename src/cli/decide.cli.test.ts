/**
 * The decision commands end to end, as a user runs them (the built binary in a child process):
 * `lbsim run` puts the recommendation first and marks the table from the comparison, `lbsim
 * capacity` and `lbsim tune` print and write their searches, `lbsim export --strategy best` exports
 * the recommendation, and every bad input they add exits 2 with one line and writes nothing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCliScratch, removeScratch, runBuiltCli } from './testing/built-cli.js';

let dir = '';

/** Runs the built CLI in this file's scratch directory. */
const lbsim = (...args: string[]) => runBuiltCli(dir, args);

/** Terminal text with line wrapping undone (the paragraph is wrapped at 100 columns). */
const flat = (s: string): string => s.replace(/\s+/g, ' ');

/** 10 backends at 85 % load, 3 replications of 3 s (about 25,000 requests each: 250 beyond the p99). */
const DEC = `name: dec
seed: 2
duration: 3s
warmup: 300ms
replications: 3
slo: { p99: 12ms }
clients: { arrival: poisson, rate: 8500 }
backends:
  - count: 10
    service: { dist: exponential, mean: 1ms }
strategies: [round-robin, least-connections, p2c, random]
`;

beforeAll(() => {
  dir = makeCliScratch('decide', {
    'dec.yaml': DEC,
    'noslo.yaml': DEC.replace('slo: { p99: 12ms }\n', ''),
    'one.yaml': DEC.replace('replications: 3', 'replications: 1'),
  });
});
afterAll(() => removeScratch(dir));

describe('lbsim run: the decision', () => {
  it('prints the recommendation and headroom before the table, marks the winner, and writes them into the JSON', () => {
    const r = lbsim('run', 'dec.yaml', '--json', 'run.json', '--quiet');
    expect(r.code).toBe(0);
    const rec = r.out.indexOf('Recommendation: least-connections.');
    const head = r.out.indexOf('Headroom (');
    const table = r.out.search(/\n {2}strategy +mean ms/);
    expect(rec).toBeGreaterThan(0);
    expect(rec).toBeLessThan(head);
    expect(head).toBeLessThan(table);
    expect(r.out).toMatch(/\n\* least-connections /);
    expect(flat(r.out)).toContain('* least-connections: the lowest p99, statistically below every other strategy.');
    const res = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    expect(res.comparison.winner).toBe('least-connections');
    expect(res.comparison.baseline).toBe('round-robin');
    expect(res.decision.recommended).toBe('least-connections');
    expect(res.decision.sloResults.map((x: { verdict: string }) => x.verdict)).toContain('fails');
    expect(res.decision.headroom.rows).toHaveLength(4);
    expect(res.results[0].replications[0]).toHaveProperty('p999');
  });

  it('export --strategy best writes the recommended strategy', () => {
    const r = lbsim('export', 'run.json', '--strategy', 'best', '--format', 'nginx');
    expect(r.code).toBe(0);
    expect(r.err).toContain('best: least-connections');
    expect(r.out).toContain('least_conn;');
  });

  it('--proxy, --baseline and --slo override the scenario; --no-headroom skips the search', () => {
    const r = lbsim('run', 'dec.yaml', '--proxy', 'envoy', '--baseline', 'random', '--slo', 'p99=20ms', '--no-headroom', '--quiet');
    expect(r.code).toBe(0);
    const out = flat(r.out);
    expect(out).toContain('Left out as Envoy cannot run them: least-connections.');
    expect(out).toMatch(/Against your baseline random \(p99 [\d.]+ ms/);
    expect(out).toContain('p99 ≤ 20ms');
    expect(out).toContain('Headroom: not computed (--no-headroom).');
  });
});

describe('lbsim capacity and tune', () => {
  it('capacity: the smallest backend count per strategy, a table and the JSON', () => {
    const r = lbsim('capacity', 'dec.yaml', '--strategies', 'least-connections,random', '--replications', '2', '--json', 'cap.json', '--quiet');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Smallest backend count meeting the SLO (p99 ≤ 12ms); now 10; range 9–20');
    expect(r.out).toMatch(/\* least-connections\s+\d+\s+\d+ \d+\s+\d+/);
    const res = JSON.parse(readFileSync(join(dir, 'cap.json'), 'utf8'));
    expect(res.results).toEqual([]);
    const [lc, random] = res.capacity.rows;
    expect(lc.value).toBeLessThan(random.value);
    expect(lc.perReplication).toHaveLength(2);
    // deterministic: the same search again writes the same bytes
    lbsim('capacity', 'dec.yaml', '--strategies', 'least-connections,random', '--replications', '2', '--json', 'cap2.json', '--quiet');
    expect(readFileSync(join(dir, 'cap2.json'), 'utf8')).toBe(readFileSync(join(dir, 'cap.json'), 'utf8'));
  });

  it('tune: every evaluated setting and the best against the scenario\'s own', () => {
    const r = lbsim('tune', 'dec.yaml', '--strategy', 'p2c', '--param', 'draws=2:4', '--json', 'tune.json', '--quiet');
    expect(r.code).toBe(0);
    expect(r.out).toContain('Tuning p2c: draws in 2–4 (integer); minimizing p99');
    expect(r.out).toMatch(/Best: draws [34], p99 [\d.]+ ms, against [\d.]+ ms for draws 2/);
    const res = JSON.parse(readFileSync(join(dir, 'tune.json'), 'utf8'));
    expect(res.tune.points).toHaveLength(3);
    expect(res.results.map((x: { strategy: string }) => x.strategy)).toContain('p2c (draws 2)');
  });
});

describe('bad decision input exits 2 with one clear line and writes nothing', () => {
  const cases: [string, string[], RegExp][] = [
    ['capacity without an SLO', ['capacity', 'noslo.yaml', '--json', 'x.json'], /lbsim: --slo: capacity needs an SLO/],
    ['capacity of an unknown group', ['capacity', 'dec.yaml', '--group', 'web', '--json', 'x.json'], /lbsim: --group: no backend group "web"/],
    ['capacity with a bad range', ['capacity', 'dec.yaml', '--range', '20:5', '--json', 'x.json'], /lbsim: --range: expected LO:HI/],
    ['tune an option that is not a number', ['tune', 'dec.yaml', '--strategy', 'p2c', '--param', 'replacement', '--json', 'x.json'], /lbsim: --param: p2c option replacement is a yes\/no switch/],
    ['tune an unknown strategy', ['tune', 'dec.yaml', '--strategy', 'fastest', '--json', 'x.json'], /lbsim: --strategy: "fastest" is neither/],
    ['a baseline not among the strategies', ['run', 'dec.yaml', '--baseline', 'maglev', '--json', 'x.json'], /baseline: "maglev" is not among the strategies/],
    ['capacity with a bad --parallel', ['capacity', 'dec.yaml', '--parallel', '0', '--json', 'x.json'], /lbsim: --parallel: expected an integer from 1 to 1024, got "0"/],
    ['run with a bad --parallel', ['run', 'dec.yaml', '--parallel', 'many', '--json', 'x.json'], /lbsim: --parallel: expected an integer from 1 to 1024, got "many"/],
    ['a malformed --slo', ['run', 'dec.yaml', '--slo', 'p42=1ms', '--json', 'x.json'], /lbsim: --slo: expected p99=DURATION/],
    ['export best without a recommendation', ['export', 'one.yaml', '--strategy', 'best', '--format', 'nginx', '-o', 'x.json'], /lbsim: --strategy best: No recommendation yet: one replication/],
  ];
  it.each(cases)('%s', (_name, args, message) => {
    const r = lbsim(...args);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'x.json'))).toBe(false);
  });

  it('a load above 1 with no queue limit', () => {
    writeFileSync(join(dir, 'over.yaml'), DEC.replace('rate: 8500', 'load: 1.1'));
    const r = lbsim('run', 'over.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/over\.yaml: clients\.load: a load of 1\.1 \(≥ 1\) makes queues grow without bound/);
  });
});
