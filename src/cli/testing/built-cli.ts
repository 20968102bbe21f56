/**
 * Test support: runs the compiled CLI (`node bin/lbsim.js …`, built by `npm run build`, which
 * `npm test` runs first) in a child process, as a user runs it, in a scratch directory
 * ({@link makeCliScratch}).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The repository root. */
export const ROOT = join(import.meta.dirname, '../../..');
/** The CLI entry point. */
export const BIN = join(ROOT, 'bin/lbsim.js');

/** What a CLI run gave: its exit code (null when killed) and its two outputs. */
export interface CliRun {
  code: number | null;
  out: string;
  err: string;
}

/**
 * The command and arguments that run `lbsim ...args` (the built CLI, with this Node) in a
 * pseudo-terminal of its own: util-linux `script`, whose output is the terminal's and whose input is
 * typed into it (write `\x03` to its stdin for a Ctrl-C: the terminal's line discipline signals the
 * whole foreground process group). `script` runs the line with the user's `$SHELL` (`/bin/sh` when
 * unset); the line `exec`s lbsim so that no shell stays in the process group: dash, still waiting
 * there, would be killed by the Ctrl-C itself and report 130 whatever lbsim's exit code.
 */
export function inTerminal(args: readonly string[]): [command: string, args: string[]] {
  const quote = (a: string): string => `'${a.replaceAll("'", `'\\''`)}'`;
  return ['script', ['-qfec', `exec ${[process.execPath, BIN, ...args].map(quote).join(' ')}`, '/dev/null']];
}

/** Runs `lbsim ...args` in `cwd` with colour off, at most two minutes; waits for it to end. */
export function runBuiltCli(cwd: string, args: readonly string[]): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/**
 * A test file's scratch directory (call it in `beforeAll`): checks that the CLI is built (`npm test`
 * builds it first), makes `lbsim-<name>-…` under the system's temporary directory and writes
 * `files` (file name → text) into it. Returns its path; {@link removeScratch} deletes it.
 */
export function makeCliScratch(name: string, files: Readonly<Record<string, string>> = {}): string {
  if (!existsSync(join(ROOT, 'dist/src/cli/main.js'))) throw new Error('run `npm run build` first (npm test does)');
  const dir = mkdtempSync(join(tmpdir(), `lbsim-${name}-`));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

/** Deletes a directory {@link makeCliScratch} made, with everything in it (call it in `afterAll`). */
export function removeScratch(dir: string): void {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
}

/**
 * The CLI tests' small scenario: 4 one-worker backends (exponential 1 ms), Poisson 2000 req/s
 * (utilization 0.5), seed 3, 200 ms warm-up, `duration` measured; round-robin, p2c and p2c with
 * three draws (`p2c-d3`).
 */
export function smallScenario(duration = '2s'): string {
  return `name: small
seed: 3
duration: ${duration}
warmup: 200ms
clients: { arrival: poisson, rate: 2000 }
backends:
  - count: 4
    workers: 1
    service: { dist: exponential, mean: 1ms }
strategies: [round-robin, p2c, { name: p2c, label: p2c-d3, options: { draws: 3 } }]
`;
}
