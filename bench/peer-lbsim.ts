/**
 * `lbsim proxy` as the system under test: `node bin/lbsim.js proxy --config DIR/proxy.yaml
 * [--workers N]` as a child process (its own process group, so cluster workers stop with it),
 * round-robin over the backends, admin endpoint and active health checks off (the peers have
 * neither), listening on 127.0.0.1 at a port from the OS (read back from the startup banner).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOOPBACK } from './net.js';
import { targetOf, type RunningTarget } from './peer.js';
import { kill, ROOT, spawnTracked } from './proc.js';

/**
 * The proxy config used by the benchmark; `extra` lines (YAML keys) are added, and replace the
 * defaults `admin: false` / `healthCheck: false` when they set those keys.
 */
export function lbsimConfig(backendPorts: readonly number[], extra: readonly string[] = []): string {
  const has = (key: string): boolean => extra.some((l) => l.startsWith(`${key}:`));
  return [
    `listen: ${LOOPBACK}:0`,
    'strategy: round-robin',
    ...(has('admin') ? [] : ['admin: false']),
    ...(has('healthCheck') ? [] : ['healthCheck: false']),
    ...extra,
    'backends:',
    ...backendPorts.map((p) => `  - url: http://${LOOPBACK}:${p}`),
    '',
  ].join('\n');
}

/** Starts `lbsim proxy` with `workers` workers in front of the backends (`extra`: config lines, see {@link lbsimConfig}). */
export async function startLbsim(backendPorts: readonly number[], workers: number, extra: readonly string[] = []): Promise<RunningTarget & { adminUrl: string | null }> {
  const dir = mkdtempSync(join(tmpdir(), 'lbsim-bench-proxy-'));
  const cfg = join(dir, 'proxy.yaml');
  writeFileSync(cfg, lbsimConfig(backendPorts, extra));
  const args = [join(ROOT, 'bin', 'lbsim.js'), 'proxy', '--config', cfg, ...(workers > 1 ? ['--workers', String(workers)] : [])];
  const child = spawnTracked(process.execPath, args, { cwd: ROOT, detached: true });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-4000)));
  let adminUrl: string | null = null;
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`lbsim proxy printed no banner in 15 s: ${err.trim()}`)), 15_000);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /listening on (http:\/\/[^\s,()]+) \(admin (\S+?)\)/.exec(out);
      if (m) {
        clearTimeout(timer);
        adminUrl = m[2] === 'off' ? null : m[2]!;
        resolve(m[1]!);
      }
    });
    child.once('exit', (code, sig) => {
      clearTimeout(timer);
      reject(new Error(`lbsim proxy exited (${code ?? sig}): ${err.trim()}`));
    });
  }).catch((e: unknown) => {
    kill(child, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw e;
  });
  child.stdout?.resume();
  return { ...targetOf(`lbsim proxy (${workers} worker${workers === 1 ? '' : 's'})`, url, child, dir), adminUrl };
}
