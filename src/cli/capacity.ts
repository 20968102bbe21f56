/**
 * `lbsim capacity <scenario>`: per strategy, the smallest backend count (`--vary backends`, the
 * default), the largest arrival rate (`--vary rate`) or the smallest speed (`--vary speed`) that
 * meets the scenario's SLO (`src/decide/capacity.ts`). Prints a table, writes the results JSON
 * (with `capacity`, no per-strategy results) and/or the report with its chart.
 */
import { capacitySearch, type CapacityVary } from '../decide/capacity.js';
import { InputError } from '../input/errors.js';
import { fmtMs } from '../results/compare.js';
import { RESULTS_SCHEMA, type CapacityReport, type ResultsFile } from '../results/schema.js';
import type { Scenario } from '../scenario/types.js';
import { scenarioFacts } from '../sim/run.js';
import { VERSION } from './version.js';
import { describeScenario } from './describe.js';
import type { DecisionOverrides } from './decision-overrides.js';
import { wrap } from './decision-view.js';
import { evaluateOn } from './evaluator.js';
import { openExecutor, refuseTraceOnQueue, type ExecFlags } from './exec-flags.js';
import { styles, useColor } from './output.js';
import type { ScenarioOverrides } from './overrides.js';
import { progress } from './progress.js';
import { describeSlo } from '../decide/slo.js';
import { writeOutputs } from './run.js';
import { parseLimits } from '../input/limits.js';
import { loadScenarioArg } from './scenario-file.js';

/** Flags of `lbsim capacity`. */
export interface CapacityFlags extends ScenarioOverrides, DecisionOverrides, ExecFlags {
  /** `--limit NAME=N` values (`src/input/limits.ts`). */
  limit?: string[];
  vary?: string;
  group?: string;
  range?: string;
  json?: string;
  report?: string;
  quiet?: boolean;
}

/** The group index `--group` names (a name or an index), or null when absent. @throws InputError */
export function parseGroup(s: Scenario, v: string | undefined): number | null {
  if (v === undefined) return null;
  const byName = s.backends.findIndex((g) => g.name === v);
  if (byName >= 0) return byName;
  const i = Number(v);
  if (Number.isInteger(i) && i >= 0 && i < s.backends.length) return i;
  throw new InputError('--group', [{ path: '', message: `no backend group "${v}"; groups: ${s.backends.map((g, k) => g.name ?? String(k)).join(', ')}` }]);
}

/** Parses `--range lo:hi` (durations not accepted: counts, req/s or multipliers). @throws InputError */
export function parseRange(v: string | undefined): [number, number] | undefined {
  if (v === undefined) return undefined;
  const m = /^\s*([\d.e+]+)\s*:\s*([\d.e+]+)\s*$/.exec(v);
  const lo = m ? Number(m[1]) : NaN;
  const hi = m ? Number(m[2]) : NaN;
  if (!(Number.isFinite(lo) && Number.isFinite(hi))) throw new InputError('--range', [{ path: '', message: `expected LO:HI (e.g. 5:40), got ${JSON.stringify(v)}` }]);
  return [lo, hi];
}

/** Formats one answer in the unit of the search. */
export function fmtSetting(vary: CapacityVary, x: number): string {
  if (vary === 'backends') return String(x);
  if (vary === 'rate') return `${Math.round(x).toLocaleString('en-US')} req/s`;
  return `${x.toFixed(2)}×`;
}

