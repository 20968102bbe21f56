/**
 * Runs the real proxies' config checkers on exported fragments, for tests: `nginx -t` on a minimal
 * nginx.conf that includes the fragment in `http { }` (prefix, pid, error log and temp paths in a
 * temporary directory; nothing is started) and `haproxy -c` on a minimal global/defaults/frontend
 * wrapper around the backend. The temporary directories are removed after each check.
 * {@link hasCommand} tells whether a checker is installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True when `name` is on the PATH (`command -v`). */
export function hasCommand(name: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

/** A checker's verdict and its combined output. */
export interface CheckResult {
  ok: boolean;
  output: string;
}

/** `nginx -t` on a minimal config wrapping `fragment` (http context). */
export function nginxCheck(fragment: string): CheckResult {
  const dir = mkdtempSync(join(tmpdir(), 'lbsim-nginx-'));
  writeFileSync(join(dir, 'fragment.conf'), fragment);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `    ${t}_temp_path ${join(dir, t)};`);
  const conf = [
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'error.log')};`,
    'events {}',
    'http {',
    '    access_log off;',
    ...temp,
    `    include ${join(dir, 'fragment.conf')};`,
    '}',
    '',
  ].join('\n');
  writeFileSync(join(dir, 'nginx.conf'), conf);
  const r = spawnSync('nginx', ['-t', '-p', `${dir}/`, '-e', join(dir, 'error.log'), '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

/**
 * `haproxy -c` on a minimal config: global, defaults (http, timeouts), a frontend using `backend`,
 * and a `resolvers` section for each one the backend's servers name (a server line passed through
 * from an imported config may say `resolvers dns`, a section of the user's own config).
 */
export function haproxyCheck(section: string, backend: string): CheckResult {
  const dir = mkdtempSync(join(tmpdir(), 'lbsim-haproxy-'));
  const resolvers = [...new Set([...section.matchAll(/^\s*server\s.*\sresolvers\s+(\S+)/gm)].map((m) => m[1]!))];
  const cfg = [
    ...resolvers.flatMap((name) => [`resolvers ${name}`, '    nameserver ns1 127.0.0.1:53']),
    'global',
    '    log stdout format raw local0',
    'defaults',
    '    mode http',
    '    timeout connect 5s',
    '    timeout client 30s',
    '    timeout server 30s',
    'frontend lbsim_check',
    '    bind 127.0.0.1:18080',
    `    default_backend ${backend}`,
    '',
    section,
  ].join('\n');
  writeFileSync(join(dir, 'haproxy.cfg'), cfg);
  const r = spawnSync('haproxy', ['-c', '-f', join(dir, 'haproxy.cfg')], { encoding: 'utf8' });
  rmSync(dir, { recursive: true, force: true });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}
