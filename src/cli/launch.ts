/**
 * The commands that simulate (`run`, `sweep`, `capacity`, `tune`, `worker`) run in a Node process
 * started with {@link SIMULATION_NODE_FLAGS}: when `bin/lbsim.js` was started without them, it
 * starts itself again with them ({@link relaunch}) and passes on the exit code, the signals and the
 * standard streams (inherited, so the child sees the same terminal).
 *
 * Why a flag, and which: V8 normally optimizes hot functions on background threads (concurrent
 * recompilation). For the simulator that work is large — `npm start`'s comparison is 17 strategies,
 * each bringing new code to optimize, about 200 TurboFan compilations — and on the background threads
 * it cost about 0.4 s more CPU than the same compilations done in the thread that needs them
 * (measured with `--trace-opt`: 1.04 s of compile time on background threads against 0.37 s in
 * place, and 4.2 s against 3.8 s of process CPU), with no gain in wall time: the simulating thread
 * waits for the optimized code either way. On a machine whose every core runs a simulation thread
 * (`--parallel`, the default), that background work takes cores from the simulation; with
 * `--no-concurrent-recompilation` the comparison on 2 cores took 2.14 s instead of 2.37 s, serial
 * 3.71 s either way (docs/scaling.md, "V8 flags", has the figures). The flag must be given when
 * Node starts: V8 reads it when it creates the main isolate (`Isolate::Init` creates the
 * optimizing-compile dispatcher only when it is set), so `v8.setFlagsFromString` later changes
 * nothing for this thread — and changing GC flags that way crashes V8.
 *
 * The proxy and the live runs keep V8's defaults: a synchronous compilation would stall the event
 * loop of a process serving requests for a few milliseconds.
 *
 * The relaunched process is tied to this one: signals this process gets (SIGINT, SIGTERM, SIGHUP)
 * are passed on, and if this process dies without passing anything on (SIGKILL), the child sees
 * its IPC channel close and kills itself ({@link tieToParent}), so a supervisor that kills the PID
 * it started kills the simulation with it (a `lbsim worker` then stops renewing its runs' locks,
 * and the queue gives them to another worker, as for any dead worker).
 *
 * Starting with the flags already (`node --no-concurrent-recompilation bin/lbsim.js run …`) skips
 * the relaunch and its cost (a second Node start, about 0.1 s here).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** Node flags the simulating commands run with (see the module header). */
export const SIMULATION_NODE_FLAGS: readonly string[] = ['--no-concurrent-recompilation'];

/** The commands that run simulations, hence with {@link SIMULATION_NODE_FLAGS}. */
export const SIMULATING_COMMANDS: ReadonlySet<string> = new Set(['run', 'sweep', 'capacity', 'tune', 'worker']);

/** Set in the relaunched process's environment: it never relaunches again. */
export const RELAUNCHED_ENV = 'LBSIM_RELAUNCHED';

/** Signals passed on to the relaunched process. */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/**
 * The Node arguments to start `lbsim` again with, or null when this process should run the
 * command itself: not a simulating command (the first argument that is not an option), a help or
 * version request, already started with the flags, or already relaunched.
 * @param argv `process.argv` (node, script, arguments…)
 * @param execArgv `process.execArgv` (this process's Node flags, kept: `--import`, `--cpu-prof`…)
 */
export function relaunchArgs(argv: readonly string[], execArgv: readonly string[], env: NodeJS.ProcessEnv = {}): string[] | null {
  if (env[RELAUNCHED_ENV] !== undefined) return null;
  const args = argv.slice(2);
  const command = args.find((a) => !a.startsWith('-'));
  if (command === undefined || !SIMULATING_COMMANDS.has(command)) return null;
  if (args.some((a) => a === '--help' || a === '-h' || a === '--version' || a === '-V')) return null;
  const missing = SIMULATION_NODE_FLAGS.filter((f) => !execArgv.includes(f));
  if (missing.length === 0) return null;
  return [...missing, ...execArgv, argv[1]!, ...args];
}

/** Exit code of a process ended by `signal` (128 + its number), as a shell reports it. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

/**
 * Runs the command in a new Node process with {@link SIMULATION_NODE_FLAGS} when
 * {@link relaunchArgs} says so, and resolves with its exit code once it has ended; resolves null
 * (at once, having started nothing) when this process should run the command itself.
 */
export function relaunch(argv: readonly string[] = process.argv): Promise<number | null> {
  const nodeArgs = relaunchArgs(argv, process.execArgv, process.env);
  if (nodeArgs === null) return Promise.resolve(null);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, nodeArgs, {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, [RELAUNCHED_ENV]: '1' },
    });
    // a terminal's Ctrl-C reaches both processes (one process group); the child ignores the copy
    // that arrives within a second (`interrupt.ts`), and a `kill -INT <pid>` reaches it only this way.
    // On Windows the console sends Ctrl-C to every process attached to it, and `kill('SIGINT')` would
    // end the child at once instead of letting it write what finished: not passed on there.
    const forward = (sig: NodeJS.Signals): void => {
      if (sig === 'SIGINT' && process.platform === 'win32') return;
      if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    };
    for (const sig of FORWARDED) process.on(sig, forward);
    const done = (code: number): void => {
      for (const sig of FORWARDED) process.off(sig, forward);
      resolve(code);
    };
    child.once('error', (e) => {
      process.stderr.write(`lbsim: cannot start ${process.execPath}: ${e.message}\n`);
      done(1);
    });
    child.once('exit', (code, signal) => done(code ?? (signal ? signalExitCode(signal) : 1)));
  });
}

/**
 * In a relaunched process: ends this process when the one that started it is gone (its IPC channel
 * closes), and lets the channel not keep this process alive. Does nothing in a process not
 * relaunched.
 */
export function tieToParent(): void {
  if (process.env[RELAUNCHED_ENV] === undefined) return;
  delete process.env[RELAUNCHED_ENV]; // not inherited by what this process starts
  if (process.channel === undefined) return;
  process.channel.unref();
  process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}
