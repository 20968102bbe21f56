/**
 * `lbsim live <scenario>` and `lbsim compare-live <scenario>`: the scenario on real sockets
 * (emulated backends, the real proxy, an open- or closed-loop load generator; `src/live`), alone or
 * side by side with the simulator. Ctrl-C stops every server and process started (exit 130).
 */
import { parseDuration } from '../input/units.js';
import { InputError } from '../input/errors.js';
import type { ResultsFile } from '../results/schema.js';
import type { Scenario } from '../scenario/types.js';
import { compareLive, liveCheckOf, renderComparison, type CompareOptions } from '../live/compare.js';
import { Registry } from '../live/children.js';
import { prepareLive, runLivePrepared, type LiveInfo, type LiveOptions } from '../live/run.js';
import { describeScenario } from './describe.js';
import { checkWritable, isStdoutTarget, tableStream, useColor, writeFileAtomic } from './output.js';
import { formatCount, limitHint, parseLimits } from '../input/limits.js';
import { scenarioFacts } from '../sim/run.js';
import { checkScenarioLimits } from '../sim/limits.js';
import { applyOverrides, setPath } from './overrides.js';
import { checkOutputs, printResults, writeOutputs } from './run.js';
import { readScenarioDoc } from './scenario-file.js';
import { parseScenario } from '../scenario/index.js';
import { preloadTraces } from '../sim/model/trace-load.js';
import { liveZoneCheck } from '../live/zones.js';
import { dirname, resolve } from 'node:path';

/** Flags shared by `live` and `compare-live`. */
export interface LiveFlags {
  strategies?: string;
  seed?: string;
  /** Repeatable `KEY=VALUE` scenario edits, e.g. `clients.rate=5000`. */
  set?: string[];
  /** Measured real time per strategy (e.g. `20s`). */
  duration?: string;
  /** Real warm-up per strategy. */
  warmup?: string;
  /** Time-scale factor, or `auto`. */
  scale?: string;
  workers?: string;
  backends?: string;
  proxy?: string;
  quiet?: boolean;
  /** `--limit NAME=N` values (`src/input/limits.ts`). */
  limit?: string[];
}

/** Flags of `lbsim live`. */
export interface LiveCommandFlags extends LiveFlags {
  json?: string;
  report?: string;
}

/** Flags of `lbsim compare-live`. */
export interface CompareFlags extends LiveFlags {
  jsonSim?: string;
  jsonLive?: string;
  report?: string;
  /** `measured` (default), `none`, or ms. */
  overhead?: string;
}

/** Collects a repeatable option's values (commander's custom processing). */
export function collect(value: string, prev: string[] | undefined): string[] {
  return [...(prev ?? []), value];
}

function bad(flag: string, message: string): never {
  throw new InputError(flag, [{ path: '', message }]);
}

/**
 * Loads the scenario with `--strategies`, `--seed` and `--set` applied, and a replayed trace
 * (`clients.arrival: trace`) with it: the input limits are checked after the trace is loaded, since
 * they read the offered rate, which for a replay is the trace's (as `lbsim run` does,
 * `scenario-file.ts`).
 * @throws InputError for a bad scenario, a bad or unreadable trace, or a limit exceeded
 */
export async function loadLiveScenario(arg: string, f: LiveFlags): Promise<Scenario> {
  const limits = parseLimits(f.limit);
  const { file, doc } = readScenarioDoc(arg, limits);
  let d = applyOverrides(doc, { ...(f.strategies !== undefined ? { strategies: f.strategies } : {}), ...(f.seed !== undefined ? { seed: f.seed } : {}) });
  for (const kv of f.set ?? []) {
    const eq = kv.indexOf('=');
    if (eq <= 0) bad('--set', `expected KEY=VALUE (e.g. clients.rate=5000), got ${JSON.stringify(kv)}`);
    const raw = kv.slice(eq + 1);
    const value = /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(raw) ? Number(raw) : raw === 'true' ? true : raw === 'false' ? false : raw;
    d = setPath(d, kv.slice(0, eq), value, '--set');
  }
  const scenario = parseScenario(d, file, dirname(resolve(file)), undefined, limits.fileBytes);
  await preloadTraces(scenario);
  checkScenarioLimits(scenario, file, limits);
  for (const w of liveZoneCheck(scenario, file)) process.stderr.write(`lbsim: warning: live: ${w}\n`);
  return scenario;
}

