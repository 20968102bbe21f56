/**
 * CLI start-up stays cheap: `lbsim --version`, `lbsim --help` and `lbsim <command> --help` load only
 * the command-line wiring (commander, `main`, `version`, the input-error class), never a command
 * module, the simulator, the strategies, the proxy or zod. Command modules are imported inside each
 * commander action (`main.ts`).
 *
 * Checked without timing: the built binary runs under a module-load hook (`node:module` `register`)
 * that appends every `file:` URL the ESM loader loads to a trace file. A positive control (`lbsim
 * validate`) shows the trace does see the simulator's modules when a command needs them.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, makeCliScratch, removeScratch } from './testing/built-cli.js';

const ROOT_URL = pathToFileURL(ROOT).href + '/';
let dir = '';

/** The hooks module (runs on the loader thread) and the `--import` module that registers it. */
const HOOKS = `import { appendFileSync } from 'node:fs';
let out = '';
export function initialize(data) { out = data.out; }
export async function load(url, context, next) {
  if (url.startsWith('file:')) appendFileSync(out, url + '\\n');
  return next(url, context);
}
`;
const REGISTER = `import { register } from 'node:module';
import { pathToFileURL } from 'node:url';
register(pathToFileURL(process.env.LBSIM_HOOKS).href, { data: { out: process.env.LBSIM_TRACE } });
`;

let runs = 0;
/** Runs the built binary with `args` under the load trace; returns its exit code, stdout and the loaded files (repo-relative). */
function traced(...args: string[]): { code: number | null; out: string; loaded: string[] } {
  const trace = join(dir, `trace-${runs++}.txt`);
  writeFileSync(trace, '');
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(join(dir, 'register.mjs')).href, BIN, ...args], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, NO_COLOR: '1', LBSIM_HOOKS: join(dir, 'hooks.mjs'), LBSIM_TRACE: trace },
  });
  const loaded = readFileSync(trace, 'utf8')
    .split('\n')
    .filter((u) => u.startsWith(ROOT_URL))
    .map((u) => u.slice(ROOT_URL.length));
  return { code: r.status, out: r.stdout, loaded };
}

/** What start-up may load from the repository: the binary, the CLI wiring and commander. */
const ALLOWED = new Set(['bin/lbsim.js', 'dist/src/cli/launch.js', 'dist/src/cli/main.js', 'dist/src/cli/streams.js', 'dist/src/cli/version.js', 'dist/src/input/errors.js']);
const allowed = (f: string) => ALLOWED.has(f) || f.startsWith('node_modules/commander/');

beforeAll(() => {
  dir = makeCliScratch('startup', {
    'hooks.mjs': HOOKS,
    'register.mjs': REGISTER,
    'ok.yaml': 'name: ok\nclients: { arrival: poisson, rate: 100 }\nbackends: [{ count: 2, service: { dist: constant, value: 1ms } }]\n',
  });
});
afterAll(() => removeScratch(dir));

describe('CLI start-up loads no command module', () => {
  it('lbsim --version prints the package version and loads only the CLI wiring', () => {
    const r = traced('--version');
    expect(r.code).toBe(0);
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(r.out.trim()).toBe(version);
    expect(r.loaded).toContain('dist/src/cli/main.js');
    expect(r.loaded.filter((f) => !allowed(f))).toEqual([]);
  });

  it('lbsim --help lists every command and loads only the CLI wiring', () => {
    const r = traced('--help');
    expect(r.code).toBe(0);
    for (const c of ['run', 'sweep', 'list', 'validate', 'proxy', 'report', 'live', 'compare-live', 'import', 'export']) {
      expect(r.out).toMatch(new RegExp(`^  ${c} `, 'm'));
    }
    expect(r.loaded).toContain('dist/src/cli/main.js');
    expect(r.loaded.filter((f) => !allowed(f))).toEqual([]);
  });

  it('a command\'s --help lists its options and loads only the CLI wiring', () => {
    const run = traced('run', '--help');
    expect(run.code).toBe(0);
    for (const o of ['--strategies <list>', '--seed <n>', '--replications <n>', '--duration <t>', '--json <file>', '--report <dir>', '--quiet']) {
      expect(run.out).toContain(o);
    }
    expect(run.loaded.filter((f) => !allowed(f))).toEqual([]);
    const live = traced('compare-live', '--help');
    expect(live.code).toBe(0);
    expect(live.out).toContain('--json-sim <file>');
    expect(live.loaded.filter((f) => !allowed(f))).toEqual([]);
  });

  it('the trace does see a command\'s modules once the command runs (positive control)', () => {
    const r = traced('validate', 'ok.yaml');
    expect(r.code).toBe(0);
    expect(r.loaded).toContain('dist/src/cli/validate.js');
    expect(r.loaded.some((f) => f.startsWith('dist/src/scenario/'))).toBe(true);
  });
});
