/**
 * The distributed queue end to end, as a user runs it: a redis-server started by the test on a free
 * loopback port, `lbsim worker` processes and `lbsim sweep --queue` from the compiled build. Checks
 * that results through Redis are byte-identical to the local sweep even when a worker is killed in
 * the middle of a run (BullMQ puts the run back, another worker runs it, it is counted once); that
 * a study submitted again reuses the finished runs; that a worker of another lbsim version or Node
 * major refuses runs, naming both; that malformed jobs put on the queue by anyone fail with one line
 * each and the worker goes on; that an unreachable or lost Redis is a clear error (exit 2, nothing
 * written).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, inTerminal, makeCliScratch, removeScratch, runBuiltCli } from '../../cli/testing/built-cli.js';
import { InputError } from '../../input/errors.js';
import { loadScenario } from '../../scenario/index.js';
import { runScenario } from '../../sim/run.js';
import { encode } from '../codec.js';
import { runScenarioOn } from '../study.js';
import { choice, testScenario } from '../../sim/test/fixture.js';
import { freePort, startLocalRedis, type LocalRedis } from './local-redis.js';
import { QUEUE_NAME, QUEUE_PREFIX } from './protocol.js';
import { QueueExecutor } from './submit.js';
import { parseRedisUrl } from './target.js';

const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const NODE = Number(process.versions.node.split('.')[0]);

const SCENARIO = `name: queue-test
seed: 5
duration: 40s
warmup: 1s
clients: { arrival: poisson, rate: 4000 }
backends:
  - count: 4
    workers: 1
    service: { dist: exponential, mean: 0.5ms }
strategies: [round-robin, p2c]
`;
const SWEEP = ['sweep', 'grid.yaml', '--vary', 'clients.rate=2000:6000:2000', '--vary', 'strategies[p2c].options.draws=2:3'];
/** Distinct runs of SWEEP: round-robin at 3 rates, p2c at 3 rates × 2 settings. */
const RUNS = 9;

let dir = '';
let redis: LocalRedis | undefined;
const children: ChildProcess[] = [];

/** Runs the built CLI in this file's scratch directory. */
const lbsim = (...args: string[]) => runBuiltCli(dir, args);

