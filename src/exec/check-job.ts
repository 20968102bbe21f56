/**
 * Checks a run that arrived from outside this process (a job taken from the Redis queue: anything
 * may be in Redis) before it is simulated. A job carries a NORMALIZED scenario, so the check is the
 * scenario's own validation: the scenario is written back as a document (`denormalize`) and
 * normalized again, which must succeed and give the same scenario field for field. A job that
 * fails gets one line naming the field (`scenario: backends[0].count: …`) instead of an exception
 * deep in the engine, and a value the schema bounds (counts, durations, rates) cannot reach the
 * simulator out of bounds. The strategy must be registered and its options valid.
 *
 * A replayed trace (`arrival: trace`) names a file: the check reaches files through a
 * {@link ScenarioFiles} — none by default (a queue worker: the file is on the submitter's machine,
 * so such a job is refused), or this machine's disk for runs checked where they were made
 * (`filesIn` of `src/scenario/document.ts`).
 */
import { InputError } from '../input/errors.js';
import { denormalize } from '../scenario/denormalize.js';
import { NO_FILES, normalizeScenario, type ScenarioFiles } from '../scenario/normalize.js';
import { findStrategy } from '../strategies/registry.js';
import type { Scenario, StrategyChoice } from '../scenario/types.js';
import { canonical } from './codec.js';
import type { RunJob } from './job.js';

/** `v` without object keys whose value is undefined (normalization leaves some absent, some undefined). */
function defined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(defined);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (x !== undefined) out[k] = defined(x);
    return out;
  }
  return v;
}

const firstLine = (e: unknown): string => (e instanceof Error ? e.message : String(e)).split('\n')[0]!;

/**
 * Checks a job's scenario (see the module header).
 * @param files how the files it names are reached (default: none)
 * @returns null when valid, else one line
 */
export function checkScenario(scenario: Scenario, files: ScenarioFiles = NO_FILES): string | null {
  let again: Scenario;
  try {
    again = normalizeScenario(denormalize(scenario), 'scenario', files);
  } catch (e) {
    return e instanceof InputError ? firstLine(e) : `scenario: not a normalized lbsim scenario (${firstLine(e)})`;
  }
  if (canonical(defined(again)) !== canonical(defined(scenario))) {
    return 'scenario: not a normalized lbsim scenario (it does not read back the same)';
  }
  return null;
}

/** Checks a job's strategy: registered, options valid. @returns null when valid, else one line */
export function checkChoice(choice: StrategyChoice): string | null {
  const def = findStrategy(choice.name);
  if (!def) return `strategy: unknown strategy ${JSON.stringify(choice.name)}`;
  const parsed = def.options.safeParse(choice.options ?? {});
  if (!parsed.success) return `strategy ${choice.name}: invalid options (${firstLine(parsed.error)})`;
  return null;
}

/**
 * Checks `job` (see the module header).
 * @param files how the files its scenario names are reached (default: none)
 * @returns null when it can run, else one line saying what is wrong
 */
export function checkJob(job: RunJob, files: ScenarioFiles = NO_FILES): string | null {
  return checkScenario(job.scenario, files) ?? checkChoice(job.choice);
}
