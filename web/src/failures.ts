/**
 * Pure transforms for the failure and elasticity results (faults, health, retries, hedging, caches,
 * autoscaling): which optional figures a set of results has (so cards appear only when there is
 * something to show), errors by kind as stacks,
 * backend count / health / failures over time, fault windows, detection and recovery bars, cache
 * hit ratios per backend, and the verdict sentences on availability, retries, detection, caches and
 * autoscaling. No DOM and no Chart.js here, so all of it is unit-tested.
 */
import { fmtAvailability, fmtCount, fmtMeanCount, fmtMs, fmtPct } from './format.js';
import type { ErrorCounts, StrategyResult, XY } from './types.js';

/** The error kinds in chart and sentence order, with a legend label and a phrase for sentences. */
export const ERROR_KINDS: readonly { key: keyof ErrorCounts; label: string; phrase: string }[] = [
  { key: 'refused', label: 'connection refused', phrase: 'refused' },
  { key: 'timeout', label: 'timeout', phrase: 'timed out' },
  { key: 'http5xx', label: 'HTTP 5xx', phrase: 'answered 5xx' },
  { key: 'reset', label: 'connection reset', phrase: 'reset' },
  { key: 'rateLimited', label: 'rate-limited', phrase: 'rate-limited' },
  { key: 'unavailable', label: 'refused by the balancer', phrase: 'refused by the balancer' },
];

/** Measured requests that did not complete, summed over the error kinds (0 without `errors`). */
export function errorTotal(r: StrategyResult): number {
  const e = r.errors;
  return e ? e.refused + e.timeout + e.http5xx + e.reset + e.rateLimited + e.unavailable : 0;
}

/** Measured requests: completed + failed + rejected. */
export function measured(r: StrategyResult): number {
  return r.requests.completed + r.requests.failed + r.requests.rejected;
}

/**
 * Whether the failure figures are worth showing: some result lost requests (availability below 1 or
 * errors), sent retries, or ran with fault windows. The CLI table uses the same rule.
 */
export function hasFailures(results: readonly StrategyResult[]): boolean {
  return results.some(
    (r) =>
      (r.availability !== undefined && r.availability < 1) ||
      errorTotal(r) > 0 ||
      (r.retries ?? 0) > 0 ||
      (r.detection?.faults ?? 0) > 0,
  );
}

/** Whether some result has a request that failed (the errors-by-kind card). */
export function hasErrors(results: readonly StrategyResult[]): boolean {
  return results.some((r) => errorTotal(r) > 0);
}

/** Whether some result had failure windows to detect (the detection card). */
export function hasDetection(results: readonly StrategyResult[]): boolean {
  return results.some((r) => (r.detection?.faults ?? 0) > 0);
}

/** Whether some result ran with backend caches. */
export function hasCache(results: readonly StrategyResult[]): boolean {
  return results.some((r) => r.cache !== undefined);
}

/** Whether `r` has the backend count / health time series (the full engine wrote them). */
export function hasHealth(r: StrategyResult | undefined): boolean {
  const ts = r?.timeseries;
  return !!ts && Array.isArray(ts.backends) && Array.isArray(ts.healthy) && Array.isArray(ts.up);
}

/** Errors by kind as chart stacks: one row per kind that some strategy has, values per strategy. */
export interface ErrorStacks {
  strategies: string[];
  kinds: { key: keyof ErrorCounts; label: string; values: number[] }[];
}

/** Error counts per kind per strategy; kinds that are 0 for every strategy are left out. */
export function errorStacks(results: readonly StrategyResult[]): ErrorStacks {
  const kinds = ERROR_KINDS.map((k) => ({
    key: k.key,
    label: k.label,
    values: results.map((r) => r.errors?.[k.key] ?? 0),
  })).filter((k) => k.values.some((x) => x > 0));
  return { strategies: results.map((r) => r.strategy), kinds };
}

