/**
 * Child processes of the benchmarks: spawn, wait for a JSON answer, and make sure every child is
 * stopped at the end, on error and on SIGINT/SIGTERM (the benchmark starts servers — backends, the
 * proxy, nginx, HAProxy — that must never outlive it).
 *
 * Children are killed by their own pid (and process group when spawned detached), never by name.
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const live = new Set<ChildProcess>();
const groupLeaders = new WeakSet<ChildProcess>();
const cleanups = new Set<() => void>();
let handlersInstalled = false;

/** Directory of the compiled benchmark scripts (`dist/bench`). */
export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
/** The project root (two levels above `dist/bench`). */
export const ROOT = join(BENCH_DIR, '..', '..');

/** True when `metaUrl` is the script node was started with (a module's "main" check). */
export function isMain(metaUrl: string): boolean {
  const arg = process.argv[1];
  return arg !== undefined && metaUrl === pathToFileURL(arg).href;
}

/** Registers a synchronous cleanup run on exit and on SIGINT/SIGTERM; returns its remover. */
export function onCleanup(fn: () => void): () => void {
  installHandlers();
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

function runCleanups(): void {
  for (const c of [...live]) kill(c, 'SIGKILL');
  for (const fn of [...cleanups]) {
    try {
      fn();
    } catch {
      // best effort
    }
  }
  cleanups.clear();
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', runCleanups);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => {
      process.stderr.write(`\nbench: ${sig}, stopping children\n`);
      runCleanups();
      process.exit(130);
    });
  }
}

/** Sends `signal` to a child (its process group when it leads one). */
export function kill(c: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): void {
  if (c.pid === undefined || c.exitCode !== null || c.signalCode !== null) return;
  try {
    process.kill(groupLeaders.has(c) ? -c.pid : c.pid, signal);
  } catch {
    try {
      c.kill(signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Spawns a tracked child; it is killed at exit/SIGINT if still running. With `detached: true` it
 * leads its own process group and is signalled as a group (servers with worker processes).
 */
export function spawnTracked(cmd: string, args: readonly string[], opts: SpawnOptions = {}): ChildProcess {
  installHandlers();
  const c = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  if (opts.detached === true) groupLeaders.add(c);
  live.add(c);
  c.once('exit', () => live.delete(c));
  return c;
}

/** Stops a child: SIGTERM, then SIGKILL after `graceMs`; resolves when it has exited. */
export function stop(c: ChildProcess, graceMs = 3000): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => kill(c, 'SIGKILL'), graceMs);
    c.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    kill(c, 'SIGTERM');
  });
}

/** Output of a finished child. */
export interface ChildOutput {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion, collecting its output; rejects after `timeoutMs` (killing it). */
export function runToEnd(cmd: string, args: readonly string[], opts: SpawnOptions & { timeoutMs?: number } = {}): Promise<ChildOutput> {
  return new Promise((resolve, reject) => {
    const c = spawnTracked(cmd, args, opts);
    let stdout = '';
    let stderr = '';
    c.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    c.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer =
      opts.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            kill(c, 'SIGKILL');
            reject(new Error(`${cmd} ${args.join(' ')}: timed out after ${opts.timeoutMs} ms`));
          }, opts.timeoutMs);
    c.once('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    c.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/**
 * Runs a compiled benchmark script (`dist/bench/<file>.js`) in a fresh node with `flags`, and parses
 * the last stdout line as JSON.
 */
export async function runNodeJson<T>(file: string, args: readonly string[], flags: readonly string[] = [], timeoutMs = 600_000): Promise<T> {
  const out = await runToEnd(process.execPath, [...flags, join(BENCH_DIR, file), ...args], { cwd: ROOT, timeoutMs });
  if (out.code !== 0) {
    throw new Error(`${file} ${args.join(' ')} exited with ${out.code ?? out.signal}: ${out.stderr.trim().slice(-2000)}`);
  }
  const last = out.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(last) as T;
  } catch {
    throw new Error(`${file}: expected JSON on the last stdout line, got ${JSON.stringify(last.slice(0, 200))}`);
  }
}
