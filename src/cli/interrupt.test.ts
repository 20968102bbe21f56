/**
 * Ctrl-C during `lbsim run` and `lbsim sweep`, on the built binary in a child process: the first
 * SIGINT stops the study at once (a run in progress is dropped, on 1 thread or 2), the command says what finished, writes the finished
 * strategies (or whole sweep points) marked partial, or says that nothing was written and why, and
 * exits 130. The `run` case goes through a real terminal (util-linux `script` gives the child a
 * pseudo-terminal, and the test types Ctrl-C into it), so the progress bar is drawn and the test
 * checks that it never hid the cursor or turned line wrap off.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, inTerminal, makeCliScratch, removeScratch } from './testing/built-cli.js';

let dir = '';

const SLOW = `name: slow-enough
seed: 5
duration: 90s
warmup: 1s
clients: { arrival: poisson, rate: 6000 }
backends:
  - count: 6
    workers: 1
    service: { dist: exponential, mean: 1ms }
strategies: [round-robin, random, p2c, least-connections, peak-ewma, jiq]
`;

beforeAll(() => {
  dir = makeCliScratch('interrupt', { 'slow.yaml': SLOW });
});

afterAll(() => removeScratch(dir));

interface Ended {
  code: number | null;
  out: string;
  err: string;
}

/**
 * Runs `cmd` with `args`; once everything it printed matches `when`, calls `interrupt` (once).
 * Resolves when it exits.
 */
