/**
 * `runLive`: the scenario on real sockets, one strategy after another, into the same results file
 * the simulator writes (`mode: "live"`).
 *
 * For each strategy: start fresh emulated backends (`backends.ts`), start the real proxy in front of
 * them (`proxy.ts`), send the scenario's load (`loadgen.ts`), read the backends' counters, stop
 * everything. Every server and process is registered in one {@link Registry} and stopped on success,
 * on failure (`finally`) and, from the CLI, on Ctrl-C. The scenario is first time-scaled
 * (`scale.ts`) and its window shortened to a real-time budget; the results file's `scenario` is that
 * live scenario, with a `live` section holding the scale, the placement, the calibration and, per
 * strategy, the harness figures (send lag, overhead, timer error, CPU) that explain differences from
 * the simulator.
 */
import { cpuUsage } from 'node:process';
import { VERSION } from '../cli/version.js';
import { findStrategy } from '../strategies/index.js';
import { aggregate } from '../results/aggregate.js';
import { RESULTS_SCHEMA, type ResultsFile, type StrategyResult } from '../results/schema.js';
import { scenarioFacts } from '../sim/run.js';
import type { Scenario, StrategyChoice } from '../scenario/types.js';
import type { BackendSnapshot } from './backend-server.js';
import { startBackends, type BackendPlacement } from './backends.js';
import { calibrate, type Calibration } from './calibrate.js';
import { Registry } from './children.js';
import { cpuCount, machineBusy, machineTicks } from './cpu.js';
import { liveFaults } from './faults.js';
import { runLoad, type Outcomes, type SampleSummary } from './loadgen.js';
import { startLiveProxy, type ProxyPlacement } from './proxy.js';
import { liveScenario } from './scale.js';

/** Options of {@link runLive}. */
export interface LiveOptions {
  /** Proxy worker processes (default 1; > 1 runs `lbsim proxy --workers N` as a child). */
  workers?: number;
  /** Time-scale factor (default: chosen from the scenario, see `scale.ts`). */
  scale?: number;
  /** Measured real time per strategy, ms (default: scaled duration, at most 20 s). */
  durationMs?: number;
  /** Real warm-up per strategy, ms (default: scaled warm-up, at most 3 s). */
  warmupMs?: number;
  /**
   * Where the backends run (default `inline`: in this process; `child`: their own process). On 2
   * cores one process measured less harness overhead than three (see `RESULTS.md`).
   */
  backends?: BackendPlacement;
  /** Where the proxy runs with one worker (default `inline`; `child` = `lbsim proxy` as a process). */
  proxy?: ProxyPlacement;
  /** Measure timer overshoot and idle proxy overhead first (default true). */
  calibrate?: boolean;
  /** Longest drain after the window, ms (default 10 s). */
  drainMs?: number;
  /** Registry to use (default: a private one, disposed at the end). */
  registry?: Registry;
  /** Called before each strategy (done so far, total, its label) and once at the end. */
  onProgress?: (done: number, total: number, label: string) => void;
}

/** Harness figures of one strategy's live run. */
export interface LiveStrategyInfo {
  strategy: string;
  sent: number;
  sendLag: SampleSummary;
  overhead: SampleSummary;
  outcomes: Outcomes;
  /** Backends' achieved − requested service time, ms (mean over requests, weighted). */
  serviceError: { mean: number; meanAbs: number; max: number };
  /**
   * CPU during the run: machine busy fraction (all cores); each of our processes' use in cores
   * (NaN when it runs inside the load generator's process, whose figure then includes it); and
   * `others`, what the rest of the machine used, in cores (machine × cores − ours).
   */
  cpu: { machine: number; loadgen: number; backends: number; proxy: number; others: number };
  wallMs: number;
  /** Where everything listened and ran (all stopped by now). */
  endpoints: { proxy: string; backends: number[]; proxyPid: number; backendPid: number };
}

