/**
 * Everything a live run starts — servers, child processes, the proxy — is registered here, so that
 * one `closeAll()` stops it on success, on failure (`try/finally`), and on Ctrl-C / SIGTERM
 * ({@link Registry.trapSignals}); a last-resort `exit` hook SIGKILLs child processes still running.
 * Child processes also exit by themselves when their parent's IPC channel disconnects (the parent
 * died), so nothing outlives the run.
 *
 * {@link forkModule} starts one of this directory's entry modules in a child process: the compiled
 * `.js` beside this module when it exists (the shipped CLI runs from `dist/`), otherwise the `.ts`
 * source through the repository's test-only TypeScript loader (`src/proxy/testing/ts-register.mjs`,
 * used when running from source, e.g. under vitest).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A close function registered with a {@link Registry}. */
export type Closer = () => Promise<void>;

/** The set of things to stop; see the module header. */
export class Registry {
  private readonly open = new Set<Closer>();
  private readonly running = new Map<Closer, Promise<void>>();
  private readonly kids = new Set<ChildProcess>();
  private signalHandler: ((sig: NodeJS.Signals) => void) | null = null;
  private readonly onExit = (): void => {
    for (const k of this.kids) if (k.exitCode === null && k.signalCode === null) k.kill('SIGKILL');
  };

  constructor() {
    process.on('exit', this.onExit);
  }

  /** Registers `close` (call it, or {@link closeAll}, to stop the thing). */
  add(close: Closer): void {
    this.open.add(close);
  }

  /**
   * Runs `impl` once for the registered `key` and forgets it; later calls return the same promise.
   * Used as `close: () => registry.release(close, impl)`.
   */
  release(key: Closer, impl: () => Promise<void>): Promise<void> {
    const prev = this.running.get(key);
    if (prev) return prev;
    this.open.delete(key);
    const p = impl().catch(() => undefined);
    this.running.set(key, p);
    return p;
  }

  /** A child process to SIGKILL if this process exits while it still runs. */
  track(child: ChildProcess): void {
    this.kids.add(child);
    child.once('exit', () => this.kids.delete(child));
  }

  /** Things still open (for tests). */
  get size(): number {
    return this.open.size;
  }

  /** Child processes still running. */
  get children(): number {
    return this.kids.size;
  }

  /** Closes everything still open, newest first. */
  async closeAll(): Promise<void> {
    const all = [...this.open].reverse();
    for (const c of all) await c();
    await Promise.all(this.running.values());
  }

  /**
   * On SIGINT / SIGTERM: close everything, then exit with 130 (SIGINT) or 143. Returns the function
   * that removes the handlers.
   */
  trapSignals(log: (line: string) => void = () => undefined): () => void {
    // One Ctrl-C often arrives twice (the terminal signals the whole process group, and a parent
    // such as npm or npx forwards its own copy): the first starts the shutdown and says so once;
    // a repeat within a second is that echo; a later one means "now" and exits at once.
    let stopping = 0;
    const handler = (sig: NodeJS.Signals): void => {
      const code = sig === 'SIGINT' ? 130 : 143;
      if (stopping > 0) {
        if (performance.now() - stopping < 1000) return;
        log(`${sig} again: exiting without waiting`);
        process.exit(code);
      }
      stopping = performance.now();
      log(`${sig}: stopping the backends, the proxy and the load`);
      void this.closeAll().finally(() => process.exit(code));
    };
    this.signalHandler = handler;
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
    return () => this.untrap();
  }

  private untrap(): void {
    if (this.signalHandler) {
      process.off('SIGINT', this.signalHandler);
      process.off('SIGTERM', this.signalHandler);
      this.signalHandler = null;
    }
  }

  /** Closes everything and removes the process hooks. */
  async dispose(): Promise<void> {
    await this.closeAll();
    this.untrap();
    this.onExit();
    process.off('exit', this.onExit);
  }
}

/** A child process started by {@link forkModule}. */
export interface ChildHandle {
  proc: ChildProcess;
  /** Resolves with the exit code (or null after a signal). */
  exited: Promise<number | null>;
  alive(): boolean;
  /** Everything written to stderr so far (last 64 KiB). */
  stderr(): string;
  /** Everything written to stdout so far (last 64 KiB). */
  stdout(): string;
  /** SIGTERM, then SIGKILL after `graceMs` (default 3 s); resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

/** The file to run for entry `url` (a `.js` URL beside a module of this directory) and the node flags it needs. */
export function entryOf(url: URL): { file: string; execArgv: string[] } {
  const js = fileURLToPath(url);
  if (existsSync(js)) return { file: js, execArgv: [] };
  const ts = js.replace(/\.js$/, '.ts');
  const loader = fileURLToPath(new URL('../proxy/testing/ts-register.mjs', import.meta.url));
  if (!existsSync(ts) || !existsSync(loader)) throw new Error(`cannot find ${js} (run npm run build)`);
  return { file: ts, execArgv: ['--import', loader] };
}

/** Forks entry module `url` with `args`, an IPC channel (advanced serialization) and piped output. */
export function forkModule(url: URL, args: string[], registry: Registry): ChildHandle {
  const { file, execArgv } = entryOf(url);
  const proc = fork(file, args, { execArgv, serialization: 'advanced', stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
  registry.track(proc);
  let out = '';
  let err = '';
  const keep = (s: string, d: Buffer): string => (s + d.toString()).slice(-65_536);
  proc.stdout!.on('data', (d: Buffer) => (out = keep(out, d)));
  proc.stderr!.on('data', (d: Buffer) => (err = keep(err, d)));
  const exited = new Promise<number | null>((resolve) => {
    if (proc.exitCode !== null) resolve(proc.exitCode);
    else proc.once('exit', (code) => resolve(code));
  });
  proc.on('error', () => undefined);
  const alive = (): boolean => proc.exitCode === null && proc.signalCode === null;
  return {
    proc,
    exited,
    alive,
    stderr: () => err,
    stdout: () => out,
    async stop(graceMs = 3_000) {
      if (!alive()) return;
      proc.kill('SIGTERM');
      let t: NodeJS.Timeout | undefined;
      await Promise.race([exited, new Promise((r) => (t = setTimeout(r, graceMs)))]);
      clearTimeout(t);
      if (alive()) {
        proc.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** In a child: exit when the parent goes away (its IPC channel disconnects). */
export function exitWithParent(onExit: () => Promise<void> | void = () => undefined): void {
  process.on('disconnect', () => {
    void Promise.resolve(onExit()).finally(() => process.exit(0));
  });
}