/** The non-zero error kinds of `r` in words, e.g. `21 answered 5xx, 3 timed out`; '' when none. */
export function errorBreakdown(r: StrategyResult): string {
  const e = r.errors;
  if (!e) return '';
  return ERROR_KINDS.filter((k) => e[k.key] > 0)
    .map((k) => `${fmtMeanCount(e[k.key])} ${k.phrase}`)
    .join(', ');
}

function line(t: readonly number[], values: readonly (number | null)[]): XY[] {
  return t.map((x, k) => ({ x, y: values[k] ?? null }));
}

/** Backend count, healthy and up over time (and failed requests/s when recorded); null without them. */
export function healthLines(
  r: StrategyResult | undefined,
): { backends: XY[]; healthy: XY[]; up: XY[]; errors: XY[] | null } | null {
  if (!r || !hasHealth(r)) return null;
  const ts = r.timeseries;
  return {
    backends: line(ts.t, ts.backends ?? []),
    healthy: line(ts.t, ts.healthy ?? []),
    up: line(ts.t, ts.up ?? []),
    errors: ts.errors ? line(ts.t, ts.errors) : null,
  };
}

/** A shaded time window on a chart (seconds since warm-up) with its label. */
export interface TimeBand {
  from: number;
  to: number;
  label: string;
}

/**
 * The fault windows of `r` (first replication) as bands, e.g. `web-2 crash` from 10 to 25 s; a
 * window still open at the end of the run ends at the last window end of the time series.
 */
export function faultBands(r: StrategyResult | undefined): TimeBand[] {
  const events = r?.detection?.events ?? [];
  const t = r?.timeseries.t ?? [];
  const last = t.length > 0 ? (t[t.length - 1] as number) : 0;
  return events.map((e) => ({ from: e.start, to: e.end ?? Math.max(last, e.start), label: `${e.backend} ${e.kind}` }));
}

/** The fault windows in words for a caption, at most `max`, e.g. `web-2 crash 10–25 s`. */
export function faultList(r: StrategyResult | undefined, max = 5): string {
  const events = r?.detection?.events ?? [];
  const fmt = (s: number): string => String(Number(s.toFixed(1)));
  const items = events
    .slice(0, max)
    .map((e) => `${e.backend} ${e.kind} ${fmt(e.start)}–${e.end === null ? 'end' : fmt(e.end)} s`);
  if (events.length > max) items.push(`${events.length - max} more`);
  return items.join(', ');
}

/** Mean and max time to detect and to recover (ms) of one strategy; null without fault windows. */
export function detectionBars(
  r: StrategyResult,
): { detect: [number | null, number | null]; recover: [number | null, number | null] } | null {
  const d = r.detection;
  if (!d || d.faults === 0) return null;
  return { detect: [d.meanDetectMs, d.maxDetectMs], recover: [d.meanRecoverMs, d.maxRecoverMs] };
}

/** Cache hit ratios (percent) per strategy: `all backends` then each backend (first-seen order). */
export function cacheBars(results: readonly StrategyResult[]): {
  categories: string[];
  strategies: string[];
  values: (number | null)[][];
} {
  const rs = results.filter((r) => r.cache);
  const ids: string[] = [];
  for (const r of rs) for (const b of r.backends) if (b.cacheHitRatio !== undefined && !ids.includes(b.id)) ids.push(b.id);
  const values = rs.map((r) => [
    100 * (r.cache?.hitRatio ?? 0),
    ...ids.map((id) => {
      const h = r.backends.find((b) => b.id === id)?.cacheHitRatio;
      return h === undefined ? null : 100 * h;
    }),
  ]);
  return { categories: ['all backends', ...ids], strategies: rs.map((r) => r.strategy), values };
}

/** The lowest and highest value of `get` over `results` (first wins ties); null when none has one. */
export function extremes(
  results: readonly StrategyResult[],
  get: (r: StrategyResult) => number | null | undefined,
): { lo: { r: StrategyResult; v: number }; hi: { r: StrategyResult; v: number } } | null {
  let lo: { r: StrategyResult; v: number } | null = null;
  let hi: { r: StrategyResult; v: number } | null = null;
  for (const r of results) {
    const v = get(r);
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    if (!lo || v < lo.v) lo = { r, v };
    if (!hi || v > hi.v) hi = { r, v };
  }
  return lo && hi ? { lo, hi } : null;
}

