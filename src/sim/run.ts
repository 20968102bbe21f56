/**
 * Running a scenario: every chosen strategy × every replication, each a fresh {@link Simulation}
 * on the same seeds (common random numbers across strategies, independent seeds across
 * replications), combined into the results file (`src/results/schema.ts`). Deterministic: the same scenario
 * and seed give byte-identical `JSON.stringify` output (nothing here reads the wall clock or
 * `Math.random`).
 *
 * Header facts: capacity = Σ workers × speed × 1000 / (mean service × mean class factor) over the
 * backends (requests per second at 100 % utilization; an autoscaled group counts at its `max`);
 * offered rate = the arrival process's mean
 * rate over the measured window, or for the closed loop the zero-queueing upper bound
 * users × 1000 / (mean think + mean service + network both ways + overhead).
 */
import { findStrategy } from '../strategies/index.js';
import { VERSION } from '../cli/version.js';
import { aggregate } from '../results/aggregate.js';
import { meanRate } from './model/arrivals.js';
import { meanOf } from './model/distributions.js';
import { newSimulation } from './simulate.js';
import type { RunSummary } from './engine/recorder.js';
import { RESULTS_SCHEMA, type ResultsFile, type StrategyResult } from '../results/schema.js';
import type { Scenario, StrategyChoice } from '../scenario/types.js';
import { WorkloadModel } from './model/workload.js';
import { runWarnings } from './warnings.js';

/** Options of {@link runScenario}. */
export interface RunOptions {
  /** Called after each single run (strategy × replication) with runs done and total. */
  onProgress?: (done: number, total: number) => void;
  /** Called with each strategy's aggregated result as soon as its replications are done (the playground draws it). */
  onResult?: (result: StrategyResult, index: number, total: number) => void;
}

/**
 * The seed of replication k: the scenario seed itself for k = 0, otherwise a SplitMix32-style mix of
 * (seed, k) folded into [0, 2^31), so neighbouring scenario seeds do not share replications.
 */
export function replicationSeed(seed: number, k: number): number {
  if (k === 0) return seed;
  let z = (seed ^ Math.imul(k, 0x9e3779b9)) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 1;
}

/** Capacity, offered rate and load factor of a scenario (see the module header). */
export function scenarioFacts(scenario: Scenario): { offeredRate: number; capacity: number; loadFactor: number } {
  const model = new WorkloadModel(scenario);
  const factor = model.meanServiceFactor();
  let capacity = 0;
  let serviceSum = 0;
  let backends = 0;
  scenario.backends.forEach((g, gi) => {
    const m = meanOf(g.service) * factor;
    const count = scenario.autoscale?.group === gi ? scenario.autoscale.max : g.count;
    capacity += m > 0 ? (count * g.workers * g.speed * 1000) / m : Infinity;
    serviceSum += (g.count * m) / g.speed;
    backends += g.count;
  });
  const p = scenario.clients.process;
  let offeredRate: number;
  if (p.arrival === 'closed') {
    const b = scenario.balancer;
    const cycle = meanOf(p.think) + serviceSum / Math.max(1, backends) + 2 * meanOf(b.network) + b.overheadMs;
    offeredRate = cycle > 0 ? (p.users * 1000) / cycle : Infinity;
  } else offeredRate = meanRate(p, scenario.warmupMs, scenario.warmupMs + scenario.durationMs);
  const loadFactor = capacity > 0 && Number.isFinite(capacity) ? offeredRate / capacity : 0;
  return { offeredRate, capacity, loadFactor };
}

export { newSimulation, simulate, simulateRun } from './simulate.js';

function optionsOf(choice: StrategyChoice): Record<string, unknown> {
  const def = findStrategy(choice.name);
  if (!def) throw new Error(`unknown strategy "${choice.name}"`);
  return def.options.parse(choice.options ?? {}) as Record<string, unknown>;
}

/** The seeds of a scenario's replications, in order ({@link replicationSeed}). */
export function replicationSeeds(scenario: Scenario): number[] {
  return Array.from({ length: Math.max(1, scenario.replications) }, (_, k) => replicationSeed(scenario.seed, k));
}

/** One strategy's entry of the results file from its replications' summaries (in seed order). */
export function strategyResult(choice: StrategyChoice, runs: readonly RunSummary[], seeds: readonly number[]): StrategyResult {
  return aggregate(choice.label, choice.name, optionsOf(choice), runs, seeds);
}

/**
 * Requests a run of `scenario` simulates, estimated: the offered rate over warm-up and measured
 * time, for every strategy and replication (the playground asks before running a very large one).
 */
export function estimatedRequests(scenario: Scenario): number {
  const { offeredRate } = scenarioFacts(scenario);
  const perRun = (offeredRate * (scenario.warmupMs + scenario.durationMs)) / 1000;
  return perRun * scenario.strategies.length * Math.max(1, scenario.replications);
}

/**
 * Runs every strategy of `scenario` over its replications, one after another in this thread, and
 * builds the results file: the serial reference that every parallel or distributed way of running
 * (`src/exec/`) must reproduce byte for byte.
 */
export function runScenario(scenario: Scenario, opts: RunOptions = {}): ResultsFile {
  const steps = runScenarioSteps(scenario, opts, Number.POSITIVE_INFINITY);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Where a sliced run is: single runs (strategy × replication) done, their total, and the current one's progress 0..1. */
export interface RunStep {
  done: number;
  total: number;
  fraction: number;
}

/**
 * {@link runScenario} in slices: yields after every `budget` simulated events (and never with an
 * infinite budget), so a driver can stay responsive and stop between slices (the playground's
 * worker). The results are the same whatever the budget: slicing only pauses the event loop.
 */
export function* runScenarioSteps(scenario: Scenario, opts: RunOptions = {}, budget = 100_000): Generator<RunStep, ResultsFile> {
  const model = new WorkloadModel(scenario);
  const seeds = replicationSeeds(scenario);
  const total = scenario.strategies.length * seeds.length;
  let done = 0;
  const results: StrategyResult[] = [];
  for (const choice of scenario.strategies) {
    const runs: RunSummary[] = [];
    for (const seed of seeds) {
      const sim = newSimulation(model, choice, seed);
      sim.begin();
      while (!sim.advance(budget)) yield { done, total, fraction: sim.progress() };
      runs.push(sim.conclude().summary);
      done++;
      opts.onProgress?.(done, total);
    }
    const result = strategyResult(choice, runs, seeds);
    results.push(result);
    opts.onResult?.(result, results.length - 1, scenario.strategies.length);
  }
  return resultsFile(scenario, results);
}

/**
 * The results file of `scenario` from its strategies' entries (in the scenario's strategy order):
 * the header facts and the overload warning. Shared by the serial {@link runScenario} and the
 * execution layer (`src/exec/`), so every way of running writes the same file.
 */
export function resultsFile(scenario: Scenario, results: StrategyResult[]): ResultsFile {
  const facts = scenarioFacts(scenario);
  const warnings = runWarnings(scenario, facts, results);
  return {
    schema: RESULTS_SCHEMA,
    mode: 'sim',
    generator: `lbsim ${VERSION}`,
    scenario: scenario as unknown as Record<string, unknown>,
    summary: {
      ...facts,
      durationS: scenario.durationMs / 1000,
      seed: scenario.seed,
      replications: Math.max(1, scenario.replications),
    },
    results,
    warnings,
  };
}
