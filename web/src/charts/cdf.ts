/**
 * Chart 2: latency CDF per strategy (fraction of requests completed within a latency), on a
 * log-scaled latency axis by default (a toggle switches to linear).
 */
import type { ChartConfiguration } from 'chart.js';
import { fmtExact } from '../format.js';
import { cdfPoints } from '../transforms.js';
import type { View } from '../view.js';
import { asPoints, axisTitle, logTick, strategyLegend } from './common.js';

/** Chart.js configuration of the CDF chart. */
export function cdfChart(v: View): ChartConfiguration<'line'> {
  return {
    type: 'line',
    data: {
      datasets: v.results.map((r) => ({
        label: r.strategy,
        data: asPoints(cdfPoints(r.cdf, v.logCdf)),
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
          ? { type: 'logarithmic', title: axisTitle('latency (ms, log scale)'), ticks: { callback: logTick, autoSkip: false, maxRotation: 0 } }
          : { type: 'linear', beginAtZero: true, title: axisTitle('latency (ms)') },
        y: { type: 'linear', min: 0, max: 100, title: axisTitle('requests within latency (%)') },
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
