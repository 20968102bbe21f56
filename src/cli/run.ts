/**
 * `lbsim run <scenario>`: simulates every chosen strategy on the same seeded workload (the runs spread
 * over worker threads, or a Redis queue, by `exec-flags.ts`), prints the comparison table sorted by
 * p99, and writes the results JSON and/or the web report. Nothing is written unless the whole run
 * succeeds.
 */
import { decideRun } from '../decide/decide.js';
import { headroomUnavailable } from '../decide/headroom.js';
import { runStudyUntil, type StudyOutcome } from '../exec/study.js';
import { refuseTraceOnQueue, withExecutor, type ExecFlags } from './exec-flags.js';
import type { ResultsFile } from '../results/schema.js';
import { decorate, headroomLine, legend, wrap } from './decision-view.js';
import { evaluateOn, Interrupted } from './evaluator.js';
import { markPartial, trapInterrupt } from './interrupt.js';
import { parseMetric, type DecisionOverrides } from './decision-overrides.js';
import { describeScenario } from './describe.js';
import { parseLimits } from '../input/limits.js';
import { checkWritable, isStdoutTarget, tableStream, useColor, writeFileAtomic, styles } from './output.js';
import type { ScenarioOverrides } from './overrides.js';
import { progress } from './progress.js';
import { loadScenarioArg } from './scenario-file.js';
import { renderTable, thinNote } from './table.js';
import { trafficLines } from './traffic-view.js';

/** Flags of `lbsim run`. */
export interface RunFlags extends ScenarioOverrides, DecisionOverrides, ExecFlags {
  json?: string;
  report?: string;
  quiet?: boolean;
  /** `--metric`: what strategies are ranked by (p99, p999, mean). */
  metric?: string;
  /** false with `--no-headroom`. */
  headroom?: boolean;
  /** `--limit NAME=N` values (`src/input/limits.ts`). */
  limit?: string[];
}

/** Checks, before running, that the outputs a command was asked for can be written. @throws InputError */
export function checkOutputs(flags: { json?: string; report?: string }): void {
  if (flags.json) checkWritable(flags.json, '--json');
  if (flags.report) checkWritable(flags.report, '--report', true);
}

/**
 * Prints warnings, the header, the recommendation and headroom (when the run was decided), the
 * table and the comparison's verdict, on `out` (stdout, or stderr when the results JSON goes to
 * stdout).
 */
export function printResults(
  results: ResultsFile,
  header: string,
  headroomWhy: string | null = null,
  out: NodeJS.WriteStream = process.stdout,
): void {
  const st = styles(useColor(process.stderr));
  for (const w of [...results.warnings, ...(results.comparison?.warnings ?? [])]) process.stderr.write(`${st.yellow('warning:')} ${w}\n`);
  out.write(`${header}\n`);
  const load = results.scenario['clients'] as { load?: number } | undefined;
  out.write(
    `offered ${results.summary.offeredRate.toFixed(0)} req/s${load?.load !== undefined ? ` (clients.load ${load.load} × capacity)` : ''}, capacity ${results.summary.capacity.toFixed(0)} req/s, load ${(results.summary.loadFactor * 100).toFixed(0)}%\n\n`,
  );
  const on = useColor(out);
  const tx = styles(on);
  if (results.decision) {
    out.write(`${tx.bold(wrap(results.decision.paragraph))}\n`);
    out.write(`${wrap(headroomLine(results.decision, headroomWhy))}\n\n`);
  }
  const c = results.comparison;
  out.write(`${renderTable(results.results, on, c ? decorate(c, results.decision) : undefined)}\n`);
  const thin = thinNote(results.results);
  if (thin) out.write(`${wrap(thin)}\n`);
  const traffic = trafficLines(results.results);
  if (traffic.length > 0) out.write(`\n${traffic.map((l) => (l.startsWith('  ') ? l : wrap(l))).join('\n')}\n`);
  if (c) out.write(`\n${legend(c)}\n`);
}