/**
 * Requests `r` lost, in words: `21 of 72041 measured requests lost: 21 answered 5xx`. Counts
 * averaged over replications keep their fraction (`0.2 of 29439.4 … per replication, on average`),
 * so a loss never reads as 0 beside an availability below 100 %.
 */
function lostPhrase(r: StrategyResult): string {
  const lost = r.errors ? errorTotal(r) : r.requests.failed + r.requests.rejected;
  const kinds = errorBreakdown(r);
  const mean = !Number.isInteger(lost) || !Number.isInteger(measured(r));
  return `${fmtMeanCount(lost)} of ${fmtMeanCount(measured(r))} measured requests lost${mean ? ' per replication, on average' : ''}${kinds ? `: ${kinds}` : ''}`;
}

/**
 * The availability sentence, when failures are worth showing ({@link hasFailures}): the lowest and
 * highest availability with what the losses were, or that every request completed.
 */
export function availabilitySentence(results: readonly StrategyResult[]): string | null {
  if (!hasFailures(results)) return null;
  const ex = extremes(results, (r) => r.availability);
  if (!ex) return null;
  const n = results.filter((r) => r.availability !== undefined).length;
  if (ex.lo.v >= 1)
    return n === 1
      ? `${ex.lo.r.strategy} completed every measured request (availability 100 %).`
      : 'Every strategy completed every measured request (availability 100 %).';
  if (ex.lo.v === ex.hi.v)
    return n === 1
      ? `Availability of ${ex.lo.r.strategy}: ${fmtAvailability(ex.lo.v)} (${lostPhrase(ex.lo.r)}).`
      : `Every strategy has availability ${fmtAvailability(ex.lo.v)} (${ex.lo.r.strategy}: ${lostPhrase(ex.lo.r)}).`;
  return (
    `Lowest availability: ${ex.lo.r.strategy}, ${fmtAvailability(ex.lo.v)} (${lostPhrase(ex.lo.r)}); ` +
    `highest: ${ex.hi.r.strategy}, ${fmtAvailability(ex.hi.v)}.`
  );
}

/** The sentence on retries (and hedged copies) sent, when some strategy sent any. */
export function retrySentence(results: readonly StrategyResult[]): string | null {
  const parts: string[] = [];
  const retries = extremes(results, (r) => r.retries);
  if (retries && retries.hi.v > 0) {
    const denied = retries.hi.r.retriesDenied ?? 0;
    const extra = denied > 0 ? `, ${fmtCount(denied)} more denied by the retry budget` : '';
    parts.push(
      retries.lo.v === retries.hi.v
        ? `every strategy sent ${fmtCount(retries.hi.v)} retries${extra}`
        : `most sent by ${retries.hi.r.strategy} (${fmtCount(retries.hi.v)}${extra}), fewest by ${retries.lo.r.strategy} (${fmtCount(retries.lo.v)})`,
    );
  }
  const hedges = extremes(results, (r) => r.hedges);
  if (hedges && hedges.hi.v > 0)
    parts.push(
      hedges.lo.v === hedges.hi.v
        ? `every strategy sent ${fmtCount(hedges.hi.v)} hedged copies`
        : `most hedged copies sent by ${hedges.hi.r.strategy} (${fmtCount(hedges.hi.v)})`,
    );
  return parts.length > 0 ? `Retries: ${parts.join('; ')}.` : null;
}

/** `from X ms (a) to Y ms (b)`, or `X ms` when equal (or only one strategy has a value). */
function msRange(ex: NonNullable<ReturnType<typeof extremes>>, many: boolean): string {
  if (ex.lo.v === ex.hi.v) return `${fmtMs(ex.lo.v)} ms${many ? ' under every strategy' : ''}`;
  return `from ${fmtMs(ex.lo.v)} ms (${ex.lo.r.strategy}) to ${fmtMs(ex.hi.v)} ms (${ex.hi.r.strategy})`;
}