function ms(flag: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = parseDuration(/^\d+(\.\d+)?$/.test(v) ? Number(v) : v);
  if (!(x > 0)) bad(flag, `expected a positive duration like 20s or 500ms, got ${JSON.stringify(v)}`);
  return x;
}

/** The live options from the flags. */
export function liveOptions(f: LiveFlags): LiveOptions {
  const o: LiveOptions = {};
  const d = ms('--duration', f.duration);
  if (d !== undefined) o.durationMs = d;
  if (f.warmup !== undefined) {
    const w = f.warmup === '0' ? 0 : ms('--warmup', f.warmup);
    if (w !== undefined) o.warmupMs = w;
  }
  if (f.scale !== undefined && f.scale !== 'auto') {
    const s = Number(f.scale);
    if (!(s > 0 && Number.isFinite(s))) bad('--scale', `expected a positive number or auto, got ${JSON.stringify(f.scale)}`);
    o.scale = s;
  }
  if (f.workers !== undefined) {
    const w = Number(f.workers);
    if (!(Number.isInteger(w) && w >= 1)) bad('--workers', `expected a positive integer, got ${JSON.stringify(f.workers)}`);
    o.workers = w;
  }
  if (f.backends !== undefined) {
    if (f.backends !== 'inline' && f.backends !== 'child') bad('--backends', `expected inline or child, got ${JSON.stringify(f.backends)}`);
    o.backends = f.backends;
  }
  if (f.proxy !== undefined) {
    if (f.proxy !== 'inline' && f.proxy !== 'child') bad('--proxy', `expected inline or child, got ${JSON.stringify(f.proxy)}`);
    o.proxy = f.proxy;
  }
  if (!f.quiet) {
    o.onProgress = (done, total, label) => {
      if (label === 'calibrating') process.stderr.write('live: calibrating (timer overshoot, proxy overhead at idle)\n');
      else if (done < total) process.stderr.write(`live: ${done + 1}/${total} ${label}\n`);
    };
  }
  return o;
}

function header(sc: Scenario, scale: number, o: LiveOptions, real: Scenario): string {
  const workers = o.workers ?? 1;
  return (
    `${describeScenario(sc)}\n` +
    `live: time scale ×${scale} (services ×${scale}, rates ÷${scale}); ${real.durationMs / 1000} s measured after ${real.warmupMs / 1000} s warm-up per strategy; ` +
    `backends in ${o.backends === 'child' ? 'a child process' : 'this process'}, proxy ${workers > 1 ? `with ${workers} worker processes` : o.proxy === 'child' ? 'in a child process' : 'in this process'}`
  );
}

function liveSummary(results: ResultsFile): string {
  const info = (results.scenario as { live?: LiveInfo }).live;
  if (!info) return '';
  const lines = info.strategies.map(
    (s) =>
      `  ${s.strategy}: sent ${s.sent}, harness overhead mean ${s.overhead.mean.toFixed(2)} ms (p99 ${s.overhead.p99.toFixed(2)}), send lag p99 ${s.sendLag.p99.toFixed(2)} ms, ` +
      `service error ${s.serviceError.mean.toFixed(2)} ms, machine CPU ${(s.cpu.machine * 100).toFixed(0)}%`,
  );
  const c = info.calibration;
  if (c) lines.unshift(`  calibration: proxy adds ${c.proxyOverheadMs.toFixed(2)} ms at idle (p50 ${c.proxied.p50.toFixed(2)} vs ${c.direct.p50.toFixed(2)} direct); timer overshoot mean ${c.timerOvershoot.mean.toFixed(2)} ms`);
  return `${lines.join('\n')}\n`;
}

/**
 * Refuses a live run whose scaled scenario offers more requests per second than the `live-rate`
 * limit: the load generator, the proxy and the backends share this machine, and far above it they
 * measure only themselves (an unscaled sub-millisecond scenario, or `--scale 1e-9`, would ask for
 * billions). The closed loop offers at most its users' zero-queueing rate.
 * @throws InputError naming `--scale` (or the scenario's rate) and the limit
 */