/** Writes the requested outputs of a finished run (`--json -` or `/dev/stdout`: the JSON alone on stdout). */
export async function writeOutputs(results: ResultsFile, flags: { json?: string; report?: string }): Promise<void> {
  if (flags.json) {
    const text = `${JSON.stringify(results, null, 1)}\n`;
    if (isStdoutTarget(flags.json)) process.stdout.write(text);
    else {
      writeFileAtomic(flags.json, text);
      process.stderr.write(`results: ${flags.json}\n`);
    }
  }
  if (flags.report) {
    const { writeReport } = await import('../report/write.js');
    const path = writeReport([results], flags.report);
    process.stderr.write(`report: ${path}\n`);
  }
}

/** Runs the command; returns the exit code (130 after a Ctrl-C: `interrupt.ts`). */
export async function runCommand(arg: string, flags: RunFlags): Promise<number> {
  const note = (line: string): void => void (flags.quiet || process.stderr.write(`${line}\n`));
  // trapped from the start: a Ctrl-C while the input loads stops before the first run
  const interrupt = trapInterrupt('run');
  try {
    const done = await withExecutor(
      flags,
      note,
      async () => {
        const limits = parseLimits(flags.limit);
        checkOutputs(flags);
        const scenario = await loadScenarioArg(arg, flags, limits, (s) => refuseTraceOnQueue(flags, [s]));
        return { scenario, metric: parseMetric(flags.metric) };
      },
      async (executor, { scenario, metric }) => {
        const { signal } = interrupt;
        const bar = progress('simulating', Boolean(flags.quiet));
        let study: StudyOutcome;
        try {
          study = await runStudyUntil([scenario], executor, signal, (d, t) => bar.update(d, t));
        } finally {
          bar.stop();
        }
        const file = study.files[0]!;
        if (study.interrupted) return { scenario, study, results: file, why: null };
        let results = file!;
        // the headroom search runs its batches on the same executor (threads or queue)
        let why = headroomUnavailable(scenario);
        const wantHeadroom = flags.headroom !== false && why === null;
        const hbar = progress('headroom', Boolean(flags.quiet) || !wantHeadroom);
        const decideOpts = metric ? { metric } : {};
        try {
          results = await decideRun(results, scenario, {
            ...decideOpts,
            ...(wantHeadroom ? { headroom: evaluateOn(executor, (d, t) => hbar.update(d, t), signal) } : {}),
          });
        } catch (e) {
          if (!(e instanceof Interrupted)) throw e;
          // every strategy finished: the results are whole, only the headroom search was cut short
          results = await decideRun(results, scenario, decideOpts);
          why = `not computed: interrupted (${interrupt.by() ?? 'SIGINT'}) during the search`;
        } finally {
          hbar.stop();
        }
        return { scenario, study, results, why };
      },
    );
    const { scenario, study } = done;
    let { results } = done;
    const by = interrupt.by() ?? null;
    interrupt.dispose();
    if (study.interrupted) {
      const labels = scenario.strategies.map((c) => c.label);
      const finished = results?.results.map((r) => r.strategy) ?? [];
      const what = `${finished.length} of ${labels.length} strategies (${study.runs.done} of ${study.runs.total} runs)`;
      if (results === null) {
        process.stderr.write(`lbsim run: interrupted (${by}) after ${study.runs.done} of ${study.runs.total} runs, before any strategy finished all its runs: nothing written\n`);
        return interrupt.exitCode();
      }
      results = markPartial(results, `interrupted (${by})`, what, labels.filter((l) => !finished.includes(l)));
      printResults(results, describeScenario(scenario), 'not computed: the run was interrupted', tableStream(flags.json));
      const wrote = flags.json !== undefined || flags.report !== undefined;
      process.stderr.write(
        `lbsim run: interrupted (${by}): ${what} finished; ${wrote ? 'their results are written, marked partial' : 'nothing written (no --json or --report)'}\n`,
      );
      await writeOutputs(results, flags);
      return interrupt.exitCode();
    }
    printResults(results!, describeScenario(scenario), flags.headroom === false && done.why === null ? null : done.why, tableStream(flags.json));
    await writeOutputs(results!, flags);
    if (by !== null) process.stderr.write(`lbsim run: interrupted (${by}) during the headroom search: every strategy finished, the headroom search did not\n`);
    return by === null ? 0 : interrupt.exitCode();
  } finally {
    interrupt.dispose();
  }
}
