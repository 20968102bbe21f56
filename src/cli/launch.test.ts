/**
 * The relaunch of the simulating commands with their Node flags (`launch.ts`): which commands,
 * what the new process is started with, and, with the built CLI, that the exit code and the output
 * come back, that the process doing the work has the flags, and that it ends when the process a
 * user started is killed outright.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT } from './testing/built-cli.js';
import { RELAUNCHED_ENV, relaunchArgs, SIMULATING_COMMANDS, SIMULATION_NODE_FLAGS, signalExitCode } from './launch.js';

const argv = (...args: string[]): string[] => ['/usr/bin/node', '/x/bin/lbsim.js', ...args];

describe('relaunchArgs', () => {
  it('relaunches the simulating commands with the flags, keeping the Node flags and the arguments', () => {
    for (const cmd of SIMULATING_COMMANDS) {
      expect(relaunchArgs(argv(cmd, 'homogeneous', '--parallel', '2'), ['--import', 'x.mjs'])).toEqual([
        ...SIMULATION_NODE_FLAGS,
        '--import',
        'x.mjs',
        '/x/bin/lbsim.js',
        cmd,
        'homogeneous',
        '--parallel',
        '2',
      ]);
    }
    expect([...SIMULATING_COMMANDS].sort()).toEqual(['capacity', 'run', 'sweep', 'tune', 'worker']);
  });

  it('leaves the other commands, help and version requests, and a process already started right, in this process', () => {
    for (const cmd of ['validate', 'proxy', 'live', 'compare-live', 'report', 'list', 'import', 'export', 'playground', 'schema']) {
      expect(relaunchArgs(argv(cmd, 'x'), [])).toBeNull();
    }
    expect(relaunchArgs(argv(), [])).toBeNull();
    expect(relaunchArgs(argv('--version'), [])).toBeNull();
    expect(relaunchArgs(argv('run', '--help'), [])).toBeNull();
    expect(relaunchArgs(argv('sweep', 'x', '-h'), [])).toBeNull();
    expect(relaunchArgs(argv('run', 'x'), [...SIMULATION_NODE_FLAGS])).toBeNull();
    expect(relaunchArgs(argv('run', 'x'), [], { [RELAUNCHED_ENV]: '1' })).toBeNull();
  });

  it('finds the command after options, and only the first word counts', () => {
    expect(relaunchArgs(argv('--no-color', 'run', 'x'), [])).not.toBeNull();
    expect(relaunchArgs(argv('validate', 'run'), [])).toBeNull();
  });

  it('reports a signal death as a shell does', () => {
    expect(signalExitCode('SIGINT')).toBe(130);
    expect(signalExitCode('SIGTERM')).toBe(143);
    expect(signalExitCode('SIGKILL')).toBe(137);
  });
});

describe('the built CLI relaunched', () => {
  let dir = '';
  beforeAll(() => {
    if (!existsSync(join(ROOT, 'dist/src/cli/launch.js'))) throw new Error('run `npm run build` first (npm test does)');
    dir = mkdtempSync(join(tmpdir(), 'lbsim-launch-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('passes on the output and the exit code, 0 and 2', () => {
    const ok = spawnSync(process.execPath, [BIN, 'run', 'homogeneous', '--duration', '1s', '--strategies', 'p2c', '--parallel', '1', '--json', 'r.json'], {
      cwd: dir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/p2c/);
    expect(JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')).results).toHaveLength(1);
    const bad = spawnSync(process.execPath, [BIN, 'run', 'missing.yaml'], { cwd: dir, encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^lbsim: .*missing\.yaml/m);
    expect(bad.stderr).not.toMatch(/\n\s+at /); // no stack trace
  }, 90_000);

  it.runIf(process.platform === 'linux')(
    'the process that simulates has the flags, and ends when the one a user started is killed with SIGKILL',
    async () => {
      const parent = spawn(process.execPath, [BIN, 'run', 'homogeneous', '--duration', '600s', '--parallel', '2'], { cwd: dir, stdio: 'ignore' });
      try {
        const childPid = await poll(() => {
          const list = readFileSync(`/proc/${parent.pid}/task/${parent.pid}/children`, 'utf8').trim();
          return list === '' ? undefined : Number(list.split(' ')[0]);
        }, 20_000);
        // between fork and exec the child still shows the parent's command line: wait for the exec
        const cmdline = await poll(() => {
          const args = readFileSync(`/proc/${childPid}/cmdline`, 'utf8').split('\0');
          return args.includes(BIN) && args.indexOf(BIN) > 1 ? args : undefined;
        }, 20_000);
        expect(cmdline.slice(1, cmdline.indexOf(BIN))).toEqual([...SIMULATION_NODE_FLAGS]);
        parent.kill('SIGKILL');
        // gone, or a zombie waiting for init to reap it
        await poll(() => {
          try {
            return /^State:\s+Z/m.test(readFileSync(`/proc/${childPid}/status`, 'utf8')) ? true : undefined;
          } catch {
            return true;
          }
        }, 20_000);
      } finally {
        parent.kill('SIGKILL');
      }
    },
    60_000,
  );
});

/** Calls `f` every 50 ms until it gives a value; fails after `ms`. */
async function poll<T>(f: () => T | undefined, ms: number): Promise<T> {
  const until = performance.now() + ms;
  for (;;) {
    let v: T | undefined;
    try {
      v = f();
    } catch {
      v = undefined;
    }
    if (v !== undefined) return v;
    if (performance.now() > until) throw new Error(`nothing within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('npm start', () => {
  it('starts the CLI with the flags itself, so it needs no relaunch', () => {
    const start = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
    const node = /\bnode ((?:--[\w-]+ )*)bin\/lbsim\.js run /.exec(start);
    expect(node, start).not.toBeNull();
    expect(node![1]!.trim().split(' ')).toEqual([...SIMULATION_NODE_FLAGS]);
  });
});
