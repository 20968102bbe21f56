/**
 * Runs many {@link Bisection}s together: each step collects the next probe of every unfinished
 * search, evaluates them as ONE batch (so a parallel evaluator keeps every core busy), and tells
 * each search its outcome. A probe whose job was already run (same search, same setting) is not run
 * again.
 */
import type { Bisection } from './bisection.js';
import type { Evaluate, RunJob, RunSummary } from './evaluate.js';

/** One search and how to turn its settings into a run and a run into an outcome. */
export interface DrivenSearch {
  search: Bisection;
  /** The run that probes setting `x`. */
  job: (x: number) => RunJob;
  /** Whether the run meets the objective. */
  ok: (run: RunSummary) => boolean;
  /** Every probe's run, by setting (filled in by {@link driveSearches}). */
  runs?: Map<number, RunSummary>;
}

/** Drives every search to its end; resolves to the number of runs evaluated. */
export async function driveSearches(searches: readonly DrivenSearch[], evaluate: Evaluate): Promise<number> {
  let runs = 0;
  for (const s of searches) s.runs ??= new Map();
  for (;;) {
    const batch: { s: DrivenSearch; x: number }[] = [];
    const cached: { s: DrivenSearch; x: number }[] = [];
    for (const s of searches) {
      const x = s.search.next();
      if (x === null) continue;
      (s.runs!.has(x) ? cached : batch).push({ s, x });
    }
    if (batch.length === 0 && cached.length === 0) return runs;
    const out = await evaluate(batch.map((b) => b.s.job(b.x)));
    runs += out.length;
    batch.forEach((b, i) => b.s.runs!.set(b.x, out[i]!));
    for (const b of [...batch, ...cached]) b.s.search.tell(b.x, b.s.ok(b.s.runs!.get(b.x)!));
  }
}
