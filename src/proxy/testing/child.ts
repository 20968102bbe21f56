/**
 * Runs the proxy as a child process (`node --import ts-register.mjs proxy-main.ts --config …`) for
 * tests that need its own memory figures, signals or cluster workers. The banner line on stdout
 * gives the URLs; stderr is collected for assertions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** A proxy running in a child process. */
export interface ProxyChild {
  proc: ChildProcess;
  pid: number;
  url: string;
  adminUrl: string | null;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves with the exit code once the process exits. */
  exited: Promise<number | null>;
  /** Kills the process (SIGKILL) if it is still running. */
  kill(): void;
}

/** Options of {@link startProxyChild}. */
export interface ChildOptions {
  /** Open-file limit of the child (`ulimit -n`), to exhaust its descriptors on purpose. */
  fdLimit?: number;
}

/** The command line running `proxy-main.ts` with `args` (under `ulimit -n` when asked). */
function command(args: string[], opts: ChildOptions): [string, string[]] {
  const node = [process.execPath, '--import', join(here, 'ts-register.mjs'), join(here, 'proxy-main.ts'), ...args];
  if (opts.fdLimit === undefined) return [node[0]!, node.slice(1)];
  return ['sh', ['-c', `ulimit -n ${opts.fdLimit} && exec "$@"`, 'sh', ...node]];
}

/** Runs `proxy-main.ts` with `args` to its exit (killed after `maxMs`): exit code and output. */
export function runProxyMain(args: string[], maxMs = 30_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const [cmd, argv] = command(args, {});
  const proc = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => proc.kill('SIGKILL'), maxMs);
  return new Promise((resolve) =>
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

/** Starts `proxy-main.ts --config <file> [--workers n]`; resolves once the banner is printed. */
export function startProxyChild(configFile: string, workers?: number, opts: ChildOptions = {}): Promise<ProxyChild> {
  const args = ['--config', configFile];
  if (workers !== undefined) args.push('--workers', String(workers));
  const [cmd, argv] = command(args, opts);
  const proc = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`proxy child did not start: ${err}`));
    }, 30_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+) \(admin (\S+?)\)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({
          proc,
          pid: proc.pid!,
          url: m[1]!,
          adminUrl: m[2] === 'off' ? null : m[2]!,
          stderr: () => err,
          exited,
          kill: () => {
            if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
          },
        });
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`proxy child exited (${code}) before listening: ${err}`));
    });
  });
}

/** Resident and peak resident memory of process `pid` in bytes (Linux /proc). */
export function memoryOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
  return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
}
