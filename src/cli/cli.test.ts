/**
 * The CLI end to end, as a user runs it: `node bin/lbsim.js …` against the compiled build (`npm test`
 * runs `npm run build` first). Checks the table, the results JSON shape, determinism, `list`,
 * `validate`, `sweep`, and that every bad-input class exits 2 with one clear line and no output file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCliScratch, removeScratch, runBuiltCli, smallScenario } from './testing/built-cli.js';

let dir = '';

/** Runs the built CLI in this file's scratch directory. */
const lbsim = (...args: string[]) => runBuiltCli(dir, args);

const SMALL = smallScenario();

beforeAll(() => {
  dir = makeCliScratch('cli', { 'small.yaml': SMALL });
});
afterAll(() => removeScratch(dir));

describe('lbsim run', () => {
  it('prints the comparison table sorted by p99, marks no winner from one short replication, and writes results JSON', () => {
    const r = lbsim('run', 'small.yaml', '--json', 'out/results.json', '--quiet');
    expect(r.code).toBe(0);
    const rows = r.out.split('\n').filter((l) => /^[*= ] (round-robin|p2c|p2c-d3) /.test(l));
    expect(rows.length).toBe(3);
    expect(rows.every((l) => l.startsWith('  '))).toBe(true); // one replication: no star, no tie marks
    expect(r.out).toContain('No winner: one replication gives no interval');
    const p99 = rows.map((l) => Number(l.trim().split(/\s+/)[4]));
    expect([...p99].sort((a, b) => a - b)).toEqual(p99);
    const res = JSON.parse(readFileSync(join(dir, 'out/results.json'), 'utf8'));
    expect(res.schema).toBe('lbsim/results@1');
    expect(res.results.map((x: { strategy: string }) => x.strategy).sort()).toEqual(['p2c', 'p2c-d3', 'round-robin']);
    const one = res.results[0];
    for (const k of ['mean', 'p50', 'p90', 'p99', 'p999', 'max']) expect(typeof one.latency[k]).toBe('number');
    expect(one.ci95).toHaveProperty('mean');
    expect(one.ci95).toHaveProperty('p99');
    for (const k of ['completed', 'failed', 'rejected']) expect(typeof one.requests[k]).toBe('number');
    expect(one.throughput).toBeGreaterThan(1800);
    expect(one.fairness).toBeGreaterThan(0.9);
    expect(one.backends).toHaveLength(4);
    for (const b of one.backends) for (const k of ['id', 'requests', 'utilization', 'meanQueue']) expect(b).toHaveProperty(k);
    expect(one.timeseries.t.length).toBeGreaterThan(0);
  });

  it('is deterministic: the same scenario and seed give byte-identical JSON', () => {
    lbsim('run', 'small.yaml', '--json', 'a.json', '--quiet');
    lbsim('run', 'small.yaml', '--json', 'b.json', '--quiet');
    const a = readFileSync(join(dir, 'a.json'), 'utf8');
    expect(a).toBe(readFileSync(join(dir, 'b.json'), 'utf8'));
    lbsim('run', 'small.yaml', '--seed', '4', '--json', 'c.json', '--quiet');
    expect(readFileSync(join(dir, 'c.json'), 'utf8')).not.toBe(a);
  });

  it('applies --strategies, --replications and --duration overrides; replications give a 95 % CI', () => {
    const r = lbsim('run', 'small.yaml', '--strategies', 'random', '--replications', '3', '--duration', '1s', '--json', 'r.json', '--quiet');
    expect(r.code).toBe(0);
    const res = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8'));
    expect(res.results).toHaveLength(1);
    const [lo, hi] = res.results[0].ci95.mean;
    expect(lo).toBeLessThanOrEqual(res.results[0].latency.mean);
    expect(hi).toBeGreaterThanOrEqual(res.results[0].latency.mean);
  });

  it('warns when offered load exceeds capacity but still runs', () => {
    writeFileSync(join(dir, 'over.yaml'), SMALL.replace('rate: 2000', 'rate: 5000').replace('duration: 2s', 'duration: 300ms'));
    const r = lbsim('run', 'over.yaml', '--strategies', 'round-robin', '--quiet');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/warning: .*capacity/i);
  });
});

