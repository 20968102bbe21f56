/**
 * Run plans: a study is one or more scenarios (a run is one, a sweep one per grid point); each
 * becomes jobs point by point, strategy by strategy, replication by replication — the order the
 * serial `runScenario` runs them in — and the results are assembled BY JOB INDEX, not in the order
 * runs finish. A strategy's replications are aggregated as soon as the last of them arrives (and
 * their summaries dropped), so a large study holds one entry per (point, strategy), not every run.
 * The results files are therefore byte-identical to `runScenario`'s whatever the executor.
 *
 * Runs with the same content key (`hash.ts`) run once and their summary goes to each of them: in a
 * grid over one strategy's options, the other strategies' runs are the same at every point.
 */
import { replicationSeeds, resultsFile, strategyResult } from '../sim/run.js';
import type { ResultsFile, StrategyResult } from '../results/schema.js';
import type { Scenario } from '../scenario/types.js';
import type { Executor, ProgressFn } from './executor.js';
import { runKey, scenarioDigest } from './hash.js';
import type { RunJob, RunSummary } from './job.js';

/** Runs a study may have (points × strategies × replications), so a study's plan stays small in memory. */
export const MAX_STUDY_RUNS = 100_000;

/** Runs of a study before runs shared between points are merged: points × strategies × replications. */
export function studyRuns(scenarios: readonly Scenario[]): number {
  return scenarios.reduce((n, sc) => n + sc.strategies.length * Math.max(1, sc.replications), 0);
}

/** The jobs of a study and where each job's summary goes. */
export interface StudyPlan {
  /** The study's scenarios (points), by value. */
  scenarios: readonly Scenario[];
  /** Every run, in serial order. */
  jobs: RunJob[];
  /** Per point, per strategy: the index of its first job (its replications follow). */
  firstJob: number[][];
  /** Per point: the replications' seeds. */
  seeds: number[][];
}

/** The jobs of `scenarios` (see the module header). */
export function planStudy(scenarios: readonly Scenario[]): StudyPlan {
  const runs = studyRuns(scenarios);
  if (runs > MAX_STUDY_RUNS) throw new Error(`a study of ${runs} runs is too large (at most ${MAX_STUDY_RUNS})`);
  const jobs: RunJob[] = [];
  const firstJob: number[][] = [];
  const seeds: number[][] = [];
  for (const scenario of scenarios) {
    const scenarioKey = scenarioDigest(scenario);
    const s = replicationSeeds(scenario);
    seeds.push(s);
    firstJob.push(
      scenario.strategies.map((choice) => {
        const first = jobs.length;
        for (const seed of s) jobs.push({ scenario, choice, seed, scenarioKey });
        return first;
      }),
    );
  }
  return { scenarios, jobs, firstJob, seeds };
}

/** Runs a study on `executor`; resolves with one results file per scenario, in order. */
export async function runStudy(scenarios: readonly Scenario[], executor: Executor, progress?: ProgressFn): Promise<ResultsFile[]> {
  return (await runStudyUntil(scenarios, executor, undefined, progress)).files as ResultsFile[];
}

/**
 * What a study that `signal` may interrupt finished: per point, a results file of the strategies
 * whose every replication arrived (in the scenario's strategy order), or null when none did.
 * Uninterrupted, every file is whole and equals {@link runStudy}'s.
 */
export interface StudyOutcome {
  files: (ResultsFile | null)[];
  /** Whether `signal` aborted before every run arrived. */
  interrupted: boolean;
  /** Runs that arrived, and the study's distinct runs. */
  runs: { done: number; total: number };
}

/** Runs a study on `executor` until it ends or `signal` aborts (Ctrl-C); see {@link StudyOutcome}. */
export async function runStudyUntil(
  scenarios: readonly Scenario[],
  executor: Executor,
  signal: AbortSignal | undefined,
  progress?: ProgressFn,
): Promise<StudyOutcome> {
  const plan = planStudy(scenarios);
  // job index → (point, strategy)
  const pointOf = new Int32Array(plan.jobs.length);
  const strategyOf = new Int32Array(plan.jobs.length);
  plan.firstJob.forEach((firsts, p) =>
    firsts.forEach((first, s) => {
      for (let k = 0; k < plan.seeds[p]!.length; k++) {
        pointOf[first + k] = p;
        strategyOf[first + k] = s;
      }
    }),
  );
  const pending = new Map<number, (RunSummary | undefined)[]>(); // first job index → summaries so far
  const arrived = new Map<number, number>();
  const entries: (StrategyResult | undefined)[][] = scenarios.map((sc) => new Array(sc.strategies.length));
  const deliver = (i: number, summary: RunSummary): void => {
    const p = pointOf[i]!;
    const s = strategyOf[i]!;
    const first = plan.firstJob[p]![s]!;
    const seeds = plan.seeds[p]!;
    let runs = pending.get(first);
    if (!runs) pending.set(first, (runs = new Array(seeds.length)));
    runs[i - first] = summary;
    const n = (arrived.get(first) ?? 0) + 1;
    arrived.set(first, n);
    if (n === seeds.length) {
      entries[p]![s] = strategyResult(scenarios[p]!.strategies[s]!, runs as RunSummary[], seeds);
      pending.delete(first);
      arrived.delete(first);
    }
  };
  // distinct runs, each with the job indices it serves
  const served = new Map<string, number[]>();
  plan.jobs.forEach((job, i) => {
    const key = runKey(job);
    const list = served.get(key);
    if (list) list.push(i);
    else served.set(key, [i]);
  });
  const targets = [...served.values()];
  let done = 0;
  let stopped = false;
  await executor.execute(
    targets.map((t) => plan.jobs[t[0]!]!),
    (u, summary) => {
      if (stopped) return;
      done++;
      targets[u]!.forEach((i, k) => deliver(i, k === 0 ? summary : structuredClone(summary)));
    },
    progress,
    signal,
  );
  stopped = true;
  const interrupted = done < targets.length;
  if (interrupted && signal?.aborted !== true) throw new Error(`study: ${targets.length - done} of ${targets.length} runs never arrived`);
  const files = scenarios.map((sc, p) => {
    const finished = entries[p]!.filter((e): e is StrategyResult => e !== undefined);
    return finished.length === 0 ? null : resultsFile(sc, finished);
  });
  return { files, interrupted, runs: { done, total: targets.length } };
}

/** Runs every strategy of one scenario on `executor`: the same file as `runScenario`. */
export async function runScenarioOn(scenario: Scenario, executor: Executor, progress?: ProgressFn): Promise<ResultsFile> {
  const [file] = await runStudy([scenario], executor, progress);
  return file!;
}
