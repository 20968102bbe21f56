/**
 * Access-log import and trace replay speed (`npm run bench -- --only logs`).
 *
 * 1. Parsing: lines per second of lbsim's nginx log parser (src/interop/logs: streaming reader,
 *    the compiled log_format regex, field conversion) beside a plain `node:readline` loop running
 *    one hand-written regular expression over the SAME file, each in a fresh node process, in the
 *    same run.
 * 2. Parse + fit: `lbsim import --log` without the check (every fit: de-queueing, families, KS,
 *    arrivals, popularity, classes), wall and CPU time and the process's peak RSS, on the same file.
 *    Full mode: 2,000,000 lines (LBSIM_BENCH_LOG_LINES=10000000 for the 10M-line figure); quick:
 *    200,000. Target: 10M lines in under 30 s, so the full-mode target scales it: ≤ 30 s × lines/10M.
 * 3. Trace replay: p2c on 10 backends, 1M requests (quick: 200k) arriving from a logged trace vs the
 *    same scenario with Poisson arrivals at the trace's rate; best of 3 runs each, in one process.
 *    Target: replay within 1.5x of Poisson.
 *
 * Child modes: `node dist/bench/logs.js --child parse|readline|fit FILE`, `--child replay N`.
 */
import { createReadStream, createWriteStream, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Rng } from '../src/core/rng.js';
import { importLogs } from '../src/interop/logs/import-logs.js';
import { readLogLines } from '../src/interop/logs/lines.js';
import { nginxLogFormat } from '../src/interop/logs/nginx.js';
import { finishRecord, LogRecord } from '../src/interop/logs/record.js';
import { parseScenario } from '../src/scenario/index.js';
import { compileDistribution } from '../src/sim/model/distributions.js';
import { preloadTraces } from '../src/sim/model/trace-load.js';
import { simulateRun } from '../src/sim/run.js';
import { renderTable, type Target } from './format.js';
import { isMain, runNodeJson } from './proc.js';

/** The log format the benchmark writes and reads. */
export const BENCH_FORMAT =
  '$remote_addr - - [$time_local] "$request" $status $body_bytes_sent "-" "-" $msec $request_time $upstream_response_time $upstream_addr $upstream_status';

/** The plain loop's regular expression for the same format (what a hand-written script would use). */
const PLAIN_RE = /^(\S+) - - \[([^\]]+)\] "([^"]*)" (\d+) (\d+) "[^"]*" "[^"]*" ([\d.]+) ([\d.]+) ([\d.,: -]+) (\S+(?:, \S+)*) ([\d, -]+)$/;

const MON = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Writes `lines` nginx lines: 2,000 req/s, 4 servers round robin, lognormal upstream times. */
export async function writeBenchLog(file: string, lines: number): Promise<void> {
  const out = createWriteStream(file);
  const rng = new Rng(42);
  const svc = compileDistribution({ dist: 'lognormal', mu: Math.log(8), sigma: 0.6 });
  let t = Date.UTC(2026, 0, 1, 0, 0, 0);
  let chunk: string[] = [];
  for (let i = 0; i < lines; i++) {
    t += -Math.log(rng.nextOpen()) * 0.5;
    const up = Math.max(0, Math.round(svc.sample(rng)));
    const end = Math.round(t + up);
    const d = new Date(end);
    const p2 = (n: number) => String(n).padStart(2, '0');
    const tl = `${p2(d.getUTCDate())}/${MON[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())} +0000`;
    chunk.push(
      `10.${i % 200}.${(i >> 3) % 250}.1 - - [${tl}] "GET /api/items/${i % 9973} HTTP/1.1" 200 ${300 + (i % 700)} "-" "-" ${(end / 1000).toFixed(3)} ${((up + 1) / 1000).toFixed(3)} ${(up / 1000).toFixed(3)} 10.0.0.${1 + (i % 4)}:8080 200`,
    );
    if (chunk.length === 10_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
      chunk = [];
    }
  }
  out.end(chunk.length > 0 ? `${chunk.join('\n')}\n` : '');
  await new Promise<void>((r) => out.once('close', () => r()));
}

interface ParseResult {
  lines: number;
  matched: number;
  seconds: number;
  maxRss: number;
}