/** A child `lbsim` whose stdout and stderr are collected; `waitFor` resolves on a matching line. */
function start(...args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  children.push(child);
  let out = '';
  const waiters: { re: RegExp; resolve: (m: RegExpMatchArray) => void }[] = [];
  const onData = (b: Buffer): void => {
    out += b.toString();
    for (const w of [...waiters]) {
      const m = out.match(w.re);
      if (m) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(m);
      }
    }
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    exit,
    output: () => out,
    waitFor(re: RegExp, ms = 30_000): Promise<RegExpMatchArray> {
      const m = out.match(re);
      if (m) return Promise.resolve(m);
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${re} in:\n${out}`)), ms);
        waiters.push({ re, resolve: (x) => (clearTimeout(t), resolve(x)) });
      });
    },
  };
}

async function stopChild(c: ChildProcess): Promise<void> {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const gone = new Promise((r) => c.once('exit', r));
  c.kill('SIGTERM');
  const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
  await gone;
  clearTimeout(t);
}

beforeAll(async () => {
  dir = makeCliScratch('queue', { 'grid.yaml': SCENARIO });
  redis = await startLocalRedis();
});

afterAll(async () => {
  for (const c of children) await stopChild(c);
  await redis?.stop();
  removeScratch(dir);
});

describe('sweep on a Redis queue', () => {
  it('two workers, one killed mid-run: the run is retried on the other, counted once, results identical to the local sweep on 1 and on 3 threads', async () => {
    const local = lbsim(...SWEEP, '--parallel', '1', '--json', 'local.json', '--quiet');
    expect(local.code, local.err).toBe(0);
    const threads = lbsim(...SWEEP, '--parallel', '3', '--json', 'threads.json', '--quiet');
    expect(threads.code, threads.err).toBe(0);
    expect(readFileSync(join(dir, 'threads.json'), 'utf8')).toBe(readFileSync(join(dir, 'local.json'), 'utf8'));
    const a = start('worker', redis!.url, '--concurrency', '1', '--verbose', '--stall-timeout', '3s');
    const b = start('worker', redis!.url, '--concurrency', '1', '--verbose', '--stall-timeout', '3s');
    await Promise.all([a.waitFor(/taking runs from/), b.waitFor(/taking runs from/)]);
    const sweep = start(...SWEEP, '--queue', redis!.url, '--json', 'queue.json'); // not --quiet: its progress lines are checked
    // kill the first worker the moment it starts a run
    const killed = await a.waitFor(/run (\S+ seed \d+) \(([0-9a-f]{12})\) started/);
    a.child.kill('SIGKILL');
    const code = await sweep.exit;
    expect(code, sweep.output()).toBe(0);
    expect(readFileSync(join(dir, 'queue.json'), 'utf8')).toBe(readFileSync(join(dir, 'local.json'), 'utf8'));
    // the killed worker never finished it; the other one ran it after the lock expired
    expect(a.output()).not.toContain(`(${killed[2]}) done`);
    expect(b.output()).toContain(`(${killed[2]}) done`);
    // progress counted every run once
    expect(sweep.output()).toContain(`queue ${redis!.url}: ${RUNS} runs; 2 workers connected`);
    const counts = [...sweep.output().matchAll(/sweeping: (\d+)\/(\d+) runs/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(counts.at(-1)).toEqual([RUNS, RUNS]);
    expect(counts.every(([d, t]) => t === RUNS && d! <= RUNS)).toBe(true);
    await stopChild(b.child);
  }, 120_000);

  it('a study submitted again reuses the finished runs: no run simulated twice, same JSON', async () => {
    const study = [...SWEEP, '--seed', '6'];
    const w = start('worker', redis!.url, '--concurrency', '1', '--verbose');
    try {
      await w.waitFor(/taking runs from/);
      // submitters run asynchronously: the test keeps reading the worker's output meanwhile
      const first = start(...study, '--queue', redis!.url, '--json', 'first.json', '--quiet');
      expect(await first.exit, first.output()).toBe(0);
      const again = start(...study, '--queue', redis!.url, '--json', 'again.json');
      expect(await again.exit, again.output()).toBe(0);
      expect(again.output()).toContain(`${RUNS} runs (${RUNS} already finished, reused)`);
      expect(readFileSync(join(dir, 'again.json'), 'utf8')).toBe(readFileSync(join(dir, 'first.json'), 'utf8'));
      // one more replication: only the new seed's runs are simulated
      const more = start(...study, '--replications', '2', '--queue', redis!.url, '--json', 'more.json');
      expect(await more.exit, more.output()).toBe(0);
      expect(more.output()).toContain(`${2 * RUNS} runs (${RUNS} already finished, reused)`);
      expect(lbsim(...study, '--replications', '2', '--parallel', '1', '--json', 'more-local.json', '--quiet').code).toBe(0);
      expect(readFileSync(join(dir, 'more.json'), 'utf8')).toBe(readFileSync(join(dir, 'more-local.json'), 'utf8'));
    } finally {
      await stopChild(w.child);
    }
    expect(w.output().match(/ done in /g)).toHaveLength(2 * RUNS);
    expect(w.output()).toContain(`stopped: ${2 * RUNS} runs done, 0 refused, 0 failed`);
  }, 120_000);

  it('a worker of another lbsim version or Node major refuses the runs, naming both; the submitter exits with that message', async () => {
    const w = start('worker', redis!.url, '--concurrency', '1');
    await w.waitFor(/taking runs from/);
    const sc = testScenario({ durationMs: 200, warmupMs: 20, intervalMs: 100, strategies: [choice('random')] });
    const submitted = [
      { as: { version: '0.0.0-other' }, name: `lbsim 0.0.0-other on Node ${NODE}` },
      { as: { node: NODE + 1 }, name: `lbsim ${VERSION} on Node ${NODE + 1}` },
    ];
    try {
      for (const { as, name } of submitted) {
        const ex = await QueueExecutor.connect(parseRedisUrl(redis!.url), as);
        try {
          const err = await runScenarioOn(sc, ex).then(
            () => null,
            (e: unknown) => e,
          );
          expect(err).toBeInstanceOf(InputError);
          const why =
            `refused: this worker runs lbsim ${VERSION} on Node ${NODE}, the study was submitted by ${name}; ` +
            'run workers of the same lbsim version and Node major version as the submitter';
          expect((err as Error).message).toBe(`${redis!.url}: run random seed 1: ${why}`);
          await w.waitFor(new RegExp(why.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
        } finally {
          await ex.close();
        }
      }
    } finally {
      await stopChild(w.child);
    }
    expect(w.output()).toContain('stopped: 0 runs done, 2 refused, 0 failed');
  }, 60_000);

  it('malformed jobs put on the queue by anyone fail with one line each; the worker goes on and runs the next study', async () => {
    const w = start('worker', redis!.url, '--concurrency', '1');
    await w.waitFor(/taking runs from/);
    const good = { ...loadScenario(join(dir, 'grid.yaml')), seed: 91 }; // runs no earlier test finished
    const wrapped = (job: unknown) => ({ lbsim: VERSION, node: NODE, job: encode(job) });
    const run = { scenario: good, choice: good.strategies[1]!, seed: 1 };
    const bad: [string, unknown][] = [
      ['a string', 'not an object'],
      ['no runtime', { job: encode(run) }],
      ['text that is not the codec', { lbsim: VERSION, node: NODE, job: '{broken' }],
      ['an empty scenario', wrapped({ ...run, scenario: {} })],
      ['a field out of bounds', wrapped({ ...run, scenario: { ...good, backends: [{ ...good.backends[0]!, count: -1 }] } })],
      ['an unknown strategy', wrapped({ ...run, choice: { name: 'nope', label: 'nope', options: {} } })],
      ['a "$" key the codec cannot write back', { lbsim: VERSION, node: NODE, job: encode(run).replace('{"name"', '{"$":5,"name"') }],
    ];
    const queue = new Queue(QUEUE_NAME, { connection: { host: '127.0.0.1', port: redis!.port, maxRetriesPerRequest: null }, prefix: QUEUE_PREFIX });
    try {
      const jobs = await Promise.all(bad.map(([what, data], i) => queue.add(what, data, { jobId: `malformed-${i}`, attempts: 1 })));
      const deadline = Date.now() + 30_000;
      for (const job of jobs) {
        while ((await job.getState()) !== 'failed') {
          if (Date.now() > deadline) throw new Error(`job "${job.name}" did not fail in time: ${await job.getState()}\n${w.output()}`);
          await new Promise((r) => setTimeout(r, 100));
        }
        const reason = (await queue.getJob(job.id!))!.failedReason;
        expect(reason, job.name).toMatch(/^malformed job: /);
        expect(reason, job.name).not.toContain('\n');
      }
    } finally {
      await queue.close();
    }
    expect(w.output()).toMatch(/run malformed-4: malformed job: scenario: backends\[0\]\.count: /);
    // still taking runs: a real study goes through, byte-identical to this thread's run
    const ex = await QueueExecutor.connect(parseRedisUrl(redis!.url));
    try {
      const viaQueue = await runScenarioOn(good, ex);
      expect(JSON.stringify(viaQueue)).toBe(JSON.stringify(runScenario(good)));
    } finally {
      await ex.close();
      await stopChild(w.child);
    }
    expect(w.child.signalCode).toBeNull();
    expect(w.output()).toContain(`stopped: 2 runs done, 0 refused, ${bad.length} failed`);
  }, 120_000);
});

describe('lbsim worker and Ctrl-C', () => {
  it('in a terminal, one Ctrl-C finishes the run in progress and exits 0 (the copy the relaunch passes on is the same keypress); a second, a second later, exits at once', async () => {
    const own = await startLocalRedis(); // its own queue: the run left on it is nobody else's
    // Ctrl-C typed into a pseudo-terminal: its line discipline signals the whole process group
    const typed = (): { child: ChildProcess; out: () => string; exit: Promise<number | null> } => {
      const [cmd, args] = inTerminal(['worker', own.url, '--concurrency', '1', '--verbose']);
      const child = spawn(cmd, args, { cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
      children.push(child);
      let out = '';
      child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      return { child, out: () => out, exit: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
    };
    const until = async (re: RegExp, out: () => string): Promise<void> => {
      for (let t = 0; !re.test(out()); t += 50) {
        if (t > 30_000) throw new Error(`timed out waiting for ${re} in:\n${out()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    try {
      const idle = typed();
      await until(/taking runs from/, idle.out);
      idle.child.stdin!.write('\x03');
      expect(await idle.exit, idle.out()).toBe(0);
      expect(idle.out()).toMatch(/lbsim worker: SIGINT: finishing the runs in progress/);
      expect(idle.out()).toMatch(/lbsim worker: stopped: 0 runs done/);
      expect(idle.out()).not.toMatch(/again: exiting at once/);

      // busy with a long run: the first Ctrl-C waits for it, a second one a second later does not
      const busy = typed();
      await until(/taking runs from/, busy.out);
      const submitter = start('run', 'grid.yaml', '--strategies', 'p2c', '--duration', '1h', '--queue', own.url, '--quiet');
      await until(/run p2c seed \d+ \([0-9a-f]{12}\) started/, busy.out);
      busy.child.stdin!.write('\x03');
      await until(/finishing the runs in progress/, busy.out);
      await new Promise((r) => setTimeout(r, 1200));
      busy.child.stdin!.write('\x03');
      expect(await busy.exit, busy.out()).toBe(130);
      expect(busy.out()).toMatch(/lbsim worker: SIGINT again: exiting at once; the runs it held are retried elsewhere once their locks expire/);
      expect(busy.out()).not.toMatch(/stopped:/);
      await stopChild(submitter.child);
    } finally {
      await own.stop();
    }
  }, 90_000);
});

