/**
 * Peak memory of one simulation run, measured in a fresh process (for the memory section): loads a scenario
 * (default `sims/homogeneous.yaml`), stretches its duration so that about `--requests` requests
 * arrive (warm-up included), keeps one strategy, runs it once with `simulateRun`, and prints JSON
 * with the process's peak RSS (`process.resourceUsage().maxRSS`) beside its RSS before the run.
 *
 * Usage: `node dist/bench/sim-memory.js [--requests 1000000] [--strategy p2c] [--scenario FILE]`
 */
import { join } from 'node:path';
import { loadScenario } from '../src/scenario/index.js';
import { scenarioFacts, simulateRun } from '../src/sim/run.js';
import type { Scenario } from '../src/scenario/types.js';
import { isMain, ROOT, runNodeJson } from './proc.js';

/** What one measured simulation reports. */
export interface SimMemoryResult {
  scenario: string;
  strategy: string;
  /** Requests generated (warm-up included). */
  requests: number;
  events: number;
  /** Wall time of the run, s. */
  seconds: number;
  /** RSS after loading, before the run, bytes. */
  rssBefore: number;
  /** Peak RSS of the process, bytes. */
  maxRss: number;
}

/** Runs the measurement in a fresh node process. */
export function measureSimMemory(requests: number, strategy = 'p2c', scenario = 'sims/homogeneous.yaml'): Promise<SimMemoryResult> {
  return runNodeJson<SimMemoryResult>('sim-memory.js', ['--requests', String(requests), '--strategy', strategy, '--scenario', scenario]);
}

/** A copy of `s` with one strategy and a duration giving about `requests` arrivals. */
export function stretch(s: Scenario, requests: number, strategy: string): Scenario {
  const rate = scenarioFacts(s).offeredRate; // requests per second in the measured window
  if (!(rate > 0 && Number.isFinite(rate))) throw new Error(`${s.name}: no finite offered rate to size the run`);
  const totalMs = (requests / rate) * 1000;
  const warmupMs = Math.min(s.warmupMs, totalMs / 10);
  return {
    ...s,
    warmupMs,
    durationMs: totalMs - warmupMs,
    replications: 1,
    strategies: [{ name: strategy, label: strategy, options: {} }],
  };
}

function arg(argv: readonly string[], name: string, dflt: string): string {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : dflt;
}

if (isMain(import.meta.url)) {
  const argv = process.argv.slice(2);
  const requests = Number(arg(argv, '--requests', '1000000'));
  const strategy = arg(argv, '--strategy', 'p2c');
  const file = arg(argv, '--scenario', 'sims/homogeneous.yaml');
  const scenario = stretch(loadScenario(join(ROOT, file)), requests, strategy);
  const rssBefore = process.memoryUsage().rss;
  const t0 = performance.now();
  const out = simulateRun(scenario, scenario.strategies[0]!, scenario.seed);
  const seconds = (performance.now() - t0) / 1000;
  const result: SimMemoryResult = {
    scenario: file,
    strategy,
    requests: out.counters.arrivals,
    events: out.counters.events,
    seconds,
    rssBefore,
    maxRss: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}
