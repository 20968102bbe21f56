/**
 * One run of one strategy on one seed: on the lean engine, or on the full one when the scenario has
 * faults, health checks, hedging, a retry budget, several balancers, caches or autoscaling
 * (`engine/full.ts`). The whole of what a worker thread needs (`src/exec/pool-worker.ts`), apart
 * from aggregation and the results file (`run.ts`).
 */
import { Simulation, type SimulationOutput } from './engine/lean.js';
import { FullSimulation, needsFullEngine } from './engine/full.js';
import type { RunSummary } from './engine/recorder.js';
import type { Scenario, StrategyChoice } from '../scenario/types.js';
import { WorkloadModel } from './model/workload.js';

/** The simulation of one strategy on one seed, not started (lean or full engine, see the module header). */
export function newSimulation(scenario: Scenario | WorkloadModel, choice: StrategyChoice, seed: number): Simulation {
  const model = scenario instanceof WorkloadModel ? scenario : new WorkloadModel(scenario);
  return needsFullEngine(model.scenario) ? new FullSimulation(model, choice, seed) : new Simulation(model, choice, seed);
}

/** One run of one strategy on one seed (the full output, counters included). */
export function simulateRun(scenario: Scenario | WorkloadModel, choice: StrategyChoice, seed: number): SimulationOutput {
  return newSimulation(scenario, choice, seed).run();
}

/** One run of one strategy on one seed: its summary. */
export function simulate(scenario: Scenario | WorkloadModel, choice: StrategyChoice, seed: number): RunSummary {
  return simulateRun(scenario, choice, seed).summary;
}
