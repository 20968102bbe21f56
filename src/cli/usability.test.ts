/**
 * The CLI as a new user meets it, on the built binary in a child process: scenario descriptions in
 * `lbsim list` whole, required flags named in `--help`, output that pipes (`| head -1` exits quietly,
 * `--json -` and `--json /dev/stdout` give the JSON alone on stdout), strategy names as people type
 * them (labels, proxies' names, any case; the flag blamed, the nearest name suggested), and one
 * line for a Ctrl-C during `lbsim live`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, makeCliScratch, removeScratch, runBuiltCli, smallScenario } from './testing/built-cli.js';

let dir = '';

/** Runs the built CLI in this file's scratch directory. */
const lbsim = (...args: string[]) => runBuiltCli(dir, args);

/** Runs `lbsim ARGS | head -1` in a shell; returns lbsim's exit status, head's line and lbsim's stderr. */
function piped(args: string) {
  const r = spawnSync('bash', ['-c', `set -o pipefail; "${process.execPath}" "${BIN}" ${args} 2>err.txt | head -1; echo "status=\${PIPESTATUS[0]}" >&2`], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: '1' },
  });
  return { line: r.stdout.trim(), status: /status=(\d+)/.exec(r.stderr)?.[1], err: readFileSync(join(dir, 'err.txt'), 'utf8') };
}

const SMALL = smallScenario('1s');

beforeAll(() => {
  dir = makeCliScratch('usability', { 'small.yaml': SMALL });
});
afterAll(() => removeScratch(dir));

describe('lbsim list and --help', () => {
  it('shows each shipped scenario\'s whole description, without editor modelines', () => {
    const r = lbsim('list');
    expect(r.code).toBe(0);
    expect(r.out).not.toMatch(/yaml-language-server/);
    // heterogeneous.yaml's comment runs over two lines: both halves are there
    const text = r.out.replace(/\s+/g, ' ');
    expect(text).toMatch(/heterogeneous Unequal capacity: .* Weights matter — unweighted round-robin overloads the small servers; weighted and load-aware strategies do not\./);
    const j = JSON.parse(lbsim('list', '--json').out);
    const het = j.scenarios.find((s: { name: string }) => s.name === 'heterogeneous');
    expect(het.teaches).toMatch(/Weights matter — unweighted round-robin .* do not\.$/);
    expect(j.strategies.find((s: { name: string }) => s.name === 'least-connections').aliases).toContain('leastconn');
  });

  it('--help names the required options in the usage line and beside them', () => {
    const report = lbsim('report', '--help');
    expect(report.out).toMatch(/Usage: lbsim report \[options\] --out <dir> <results\.\.\.>/);
    expect(report.out).toMatch(/--out <dir>\s+output directory \(required\)/);
    const sweep = lbsim('sweep', '--help');
    expect(sweep.out).toMatch(/Usage: lbsim sweep \[options\] --vary <key=values> <scenario>/);
    expect(sweep.out.replace(/\s+/g, ' ')).toMatch(/--vary <key=values> a key and its values: [^(]*\(repeat for a grid\)[^(]*\(required\)/);
    expect(lbsim('export', '--help').out).toMatch(/--strategy <name> --format <format>/);
    // an optional option is not marked
    expect(sweep.out).not.toMatch(/--seed <n>.*\(required\)/);
  });
});

describe('output that pipes', () => {
  it('lbsim list | head -1 and lbsim run … | head -1 exit quietly', () => {
    const list = piped('list');
    expect(list.line).toBe('Strategies:');
    expect(list.status).toBe('0');
    expect(list.err).toBe('');
    const run = piped('run small.yaml --quiet --json piped.json');
    expect(run.line).toMatch(/^small: poisson arrivals/);
    expect(run.status).toBe('0');
    expect(run.err).not.toMatch(/EPIPE|at .*\.js/);
    // the file asked for is still written
    expect(JSON.parse(readFileSync(join(dir, 'piped.json'), 'utf8')).schema).toBe('lbsim/results@1');
  });

  it('--json - writes the JSON alone to stdout and the table to stderr; no file named "-"', () => {
    const r = lbsim('run', 'small.yaml', '--quiet', '--json', '-');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).schema).toBe('lbsim/results@1');
    expect(r.err).toMatch(/^small: poisson arrivals/m);
    expect(r.err).toMatch(/p2c-d3/);
    expect(existsSync(join(dir, '-'))).toBe(false);
  });

  it('--json /dev/stdout is not interleaved with the table', () => {
    const r = lbsim('run', 'small.yaml', '--quiet', '--json', '/dev/stdout');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).results).toHaveLength(3);
    expect(r.err).toMatch(/p2c-d3/);
  });

  it('sweep --json - likewise', () => {
    const r = lbsim('sweep', 'small.yaml', '--vary', 'clients.rate=1000:2000:1000', '--duration', '300ms', '--quiet', '--json', '-', '--parallel', '1');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).sweep.points).toHaveLength(2);
    expect(r.err).toMatch(/p99 latency \(ms\) by clients\.rate/);
  });
});

