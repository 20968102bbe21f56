/**
 * Content keys of runs. A run reads its scenario's workload, fleet, balancer and timing, its
 * strategy's name and options, and its seed — not the scenario's name, description, own seed,
 * replication count, strategy list or what an import kept for export (the engine never reads them; `hash.test.ts` checks that
 * changing them changes no summary). So the key of a run is SHA-256 over the canonical text
 * (`codec.canonical`: sorted keys, NaN and friends tagged) of exactly those inputs, and two runs
 * with the same key have the same summary.
 *
 * Uses: a study runs each distinct run once (a grid over one strategy's options does not rerun the
 * other strategies at every point; `study.ts`), and the distributed queue names its jobs by
 * {@link jobHash} (the key and the lbsim version, since another version may simulate differently),
 * so a study submitted again, a sweep sharing points with an earlier one, or more replications of
 * an earlier run reuse the runs already finished.
 */
import { createHash } from 'node:crypto';
import { canonical } from './codec.js';
import type { RunJob } from './job.js';
import type { Scenario } from '../scenario/types.js';

/** Hex SHA-256 of `text`. */
export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Scenario fields no run reads (see the module header). */
const NOT_SIMULATED: readonly string[] = ['name', 'description', 'seed', 'replications', 'strategies', 'imported'];

const scenarioDigests = new WeakMap<Scenario, string>();

/**
 * SHA-256 of what a run reads of a scenario (remembered per scenario object: a study's jobs share
 * one; scenarios are never changed in place).
 */
export function scenarioDigest(scenario: Scenario): string {
  let d = scenarioDigests.get(scenario);
  if (d === undefined) {
    const simulated = Object.fromEntries(Object.entries(scenario).filter(([k]) => !NOT_SIMULATED.includes(k)));
    d = sha256(canonical(simulated));
    scenarioDigests.set(scenario, d);
  }
  return d;
}

/** The content key of a run (see the module header). */
export function runKey(job: RunJob): string {
  return sha256(canonical({ scenario: scenarioDigest(job.scenario), strategy: job.choice.name, options: job.choice.options, seed: job.seed }));
}

/** The queue's job id for a run submitted by lbsim `version`. */
export function jobHash(job: RunJob, version: string): string {
  return sha256(`lbsim ${version}\n${runKey(job)}`);
}
