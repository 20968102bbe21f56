/**
 * Where runs go, from the command line (compiled build): `--parallel 1` and `--parallel 2` write
 * byte-identical results for `run` and for a grid `sweep`; grid sweeps carry their axes and print
 * one table per value of the other axes; bad flags exit 2 naming the flag, writing nothing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeCliScratch, removeScratch, runBuiltCli } from './testing/built-cli.js';

let dir = '';

/** Runs the built CLI in this file's scratch directory. */
const lbsim = (...args: string[]) => runBuiltCli(dir, args);

const SMALL = `name: small
seed: 3
duration: 2s
warmup: 200ms
replications: 2
clients: { arrival: poisson, rate: 2000 }
backends:
  - count: 4
    workers: 1
    service: { dist: exponential, mean: 1ms }
strategies: [round-robin, p2c, least-connections]
`;

beforeAll(() => {
  dir = makeCliScratch('exec', { 'small.yaml': SMALL });
});
afterAll(() => removeScratch(dir));

const read = (f: string): string => readFileSync(join(dir, f), 'utf8');

describe('--parallel', () => {
  it('run: --parallel 1 and --parallel 2 write byte-identical JSON', () => {
    expect(lbsim('run', 'small.yaml', '--parallel', '1', '--json', 'p1.json', '--quiet').code).toBe(0);
    expect(lbsim('run', 'small.yaml', '--parallel', '2', '--json', 'p2.json', '--quiet').code).toBe(0);
    expect(read('p2.json')).toBe(read('p1.json'));
    expect(JSON.parse(read('p1.json')).results).toHaveLength(3);
  });

  it('progress shows runs done / total and an ETA', () => {
    const r = lbsim('run', 'small.yaml', '--parallel', '2');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/simulating: \d\/6 runs, ETA \d+s/);
    expect(r.err).toMatch(/simulating: 6\/6 runs\n/);
  });

  it('bad values and --parallel with --queue exit 2 naming the flag, writing nothing', () => {
    for (const v of ['0', '1.5', 'x']) {
      const r = lbsim('run', 'small.yaml', '--parallel', v, '--json', 'bad.json');
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/^lbsim: --parallel: expected an integer from 1 to 1024/);
    }
    const both = lbsim('sweep', 'small.yaml', '--vary', 'clients.rate=1000:2000:1000', '--parallel', '2', '--queue', 'redis://127.0.0.1:1', '--json', 'bad.json');
    expect(both.code).toBe(2);
    expect(both.err).toMatch(/^lbsim: --parallel: applies to local threads; with --queue, give the workers --concurrency/);
    expect(existsSync(join(dir, 'bad.json'))).toBe(false);
  });
});