describe('strategy names as people type them', () => {
  const table = (out: string) => out.split('\n').filter((l) => /^[* ] \S/.test(l) && !/strategy/.test(l)).map((l) => l.slice(2).trim().split(/\s+/)[0]);
  const cases: [string, string[]][] = [
    ['least-conn', ['least-connections']],
    ['leastconn', ['least-connections']],
    ['least_conn', ['least-connections']],
    ['P2C', ['p2c']],
    ['p2c-d3', ['p2c-d3']],
    ['P2C-D3', ['p2c-d3']],
    ['random two', ['p2c']],
    ['LEAST_REQUEST', ['least-request']],
    ['RING_HASH,MAGLEV', ['consistent-hash', 'maglev']],
    ['ip_hash', ['ip-hash']],
    ['roundrobin', ['round-robin']],
    ['ROUND_ROBIN,round-robin', ['round-robin']],
  ];
  it.each(cases)('--strategies %s', (typed, want) => {
    const r = lbsim('run', 'small.yaml', '--quiet', '--duration', '200ms', '--strategies', typed);
    // nothing but the comparison's note that one replication gives no confidence interval
    expect(r.err.replace(/^warning: one replication: .*\n/m, '')).toBe('');
    expect(r.code).toBe(0);
    expect(table(r.out).sort()).toEqual([...want].sort());
  });

  it('an unknown name blames the flag and suggests the nearest', () => {
    const r = lbsim('run', 'small.yaml', '--quiet', '--strategies', 'round-robin,leest-conections', '--json', 'never.json');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^lbsim: --strategies: unknown strategy "leest-conections"; did you mean least-connections\?/);
    expect(r.err).not.toMatch(/small\.yaml: strategies/);
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
    expect(lbsim('run', 'small.yaml', '--strategies', 'p2c-d4').err).toMatch(/did you mean p2c-d3\?/);
  });

  it('a scenario file with an unknown name gets the suggestion too', () => {
    writeFileSync(join(dir, 'typo.yaml'), SMALL.replace('[round-robin,', '[leastconnections, round-robbin,'));
    const r = lbsim('validate', 'typo.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/typo\.yaml: strategies\[1\]: unknown strategy "round-robbin"; did you mean round-robin\?/);
  });

  it('export --strategy takes the same names', () => {
    const r = lbsim('export', 'small.yaml', '--strategy', 'LEASTCONN', '--format', 'haproxy');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/balance leastconn/);
    expect(lbsim('export', 'small.yaml', '--strategy', 'leastcon', '--format', 'nginx').err).toMatch(/^lbsim: --strategy: .*did you mean least-connections\?/);
  });
});

describe('lbsim live and Ctrl-C', () => {
  it('says it is stopping once, however many SIGINTs arrive together, and exits 130', async () => {
    const child = spawn(process.execPath, [BIN, 'live', 'small.yaml', '--strategies', 'p2c', '--duration', '20s'], { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.resume();
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`live did not start: ${err}`)), 60_000);
      child.stderr.on('data', () => {
        if (/calibrating/.test(err)) {
          clearTimeout(t);
          resolve();
        }
      });
    });
    // the terminal's copy and a parent's forwarded copy (npm, npx) of one Ctrl-C
    child.kill('SIGINT');
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(err.match(/SIGINT/g)).toHaveLength(1);
  }, 90_000);
});
