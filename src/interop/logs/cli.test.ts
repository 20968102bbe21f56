/**
 * `lbsim import --log` as a user runs it (the compiled CLI): a fitted scenario is written and the
 * check printed; bad input exits 2 with one clear line and writes nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLines, generate, TEST_FORMAT_SPECS, tempDir, type SyntheticSpec } from './testing.js';

const ROOT = join(import.meta.dirname, '../../..');
const BIN = join(ROOT, 'bin/lbsim.js');
const tmp = tempDir();

function lbsim(...args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: tmp.dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const SPEC: SyntheticSpec = {
  seed: 2,
  rate: 60,
  durationS: 120,
  servers: [
    { name: 'web1', workers: 2 },
    { name: 'web2', workers: 2 },
  ],
  service: { dist: 'gamma', shape: 2, scale: 8 },
};

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/src/cli/main.js'))) throw new Error('run `npm run build` first (npm test does)');
});
afterAll(() => tmp.remove());

describe('lbsim import --log', () => {
  it('writes the fitted scenario, prints the check, and the scenario runs', () => {
    tmp.write('haproxy.log', formatLines(generate(SPEC), SPEC, 'haproxy'));
    const r = lbsim('import', '--log', 'haproxy.log', '--log-format', 'haproxy', '-o', 'fitted.yaml');
    expect(r.err).toMatch(/lbsim: fitted \d+ requests over 120 s from 1 log \(HAProxy option httplog\); service gamma/);
    expect(r.err).toMatch(/lbsim:   verdict: agrees/);
    expect(r.code).toBe(0);
    expect(existsSync(join(tmp.dir, 'fitted.yaml'))).toBe(true);
    const run = lbsim('run', 'fitted.yaml', '--quiet', '--duration', '20s');
    expect(run.code).toBe(0);
    expect(run.out).toMatch(/weighted-round-robin/);
  });

  it('bad input: exit 2, one line naming the file and what is wrong, nothing written', () => {
    const lines = formatLines(generate(SPEC), SPEC, 'nginx');
    tmp.write('nginx.log', lines.map((l, k) => (k % 20 === 0 ? 'not a log line' : l)));
    const r = lbsim('import', '--log', 'nginx.log', '--log-format', TEST_FORMAT_SPECS.nginx, '-o', 'never.yaml');
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/^lbsim: nginx.log:1: \d+ of \d+ lines \(5\.0 %\) do not match/);
    expect(existsSync(join(tmp.dir, 'never.yaml'))).toBe(false);
    const none = lbsim('import', '-o', 'never.yaml');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/expected a proxy config .* access logs \(--log FILE\), or both/);
    const unit = lbsim('import', '--log', 'nginx.log', '--log-format', 'jsonl:end=t:s,upstream_time=rt,server=s');
    expect(unit.code).toBe(2);
    expect(unit.err).toMatch(/upstream_time=rt needs its unit/);
  });
});