/** The `live` section added to the results file's scenario. */
export interface LiveInfo {
  scale: number;
  backends: BackendPlacement;
  proxy: ProxyPlacement;
  workers: number;
  cpus: number;
  calibration: Calibration | null;
  faults: { windows: number; skipped: string[] };
  strategies: LiveStrategyInfo[];
}

/** The scenario a live run executes and its time scale (see `scale.ts`). */
export function prepareLive(scenario: Scenario, o: Pick<LiveOptions, 'scale' | 'durationMs' | 'warmupMs'> = {}): { scenario: Scenario; scale: number } {
  const w: { scale?: number; durationMs?: number; warmupMs?: number } = {};
  if (o.scale !== undefined) w.scale = o.scale;
  if (o.durationMs !== undefined) w.durationMs = o.durationMs;
  if (o.warmupMs !== undefined) w.warmupMs = o.warmupMs;
  return liveScenario(scenario, w);
}

function optionsOf(choice: StrategyChoice): Record<string, unknown> {
  const def = findStrategy(choice.name);
  if (!def) throw new Error(`unknown strategy "${choice.name}"`);
  return def.options.parse(choice.options ?? {}) as Record<string, unknown>;
}

function usesClientAddress(sc: Scenario, choice: StrategyChoice): boolean {
  const b = sc.balancer;
  const inner = choice.name === 'sticky' ? choice.options.inner : choice.name;
  return inner === 'ip-hash' || (b.rateLimit !== false && b.rateLimit.key === 'client') || (b.connLimit !== false && b.connLimit.key === 'client');
}

function serviceError(final: readonly BackendSnapshot[]): LiveStrategyInfo['serviceError'] {
  let n = 0;
  let sum = 0;
  let abs = 0;
  let max = 0;
  for (const b of final) {
    const e = b.serviceError;
    n += e.n;
    sum += e.mean * e.n;
    abs += e.meanAbs * e.n;
    max = Math.max(max, e.max);
  }
  return { mean: n > 0 ? sum / n : 0, meanAbs: n > 0 ? abs / n : 0, max };
}

function ownCpuMs(): number {
  const u = cpuUsage();
  return (u.user + u.system) / 1000;
}

/**
 * Runs an already prepared live scenario (from {@link prepareLive}) with every strategy.
 * @param sc the time-scaled scenario
 * @param scale its time-scale factor (reported)
 */
