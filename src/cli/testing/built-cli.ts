/**
 * Test support: runs the compiled CLI (`node bin/lbsim.js …`, built by `npm run build`, which
 * `npm test` runs first) in a child process, as a user runs it, in a scratch directory.
 */
import { spawnSync } from 'node:child_process';
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

/** Runs `lbsim ...args` in `cwd` with colour off, at most two minutes; waits for it to end. */
export function runBuiltCli(cwd: string, args: readonly string[]): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}