/** The capacity table and notes as text. */
export function renderCapacity(c: CapacityReport, color: boolean): string {
  const st = styles(color);
  const what = c.vary === 'backends' ? `backends${c.group && !/^\d+$/.test(c.group) ? ` (${c.group})` : ''}` : c.vary === 'rate' ? 'rate' : 'speed';
  const better = (a: number, b: number): number => (c.vary === 'rate' ? b - a : a - b);
  const rows = [...c.rows].sort((a, b) => (a.value === null ? 1 : b.value === null ? -1 : better(a.value, b.value)));
  const withCi = c.vary !== 'backends' && c.rows.some((r) => r.ci95 !== null);
  const head = ['strategy', what, ...(withCi ? ['95% CI'] : []), 'per replication', 'runs'];
  const body = rows.map((r) => [
    r.strategy,
    r.value === null ? 'none in range' : fmtSetting(c.vary, r.value),
    ...(withCi ? [r.ci95 ? `${fmtSetting(c.vary, r.ci95[0])}–${fmtSetting(c.vary, r.ci95[1])}` : ''] : []),
    r.perReplication.map((x) => (x === null ? '–' : c.vary === 'backends' ? String(x) : fmtSetting(c.vary, x))).join(' '),
    String(r.runs),
  ]);
  const widths = head.map((h, k) => Math.max(h.length, ...body.map((r) => r[k]!.length)));
  const line = (cells: string[]) => cells.map((s, k) => (k === 0 ? s.padEnd(widths[k]!) : s.padStart(widths[k]!))).join('  ');
  const best = rows[0]?.value ?? null;
  const out = [`  ${st.bold(line(head))}`];
  body.forEach((cells, k) => {
    const isBest = best !== null && rows[k]!.value === best;
    out.push(isBest ? st.green(st.bold(`* ${line(cells)}`)) : `  ${line(cells)}`);
  });
  // what the strategies that meet the SLO nowhere came closest to
  for (const r of rows)
    if (r.value === null && r.closest) {
      const v = r.closest.objective === 'availability' ? `${r.closest.value.toFixed(3)} %` : `${Math.round(r.closest.value) >= 1000 ? Math.round(r.closest.value).toLocaleString('en-US') : fmtMs(r.closest.value)} ms`;
      out.push(
        `  ${r.strategy}: no setting in ${fmtSetting(c.vary, c.range[0])}–${fmtSetting(c.vary, c.range[1])} meets the SLO; closest: ${fmtSetting(c.vary, r.closest.setting)}${c.vary === 'backends' ? ' backends' : ''}, ${r.closest.objective} ${v}.`,
      );
    }
  return out.join('\n');
}

/** Runs the command; returns the exit code. */
export async function capacityCommand(arg: string, flags: CapacityFlags): Promise<number> {
  const scenario = await loadScenarioArg(arg, flags, parseLimits(flags.limit), (s) => refuseTraceOnQueue(flags, [s]));
  const vary = (flags.vary ?? 'backends') as CapacityVary;
  const group = parseGroup(scenario, flags.group);
  const range = parseRange(flags.range);
  const t0 = performance.now();
  const executor = await openExecutor(flags, (line) => void (flags.quiet || process.stderr.write(`${line}\n`)));
  const bar = progress('searching', Boolean(flags.quiet));
  const evaluate = evaluateOn(executor, (d, t) => bar.update(d, t));
  let report: CapacityReport;
  try {
    report = await capacitySearch(scenario, { vary, group, ...(range ? { range } : {}), evaluate });
  } finally {
    bar.stop();
    await executor.close();
  }
  const st = styles(useColor(process.stderr));
  for (const w of report.warnings) process.stderr.write(`${st.yellow('warning:')} ${w}\n`);
  const facts = scenarioFacts(scenario);
  process.stdout.write(`${describeScenario(scenario)}\n`);
  const what = vary === 'backends' ? 'Smallest backend count' : vary === 'rate' ? 'Largest arrival rate' : 'Smallest speed (× the scenario\'s)';
  const current = vary === 'backends' ? `now ${report.current}` : vary === 'rate' ? `now ${Math.round(report.current).toLocaleString('en-US')} req/s, capacity ${Math.round(facts.capacity).toLocaleString('en-US')} req/s` : 'now 1×';
  const sloText = describeSlo(scenario.slo!);
  process.stdout.write(`${what} meeting the SLO (${sloText}); ${current}; range ${fmtSetting(vary, report.range[0])}–${fmtSetting(vary, report.range[1])}\n\n`);
  process.stdout.write(`${renderCapacity(report, useColor())}\n\n`);
  process.stdout.write(`${wrap(`Method: ${report.method}.`)}\n`);
  process.stdout.write(`${report.runs} runs in ${((performance.now() - t0) / 1000).toFixed(1)} s.\n`);
  const results: ResultsFile = {
    schema: RESULTS_SCHEMA,
    mode: 'sim',
    generator: `lbsim ${VERSION}`,
    scenario: scenario as unknown as Record<string, unknown>,
    summary: { ...facts, durationS: scenario.durationMs / 1000, seed: scenario.seed, replications: Math.max(1, scenario.replications) },
    results: [],
    warnings: report.warnings,
    capacity: report,
  };
  await writeOutputs(results, flags);
  return 0;
}
