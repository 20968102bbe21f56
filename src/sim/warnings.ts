/**
 * The warnings of a simulated run, written from its results so that they say what happened rather
 * than what might (they go into the results file, so `lbsim run` prints them and the report shows
 * them):
 *
 * - offered load above capacity: whether the backends saturated and queued (utilization near
 *   100 %, requests answered past the give-up bound), or whether the balancer shed the excess
 *   instead (rejected or failed requests, by kind, with the utilization the backends actually had);
 * - per strategy, requests answered only after the give-up bound (the measured duration; they
 *   count as failed, see `src/sim/engine/recorder.ts`), with the backend that took them;
 * - an imported scenario whose workload is still the placeholder `lbsim import` wrote.
 */
import { formatMs } from '../input/units.js';
import type { ErrorCounts, StrategyResult } from '../results/schema.js';
import { placeholderWorkloadUntouched } from '../scenario/imported.js';
import type { Scenario } from '../scenario/types.js';

/** Utilization from which a backend counts as saturated. */
export const SATURATED = 0.95;

const pct = (x: number): string => `${(100 * x).toFixed(x < 0.1 ? 1 : 0)} %`;
const count = (x: number): string => Math.round(x).toLocaleString('en-US');

/** Words for the error kinds. */
const KIND_WORDS: Record<keyof ErrorCounts, string> = {
  refused: 'connection refused',
  timeout: 'timed out',
  http5xx: 'answered 5xx',
  reset: 'connection reset',
  rateLimited: 'rate-limited',
  unavailable: 'no eligible backend (health checks or passive health had marked them down, or limits/queue full)',
};

function measured(r: StrategyResult): number {
  return r.requests.completed + r.requests.failed + r.requests.rejected;
}

function lost(r: StrategyResult): number {
  return r.requests.failed + r.requests.rejected;
}

/** The most common error kind of `results` together, in words. */
function mainKind(results: readonly StrategyResult[]): string | null {
  const totals = new Map<keyof ErrorCounts, number>();
  for (const r of results) {
    if (!r.errors) continue;
    for (const [k, v] of Object.entries(r.errors) as [keyof ErrorCounts, number][]) totals.set(k, (totals.get(k) ?? 0) + v);
  }
  let best: [keyof ErrorCounts, number] | null = null;
  for (const e of totals) if (e[1] > 0 && (!best || e[1] > best[1])) best = e;
  return best ? KIND_WORDS[best[0]] : null;
}

function range(xs: number[], f: (x: number) => string): string {
  const lo = Math.min(...xs);
  const hi = Math.max(...xs);
  return f(lo) === f(hi) ? f(lo) : `${f(lo).replace(/ %$/, '')}–${f(hi)}`;
}

/** The hottest backend of a result. */
function hottest(r: StrategyResult): StrategyResult['backends'][number] | undefined {
  let hot: StrategyResult['backends'][number] | undefined;
  for (const b of r.backends) if (!hot || b.utilization > hot.utilization) hot = b;
  return hot;
}

/** Mean utilization over a result's backends. */
function meanUtil(r: StrategyResult): number {
  const u = r.backends.map((b) => b.utilization);
  return u.length > 0 ? u.reduce((a, b) => a + b, 0) / u.length : 0;
}

/** Share of measured requests below which losses are not the story. */
const LOSS_NOTED = 0.01;

/**
 * What happened to the load above capacity (see the module header): the strategies are grouped by
 * whether their busiest backend saturated and whether they lost requests, and each group is
 * described by what its results show.
 */
