/**
 * Chart 2: latency CDF per strategy (fraction of requests completed within a latency), on a
 * log-scaled latency axis by default (a toggle switches to linear).
 */
import type { ChartConfiguration } from 'chart.js';
import { fmtExact } from '../format.js';
import { cdfLogMin, cdfPoints } from '../transforms.js';
import type { View } from '../view.js';
import { asPoints, axisTitle, logTick, strategyLegend } from './common.js';

/** Chart.js configuration of the CDF chart. */
export function cdfChart(v: View): ChartConfiguration<'line'> {
  const series = v.results.map((r) => cdfPoints(r.cdf, v.logCdf));
  const min = v.logCdf ? cdfLogMin(series) : undefined;
  return {
    type: 'line',
    data: {
      datasets: v.results.map((r, i) => ({
        label: r.strategy,
        data: asPoints(series[i]!),
        borderColor: v.colour(r.strategy),
        backgroundColor: v.colour(r.strategy),
        borderWidth: 2,
        pointRadius: 0,
        pointHitRadius: 6,
      })),
    },
    options: {
      parsing: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: v.logCdf
          ? { type: 'logarithmic', min, title: axisTitle('latency (ms, log)'), ticks: { callback: logTick, autoSkip: false, maxRotation: 0 } }
          : { type: 'linear', beginAtZero: true, title: axisTitle('latency (ms)') },
        y: { type: 'linear', min: 0, max: 100, title: axisTitle('% of requests') },
      },
      plugins: {
        legend: strategyLegend(v),
        tooltip: {
          callbacks: {
            label: (c) => `${c.dataset.label}: ${fmtExact(c.parsed.y ?? NaN)} % of requests within ${fmtExact(c.parsed.x ?? NaN)} ms`,
          },
        },
      },
    },
  };
}