async function childParse(file: string): Promise<ParseResult> {
  const f = nginxLogFormat(BENCH_FORMAT);
  const rec = new LogRecord();
  let matched = 0;
  let sum = 0;
  const t0 = performance.now();
  const r = await readLogLines(file, (line) => {
    rec.reset();
    if (f.parse(line, rec)) {
      finishRecord(rec);
      matched++;
      sum += rec.upstreamStartMs;
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  if (!(sum > 0)) throw new Error('nothing parsed');
  return { lines: r.lines, matched, seconds, maxRss: process.resourceUsage().maxRSS * 1024 };
}

async function childReadline(file: string): Promise<ParseResult> {
  let lines = 0;
  let matched = 0;
  let sum = 0;
  const t0 = performance.now();
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const line of rl) {
    lines++;
    const m = PLAIN_RE.exec(line);
    if (m) {
      matched++;
      sum += parseFloat(m[6]!) - parseFloat(m[8]!);
    }
  }
  const seconds = (performance.now() - t0) / 1000;
  if (!(sum > 0)) throw new Error('nothing parsed');
  return { lines, matched, seconds, maxRss: process.resourceUsage().maxRSS * 1024 };
}

interface FitResult {
  requests: number;
  seconds: number;
  cpuSeconds: number;
  maxRss: number;
  family: string;
}

async function childFit(file: string): Promise<FitResult> {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const out = await importLogs({ logs: [file], format: `nginx:${BENCH_FORMAT}`, check: false });
  const c = process.cpuUsage(c0);
  return {
    requests: out.section.model.requests,
    seconds: (performance.now() - t0) / 1000,
    cpuSeconds: (c.user + c.system) / 1e6,
    maxRss: process.resourceUsage().maxRSS * 1024,
    family: out.section.model.service.family,
  };
}

interface ReplayResult {
  requests: number;
  poissonSeconds: number;
  traceSeconds: number;
  loadSeconds: number;
}

async function childReplay(requests: number): Promise<ReplayResult> {
  const dir = await mkdtemp(join(tmpdir(), 'lbsim-bench-trace-'));
  try {
    const file = join(dir, 'trace.jsonl');
    const rate = 8000;
    const out = createWriteStream(file);
    const rng = new Rng(7);
    let t = 0;
    let chunk: string[] = [];
    for (let i = 0; i < requests; i++) {
      t += (-Math.log(rng.nextOpen()) / rate) * 1000;
      chunk.push(`{"t":${t.toFixed(3)},"s":"b${i % 10}","u":1}`);
      if (chunk.length === 10_000) {
        if (!out.write(`${chunk.join('\n')}\n`)) await new Promise<void>((r) => out.once('drain', () => r()));
        chunk = [];
      }
    }
    out.end(chunk.length ? `${chunk.join('\n')}\n` : '');
    await new Promise<void>((r) => out.once('close', () => r()));
    const durationS = requests / rate;
    const base = {
      seed: 1,
      duration: `${durationS}s`,
      warmup: '0s',
      backends: [{ count: 10, workers: 1, service: { dist: 'exponential', mean: '1ms' } }],
      strategies: ['p2c'],
    };
    const poisson = parseScenario({ ...base, clients: { arrival: 'poisson', rate } }, 'poisson.yaml');
    const trace = parseScenario({ ...base, clients: { arrival: 'trace', file, format: 'jsonl:start=t:ms,server=s,upstream_time=u:ms' } }, 'trace.yaml');
    const l0 = performance.now();
    await preloadTraces(trace);
    const loadSeconds = (performance.now() - l0) / 1000;
    const time = (sc: typeof poisson): number => {
      const t1 = performance.now();
      simulateRun(sc, sc.strategies[0]!, 1);
      return (performance.now() - t1) / 1000;
    };
    let p = Infinity;
    let q = Infinity;
    for (let k = 0; k < 3; k++) {
      p = Math.min(p, time(poisson));
      q = Math.min(q, time(trace));
    }
    return { requests, poissonSeconds: p, traceSeconds: q, loadSeconds };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The section's results. */
export interface LogsSection {
  lines: number;
  parse: ParseResult;
  readline: ParseResult;
  fit: FitResult;
  replay: ReplayResult;
  table: string;
  targets: Target[];
}

/** Runs the section (children for each measurement). */
export async function runLogsSection(opts: { quick: boolean; log: (s: string) => void }): Promise<LogsSection> {
  const lines = Number(process.env.LBSIM_BENCH_LOG_LINES ?? (opts.quick ? 200_000 : 2_000_000));
  const dir = await mkdtemp(join(tmpdir(), 'lbsim-bench-logs-'));
  try {
    const file = join(dir, 'access.log');
    opts.log(`logs: writing ${lines} lines`);
    await writeBenchLog(file, lines);
    opts.log('logs: plain readline + regex');
    const readline = await runNodeJson<ParseResult>('logs.js', ['--child', 'readline', file], [], 1_800_000);
    opts.log('logs: lbsim parser');
    const parse = await runNodeJson<ParseResult>('logs.js', ['--child', 'parse', file], [], 1_800_000);
    opts.log('logs: parse + fit');
    const fit = await runNodeJson<FitResult>('logs.js', ['--child', 'fit', file], [], 1_800_000);
    const requests = opts.quick ? 200_000 : 1_000_000;
    opts.log(`logs: replay vs Poisson, ${requests} requests`);
    const replay = await runNodeJson<ReplayResult>('logs.js', ['--child', 'replay', String(requests)], [], 1_800_000);
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MB`;
    const rate = (r: ParseResult) => `${((r.lines / r.seconds) / 1e6).toFixed(2)}M`;
    const table = [
      renderTable(
        ['run', 'lines', 'seconds', 'lines/s', 'peak RSS'],
        [
          ['readline + one regex (plain loop)', String(readline.lines), readline.seconds.toFixed(2), rate(readline), mb(readline.maxRss)],
          ['lbsim nginx parser (stream, log_format regex, fields)', String(parse.lines), parse.seconds.toFixed(2), rate(parse), mb(parse.maxRss)],
          [`lbsim import --log: parse + fit (${fit.family})`, String(fit.requests), fit.seconds.toFixed(2), `${((fit.requests / fit.seconds) / 1e6).toFixed(2)}M`, mb(fit.maxRss)],
        ],
      ),
      '',
      renderTable(
        ['simulation (p2c, 10 backends)', 'requests', 'seconds (best of 3)', 'vs Poisson'],
        [
          ['Poisson arrivals', String(replay.requests), replay.poissonSeconds.toFixed(3), '1.00x'],
          [`trace replay (loaded once in ${replay.loadSeconds.toFixed(2)} s)`, String(replay.requests), replay.traceSeconds.toFixed(3), `${(replay.traceSeconds / replay.poissonSeconds).toFixed(2)}x`],
        ],
      ),
    ].join('\n');
    const limit = 30 * (lines / 10_000_000);
    const targets: Target[] = [
      {
        name: `log parse + fit, ${lines} lines`,
        measured: `${fit.seconds.toFixed(1)} s wall, ${fit.cpuSeconds.toFixed(1)} s CPU, peak RSS ${mb(fit.maxRss)}`,
        limit: `≤ ${limit.toFixed(1)} s (30 s per 10M lines)`,
        pass: fit.seconds <= limit,
      },
      {
        name: `trace replay vs Poisson, ${replay.requests} requests`,
        measured: `${(replay.traceSeconds / replay.poissonSeconds).toFixed(2)}x`,
        limit: '≤ 1.5x',
        pass: replay.traceSeconds / replay.poissonSeconds <= 1.5,
      },
    ];
    return { lines, parse, readline, fit, replay, table, targets };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  const argv = process.argv.slice(2);
  const mode = argv[argv.indexOf('--child') + 1];
  const arg = argv[argv.indexOf('--child') + 2]!;
  const run = mode === 'parse' ? childParse(arg) : mode === 'readline' ? childReadline(arg) : mode === 'fit' ? childFit(arg) : childReplay(Number(arg));
  run.then(
    (r) => console.log(JSON.stringify(r)),
    (e: unknown) => {
      console.error(e instanceof Error ? e.stack : String(e));
      process.exitCode = 1;
    },
  );
}