function overloadWarning(scenario: Scenario, facts: { offeredRate: number; capacity: number; loadFactor: number }, results: readonly StrategyResult[]): string {
  const head = `offered load ${count(facts.offeredRate)} req/s exceeds capacity ${count(facts.capacity)} req/s (load factor ${facts.loadFactor.toFixed(2)})`;
  if (results.length === 0) return head;
  const who = (rs: StrategyResult[]): string => (rs.length === results.length ? (rs.length === 1 ? rs[0]!.strategy : 'every strategy') : rs.map((r) => r.strategy).join(', '));
  const lossShare = (r: StrategyResult): number => lost(r) / Math.max(1, measured(r));
  const saturated = (r: StrategyResult): boolean => (hottest(r)?.utilization ?? 0) >= SATURATED;
  const groups: [StrategyResult[], (rs: StrategyResult[]) => string][] = [
    [
      results.filter((r) => saturated(r) && lossShare(r) >= LOSS_NOTED),
      (rs) => {
        const kind = mainKind(rs);
        return `${who(rs)} ran backends at ≥ ${pct(SATURATED)} utilization and lost ${range(rs.map(lossShare), pct)} of requests${kind ? ` (mostly ${kind})` : ''}`;
      },
    ],
    [
      results.filter((r) => saturated(r) && lossShare(r) < LOSS_NOTED),
      (rs) => `${who(rs)} ran backends at ≥ ${pct(SATURATED)} utilization and queued the excess (latency grew through the run)`,
    ],
    [
      results.filter((r) => !saturated(r) && lossShare(r) >= LOSS_NOTED),
      (rs) => {
        const kind = mainKind(rs);
        return `queues did not grow for ${who(rs)}: ${range(rs.map(lossShare), pct)} of requests were lost instead${kind ? ` (mostly ${kind})` : ''}, with backends at ${range(rs.map(meanUtil), pct)} utilization on average`;
      },
    ],
    [
      results.filter((r) => !saturated(r) && lossShare(r) < LOSS_NOTED),
      (rs) => `${who(rs)} kept backends at ${range(rs.map(meanUtil), pct)} utilization on average`,
    ],
  ];
  const parts = groups.filter(([rs]) => rs.length > 0).map(([rs, say]) => say(rs));
  const over = results.filter((r) => (r.overBound ?? 0) > 0);
  if (over.length > 0) parts.push(`${who(over)} answered some requests only after more than ${formatMs(scenario.durationMs)}, counted as failed`);
  return `${head}: ${parts.join('; ')}`;
}

/** Requests answered past the give-up bound, per strategy (see the module header). */
function overBoundWarning(scenario: Scenario, r: StrategyResult, offeredRate: number): string | null {
  const n = r.overBound ?? 0;
  if (n <= 0) return null;
  const hot = hottest(r);
  const where = hot ? `: ${hot.id} took ${pct(hot.share)} of requests at ${pct(hot.utilization)} utilization` : '';
  const maxConnSet = scenario.backends.some((g) => g.maxConn > 0);
  const hint = r.name === 'first' && !maxConnSet ? ' (balance first fills each backend up to its maxConn: set maxConn on the backends)' : '';
  return (
    `${r.strategy}: ${count(n)} of ${count(measured(r))} measured requests (${pct(n / Math.max(1, measured(r)))}) were answered only after more than ` +
    `${formatMs(scenario.durationMs)} (the measured duration) and count as failed (timeout)${where}; ` +
    `${count(r.throughput)} req/s completed of ${count(offeredRate)} offered${hint}`
  );
}

/** Every warning of a finished run (see the module header). */
export function runWarnings(
  scenario: Scenario,
  facts: { offeredRate: number; capacity: number; loadFactor: number },
  results: readonly StrategyResult[],
): string[] {
  const out: string[] = [];
  if (placeholderWorkloadUntouched(scenario)) {
    out.push(
      'the workload is still the placeholder lbsim import wrote (clients and the backends\' workers and service times): ' +
        'these results say nothing about your traffic until you edit them',
    );
  }
  if (facts.loadFactor > 1) out.push(overloadWarning(scenario, facts, results));
  for (const r of results) {
    const w = overBoundWarning(scenario, r, facts.offeredRate);
    if (w) out.push(w);
  }
  return out;
}