/**
 * The sentence on failure detection: how many windows each balancer detected, and the range of the
 * mean time to detect and to recover across strategies.
 */
export function detectionSentence(results: readonly StrategyResult[]): string | null {
  const rs = results.filter((r) => (r.detection?.faults ?? 0) > 0);
  if (rs.length === 0) return null;
  const many = rs.length > 1;
  const missed = rs.filter((r) => (r.detection?.detected ?? 0) < (r.detection?.faults ?? 0));
  const first = rs[0]?.detection;
  const same = rs.every((r) => r.detection?.faults === first?.faults);
  let found: string;
  if (missed.length === 0)
    found = `${many ? 'every strategy' : (rs[0] as StrategyResult).strategy} detected ${
      same ? `all ${fmtCount(first?.faults ?? 0)}` : 'all its'
    } failure window${same && first?.faults === 1 ? '' : 's'}`;
  else
    found = `missed windows under ${missed
      .slice(0, 3)
      .map((r) => `${r.strategy} (${fmtCount(r.detection?.detected ?? 0)} of ${fmtCount(r.detection?.faults ?? 0)} detected)`)
      .join(', ')}${missed.length > 3 ? ` and ${missed.length - 3} more` : ''}`;
  const detect = extremes(rs, (r) => r.detection?.meanDetectMs);
  const recover = extremes(rs, (r) => r.detection?.meanRecoverMs);
  const parts = [
    found,
    detect ? `mean time to detect ${msRange(detect, many)}` : 'nothing detected',
    recover ? `mean time to recover ${msRange(recover, many)}` : 'no recovery measured',
  ];
  return `Failure detection: ${parts.join('; ')}.`;
}

/** The sentence on cache hit ratios, highest and lowest. */
export function cacheSentence(results: readonly StrategyResult[]): string | null {
  const ex = extremes(results, (r) => r.cache?.hitRatio);
  if (!ex) return null;
  const n = results.filter((r) => r.cache).length;
  if (n === 1) return `Cache hit ratio of ${ex.hi.r.strategy}: ${fmtPct(ex.hi.v)}.`;
  if (ex.lo.v === ex.hi.v) return `Every strategy has a cache hit ratio of ${fmtPct(ex.hi.v)}.`;
  return `Highest cache hit ratio: ${ex.hi.r.strategy}, ${fmtPct(ex.hi.v)}; lowest: ${ex.lo.r.strategy}, ${fmtPct(ex.lo.v)}.`;
}

/** The sentence on autoscaling: the fewest and most backends used on average. */
export function autoscaleSentence(results: readonly StrategyResult[]): string | null {
  const ex = extremes(results, (r) => r.autoscale?.meanBackends);
  if (!ex) return null;
  const desc = (r: StrategyResult): string => {
    const a = r.autoscale;
    if (!a) return '';
    const outs = Math.round(a.scaleOuts);
    const ins = Math.round(a.scaleIns);
    return `mean ${a.meanBackends.toFixed(1)} backends (${fmtCount(a.minBackends)} to ${fmtCount(a.maxBackends)}), ${outs} scale-out${outs === 1 ? '' : 's'}, ${ins} scale-in${ins === 1 ? '' : 's'}`;
  };
  const n = results.filter((r) => r.autoscale).length;
  if (n === 1) return `Autoscaling under ${ex.hi.r.strategy}: ${desc(ex.hi.r)}.`;
  if (ex.lo.v === ex.hi.v) return `Autoscaling: ${desc(ex.lo.r)} under every strategy.`;
  return `Autoscaling used the fewest backends under ${ex.lo.r.strategy} (${desc(ex.lo.r)}) and the most under ${ex.hi.r.strategy} (${desc(ex.hi.r)}).`;
}

/** The verdict sentences on failures and elasticity, in reading order (none for a calm run). */
export function failureSentences(results: readonly StrategyResult[]): string[] {
  return [
    availabilitySentence(results),
    retrySentence(results),
    detectionSentence(results),
    cacheSentence(results),
    autoscaleSentence(results),
  ].filter((s): s is string => s !== null);
}
