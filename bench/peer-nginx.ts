/**
 * nginx as a throughput peer: one worker (`worker_processes 1`), round-robin upstream with
 * keep-alive connections to the backends, no access log; prefix, pid, logs and temp files in a
 * private temp directory (`nginx -p DIR -e DIR/error.log -c DIR/nginx.conf`, `daemon off`).
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, LOOPBACK, waitForPort } from './net.js';
import { targetOf, tail, type RunningTarget } from './peer.js';
import { kill, spawnTracked } from './proc.js';

/** The nginx.conf used by the benchmark (exported for inspection and tests). */
export function nginxConfig(dir: string, port: number, backendPorts: readonly number[]): string {
  return `worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  keepalive_requests 1000000;
  upstream backends {
${backendPorts.map((p) => `    server ${LOOPBACK}:${p};`).join('\n')}
    keepalive 256;
  }
  server {
    listen ${LOOPBACK}:${port};
    location / {
      proxy_pass http://backends;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }
}
`;
}

/** Starts nginx (binary `bin`) in front of the backends. */
export async function startNginx(bin: string, backendPorts: readonly number[]): Promise<RunningTarget> {
  const dir = mkdtempSync(join(tmpdir(), 'lbsim-bench-nginx-'));
  chmodSync(dir, 0o755); // workers run as an unprivileged user when started as root
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), nginxConfig(dir, port, backendPorts));
  const child = spawnTracked(bin, ['-p', dir, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { detached: true });
  const err = tail(child);
  try {
    await waitForPort(port, 10_000, () => child.exitCode === null);
  } catch (e) {
    kill(child, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`nginx did not start: ${(e as Error).message} ${err()}`);
  }
  return targetOf('nginx (1 worker)', `http://${LOOPBACK}:${port}`, child, dir);
}