describe('bad input exits 2 with one clear message and writes nothing', () => {
  const cases: [string, string, RegExp][] = [
    ['unknown key', SMALL.replace('seed: 3', 'seed: 3\nsede: 4'), /bad\.yaml: sede: unknown key/],
    ['wrong type', SMALL.replace('seed: 3', 'seed: three'), /bad\.yaml: seed: expected number/],
    ['unknown strategy', SMALL.replace('[round-robin,', '[round-robbin,'), /bad\.yaml: strategies\[0\]: unknown strategy "round-robbin"/],
    ['unknown distribution', SMALL.replace('dist: exponential', 'dist: weibull'), /bad\.yaml: backends\[0\]\.service\.dist: expected one of/],
    ['negative rate', SMALL.replace('rate: 2000', 'rate: -2000'), /bad\.yaml: clients\.rate: /],
    ['negative duration', SMALL.replace('duration: 2s', 'duration: -2s'), /bad\.yaml: duration: expected a positive duration/],
    ['YAML syntax', SMALL.replace('clients: {', 'clients: {{'), /bad\.yaml: line \d+, column \d+/],
  ];
  it.each(cases)('%s', (_name, text, message) => {
    writeFileSync(join(dir, 'bad.yaml'), text);
    const r = lbsim('run', 'bad.yaml', '--json', 'bad-out.json', '--quiet');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(join(dir, 'bad-out.json'))).toBe(false);
  });

  it('a missing file', () => {
    const r = lbsim('run', 'nope.yaml', '--json', 'bad-out.json');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/lbsim: nope\.yaml: no such file/);
    expect(existsSync(join(dir, 'bad-out.json'))).toBe(false);
  });

  it('a bad flag value and an unknown command', () => {
    expect(lbsim('run', 'small.yaml', '--seed', '-1').code).toBe(2);
    expect(lbsim('fly').code).toBe(2);
  });
});

describe('lbsim validate, list, sweep', () => {
  it('validate accepts a good file and rejects a bad one', () => {
    const ok = lbsim('validate', 'small.yaml');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/^ok: small: poisson arrivals at 2000 req\/s/);
    writeFileSync(join(dir, 'bad.yaml'), SMALL.replace('workers: 1', 'workers: 0'));
    const bad = lbsim('validate', 'bad.yaml');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/backends\[0\]\.workers/);
  });

  it('list shows every strategy and the shipped scenarios, also as JSON', () => {
    const r = lbsim('list', '--json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.strategies.length).toBeGreaterThanOrEqual(17);
    expect(j.strategies.find((s: { name: string }) => s.name === 'p2c').options).toEqual({ draws: 2, replacement: false });
    expect(j.scenarios.map((s: { name: string }) => s.name)).toContain('homogeneous');
    expect(j.strategies.find((s: { name: string }) => s.name === 'p2c').flavors).toMatchObject({ default: 'paper', list: ['paper', 'nginx', 'haproxy', 'envoy'] });
    const out = lbsim('list').out;
    expect(out).toMatch(/weighted-round-robin\s+Weighted round robin: nginx smooth WRR/);
    expect(out).toMatch(/\n\s+flavors: nginx \(default\), haproxy, envoy, aws\n/);
    // A scenario's line is its whole leading comment (wrapped, never cut mid-sentence), never the editor's modeline.
    expect(out).toMatch(/\n\s+homogeneous\s+Ten identical backends at 80 % load: the baseline\. Queue-aware strategies/);
    expect(out).not.toMatch(/yaml-language-server/);
    for (const s of j.scenarios as { teaches: string }[]) expect(s.teaches).toMatch(/^[A-Z0-9`].*[.!?]$/);
  });

  it('sweep runs every point and writes results with the sweep key', () => {
    const r = lbsim('sweep', 'small.yaml', '--vary', 'clients.rate=1000:3000:1000', '--duration', '500ms', '--json', 'sweep.json', '--quiet');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/p99 latency \(ms\) by clients\.rate/);
    const res = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'));
    expect(res.sweep.key).toBe('clients.rate');
    expect(res.sweep.points.map((p: { value: number }) => p.value)).toEqual([1000, 2000, 3000]);
    const loads = res.sweep.points.map((p: { load: number }) => p.load);
    expect(loads[0]).toBeCloseTo(0.25, 5);
    expect(loads[2]).toBeCloseTo(0.75, 5);
    for (const p of res.sweep.points) expect(p.results).toHaveLength(3);
  });

  it('sweep rejects a malformed --vary', () => {
    const r = lbsim('sweep', 'small.yaml', '--vary', 'clients.rate=9:1:1');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--vary/);
  });
});
