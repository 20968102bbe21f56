/**
 * The scaling section of the runner: wall time of the same studies serially, on local threads and
 * through the Redis queue (`scale.ts` children, one fresh process per measurement), interleaved
 * round by round (serial, then parallel, then again) so that a change in the machine's load hits
 * both; the best round of each is kept (other processes only ever add time). The machine's load
 * average is recorded beside every round: on a shared machine the figures mean little without it
 * (where the kernel shares CPU between sessions, as Linux's autogroup does, a busy machine gives a
 * session the same share however many threads it runs). So is the CPU time of the submitting
 * process, every thread: 2 threads' CPU over 1's is what the second thread costs, and bounds the
 * speedup two idle cores can give (2 ÷ that ratio), whatever the load.
 *
 *  - `npm start`'s comparison (homogeneous, every strategy) with `--parallel 1` and with 2 threads:
 *    target ≥ 1.7x on 2 cores (SKIP with fewer). The children run with the Node flags the CLI runs
 *    its simulating commands with (`SIMULATION_NODE_FLAGS`, `src/cli/launch.ts`); the same two
 *    configurations with V8's defaults run beside them, as the baseline that shows what the flags do;
 *  - a 200-run sweep (quick: 40) on 2 local threads against 2 `lbsim worker --concurrency 1`
 *    processes on a Redis started here (the workers connected before the timing starts, as in a
 *    cluster): target within 1.2x; the difference per run is the queue's overhead. Redis is
 *    flushed before every queue round, so no run is reused from an earlier round. SKIP without
 *    redis-server.
 *
 * Every child reports the SHA-256 of its results: all configurations of a study must agree, or the
 * section fails.
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { SIMULATION_NODE_FLAGS } from '../src/cli/launch.js';
import { findRedisServer, startLocalRedis, type LocalRedis } from '../src/exec/queue/local-redis.js';
import { fmtRatio, renderTable, type Target } from './format.js';
import { ROOT, runNodeJson, spawnTracked, stop } from './proc.js';
import type { ScaleChild } from './scale.js';
import type { ThreadWindow } from './threads.js';

/** `npm start`'s comparison must be at least this much faster on 2 threads. */
export const RUN_SPEEDUP_TARGET = 1.7;
/** The queue may take at most this × the local pool's time for the same sweep. */
export const QUEUE_RATIO_LIMIT = 1.2;

/** One configuration's rounds. */
export interface ScaleConfig {
  label: string;
  /** Wall time of each round (ms). */
  rounds: number[];
  /** 1-minute load average at the start of each round. */
  load: number[];
  /** CPU time of the submitting process (every thread) in each round (ms). */
  cpu: number[];
  /** Per round: the simulating threads (this one first, then the pool's) — CPU, wait for a core, idle (ms). */
  threads: ThreadWindow[][];
  best: number;
  runs: number;
}

/** The section's result. */
export interface ScaleSection {
  cores: number;
  run: {
    serial: ScaleConfig;
    parallel: ScaleConfig;
    speedup: number;
    /** The same two with V8's default flags (concurrent recompilation): the baseline. */
    v8Defaults: { serial: ScaleConfig; parallel: ScaleConfig; speedup: number };
    /** CPU of 2 threads ÷ CPU of 1 (least of each): what the second thread costs in work. */
    cpuRatio: number;
    duration: string;
  };
  sweep?: { pool: ScaleConfig; queue: ScaleConfig; ratio: number; overheadMsPerRun: number; duration: string };
  /** Why the queue part did not run. */
  sweepSkipped?: string;
  table: string;
  targets: Target[];
}

/** Measures one round of `config` in a fresh `scale.js` child started with the Node flags `flags` (default: the CLI's). */
async function measure(config: ScaleConfig, args: string[], flags: readonly string[] = SIMULATION_NODE_FLAGS): Promise<string> {
  config.load.push(loadavg()[0]!);
  const r = await runNodeJson<ScaleChild>('scale.js', args, flags);
  config.rounds.push(r.ms);
  config.cpu.push(r.cpuMs);
  config.threads.push(r.threads);
  config.best = Math.min(config.best, r.ms);
  config.runs = r.runs;
  return r.sha;
}

function config(label: string): ScaleConfig {
  return { label, rounds: [], load: [], cpu: [], threads: [], best: Infinity, runs: 0 };
}

