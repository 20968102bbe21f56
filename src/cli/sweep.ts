/**
 * `lbsim sweep <scenario> --vary key=from:to:step [--vary …]`: the scenario at every point of the
 * grid the `--vary` flags span (`vary.ts`), every strategy at each point; the runs spread over
 * worker threads or a Redis queue (`exec-flags.ts`). Prints p99 per strategy along the first axis,
 * one table per combination of the other axes (each point's statistical winner marked), and writes the results JSON (with `sweep`) and/or
 * the web report. Each point's scenario is validated from the file with the keys set, so a bad
 * value names the file and the point.
 */
import { dirname, resolve } from 'node:path';
import { MAX_STUDY_RUNS, studyRuns } from '../exec/study.js';
import { gridCoordinates, pointLabel, runSweepUntil } from '../exec/sweep.js';
import { markPartial, trapInterrupt } from './interrupt.js';
import { InputError } from '../input/errors.js';
import type { ResultsFile, SweepAxis, SweepPoint } from '../results/schema.js';
import { parseScenario } from '../scenario/index.js';
import type { Scenario } from '../scenario/types.js';
import { refuseTraceOnQueue, withExecutor, type ExecFlags } from './exec-flags.js';
import { applyOverrides, setPath, type ScenarioOverrides } from './overrides.js';
import { progress } from './progress.js';
import { readScenarioDoc } from './scenario-file.js';
import { compareResults } from '../results/compare.js';
import { fmt } from './table.js';
import { checkOutputs, writeOutputs } from './run.js';
import { DEFAULT_LIMITS, parseLimits, type InputLimits } from '../input/limits.js';
import { preloadTraces } from '../sim/model/trace-load.js';
import { checkScenarioLimits } from '../sim/limits.js';
import { tableStream, useColor, styles } from './output.js';
import { parseGrid } from './vary.js';

/** Flags of `lbsim sweep`. */
export interface SweepFlags extends ScenarioOverrides, ExecFlags {
  /** One `--vary` per axis. */
  vary: string[];
  json?: string;
  report?: string;
  quiet?: boolean;
  /** `--limit NAME=N` values (`src/input/limits.ts`). */
  limit?: string[];
}

/** The grid's axes and one validated scenario per point (row-major, see `exec/sweep.ts`). */
export async function sweepScenarios(arg: string, flags: SweepFlags, limits: Readonly<InputLimits> = DEFAULT_LIMITS): Promise<{ axes: SweepAxis[]; scenarios: Scenario[] }> {
  const axes = parseGrid(flags.vary);
  const { file, doc } = readScenarioDoc(arg, limits);
  const base = applyOverrides(doc, flags);
  const dir = dirname(resolve(file));
  const names = gridCoordinates(axes).map((at) => ({ at, name: `${file} (with ${pointLabel(axes, at)})` }));
  const scenarios = names.map(({ at, name }) => {
    let d = base;
    axes.forEach((a, i) => (d = setPath(d, a.key, at[i])));
    return parseScenario(d, name, dir, undefined, limits.fileBytes);
  });
  refuseTraceOnQueue(flags, scenarios); // before a trace is read
  // the limits count a replayed trace's requests: load it first
  for (const sc of scenarios) await preloadTraces(sc);
  scenarios.forEach((sc, k) => checkScenarioLimits(sc, names[k]!.name, limits));
  const runs = studyRuns(scenarios);
  if (runs > MAX_STUDY_RUNS) {
    const first = scenarios[0]!;
    throw new InputError('--vary', [
      {
        path: '',
        message: `${scenarios.length} points × ${first.strategies.length} strategies × ${Math.max(1, first.replications)} replications is ${runs} runs; at most ${MAX_STUDY_RUNS}`,
      },
    ]);
  }
  return { axes, scenarios };
}

