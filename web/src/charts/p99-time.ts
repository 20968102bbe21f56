/**
 * Chart 6: p99 latency per time window for every shown strategy, to see how each reacts to
 * slowdowns and failures. Windows where nothing completed are gaps.
 */
import type { ChartConfiguration } from 'chart.js';
import { fmtExact } from '../format.js';
import { timeLine, wideSpread } from '../transforms.js';
import type { View } from '../view.js';
import { asPoints, axisTitle, logTick, strategyLegend } from './common.js';

/** Most lines drawn at once; more overlap into an unreadable tangle. */
export const P99_TIME_LINES = 6;

/** The strategies the chart draws: all shown, or the {@link P99_TIME_LINES} with the lowest p99 (the table's order). */
export function p99TimeShown<R extends { strategy: string; latency: { p99: number; mean: number } }>(results: readonly R[]): R[] {
  if (results.length <= P99_TIME_LINES) return [...results];
  const ranked = [...results].sort((a, b) => (a.latency.p99 - b.latency.p99 || a.latency.mean - b.latency.mean) || 0);
  const keep = new Set(ranked.filter((r) => Number.isFinite(r.latency.p99)).slice(0, P99_TIME_LINES));
  return results.filter((r) => keep.has(r));
}

/** Chart.js configuration of the p99-over-time chart. */
export function p99TimeChart(v: View): ChartConfiguration<'line'> {
  const results = p99TimeShown(v.results);
  // A log axis when one strategy's p99 dwarfs the others', so the rest do not flatten into zero.
  const log = wideSpread(results.flatMap((r) => r.timeseries.p99));
  return {
    type: 'line',
    data: {
      datasets: results.map((r) => ({
        label: r.strategy,
        data: asPoints(timeLine(r.timeseries.t, r.timeseries.p99)),
        borderColor: v.colour(r.strategy),
        backgroundColor: v.colour(r.strategy),
        borderWidth: 2,
        pointRadius: 2,
        spanGaps: false,
      })),
    },
    options: {
      parsing: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { type: 'linear', title: axisTitle('time since warm-up (s, window end)') },
        y: log
          ? { type: 'logarithmic', title: axisTitle('window p99 (ms, log)'), ticks: { callback: logTick } }
          : { type: 'linear', beginAtZero: true, title: axisTitle('window p99 (ms)') },
      },
      plugins: {
        legend: strategyLegend(v, results.length),
        tooltip: {
          callbacks: { label: (c) => `${c.dataset.label}: p99 ${fmtExact(c.parsed.y ?? NaN)} ms in the window ending at ${fmtExact(c.parsed.x ?? NaN)} s` },
        },
      },
    },
  };
}
