/**
 * Checking a strategy's result against the scenario's service-level objectives (`slo:` — p99,
 * p99.9, availability). With replications the verdict holds at 95 %: a latency objective `meets`
 * when the upper end of the 95 % Student-t interval of the per-replication values is within the
 * target, `fails` when the lower end is beyond it, and is `uncertain` otherwise (availability the
 * other way round). With one replication the point estimate decides and the check says so. A
 * percentile with fewer than `MIN_TAIL` requests beyond it in a replication is `uncertain`
 * (`src/results/compare.ts`).
 */
import { formatMs } from '../input/units.js';
import { replicationsOf, tailWarning } from '../results/compare.js';
import type { SloCheck, SloResult, StrategyResult } from '../results/schema.js';
import { ci95 } from '../results/stats.js';
import type { Slo } from '../scenario/types.js';

/** The SLO as written into results (latencies ms, availability percent). */
export function sloTargets(slo: Slo): { p99?: number; p999?: number; availability?: number } {
  const out: { p99?: number; p999?: number; availability?: number } = {};
  if (slo.p99Ms !== undefined) out.p99 = slo.p99Ms;
  if (slo.p999Ms !== undefined) out.p999 = slo.p999Ms;
  if (slo.availability !== undefined) out.availability = slo.availability;
  return out;
}

/** "p99 ≤ 10 ms, availability ≥ 99.9 %". */
export function describeSlo(slo: Slo): string {
  const parts: string[] = [];
  if (slo.p99Ms !== undefined) parts.push(`p99 ≤ ${formatMs(slo.p99Ms)}`);
  if (slo.p999Ms !== undefined) parts.push(`p99.9 ≤ ${formatMs(slo.p999Ms)}`);
  if (slo.availability !== undefined) parts.push(`availability ≥ ${slo.availability} %`);
  return parts.join(', ');
}

/** Availability (0..1) of a result: the simulator's figure, else completed ÷ all outcomes. */
function availabilityOf(r: StrategyResult): number {
  if (r.availability !== undefined) return r.availability;
  const q = r.requests;
  const all = q.completed + q.failed + q.rejected;
  return all > 0 ? q.completed / all : NaN;
}

function verdictOf(value: number, ci: [number, number] | null, target: number, lowerIsBetter: boolean): SloCheck['verdict'] {
  if (!Number.isFinite(value)) return 'fails';
  const [lo, hi] = ci ?? [value, value];
  if (lowerIsBetter) return hi <= target ? 'meets' : lo > target ? 'fails' : 'uncertain';
  return lo >= target ? 'meets' : hi < target ? 'fails' : 'uncertain';
}

/** Checks one strategy against `slo` (see the module header). */
export function checkSlo(r: StrategyResult, slo: Slo): SloResult {
  const reps = replicationsOf(r);
  const one = reps.length < 2;
  const checks: SloCheck[] = [];
  const latency = (objective: 'p99' | 'p999', target: number | undefined): void => {
    if (target === undefined) return;
    const values = r.replications?.map((x) => (objective === 'p99' ? x.p99 : x.p999));
    const complete = values !== undefined && values.every((v): v is number => v !== undefined);
    const ci = !one && complete ? ci95(values) : null;
    const value = r.latency[objective];
    let verdict = verdictOf(value, ci, target, true);
    const few = tailWarning(reps, objective);
    let note: string | undefined;
    if (few && verdict !== 'fails') {
      verdict = 'uncertain';
      note = few;
    } else if (one) note = 'one replication: the point estimate decides (no interval)';
    checks.push({ objective, target, value, ci95: ci, verdict, ...(note ? { note } : {}) });
  };
  latency('p99', slo.p99Ms);
  latency('p999', slo.p999Ms);
  if (slo.availability !== undefined) {
    const value = 100 * availabilityOf(r);
    const values = r.replications?.map((x) => x.availability);
    const complete = values !== undefined && values.every((v): v is number => v !== undefined);
    const ci = !one && complete ? ci95(values.map((v) => 100 * v)) : null;
    const verdict = verdictOf(value, ci, slo.availability, false);
    checks.push({
      objective: 'availability',
      target: slo.availability,
      value,
      ci95: ci,
      verdict,
      ...(one ? { note: 'one replication: the point estimate decides (no interval)' } : {}),
    });
  }
  const verdict = checks.some((c) => c.verdict === 'fails')
    ? 'fails'
    : checks.every((c) => c.verdict === 'meets')
      ? 'meets'
      : 'uncertain';
  return { strategy: r.strategy, verdict, checks };
}

/**
 * Whether a single run's summary meets `slo` by its point values (the searches in `capacity.ts`,
 * `headroom.ts` and `tune.ts` decide per replication seed, then summarize across seeds).
 */
export function runMeetsSlo(
  run: { latency: { p99: number; p999: number }; availability?: number; requests: { completed: number; failed: number; rejected: number } },
  slo: Slo,
): boolean {
  if (slo.p99Ms !== undefined && !(run.latency.p99 <= slo.p99Ms)) return false;
  if (slo.p999Ms !== undefined && !(run.latency.p999 <= slo.p999Ms)) return false;
  if (slo.availability !== undefined) {
    const q = run.requests;
    const a = run.availability ?? (q.completed + q.failed + q.rejected > 0 ? q.completed / (q.completed + q.failed + q.rejected) : 0);
    if (!(100 * a >= slo.availability)) return false;
  }
  return true;
}

/**
 * How far a run is from `slo`, as the worst ratio value ÷ target over the objectives (≤ 1 meets;
 * availability as the ratio of losses, (100 − value) ÷ (100 − target)). Used to report the closest
 * setting when nothing meets the SLO.
 */
export function sloDistance(
  run: { latency: { p99: number; p999: number }; availability?: number; requests: { completed: number; failed: number; rejected: number } },
  slo: Slo,
): { ratio: number; objective: string; value: number } {
  let worst = { ratio: -Infinity, objective: '', value: NaN };
  const consider = (ratio: number, objective: string, value: number): void => {
    const r = Number.isFinite(ratio) ? ratio : Infinity;
    if (r > worst.ratio) worst = { ratio: r, objective, value };
  };
  if (slo.p99Ms !== undefined) consider(run.latency.p99 / slo.p99Ms, 'p99', run.latency.p99);
  if (slo.p999Ms !== undefined) consider(run.latency.p999 / slo.p999Ms, 'p99.9', run.latency.p999);
  if (slo.availability !== undefined) {
    const q = run.requests;
    const all = q.completed + q.failed + q.rejected;
    const a = 100 * (run.availability ?? (all > 0 ? q.completed / all : 0));
    consider(slo.availability >= 100 ? (a >= 100 ? 0 : Infinity) : (100 - a) / (100 - slo.availability), 'availability', a);
  }
  return worst;
}
