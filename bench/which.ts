/**
 * Finding and installing the external programs the proxy benchmark compares against (wrk, nginx,
 * HAProxy): a PATH lookup (plus the sbin directories, where Debian puts the servers), and an
 * `apt-get install` when running as root and a program is missing.
 */
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import { runToEnd } from './proc.js';

/** Absolute path of executable `name` on PATH or in /usr/sbin, /sbin, /usr/local/sbin; null if absent. */
export function findExecutable(name: string): string | null {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  for (const d of dirs) {
    if (!d) continue;
    const p = join(d, name);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** True when this process runs as root (may use apt-get). */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/**
 * Ensures `program` exists, installing Debian package `pkg` with apt-get when root.
 * Resolves to the program's path, or to a message saying why it is unavailable.
 */
export async function ensureProgram(program: string, pkg: string, log: (s: string) => void): Promise<{ path: string } | { missing: string }> {
  const found = findExecutable(program);
  if (found) return { path: found };
  if (!isRoot()) return { missing: `${program} not installed (not root; install the ${pkg} package to compare)` };
  if (findExecutable('apt-get') === null) return { missing: `${program} not installed and no apt-get` };
  log(`installing ${pkg} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let out = await runToEnd('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { env, timeoutMs: 300_000 });
  if (out.code !== 0) {
    await runToEnd('apt-get', ['update', '-qq'], { env, timeoutMs: 300_000 });
    out = await runToEnd('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { env, timeoutMs: 300_000 });
  }
  const after = findExecutable(program);
  return after ? { path: after } : { missing: `${program}: apt-get install ${pkg} failed: ${out.stderr.trim().split('\n').pop() ?? ''}` };
}
