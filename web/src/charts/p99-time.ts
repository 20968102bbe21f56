/**
 * Chart 6: p99 latency per time window for every shown strategy, to see how each reacts to
 * slowdowns and failures. Windows where nothing completed are gaps.
 */
import type { ChartConfiguration } from 'chart.js';
import { fmtExact } from '../format.js';
import { timeLine, wideSpread } from '../transforms.js';
import type { View } from '../view.js';
import { asPoints, axisTitle, logTick, strategyLegend } from './common.js';

/** Chart.js configuration of the p99-over-time chart. */
export function p99TimeChart(v: View): ChartConfiguration<'line'> {
  // A log axis when one strategy's p99 dwarfs the others', so the rest do not flatten into zero.
  const log = wideSpread(v.results.flatMap((r) => r.timeseries.p99));
  return {
    type: 'line',
    data: {
      datasets: v.results.map((r) => ({
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
          ? { type: 'logarithmic', title: axisTitle('p99 latency in window (ms, log scale)'), ticks: { callback: logTick } }
          : { type: 'linear', beginAtZero: true, title: axisTitle('p99 latency in window (ms)') },
      },
      plugins: {
        legend: strategyLegend(v),
        tooltip: {
          callbacks: { label: (c) => `${c.dataset.label}: p99 ${fmtExact(c.parsed.y ?? NaN)} ms in the window ending at ${fmtExact(c.parsed.x ?? NaN)} s` },
        },
      },
    },
  };
}