export function checkLiveRate(real: Scenario, scale: number, file: string, f: LiveFlags): void {
  const limits = parseLimits(f.limit);
  const rate = scenarioFacts(real).offeredRate;
  if (rate <= limits.liveRate) return;
  const what = `the live run would offer ${formatCount(rate)} req/s at time scale ×${scale}; ${limitHint('liveRate', limits)}`;
  if (f.scale !== undefined && f.scale !== 'auto') bad('--scale', `${what} (or use a larger --scale, or auto)`);
  throw new InputError(file, [{ path: real.clients.process.arrival === 'closed' ? 'clients.users' : 'clients.rate', message: what }]);
}

/** `lbsim live`: returns the exit code. */
export async function liveCommand(arg: string, flags: LiveCommandFlags): Promise<number> {
  checkOutputs(flags);
  const scenario = await loadLiveScenario(arg, flags);
  const o = liveOptions(flags);
  const { scenario: real, scale } = prepareLive(scenario, o);
  checkLiveRate(real, scale, arg, flags);
  const registry = new Registry();
  const untrap = registry.trapSignals((l) => process.stderr.write(`lbsim live: ${l}\n`));
  let results: ResultsFile;
  try {
    results = await runLivePrepared(real, scale, { ...o, registry });
  } finally {
    await registry.dispose();
    untrap();
  }
  const out = tableStream(flags.json);
  printResults(results, header(scenario, scale, o, real), null, out);
  out.write(`\n${liveSummary(results)}`);
  await writeOutputs(results, flags);
  return 0;
}

/** `lbsim compare-live`: returns the exit code (0 whether or not they agree; the table says). */
export async function compareLiveCommand(arg: string, flags: CompareFlags): Promise<number> {
  if (flags.jsonSim) checkWritable(flags.jsonSim, '--json-sim');
  if (flags.jsonLive) checkWritable(flags.jsonLive, '--json-live');
  if (flags.report) checkWritable(flags.report, '--report', true);
  const scenario = await loadLiveScenario(arg, flags);
  const o: CompareOptions = liveOptions(flags);
  if (flags.overhead !== undefined) {
    if (flags.overhead === 'measured' || flags.overhead === 'none') o.overhead = flags.overhead;
    else {
      const v = Number(flags.overhead);
      if (!(v >= 0)) bad('--overhead', `expected measured, none or a number of ms, got ${JSON.stringify(flags.overhead)}`);
      o.overhead = v;
    }
  }
  const toStdout = [flags.jsonSim, flags.jsonLive].filter((f) => f !== undefined && isStdoutTarget(f));
  if (toStdout.length > 1) bad('--json-live', 'only one of --json-sim and --json-live can go to stdout');
  const { scenario: real, scale } = prepareLive(scenario, o);
  checkLiveRate(real, scale, arg, flags);
  const registry = new Registry();
  const untrap = registry.trapSignals((l) => process.stderr.write(`lbsim compare-live: ${l}\n`));
  let c;
  try {
    c = await compareLive(scenario, { ...o, registry });
  } finally {
    await registry.dispose();
    untrap();
  }
  const out = toStdout.length > 0 ? process.stderr : process.stdout;
  out.write(`${header(scenario, scale, o, real)}\n`);
  out.write(`offered ${c.live.summary.offeredRate.toFixed(0)} req/s, capacity ${c.live.summary.capacity.toFixed(0)} req/s, load ${(c.live.summary.loadFactor * 100).toFixed(0)}% (scaled)\n\n`);
  out.write(`${renderComparison(c, useColor(out))}\n`);
  const writeJson = (file: string, results: ResultsFile, what: string): void => {
    const text = `${JSON.stringify(results, null, 1)}\n`;
    if (isStdoutTarget(file)) process.stdout.write(text);
    else {
      writeFileAtomic(file, text);
      process.stderr.write(`${what}: ${file}\n`);
    }
  };
  // each file carries the side-by-side comparison, so the report shows it (and names the two apart)
  const sim: ResultsFile = { ...c.sim, liveCheck: liveCheckOf(c, 'sim') };
  const live: ResultsFile = { ...c.live, liveCheck: liveCheckOf(c, 'live') };
  if (flags.jsonSim) writeJson(flags.jsonSim, sim, 'simulated results');
  if (flags.jsonLive) writeJson(flags.jsonLive, live, 'live results');
  if (flags.report) {
    const { writeReport } = await import('../report/write.js');
    const path = writeReport([sim, live], flags.report);
    process.stderr.write(`report: ${path}\n`);
  }
  return 0;
}
