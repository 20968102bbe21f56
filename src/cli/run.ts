/**
 * `lbsim run <scenario>`: simulates every chosen strategy on the same seeded workload, prints the
 * comparison table sorted by p99, and writes the results JSON and/or the web report. Nothing is
 * written unless the whole run succeeds.
 */
import { runScenario } from '../sim/run.js';
import { preloadTraces } from '../sim/model/trace-load.js';
import type { ResultsFile } from '../results/schema.js';
import { describeScenario } from './describe.js';
import { useColor, writeFileAtomic, styles } from './output.js';
import type { ScenarioOverrides } from './overrides.js';
import { progress } from './progress.js';
import { loadScenarioArg } from './scenario-file.js';
import { renderTable } from './table.js';

/** Flags of `lbsim run`. */
export interface RunFlags extends ScenarioOverrides {
  json?: string;
  report?: string;
  quiet?: boolean;
}

/** Prints warnings, the header and the table of a results file. */
export function printResults(results: ResultsFile, header: string): void {
  const st = styles(useColor(process.stderr));
  for (const w of results.warnings) process.stderr.write(`${st.yellow('warning:')} ${w}\n`);
  process.stdout.write(`${header}\n`);
  process.stdout.write(
    `offered ${results.summary.offeredRate.toFixed(0)} req/s, capacity ${results.summary.capacity.toFixed(0)} req/s, load ${(results.summary.loadFactor * 100).toFixed(0)}%\n\n`,
  );
  process.stdout.write(`${renderTable(results.results, useColor())}\n`);
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
  const scenario = loadScenarioArg(arg, flags);
  await preloadTraces(scenario);
  const bar = progress('simulating', Boolean(flags.quiet));
  let results: ResultsFile;
  try {
    results = runScenario(scenario, { onProgress: (done, total) => bar.update(done, total) });
  } finally {
    bar.stop();
  }
  printResults(results, describeScenario(scenario));
  await writeOutputs(results, flags);
  return 0;
}