function agree(what: string, shas: string[]): void {
  if (new Set(shas).size !== 1) throw new Error(`${what}: the configurations wrote different results (determinism broken)`);
}

/** Starts `n` queue workers on `url` and waits until each has said it is taking runs. */
async function startWorkers(url: string, n: number): Promise<ReturnType<typeof spawnTracked>[]> {
  const workers = Array.from({ length: n }, () =>
    spawnTracked(process.execPath, [join(ROOT, 'bin/lbsim.js'), 'worker', url, '--concurrency', '1'], { cwd: ROOT }),
  );
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve, reject) => {
          let out = '';
          const t = setTimeout(() => reject(new Error(`lbsim worker did not start: ${out.trim()}`)), 30_000);
          const on = (b: Buffer): void => {
            out += b.toString();
            if (out.includes('taking runs from')) {
              clearTimeout(t);
              resolve();
            }
          };
          w.stdout?.on('data', on);
          w.stderr?.on('data', on);
          w.once('exit', (code) => reject(new Error(`lbsim worker exited with ${code}: ${out.trim()}`)));
        }),
    ),
  );
  return workers;
}

/** Runs the section. */
export async function runScaleSection(opts: { quick: boolean; log: (s: string) => void }): Promise<ScaleSection> {
  const cores = (await import('node:os')).availableParallelism();
  const rounds = opts.quick ? 1 : 3;
  const runDuration = opts.quick ? '10s' : '60s';
  const sweepRuns = opts.quick ? 40 : 200;
  const sweepDuration = opts.quick ? '5s' : '20s';
  const targets: Target[] = [];

  // npm start's comparison: serial and 2 threads, with the CLI's flags and with V8's defaults, interleaved
  const serial = config('run homogeneous --parallel 1');
  const parallel = config('run homogeneous --parallel 2');
  const serialV8 = config('  same, V8 defaults, --parallel 1');
  const parallelV8 = config('  same, V8 defaults, --parallel 2');
  const shas: string[] = [];
  const runArgs = (n: number): string[] => ['--child', 'run', '--parallel', String(n), '--duration', runDuration];
  for (let r = 0; r < rounds; r++) {
    opts.log(`scale: npm start's comparison, round ${r + 1}/${rounds}`);
    shas.push(await measure(serial, runArgs(1)));
    shas.push(await measure(parallel, runArgs(2)));
    shas.push(await measure(serialV8, runArgs(1), []));
    shas.push(await measure(parallelV8, runArgs(2), []));
  }
  agree("npm start's comparison", shas);
  const speedup = serial.best / parallel.best;
  const v8Defaults = { serial: serialV8, parallel: parallelV8, speedup: serialV8.best / parallelV8.best };
  const cpuRatio = Math.min(...parallel.cpu) / Math.min(...serial.cpu);
  targets.push({
    name: "npm start's comparison on 2 threads vs serial",
    measured: fmtRatio(speedup),
    limit: `≥ ${RUN_SPEEDUP_TARGET}x`,
    pass: cores >= 2 ? speedup >= RUN_SPEEDUP_TARGET : null,
    note: `${cores} cores; load average ${Math.min(...serial.load, ...parallel.load).toFixed(1)}–${Math.max(...serial.load, ...parallel.load).toFixed(1)} during the rounds${opts.quick ? '; quick: 10 s of simulated time instead of 60 s' : ''}`,
  });

  // a sweep: local pool against the queue with two local workers
  let sweep: ScaleSection['sweep'];
  let sweepSkipped: string | undefined;
  if (findRedisServer() === null) sweepSkipped = 'redis-server is not installed';
  else {
    let redis: LocalRedis | undefined;
    let workers: ReturnType<typeof spawnTracked>[] = [];
    let control: Redis | undefined;
    try {
      redis = await startLocalRedis();
      control = new Redis(redis.url);
      workers = await startWorkers(redis.url, 2);
      const pool = config(`sweep, ${sweepRuns} runs, 2 local threads`);
      const queue = config(`sweep, ${sweepRuns} runs, Redis + 2 workers`);
      const sweepShas: string[] = [];
      const args = ['--child', 'sweep', '--runs', String(sweepRuns), '--duration', sweepDuration];
      for (let r = 0; r < rounds; r++) {
        opts.log(`scale: ${sweepRuns}-run sweep, round ${r + 1}/${rounds}`);
        sweepShas.push(await measure(pool, [...args, '--parallel', '2']));
        await control.flushall();
        sweepShas.push(await measure(queue, [...args, '--queue', redis.url]));
      }
      agree('the sweep', sweepShas);
      const ratio = queue.best / pool.best;
      sweep = { pool, queue, ratio, overheadMsPerRun: (queue.best - pool.best) / queue.runs, duration: sweepDuration };
      targets.push({
        name: `${sweepRuns}-run sweep, Redis + 2 workers vs 2 local threads`,
        measured: fmtRatio(ratio),
        limit: `≤ ${QUEUE_RATIO_LIMIT}x`,
        pass: ratio <= QUEUE_RATIO_LIMIT,
        note: `queue overhead ${sweep.overheadMsPerRun.toFixed(1)} ms of wall time per run`,
      });
    } finally {
      control?.disconnect();
      for (const w of workers) await stop(w);
      await redis?.stop();
    }
  }
  if (sweepSkipped) targets.push({ name: `${sweepRuns}-run sweep through Redis`, measured: '–', limit: `≤ ${QUEUE_RATIO_LIMIT}x`, pass: null, note: sweepSkipped });

  const row = (c: ScaleConfig): string[] => [
    c.label,
    String(c.runs),
    `${(c.best / 1000).toFixed(2)} s`,
    c.rounds.map((ms) => (ms / 1000).toFixed(2)).join(' / '),
    c.load.map((l) => l.toFixed(1)).join(' / '),
    c.cpu.map((ms) => (ms / 1000).toFixed(2)).join(' / '),
  ];
  const rows = [row(serial), row(parallel), row(serialV8), row(parallelV8)];
  if (sweep) rows.push(row(sweep.pool), row(sweep.queue));
  // the simulating threads of each round of the two-thread comparison: where the wall time went
  const threadRows = parallel.threads.map((ts, r) => [
    `round ${r + 1}`,
    (parallel.rounds[r]! / 1000).toFixed(2),
    ...[0, 1].map((k) => {
      const t = ts[k];
      return t ? `${(t.cpuMs / 1000).toFixed(2)} / ${(t.waitMs / 1000).toFixed(2)} / ${(t.idleMs / 1000).toFixed(2)}` : '–';
    }),
  ]);
  const table = [
    renderTable(['study', 'runs', 'best', 'rounds (s)', 'load avg at start', 'submitter CPU (s)'], rows),
    '',
    ...(threadRows.some((r) => r[2] !== '–')
      ? [
          `run homogeneous --parallel 2, per thread (Linux schedstat, s): CPU / waiting for a core (other processes) / idle (nothing to run: waiting for work or for the other thread's last run).`,
          renderTable(['round', 'wall (s)', 'this thread', 'pool thread'], threadRows),
          '',
        ]
      : []),
    `npm start's comparison (${runDuration} simulated per strategy): ${fmtRatio(speedup)} faster on 2 threads; ` +
      `2 threads use ${fmtRatio(cpuRatio)} the CPU time of 1 (thread start and JIT warm-up), so ${fmtRatio(2 / cpuRatio)} is the most 2 idle cores can give. ` +
      `With V8's defaults (${SIMULATION_NODE_FLAGS.join(' ')} not given): ${fmtRatio(v8Defaults.speedup)}, ` +
      `serial ${(serialV8.best / 1000).toFixed(2)} s against ${(serial.best / 1000).toFixed(2)} s, 2 threads ${(parallelV8.best / 1000).toFixed(2)} s against ${(parallel.best / 1000).toFixed(2)} s.`,
    sweep
      ? `Sweep (${sweep.duration} per run): Redis + 2 workers take ${fmtRatio(sweep.ratio)} the local pool's time; ${sweep.overheadMsPerRun.toFixed(1)} ms per run of overhead.`
      : `Sweep through Redis skipped: ${sweepSkipped}.`,
  ].join('\n');
  return { cores, run: { serial, parallel, speedup, v8Defaults, cpuRatio, duration: runDuration }, ...(sweep ? { sweep } : {}), ...(sweepSkipped ? { sweepSkipped } : {}), table, targets };
}