/** Prints p99 by strategy along the first axis on `out`: one table per combination of the other axes. */
function printTables(results: ResultsFile, out: NodeJS.WriteStream): void {
  const st = styles(useColor(out));
  const sweep = results.sweep!;
  const axes = sweep.axes ?? [{ key: sweep.key, values: sweep.points.map((p) => p.value) }];
  const groups = new Map<string, SweepPoint[]>();
  for (const p of sweep.points) {
    const at = p.at ?? [p.value];
    const rest = axes.slice(1).map((a, i) => `${a.key}=${at[i + 1]}`).join(', ');
    const g = groups.get(rest);
    if (g) g.push(p);
    else groups.set(rest, [p]);
  }
  // Highlighted: each point's statistical winner (paired comparison, `src/results/compare.ts`); none
  // when the point has one replication or its best is tied.
  const winners = new Map(sweep.points.map((p) => [p, compareResults(p.results, { seed: results.summary.seed }).winner]));
  for (const [rest, points] of groups) {
    const labels = points[0]!.results.map((r) => r.strategy);
    const w = Math.max(8, ...labels.map((l) => l.length));
    out.write(`${st.bold(`p99 latency (ms) by ${sweep.key}${rest ? ` at ${rest}` : ''}`)}\n`);
    out.write(`${'strategy'.padEnd(w)}  ${points.map((p) => `${String(p.value).padStart(9)} `).join(' ')}\n`);
    out.write(`${'load'.padEnd(w)}  ${points.map((p) => `${`${(p.load * 100).toFixed(0)}%`.padStart(9)} `).join(' ')}\n`);
    for (const label of labels) {
      const cells = points.map((p) => {
        const r = p.results.find((x) => x.strategy === label);
        if (!r) return `${'-'.padStart(9)} `;
        const s = fmt(r.latency.p99).padStart(9);
        return winners.get(p) === label ? st.green(`${s}*`) : `${s} `;
      });
      out.write(`${label.padEnd(w)}  ${cells.join(' ')}\n`);
    }
    if (groups.size > 1) out.write('\n');
  }
  out.write(
    [...winners.values()].some((x) => x !== null)
      ? '* the point\'s statistical winner (paired 95 % intervals over replications)\n'
      : 'No point has a statistical winner (one replication, or the best is tied): use --replications N to compare.\n',
  );
}

/** Runs the command; returns the exit code (130 after a Ctrl-C: `interrupt.ts`). */
export async function sweepCommand(arg: string, flags: SweepFlags): Promise<number> {
  const note = (line: string): void => void (flags.quiet || process.stderr.write(`${line}\n`));
  // trapped from the start: a Ctrl-C while the input loads stops before the first run
  const interrupt = trapInterrupt('sweep');
  try {
    const outcome = await withExecutor(
      flags,
      note,
      async () => {
        const limits = parseLimits(flags.limit);
        checkOutputs(flags);
        return sweepScenarios(arg, flags, limits);
      },
      async (executor, { axes, scenarios }) => {
        const bar = progress('sweeping', Boolean(flags.quiet));
        try {
          return await runSweepUntil(axes, scenarios, executor, interrupt.signal, (d, t) => bar.update(d, t));
        } finally {
          bar.stop();
        }
      },
    );
    const by = interrupt.by() ?? null;
    interrupt.dispose();
    let results = outcome.file;
    const what = `${outcome.points.done} of ${outcome.points.total} points (${outcome.runs.done} of ${outcome.runs.total} runs)`;
    if (outcome.interrupted) {
      if (results === null) {
        process.stderr.write(`lbsim sweep: interrupted (${by}) after ${outcome.runs.done} of ${outcome.runs.total} runs, before any point finished all its strategies: nothing written\n`);
        return interrupt.exitCode();
      }
      results = markPartial(results, `interrupted (${by})`, what, outcome.missing);
    }
    for (const w of results!.warnings) process.stderr.write(`warning: ${w}\n`);
    printTables(results!, tableStream(flags.json));
    if (outcome.interrupted) {
      const wrote = flags.json !== undefined || flags.report !== undefined;
      process.stderr.write(`lbsim sweep: interrupted (${by}): ${what} finished; ${wrote ? 'their results are written, marked partial' : 'nothing written (no --json or --report)'}\n`);
    }
    await writeOutputs(results!, flags);
    return outcome.interrupted ? interrupt.exitCode() : 0;
  } finally {
    interrupt.dispose();
  }
}
