/**
 * The comparison the report shows: the one the results file carries (written by `lbsim run` with
 * the same code as the terminal's table), or, for files without one (older files, sweep points),
 * the same function (`src/results/compare.ts`) run here on the file's per-replication figures.
 */
import { compareResults } from '../../../src/results/compare.js';
import type { Comparison, ResultsFile, StrategyResult } from '../types.js';

/** The comparison of `results` (the strategies at the selected point of `file`). */
export function comparisonFor(file: ResultsFile, results: readonly StrategyResult[], isSweep: boolean): Comparison | null {
  if (results.length === 0) return null;
  if (!isSweep && file.comparison) return file.comparison;
  const baseline = results.find((r) => r.strategy === 'round-robin') ? 'round-robin' : null;
  return compareResults(results, { baseline, seed: file.summary.seed });
}

/**
 * The strategies the charts show first for a decided run: the recommended one, the baseline and the
 * group tied with the best (the best alone when nothing is tied); null (show all) without a decision.
 * Pathological strategies are never among them.
 */
export function defaultShown(file: ResultsFile): Set<string> | null {
  const d = file.decision;
  const c = file.comparison;
  if (!d || !c || file.results.length <= 4) return null;
  const sick = new Set(d.pathological.map((p) => p.strategy));
  const shown = new Set<string>();
  if (d.recommended) shown.add(d.recommended);
  if (c.baseline) shown.add(c.baseline);
  for (const s of c.tied.length > 0 ? c.tied : [c.best]) shown.add(s);
  for (const s of sick) shown.delete(s);
  return shown.size > 0 ? shown : null;
}