describe('Redis unreachable', () => {
  it('at the start: one line naming the address and the reason, exit 2, nothing written', async () => {
    const port = await freePort();
    const r = lbsim(...SWEEP, '--queue', `redis://127.0.0.1:${port}`, '--json', 'down.json');
    expect(r.code).toBe(2);
    expect(r.err).toBe(`lbsim: redis://127.0.0.1:${port}: cannot reach Redis: connect ECONNREFUSED 127.0.0.1:${port}\n`);
    expect(existsSync(join(dir, 'down.json'))).toBe(false);
    const w = lbsim('worker', `redis://127.0.0.1:${port}`);
    expect(w.code).toBe(2);
    expect(w.err).toMatch(/cannot reach Redis: connect ECONNREFUSED/);
    const bad = lbsim(...SWEEP, '--queue', 'http://127.0.0.1:1');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^lbsim: --queue: unsupported scheme http:/);
  });

  it('lost during a batch: the batch fails with the address after the grace period', async () => {
    const own = await startLocalRedis();
    const ex = await QueueExecutor.connect(parseRedisUrl(own.url), { lostAfterMs: 1000 });
    try {
      const sc = testScenario({ durationMs: 200, warmupMs: 20, intervalMs: 100, strategies: [choice('random')] });
      const pending = runScenarioOn(sc, ex).then(
        () => null,
        (e: unknown) => e,
      );
      await new Promise((r) => setTimeout(r, 300)); // submitted; no worker takes it
      await own.stop();
      const err = await pending;
      expect(err).toBeInstanceOf(InputError);
      expect((err as Error).message).toMatch(new RegExp(`^${own.url}: cannot reach Redis: lost the connection for 1 s`));
    } finally {
      await ex.close();
      await own.stop();
    }
  }, 30_000);
});
