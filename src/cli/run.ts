/**
 * `lbsim run <scenario>`: simulates every chosen strategy on the same seeded workload (the runs spread
 * over worker threads, or a Redis queue, by `exec-flags.ts`), prints the comparison table sorted by
 * p99, and writes the results JSON and/or the web report. Nothing is written unless the whole run
 * succeeds.
 */
import { decideRun } from '../decide/decide.js';
import { headroomUnavailable } from '../decide/headroom.js';
import { runScenarioOn } from '../exec/study.js';
import { refuseTraceOnQueue, withExecutor, type ExecFlags } from './exec-flags.js';
import type { ResultsFile } from '../results/schema.js';
import { decorate, headroomLine, legend, wrap } from './decision-view.js';
import { evaluateOn } from './evaluator.js';
import { parseMetric, type DecisionOverrides } from './decision-overrides.js';
import { describeScenario } from './describe.js';
import { parseLimits } from '../input/limits.js';
import { checkWritable, useColor, writeFileAtomic, styles } from './output.js';
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
 * table and the comparison's verdict.
 */
export function printResults(results: ResultsFile, header: string, headroomWhy: string | null = null): void {
  const st = styles(useColor(process.stderr));
  for (const w of [...results.warnings, ...(results.comparison?.warnings ?? [])]) process.stderr.write(`${st.yellow('warning:')} ${w}\n`);
  process.stdout.write(`${header}\n`);
  const load = results.scenario['clients'] as { load?: number } | undefined;
  process.stdout.write(
    `offered ${results.summary.offeredRate.toFixed(0)} req/s${load?.load !== undefined ? ` (clients.load ${load.load} × capacity)` : ''}, capacity ${results.summary.capacity.toFixed(0)} req/s, load ${(results.summary.loadFactor * 100).toFixed(0)}%\n\n`,
  );
  const out = styles(useColor());
  if (results.decision) {
    process.stdout.write(`${out.bold(wrap(results.decision.paragraph))}\n`);
    process.stdout.write(`${wrap(headroomLine(results.decision, headroomWhy))}\n\n`);
  }
  const c = results.comparison;
  process.stdout.write(`${renderTable(results.results, useColor(), c ? decorate(c, results.decision) : undefined)}\n`);
  const thin = thinNote(results.results);
  if (thin) process.stdout.write(`${wrap(thin)}\n`);
  const traffic = trafficLines(results.results);
  if (traffic.length > 0) process.stdout.write(`\n${traffic.map((l) => (l.startsWith('  ') ? l : wrap(l))).join('\n')}\n`);
  if (c) process.stdout.write(`\n${legend(c)}\n`);
}

/** Writes the requested outputs of a finished run. */
export async function writeOutputs(results: ResultsFile, flags: { json?: string; report?: string }): Promise<void> {
  if (flags.json) {
    writeFileAtomic(flags.json, `${JSON.stringify(results, null, 1)}\n`);
    process.stderr.write(`results: ${flags.json}\n`);
  }
  if (flags.report) {
    const { writeReport } = await import('../report/write.js');
    const path = writeReport([results], flags.report);
    process.stderr.write(`report: ${path}\n`);
  }
}

/** Runs the command; returns the exit code. */
export async function runCommand(arg: string, flags: RunFlags): Promise<number> {
  const note = (line: string): void => void (flags.quiet || process.stderr.write(`${line}\n`));
  const { scenario, results, why } = await withExecutor(
    flags,
    note,
    async () => {
      const limits = parseLimits(flags.limit);
      checkOutputs(flags);
      const scenario = await loadScenarioArg(arg, flags, limits, (s) => refuseTraceOnQueue(flags, [s]));
      return { scenario, metric: parseMetric(flags.metric) };
    },
    async (executor, { scenario, metric }) => {
      const bar = progress('simulating', Boolean(flags.quiet));
      let results: ResultsFile;
      try {
        results = await runScenarioOn(scenario, executor, (done, total) => bar.update(done, total));
      } finally {
        bar.stop();
      }
      // the headroom search runs its batches on the same executor (threads or queue)
      const why = headroomUnavailable(scenario);
      const wantHeadroom = flags.headroom !== false && why === null;
      const hbar = progress('headroom', Boolean(flags.quiet) || !wantHeadroom);
      try {
        results = await decideRun(results, scenario, {
          ...(metric ? { metric } : {}),
          ...(wantHeadroom ? { headroom: evaluateOn(executor, (d, t) => hbar.update(d, t)) } : {}),
        });
      } finally {
        hbar.stop();
      }
      return { scenario, results, why };
    },
  );
  printResults(results, describeScenario(scenario), flags.headroom === false && why === null ? null : why);
  await writeOutputs(results, flags);
  return 0;
}
