/**
 * Failures chart (a, over time): failed or rejected requests per second in each time window for
 * every shown strategy, to see when requests were lost (at a crash, while an errors fault lasts).
 */
import type { ChartConfiguration } from 'chart.js';
import { fmtExact } from '../format.js';
import { timeLine } from '../transforms.js';
import type { View } from '../view.js';
import { asPoints, axisTitle, strategyLegend } from './common.js';

/** Chart.js configuration of the failures-over-time chart (strategies without the series are left out). */
export function errorsTimeChart(v: View): ChartConfiguration<'line'> {
  return {
    type: 'line',
    data: {
      datasets: v.results
        .filter((r) => Array.isArray(r.timeseries.errors))
        .map((r) => ({
          label: r.strategy,
          data: asPoints(timeLine(r.timeseries.t, r.timeseries.errors ?? [])),
          borderColor: v.colour(r.strategy),
          backgroundColor: v.colour(r.strategy),
          borderWidth: 2,
          pointRadius: 2,
        })),
    },
    options: {
      parsing: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { type: 'linear', title: axisTitle('time since warm-up (s, window end)') },
        y: { type: 'linear', beginAtZero: true, suggestedMax: 1, title: axisTitle('failed requests (req/s)') },
      },
      plugins: {
        legend: strategyLegend(v),
        tooltip: {
          callbacks: {
            label: (c) => `${c.dataset.label}: ${fmtExact(c.parsed.y ?? NaN)} failed req/s in the window ending at ${fmtExact(c.parsed.x ?? NaN)} s`,
          },
        },
      },
    },
  };
}
