/**
 * Sweeps and grids: a scenario at every combination of values of one or more keys (one axis per
 * `--vary`), every strategy at every point. Points are independent studies' scenarios; they run as
 * one batch on an executor (`study.ts`) and are assembled in grid order, so the file is the same
 * whatever the executor. The results file carries the axes and each point's coordinates
 * (`src/results/schema.ts`: `sweep.axes`, `points[].at`).
 */
import type { AxisValue, ResultsFile, SweepAxis, SweepPoint } from '../results/schema.js';
import type { Scenario } from '../scenario/types.js';
import type { Executor, ProgressFn } from './executor.js';
import { runStudy, runStudyUntil } from './study.js';

/** Every combination of the axes' values, row-major (the last axis varies fastest). */
export function gridCoordinates(axes: readonly SweepAxis[]): AxisValue[][] {
  let out: AxisValue[][] = [[]];
  for (const axis of axes) out = out.flatMap((prefix) => axis.values.map((v) => [...prefix, v]));
  return axes.length === 0 ? [] : out;
}

/** `key=value` for every axis of a point, for messages: `clients.rate=5000, backends[0].count=10`. */
export function pointLabel(axes: readonly SweepAxis[], at: readonly AxisValue[]): string {
  return axes.map((a, i) => `${a.key}=${at[i]}`).join(', ');
}

/**
 * The sweep's results file from its points' files (`files[i]` is the scenario at `coordinates[i]`):
 * header facts from the first point, every point's warnings prefixed with its coordinates.
 */
export function sweepFile(axes: readonly SweepAxis[], coordinates: readonly AxisValue[][], files: readonly ResultsFile[]): ResultsFile {
  if (files.length === 0 || files.length !== coordinates.length) throw new Error('sweep: expected one results file per grid point, and at least one');
  const points: SweepPoint[] = files.map((f, i) => ({
    value: coordinates[i]![0] as number, // the first axis is numeric (`src/cli/vary.ts`)
    at: [...coordinates[i]!],
    load: f.summary.loadFactor,
    results: f.results,
  }));
  const first = files[0]!;
  return {
    schema: first.schema,
    mode: 'sim',
    generator: first.generator,
    scenario: first.scenario,
    summary: first.summary,
    results: [],
    sweep: { key: axes[0]!.key, axes: axes.map((a) => ({ key: a.key, values: [...a.values] })), points },
    warnings: files.flatMap((f, i) => f.warnings.map((w) => `${pointLabel(axes, coordinates[i]!)}: ${w}`)),
  };
}

/**
 * Runs a sweep: `scenarios[i]` is the scenario at `gridCoordinates(axes)[i]` (made by the caller,
 * e.g. re-validated from the file with the keys set, so errors name the file).
 */
export async function runSweep(
  axes: readonly SweepAxis[],
  scenarios: readonly Scenario[],
  executor: Executor,
  progress?: ProgressFn,
): Promise<ResultsFile> {
  const coordinates = gridCoordinates(axes);
  if (scenarios.length !== coordinates.length) throw new Error(`sweep: ${scenarios.length} scenarios for ${coordinates.length} grid points`);
  const files = await runStudy(scenarios, executor, progress);
  return sweepFile(axes, coordinates, files);
}

/** What a sweep that a signal may interrupt finished (see {@link runSweepUntil}). */
export interface SweepOutcome {
  /** The sweep over the points where every strategy finished; null when no point did. */
  file: ResultsFile | null;
  interrupted: boolean;
  /** Whole points, of the grid's. */
  points: { done: number; total: number };
  /** Runs that arrived, and the study's distinct runs. */
  runs: { done: number; total: number };
  /** `key=value, …` of each point left out. */
  missing: string[];
}

/**
 * {@link runSweep} until it ends or `signal` aborts (Ctrl-C). Interrupted, the file holds the points
 * where every strategy finished (the axes keep every value, so a grid shows the gaps).
 */
export async function runSweepUntil(
  axes: readonly SweepAxis[],
  scenarios: readonly Scenario[],
  executor: Executor,
  signal: AbortSignal | undefined,
  progress?: ProgressFn,
): Promise<SweepOutcome> {
  const coordinates = gridCoordinates(axes);
  if (scenarios.length !== coordinates.length) throw new Error(`sweep: ${scenarios.length} scenarios for ${coordinates.length} grid points`);
  const outcome = await runStudyUntil(scenarios, executor, signal, progress);
  const whole = outcome.files.map((f, i) => f !== null && f.results.length === scenarios[i]!.strategies.length);
  const keep = coordinates.flatMap((_c, i) => (whole[i] ? [i] : []));
  return {
    file: keep.length === 0 ? null : sweepFile(axes, keep.map((i) => coordinates[i]!), keep.map((i) => outcome.files[i]!)),
    interrupted: outcome.interrupted,
    points: { done: keep.length, total: coordinates.length },
    runs: outcome.runs,
    missing: coordinates.flatMap((c, i) => (whole[i] ? [] : [pointLabel(axes, c)])),
  };
}
