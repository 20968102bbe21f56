/**
 * One run of a study: (scenario, strategy, seed) → its summary, a pure function. A job carries its
 * scenario BY VALUE (the normalized scenario, never a path), so it can run in this thread, on a
 * worker thread or on another machine (`queue/`) and give the same summary: the simulator reads no
 * clock, no `Math.random` and no file (empirical samples are read when the scenario is loaded).
 * A replayed trace (`arrival: trace`) is the exception: its log is read once per thread by
 * {@link loadJobInputs} before the thread's first run of it (the queue refuses such scenarios).
 */
import { newSimulation, simulate } from '../sim/simulate.js';
import { WorkloadModel } from '../sim/model/workload.js';
import { preloadTraces } from '../sim/model/trace-load.js';
import type { RunSummary } from '../sim/engine/recorder.js';
import type { Scenario, StrategyChoice } from '../scenario/types.js';

export type { RunSummary } from '../sim/engine/recorder.js';

/** One run: a strategy on a scenario with one seed. */
export interface RunJob {
  /** The normalized scenario (validated where the study was made). */
  scenario: Scenario;
  /** The strategy, with its label and options. */
  choice: StrategyChoice;
  /** The run's seed (a replication's seed, see `replicationSeed`). */
  seed: number;
  /**
   * Optional key naming `scenario`'s content (jobs of one study point share it), so a worker can
   * reuse the scenario's {@link WorkloadModel} (its populations' strings) across that point's runs.
   * It never changes a result: a model is a function of the scenario alone.
   */
  scenarioKey?: string;
}

/** A few recent workload models by scenario key (a worker runs one study point's jobs in a row). */
export class ModelCache {
  private readonly entries = new Map<string, WorkloadModel>();
  /** @param capacity models kept (least recently used dropped first) */
  constructor(private readonly capacity = 4) {}

  /** The model of `job`'s scenario: cached under its key, or built fresh when it has none. */
  modelOf(job: RunJob): WorkloadModel {
    const key = job.scenarioKey;
    if (key === undefined) return new WorkloadModel(job.scenario);
    let m = this.entries.get(key);
    if (m) {
      this.entries.delete(key);
    } else {
      m = new WorkloadModel(job.scenario);
      if (this.entries.size >= this.capacity) this.entries.delete(this.entries.keys().next().value!);
    }
    this.entries.set(key, m);
    return m;
  }
}

/** Runs one job (see the module header). */
export function runJob(job: RunJob, models?: ModelCache): RunSummary {
  return simulate(models ? models.modelOf(job) : job.scenario, job.choice, job.seed);
}

/**
 * Events a sliced run ({@link runJobSliced}) processes between two pauses: a few milliseconds of
 * simulation at the engine's usual rates (1–8 M events/s), short beside a run, long beside a pause.
 */
export const SLICE_EVENTS = 65_536;

/**
 * {@link runJob} in slices of `sliceEvents` events with `pause()` awaited between them, so the
 * thread running it stays responsive (the local executor's own thread hands out the pool's runs
 * meanwhile). The summary is the same: slicing changes no simulated event or its order
 * (`Simulation.begin`/`advance`/`conclude`, as `run()` does in one go). When `signal` aborts
 * (Ctrl-C), the run stops at the next pause and resolves null: a run cut short has no summary.
 */
export async function runJobSliced(
  job: RunJob,
  models: ModelCache | undefined,
  pause: () => Promise<void>,
  sliceEvents = SLICE_EVENTS,
  signal?: AbortSignal,
): Promise<RunSummary | null> {
  const sim = newSimulation(models ? models.modelOf(job) : job.scenario, job.choice, job.seed);
  sim.begin();
  while (!sim.advance(sliceEvents)) {
    await pause();
    if (signal?.aborted === true) return null;
  }
  return sim.conclude().summary;
}

/**
 * Loads what a job's scenario reads from files at run time into this thread (a replayed trace,
 * once per thread; `src/sim/model/trace-load.ts`). Resolves at once when there is nothing to load.
 * @throws InputError for an unreadable or bad trace
 */
export async function loadJobInputs(job: RunJob): Promise<void> {
  if (job.scenario.clients.process.arrival === 'trace') await preloadTraces(job.scenario);
}