function runUntil(cmd: string, args: string[], when: RegExp, interrupt: (c: ReturnType<typeof spawn>) => void): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: dir, env: { ...process.env, NO_COLOR: '1', COLUMNS: '120' } });
    let out = '';
    let err = '';
    let sent = false;
    const seen = (): void => {
      if (!sent && when.test(out + err)) {
        sent = true;
        interrupt(child);
      }
    };
    child.stdout!.on('data', (d: Buffer) => ((out += d.toString()), seen()));
    child.stderr!.on('data', (d: Buffer) => ((err += d.toString()), seen()));
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no exit within 90 s; output: ${out}${err}`));
    }, 90_000);
    child.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, out, err });
    });
  });
}

describe('Ctrl-C during lbsim run and sweep', () => {
  it('run, in a terminal: the finished strategies written marked partial, the terminal left as it was, exit 130', async () => {
    // Ctrl-C typed into the pseudo-terminal: its line discipline sends SIGINT to lbsim
    const [cmd, args] = inTerminal(['run', 'slow.yaml', '--parallel', '1', '--json', 'run.json']);
    const r = await runUntil(cmd, args, /\b2\/6 runs/, (c) => c.stdin!.write('\x03'));
    expect(r.code).toBe(130);
    // the bar never hid the cursor (ESC [?25l) nor turned line wrap off (ESC [?7l)
    expect(r.out).toMatch(/simulating \[/);
    expect(r.out).not.toContain('\x1b[?25l');
    expect(r.out).not.toContain('\x1b[?7l');
    const said = /lbsim run: interrupted \(SIGINT\): (\d) of 6 strategies \((\d) of 6 runs\) finished; their results are written, marked partial/.exec(r.out);
    expect(said, r.out).not.toBeNull();
    const file = JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8'));
    const done = file.results.map((x: { strategy: string }) => x.strategy);
    expect(done).toHaveLength(Number(said![1]));
    expect(done.length).toBeGreaterThanOrEqual(2);
    expect(done.length).toBeLessThan(6);
    expect(file.partial.reason).toBe('interrupted (SIGINT)');
    expect([...done, ...file.partial.missing].sort()).toEqual(['jiq', 'least-connections', 'p2c', 'peak-ewma', 'random', 'round-robin']);
    expect(file.warnings[0]).toMatch(/^partial results: interrupted \(SIGINT\) after \d of 6 strategies/);
    expect(file.decision).toBeUndefined();
  }, 120_000);

  it('run: nothing written when no strategy finished all its replications, and it says why', async () => {
    const r = await runUntil(
      process.execPath,
      [BIN, 'run', 'slow.yaml', '--parallel', '1', '--strategies', 'p2c', '--replications', '5', '--json', 'none.json', '--report', 'none-report'],
      /\b1\/5 runs/,
      (c) => c.kill('SIGINT'),
    );
    expect(r.code).toBe(130);
    expect(r.err).toMatch(/lbsim run: interrupted \(SIGINT\) after [1-4] of 5 runs, before any strategy finished all its runs: nothing written/);
    expect(existsSync(join(dir, 'none.json'))).toBe(false);
    expect(existsSync(join(dir, 'none-report'))).toBe(false);
  }, 120_000);

  for (const parallel of ['1', '2']) {
    it(`run --parallel ${parallel}: a long run in progress is cut short, not waited for`, async () => {
      // one run of ~19.8 M requests (under the 20 M limit): several seconds of simulation; nothing is
      // printed before it ends (one run: the progress line comes at 1/1), so SIGINT goes after 2 s
      const child = spawn(process.execPath, [BIN, 'run', 'slow.yaml', '--parallel', parallel, '--strategies', 'p2c', '--duration', '55m', '--json', `long-${parallel}.json`], {
        cwd: dir,
        env: { ...process.env, NO_COLOR: '1' },
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const timer = setTimeout(() => child.kill('SIGINT'), 2000);
      const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
      clearTimeout(timer);
      expect(code, out).toBe(130);
      expect(out).toMatch(/lbsim run: interrupted \(SIGINT\) after 0 of 1 runs, before any strategy finished all its runs: nothing written/);
      expect(existsSync(join(dir, `long-${parallel}.json`))).toBe(false);
    }, 120_000);
  }

  it('sweep: the whole points written marked partial; the others named', async () => {
    const r = await runUntil(
      process.execPath,
      [BIN, 'sweep', 'slow.yaml', '--parallel', '1', '--strategies', 'p2c,round-robin', '--vary', 'clients.rate=1000:4000:1000', '--json', 'sweep.json'],
      /\b3\/8 runs/,
      (c) => c.kill('SIGINT'),
    );
    expect(r.code).toBe(130);
    const said = /lbsim sweep: interrupted \(SIGINT\): (\d) of 4 points \(\d of 8 runs\) finished; their results are written, marked partial/.exec(r.err);
    expect(said, r.err).not.toBeNull();
    const file = JSON.parse(readFileSync(join(dir, 'sweep.json'), 'utf8'));
    const points = file.sweep.points.map((p: { value: number }) => p.value);
    expect(points).toHaveLength(Number(said![1]));
    expect(points.length).toBeGreaterThanOrEqual(1);
    expect(points.length).toBeLessThan(4);
    for (const p of file.sweep.points) expect(p.results).toHaveLength(2);
    expect([...points.map((v: number) => `clients.rate=${v}`), ...file.partial.missing].sort()).toEqual([1000, 2000, 3000, 4000].map((v) => `clients.rate=${v}`));
    // the table printed what finished
    expect(r.out).toMatch(/p99 latency \(ms\) by clients\.rate/);
  }, 120_000);
});

describe('the handlers once disposed', () => {
  // A Ctrl-C typed into a terminal reaches lbsim twice (its own copy and the one the relaunch
  // forwards). When the command is quick to finish (an idle `lbsim worker`), it can dispose of its
  // handlers before the second copy arrives; that copy must not kill it (exit 130 instead of 0, or
  // files half written), while a Ctrl-C a second later has Node's default effect again.
  const script = (after: number): string => `
    import { trapInterrupt } from ${JSON.stringify(join(ROOT, 'dist/src/cli/interrupt.js'))};
    const i = trapInterrupt('probe', () => {});
    i.signal.addEventListener('abort', () => {
      i.dispose();
      i.dispose(); // twice, as run.ts does (once, then in finally)
      setTimeout(() => {
        process.kill(process.pid, 'SIGINT');
        setTimeout(() => { process.stdout.write('alive'); clearInterval(keep); }, 100);
      }, ${after});
    });
    const keep = setInterval(() => {}, 1000);
    process.kill(process.pid, 'SIGINT');
  `;
  const exec = (after: number): Promise<Ended> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script(after)], { cwd: dir });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('exit', (code, signal) => resolve({ code: code ?? (signal === 'SIGINT' ? 130 : -1), out, err: '' }));
    });

  it('a copy within the second after the first signal is swallowed; one later kills as usual', async () => {
    const early = await exec(10);
    expect(early.out).toBe('alive');
    expect(early.code).toBe(0);
    const late = await exec(1200);
    expect(late.out).toBe('');
    expect(late.code).toBe(130);
  }, 30_000);
});