export async function runLivePrepared(sc: Scenario, scale: number, o: LiveOptions = {}): Promise<ResultsFile> {
  const registry = o.registry ?? new Registry();
  const workers = Math.max(1, Math.floor(o.workers ?? 1));
  const backendPlacement: BackendPlacement = o.backends ?? 'inline';
  const proxyPlacement: ProxyPlacement = workers > 1 ? 'child' : (o.proxy ?? 'inline');
  const faults = liveFaults(sc);
  const info: LiveInfo = {
    scale,
    backends: backendPlacement,
    proxy: proxyPlacement,
    workers,
    cpus: cpuCount(),
    calibration: null,
    faults: { windows: faults.windows.length, skipped: faults.skipped },
    strategies: [],
  };
  const results: StrategyResult[] = [];
  const total = sc.strategies.length;
  try {
    if (o.calibrate !== false && sc.strategies.length > 0) {
      o.onProgress?.(0, total, 'calibrating');
      const be = await startBackends(sc, backendPlacement, registry);
      const px = await startLiveProxy(sc, { name: 'round-robin', label: 'round-robin', options: {} }, be.ports, {
        placement: proxyPlacement,
        workers,
        seed: sc.seed,
        registry,
      });
      try {
        info.calibration = await calibrate(`http://127.0.0.1:${be.ports[0]}`, px.url);
      } finally {
        await px.close();
        await be.close();
      }
    }
    for (const [k, choice] of sc.strategies.entries()) {
      o.onProgress?.(k, total, choice.label);
      const be = await startBackends(sc, backendPlacement, registry);
      const px = await startLiveProxy(sc, choice, be.ports, { placement: proxyPlacement, workers, seed: sc.seed, registry });
      try {
        const ticks0 = machineTicks();
        const cpu0 = { main: ownCpuMs(), be: await be.cpuMs(), px: px.cpuMs() };
        const loadOpts: Parameters<typeof runLoad>[0] = {
          scenario: sc,
          url: px.url,
          backends: be,
          queued: () => px.queued(),
          sticky: choice.name === 'sticky',
          bindClients: usesClientAddress(sc, choice),
        };
        if (o.drainMs !== undefined) loadOpts.drainMs = o.drainMs;
        if (faults.windows.length > 0) loadOpts.onStart = (epochStartMs) => be.arm(faults.windows, epochStartMs);
        const out = await runLoad(loadOpts);
        const wall = out.wallMs;
        const ticks1 = machineTicks();
        const cpu1 = { main: ownCpuMs(), be: await be.cpuMs(), px: px.cpuMs() };
        const pct = (a: number, b: number): number => (Number.isFinite(a) && Number.isFinite(b) && wall > 0 ? (b - a) / wall : Number.NaN);
        const machine = machineBusy(ticks0, ticks1);
        const loadgen = pct(cpu0.main, cpu1.main);
        const backends = backendPlacement === 'child' ? pct(cpu0.be, cpu1.be) : Number.NaN;
        const proxy = pct(cpu0.px, cpu1.px);
        const ours = [loadgen, backends, proxy].filter(Number.isFinite).reduce((a, b) => a + b, 0);
        info.strategies.push({
          strategy: choice.label,
          sent: out.sent,
          sendLag: out.sendLag,
          overhead: out.overhead,
          outcomes: out.outcomes,
          serviceError: serviceError(out.final),
          cpu: { machine, loadgen, backends, proxy, others: Number.isFinite(machine) ? Math.max(0, machine * info.cpus - ours) : Number.NaN },
          wallMs: wall,
          endpoints: { proxy: px.url, backends: [...be.ports], proxyPid: px.pid, backendPid: be.pid },
        });
        results.push(aggregate(choice.label, choice.name, optionsOf(choice), [out.summary], [sc.seed]));
      } finally {
        await px.close();
        await be.close();
      }
    }
    o.onProgress?.(total, total, 'done');
  } finally {
    if (o.registry === undefined) await registry.dispose();
  }
  const facts = scenarioFacts(sc);
  const warnings: string[] = [];
  if (facts.loadFactor > 1) warnings.push(`offered load exceeds capacity (load factor ${facts.loadFactor.toFixed(2)}): queues grow without bound`);
  for (const s of faults.skipped) warnings.push(`live: fault not applied: ${s}`);
  for (const s of info.strategies) {
    if (s.cpu.others > 0.25) warnings.push(`live ${s.strategy}: other processes used ${s.cpu.others.toFixed(2)} cores of ${info.cpus} during the run; measured latencies include that contention`);
    else if (s.cpu.machine > 0.9) warnings.push(`live ${s.strategy}: the machine was ${(s.cpu.machine * 100).toFixed(0)}% busy; measured latencies include CPU contention`);
  }
  return {
    schema: RESULTS_SCHEMA,
    mode: 'live',
    generator: `lbsim ${VERSION}`,
    scenario: { ...(sc as unknown as Record<string, unknown>), live: info },
    summary: { ...facts, durationS: sc.durationMs / 1000, seed: sc.seed, replications: 1 },
    results,
    warnings,
  };
}

/** Runs `scenario` live (time-scaled, see {@link prepareLive}) with every strategy; resolves to the results file. */
export async function runLive(scenario: Scenario, o: LiveOptions = {}): Promise<ResultsFile> {
  const { scenario: sc, scale } = prepareLive(scenario, o);
  return runLivePrepared(sc, scale, o);
}
