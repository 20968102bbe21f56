/**
 * Unbounded and hostile inputs through the built CLI, as a careless user or an attacker would write
 * them: each exits 2 with `lbsim: <file or flag>: <field>: …` naming the limit (and the `--limit`
 * flag that raises it), before any work, writing nothing, with no stack trace and no "internal
 * error"; `validate` refuses exactly what `run` refuses. Limits are in `src/input/limits.ts` and
 * `src/sim/limits.ts`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, makeCliScratch, removeScratch } from './testing/built-cli.js';

let dir = '';

/** Runs the CLI with a heap cap: an input that escaped its limit fails loudly instead of swapping. */
function lbsim(...args: string[]) {
  const r = spawnSync(process.execPath, ['--max-old-space-size=256', BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** Expects exit 2 and error lines only (`lbsim: …`), one of them matching every pattern. */
function refused(r: { code: number | null; err: string }, ...patterns: RegExp[]): void {
  expect(r.code, r.err).toBe(2);
  expect(r.err).not.toMatch(/internal error|\n\s+at |Error:/);
  const lines = r.err.trim().split('\n');
  for (const l of lines) expect(l).toMatch(/^lbsim: /);
  for (const p of patterns) expect(lines.some((l) => p.test(l)), `${patterns.join(' ')} in\n${r.err}`).toBe(true);
}

const scenario = (extra: string, backends = '[{ count: 2, service: { dist: exponential, mean: 1ms } }]') =>
  `duration: 1s\nwarmup: 0\nclients: { rate: 1000 }\nbackends: ${backends}\nstrategies: [round-robin]\n${extra}\n`;

function write(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return name;
}

beforeAll(() => {
  dir = makeCliScratch('limits');
});
afterAll(() => removeScratch(dir));

describe('scenario limits: validate and run refuse before running', () => {
  const cases: [string, string, RegExp[]][] = [
    ['backends', scenario('', '[{ count: 10000000, service: { dist: exponential, mean: 1ms } }]'), [/backends\[0\]\.count: 10,000,000 backends in all; the limit is 10,000; raise it with --limit backends=N/]],
    ['duration', scenario('').replace('duration: 1s', 'duration: 1e9s'), [/: duration: about [\d,]+ requests per run .*the limit is 20,000,000; raise it with --limit requests=N/]],
    ['rate', scenario('').replace('rate: 1000', 'rate: 1e12'), [/: clients\.rate: about [\d,]+ requests per run/]],
    ['ring points', scenario('', '[{ count: 2, weight: 1000000, service: { dist: exponential, mean: 1ms } }]').replace('[round-robin]', '[consistent-hash]'), [/backends\[0\]\.weight: strategy consistent-hash .* 320,000,000 points; the limit is 8,388,608; raise it with --limit ring-points=N/]],
    ['series', scenario('interval: 1us').replace('duration: 1s', 'duration: 100s'), [/: interval: .* cells; the limit is 10,000,000/]],
    ['population', scenario('').replace('rate: 1000', 'rate: 1000, keys: { count: 1000000000, popularity: zipf }'), [/clients\.keys\.count: a Zipf population of 1,000,000,000 values/]],
    ['health probes', scenario('').replace('duration: 1s', 'duration: 100s').replace('strategies:', 'balancer: { healthCheck: { interval: 1us, timeout: 1us } }\nstrategies:'), [/balancer\.healthCheck\.interval: about [\d,]+ health-check probes/]],
    ['nested sticky', scenario('').replace('[round-robin]', '[{ name: sticky, options: { inner: sticky } }]'), [/strategies\[0\]\.options\.inner: expected a strategy other than sticky/]],
    ['sticky inner options', scenario('').replace('[round-robin]', '[{ name: sticky, options: { inner: p2c, innerOptions: { draws: x } } }]'), [/strategies\[0\]\.options\.innerOptions\.draws: expected number/]],
    ['alias bomb', ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefg'.split('').map((c, k) => `${c}: &${c} [${Array(9).fill(`*${'abcdefg'[k]}`).join(',')}]`)].join('\n'), [/alias bomb/]],
  ];
  for (const [name, text, patterns] of cases) {
    it(`${name}: validate and run exit 2 naming the field and the limit`, () => {
      const file = write(`${name.replace(/ /g, '-')}.yaml`, text);
      refused(lbsim('validate', file), ...patterns);
      refused(lbsim('run', file, '--quiet', '--json', 'out.json'), ...patterns);
      expect(existsSync(join(dir, 'out.json'))).toBe(false);
    });
  }

  it('--limit raises a limit; a bad --limit is refused', () => {
    const file = write('backends-11k.yaml', scenario('', '[{ count: 11000, service: { dist: exponential, mean: 1ms } }]'));
    refused(lbsim('validate', file), /the limit is 10,000/);
    const ok = lbsim('validate', file, '--limit', 'backends=20000');
    expect(ok.code, ok.err).toBe(0);
    refused(lbsim('validate', file, '--limit', 'backends=lots'), /^lbsim: --limit: backends: expected a positive whole number/);
    refused(lbsim('validate', file, '--limit', 'memory=1'), /^lbsim: --limit: expected NAME=VALUE with NAME one of requests?|file-size/);
  });

  it('an empirical file that is a device, a directory or too large is refused unread', () => {
    const emp = (f: string) => scenario('').replace('mean: 1ms }', `mean: 1ms }`).replace('{ dist: exponential, mean: 1ms }', `{ dist: empirical, file: ${f} }`);
    refused(lbsim('validate', write('zero.yaml', emp('/dev/zero'))), /backends\[0\]\.service\.file: cannot read samples file \/dev\/zero: is a character device, not a regular file/);
    mkdirSync(join(dir, 'adir'), { recursive: true });
    refused(lbsim('run', write('dir.yaml', emp('adir')), '--quiet'), /service\.file: cannot read samples file .*adir: is a directory/);
    writeFileSync(join(dir, 'big.txt'), '1 '.repeat(600_000));
    refused(lbsim('validate', write('big.yaml', emp('big.txt')), '--limit', 'file-size=1MiB'), /service\.file: .*is larger than 1 MiB; the limit is 1 MiB; raise it with --limit file-size=N/);
    expect(lbsim('validate', 'big.yaml', '--limit', 'file-size=2MiB').code).toBe(0);
  });
});

describe('flags and outputs', () => {
  it('--json to an unwritable path exits 2 before running, and leaves nothing behind', () => {
    write('small.yaml', scenario(''));
    write('plain-file', 'x');
    const before = readdirSync(dir).sort().filter((f) => f !== 'adir-json');
    refused(lbsim('run', 'small.yaml', '--quiet', '--json', 'plain-file/out.json'), /^lbsim: --json: cannot write plain-file\/out\.json: .*plain-file is not a directory/);
    refused(lbsim('run', 'small.yaml', '--quiet', '--json', '/proc/lbsim-nope/out.json'), /^lbsim: --json: cannot write \/proc\/lbsim-nope\/out\.json: cannot create files in \/proc/);
    mkdirSync(join(dir, 'adir-json'), { recursive: true });
    refused(lbsim('run', 'small.yaml', '--quiet', '--json', 'adir-json'), /^lbsim: --json: cannot write adir-json: it is a directory/);
    refused(lbsim('sweep', 'small.yaml', '--vary', 'clients.rate=100:200:100', '--quiet', '--report', 'plain-file'), /^lbsim: --report: cannot write plain-file: it is a file, not a directory/);
    expect(readdirSync(dir).sort().filter((f) => f !== 'adir-json')).toEqual(before);
  });

  it('report reads a results file only up to the file-size limit, and never a device', () => {
    write('small.yaml', scenario(''));
    expect(lbsim('run', 'small.yaml', '--quiet', '--json', 'small.json').code).toBe(0);
    refused(lbsim('report', 'small.json', '--out', 'rep-small', '--limit', 'file-size=1KiB'), /^lbsim: small\.json: .*is larger than 1 KiB; the limit is 1 KiB; raise it with --limit file-size=N/);
    refused(lbsim('report', '/dev/zero', '--out', 'rep-zero'), /^lbsim: \/dev\/zero: .*is a character device, not a regular file/);
    expect(existsSync(join(dir, 'rep-small'))).toBe(false);
    expect(existsSync(join(dir, 'rep-zero'))).toBe(false);
    expect(lbsim('report', 'small.json', '--out', 'rep-ok').code).toBe(0);
    rmSync(join(dir, 'small.json'));
  });

  it('--vary and --set refuse __proto__, constructor and prototype', () => {
    write('small.yaml', scenario(''));
    refused(lbsim('sweep', 'small.yaml', '--vary', '__proto__.x=1:2:1', '--quiet'), /^lbsim: --vary: __proto__: "__proto__" is not a scenario key/);
    refused(lbsim('sweep', 'small.yaml', '--vary', 'clients.constructor.prototype.x=1:2:1', '--quiet'), /^lbsim: --vary: clients\.constructor: "constructor" is not a scenario key/);
    refused(lbsim('live', 'small.yaml', '--set', '__proto__.polluted=1', '--quiet'), /^lbsim: --set: __proto__/);
  });

  it('live --scale 1e-9 is refused before any socket opens, naming the live-rate limit', () => {
    write('small.yaml', scenario(''));
    refused(lbsim('live', 'small.yaml', '--scale', '1e-9', '--quiet'), /^lbsim: --scale: the live run would offer 1,000,000,000,000 req\/s at time scale ×1e-9; the limit is 20,000; raise it with --limit live-rate=N/);
  });
});

describe('lbsim import: hostile configs', () => {
  it('include /dev/zero is refused unread, naming the including file and line', () => {
    const f = write('zero.conf', 'http {\n  upstream u { server 127.0.0.1:1; }\n  include /dev/zero;\n}\n');
    refused(lbsim('import', f), /^lbsim: zero\.conf: line 3: include: \/dev\/zero: is a character device, not a regular file/);
  });

  it('an included file with a syntax error is named with its line, never its content', () => {
    write('secret.txt', 'root:$6$s3cr3t-hash$abcdef:19000:0:99999:7:::\nsecond line\n');
    const f = write('leak.conf', 'http {\n  upstream u { server 127.0.0.1:1; }\n  include secret.txt;\n}\n');
    const r = lbsim('import', f);
    refused(r, /secret\.txt: line 1: unexpected end of file/);
    expect(r.err).not.toContain('s3cr3t');
    expect(r.err).not.toContain('root');
    write('quote.txt', '"abc"x-s3cr3t;\n');
    const q = lbsim('import', write('leak2.conf', 'http {\n  upstream u { server 127.0.0.1:1; }\n  include quote.txt;\n}\n'));
    refused(q, /quote\.txt: line 1: unexpected character after a quoted string/);
    expect(q.err).not.toContain('s3cr3t');
  });

  it('very deep nginx blocks exit 2 at the nesting limit', () => {
    const f = write('deep.conf', `${'a {'.repeat(100_000)}${'}'.repeat(100_000)}\n`);
    refused(lbsim('import', f), /^lbsim: deep\.conf: line 1: blocks nested more than 64 deep; the limit is 64; raise it with --limit nesting=N/);
  });

  it('an Envoy alias bomb exits 2', () => {
    const bomb = ['a: &a [x,x,x,x,x,x,x,x,x]', ...'bcdefg'.split('').map((c, k) => `${c}: &${c} [${Array(9).fill(`*${'abcdefg'[k]}`).join(',')}]`)].join('\n');
    refused(lbsim('import', write('bomb-envoy.yaml', `${bomb}\nclusters: []\n`)), /alias bomb/);
  });

  it('-o to an unwritable path exits 2 before importing', () => {
    write('plain-file', 'x');
    const f = write('ok.conf', 'http { upstream u { server 127.0.0.1:1; } }\n');
    refused(lbsim('import', f, '-o', 'plain-file/s.yaml'), /^lbsim: --output: cannot write/);
  });
});
