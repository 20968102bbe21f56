/**
 * `lbsim sweep <scenario> --vary key=from:to:step`: the scenario at each value of one key, every
 * strategy at each point; points run in parallel on worker threads. Prints p99 per strategy per
 * point (each point's statistical winner marked) and writes the results JSON (with `sweep`) and/or the web report.
 */
import { dirname, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { InputError } from '../input/errors.js';
import { parseScenario } from '../scenario/index.js';
import { sweepScenarios } from '../sim/sweep.js';
import { applyOverrides, setPath, type ScenarioOverrides } from './overrides.js';
import { progress } from './progress.js';
import { readScenarioDoc } from './scenario-file.js';
import { compareResults } from '../results/compare.js';
import { fmt } from './table.js';
import { checkOutputs, writeOutputs } from './run.js';
import { parseLimits } from '../input/limits.js';
import { checkScenarioLimits } from '../sim/limits.js';
import { useColor, styles } from './output.js';

/** Flags of `lbsim sweep`. */
export interface SweepFlags extends ScenarioOverrides {
  vary: string;
  parallel?: string;
  json?: string;
  report?: string;
  quiet?: boolean;
  /** `--limit NAME=N` values (`src/input/limits.ts`). */
  limit?: string[];
}

/** Parses `key=from:to:step` into the key and its values (at most 200 points). */
export function parseVary(spec: string): { key: string; values: number[] } {
  const m = /^([A-Za-z0-9_.[\]]+)=(-?[\d.e+]+):(-?[\d.e+]+):([\d.e+]+)$/.exec(spec.trim());
  const bad = (message: string) => new InputError('--vary', [{ path: '', message }]);
  if (!m) throw bad(`expected KEY=FROM:TO:STEP (e.g. clients.rate=1000:9000:1000), got ${JSON.stringify(spec)}`);
  const [from, to, step] = [Number(m[2]), Number(m[3]), Number(m[4])];
  if (![from, to, step].every(Number.isFinite) || !(step > 0) || to < from) throw bad('expected FROM ≤ TO and STEP > 0');
  const values: number[] = [];
  for (let v = from, k = 0; v <= to + step * 1e-9; k++, v = from + k * step) values.push(+v.toPrecision(12));
  if (values.length > 200) throw bad(`${values.length} points is too many (at most 200)`);
  return { key: m[1]!, values };
}

/** Runs the command; returns the exit code. */
export async function sweepCommand(arg: string, flags: SweepFlags): Promise<number> {
  const { key, values } = parseVary(flags.vary);
  const limits = parseLimits(flags.limit);
  checkOutputs(flags);
  const { file, doc } = readScenarioDoc(arg, limits);
  const base = applyOverrides(doc, flags);
  const dir = dirname(resolve(file));
  const scenarios = values.map((v) => {
    const name = `${file} (with ${key}=${v})`;
    const scenario = parseScenario(setPath(base, key, v), name, dir, undefined, limits.fileBytes);
    checkScenarioLimits(scenario, name, limits);
    return scenario;
  });
  const parallel = flags.parallel === undefined ? availableParallelism() : Number(flags.parallel);
  if (!Number.isInteger(parallel) || parallel < 1) {
    throw new InputError('--parallel', [{ path: '', message: `expected an integer ≥ 1, got ${JSON.stringify(flags.parallel)}` }]);
  }
  const bar = progress('sweeping', Boolean(flags.quiet));
  let results;
  try {
    results = await sweepScenarios(scenarios, key, values, { parallel, onProgress: (d, t) => bar.update(d, t) });
  } finally {
    bar.stop();
  }
  const st = styles(useColor());
  for (const w of results.warnings) process.stderr.write(`warning: ${w}\n`);
  const points = results.sweep!.points;
  const labels = points[0]!.results.map((r) => r.strategy);
  const w = Math.max(8, ...labels.map((l) => l.length));
  process.stdout.write(`${st.bold(`p99 latency (ms) by ${key}`)}\n`);
  process.stdout.write(`${'strategy'.padEnd(w)}  ${points.map((p) => `${String(p.value).padStart(9)} `).join(' ')}\n`);
  process.stdout.write(`${'load'.padEnd(w)}  ${points.map((p) => `${`${(p.load * 100).toFixed(0)}%`.padStart(9)} `).join(' ')}\n`);
  // Highlighted: each point's statistical winner (paired comparison, `src/results/compare.ts`); none
  // when the point has one replication or its best is tied.
  const winners = points.map((p) => compareResults(p.results, { seed: results.summary.seed }).winner);
  for (const label of labels) {
    const cells = points.map((p, k) => {
      const r = p.results.find((x) => x.strategy === label)!;
      const s = fmt(r.latency.p99).padStart(9);
      return winners[k] === label ? st.green(`${s}*`) : `${s} `;
    });
    process.stdout.write(`${label.padEnd(w)}  ${cells.join(' ')}\n`);
  }
  process.stdout.write(
    winners.some((x) => x !== null)
      ? '* the point\'s statistical winner (paired 95 % intervals over replications)\n'
      : 'No point has a statistical winner (one replication, or the best is tied): use --replications N to compare.\n',
  );
  await writeOutputs(results, flags);
  return 0;
}