describe('grid sweeps', () => {
  const GRID = ['sweep', 'small.yaml', '--vary', 'clients.rate=1000:3000:1000', '--vary', 'strategies[p2c].options.draws=2:3', '--replications', '1'];

  it('two --vary flags: axes, row-major points with coordinates, one table per value of the second axis; pool = this thread', () => {
    const r = lbsim(...GRID, '--parallel', '2', '--json', 'grid.json', '--report', 'grid-report');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('p99 latency (ms) by clients.rate at strategies[p2c].options.draws=2');
    expect(r.out).toContain('p99 latency (ms) by clients.rate at strategies[p2c].options.draws=3');
    const res = JSON.parse(read('grid.json'));
    expect(res.sweep.key).toBe('clients.rate');
    expect(res.sweep.axes).toEqual([
      { key: 'clients.rate', values: [1000, 2000, 3000] },
      { key: 'strategies[p2c].options.draws', values: [2, 3] },
    ]);
    expect(res.sweep.points.map((p: { at: number[] }) => p.at)).toEqual([
      [1000, 2],
      [1000, 3],
      [2000, 2],
      [2000, 3],
      [3000, 2],
      [3000, 3],
    ]);
    const p2c = res.sweep.points.map((p: { results: { strategy: string; options: { draws: number } }[] }) => p.results.find((x) => x.strategy === 'p2c')!.options.draws);
    expect(p2c).toEqual([2, 3, 2, 3, 2, 3]);
    // round-robin does not depend on p2c's draws: run once per rate, the same result at both settings
    const rr = res.sweep.points.map((p: { results: { strategy: string }[] }) => JSON.stringify(p.results.find((x) => x.strategy === 'round-robin')));
    expect(rr[0]).toBe(rr[1]);
    expect(rr[0]).not.toBe(rr[2]);
    expect(existsSync(join(dir, 'grid-report/index.html'))).toBe(true);
    expect(lbsim(...GRID, '--parallel', '1', '--json', 'grid1.json', '--quiet').code).toBe(0);
    expect(read('grid1.json')).toBe(read('grid.json'));
  });

  it('named values on a later axis: a strategy\'s flavor by rate; tables, file and report', () => {
    const args = ['sweep', 'small.yaml', '--strategies', 'bounded-load', '--replications', '1'];
    const r = lbsim(...args, '--vary', 'clients.rate=1000,2000', '--vary', 'strategies[bounded-load].options.flavor=paper,haproxy', '--json', 'named.json', '--report', 'named-report');
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('p99 latency (ms) by clients.rate at strategies[bounded-load].options.flavor=haproxy');
    const res = JSON.parse(read('named.json'));
    expect(res.sweep.axes[1]).toEqual({ key: 'strategies[bounded-load].options.flavor', values: ['paper', 'haproxy'] });
    expect(res.sweep.points.map((p: { at: unknown[] }) => p.at)).toEqual([
      [1000, 'paper'],
      [1000, 'haproxy'],
      [2000, 'paper'],
      [2000, 'haproxy'],
    ]);
    const flavors = res.sweep.points.map((p: { results: { flavor?: string; options: { flavor?: string } }[] }) => p.results[0]!.options.flavor ?? p.results[0]!.flavor);
    expect(flavors).toEqual(['paper', 'haproxy', 'paper', 'haproxy']);
    expect(existsSync(join(dir, 'named-report/index.html'))).toBe(true);
    // a name the strategy does not have is the scenario's error, naming the point; names on the first axis are refused
    const bad = lbsim(...args, '--vary', 'clients.rate=1000', '--vary', 'strategies[bounded-load].options.flavor=nginx', '--json', 'bad.json');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/small\.yaml \(with clients\.rate=1000, strategies\[bounded-load\]\.options\.flavor=nginx\): strategies\[0\]\.options\.flavor/);
    const first = lbsim(...args, '--vary', 'strategies[bounded-load].options.flavor=paper,haproxy', '--json', 'bad.json');
    expect(first.code).toBe(2);
    expect(first.err).toMatch(/^lbsim: --vary: strategies\[bounded-load\]\.options\.flavor: the first --vary is the x of the tables and charts and takes numbers/);
    expect(existsSync(join(dir, 'bad.json'))).toBe(false);
  });

  it('a key that does not exist, or a value the scenario rejects, exits 2 naming the key or the point', () => {
    const r = lbsim('sweep', 'small.yaml', '--vary', 'strategies[p3c].options.draws=2:3', '--json', 'bad.json');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^lbsim: --vary: strategies\[p3c\]: no item labelled "p3c" \(there are: round-robin, p2c, least-connections\)/);
    const v = lbsim('sweep', 'small.yaml', '--vary', 'strategies[p2c].options.draws=0:1', '--json', 'bad.json');
    expect(v.code).toBe(2);
    expect(v.err).toMatch(/small\.yaml \(with strategies\[p2c\]\.options\.draws=0\): strategies\[1\]\.options\.draws/);
    const big = lbsim('sweep', 'small.yaml', '--vary', 'clients.rate=100:20000:100', '--replications', '1000', '--json', 'bad.json');
    expect(big.code).toBe(2);
    expect(big.err).toBe('lbsim: --vary: 200 points × 3 strategies × 1000 replications is 600000 runs; at most 100000\n');
    expect(existsSync(join(dir, 'bad.json'))).toBe(false);
  });

  it('a replayed trace with --queue (run, sweep, capacity) exits 2 in one line naming --queue, before the trace or Redis is read, writing nothing', () => {
    writeFileSync(join(dir, 'access.log'), '');
    writeFileSync(join(dir, 'trace.yaml'), SMALL.replace('clients: { arrival: poisson, rate: 2000 }', 'clients: { arrival: trace, file: access.log, format: haproxy }').replace('strategies:', 'slo: { p99: 10ms }\nstrategies:'));
    for (const args of [['run'], ['sweep', '--vary', 'backends[0].count=3,4'], ['capacity']]) {
      const r = lbsim(args[0]!, 'trace.yaml', ...args.slice(1), '--queue', 'redis://127.0.0.1:1', '--json', 'bad.json');
      expect(r.code, r.err).toBe(2);
      expect(r.err).toMatch(/^lbsim: --queue: a replayed trace \(clients\.arrival: trace, .*access\.log\) is a file on this machine and cannot travel in a queued run; run it locally \(--parallel N\)\n$/);
    }
    expect(existsSync(join(dir, 'bad.json'))).toBe(false);
  });
});
