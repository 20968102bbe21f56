/**
 * HAProxy as a throughput peer: one thread (`nbthread 1`), `balance roundrobin`, HTTP keep-alive
 * on both sides, foreground (`-db`), pid file in a private temp directory, no logging.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, LOOPBACK, waitForPort } from './net.js';
import { targetOf, tail, type RunningTarget } from './peer.js';
import { kill, spawnTracked } from './proc.js';

/** The haproxy.cfg used by the benchmark. */
export function haproxyConfig(dir: string, port: number, backendPorts: readonly number[]): string {
  return `global
  nbthread 1
  maxconn 4096
  pidfile ${dir}/haproxy.pid
defaults
  mode http
  timeout connect 5s
  timeout client 60s
  timeout server 60s
  option http-keep-alive
frontend fe
  bind ${LOOPBACK}:${port}
  default_backend be
backend be
  balance roundrobin
${backendPorts.map((p, i) => `  server b${i} ${LOOPBACK}:${p}`).join('\n')}
`;
}

/** Starts HAProxy (binary `bin`) in front of the backends. */
export async function startHaproxy(bin: string, backendPorts: readonly number[]): Promise<RunningTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'lbsim-bench-haproxy-'));
  const port = await freePort();
  const cfg = join(dir, 'haproxy.cfg');
  writeFileSync(cfg, haproxyConfig(dir, port, backendPorts));
  const child = spawnTracked(bin, ['-db', '-f', cfg], { detached: true });
  const err = tail(child);
  try {
    await waitForPort(port, 10_000, () => child.exitCode === null);
  } catch (e) {
    kill(child, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`haproxy did not start: ${(e as Error).message} ${err()}`);
  }
  return targetOf('haproxy (1 thread)', `http://${LOOPBACK}:${port}`, child, dir);
}
