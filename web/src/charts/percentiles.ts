/**
 * Chart 1: latency mean and percentiles (p50, p90, p99, p99.9) per strategy as grouped bars, with
 * 95 % confidence-interval whiskers on the mean and p99 when the run had replications.
 */
import type { ChartConfiguration } from 'chart.js';
import { fmtExact } from '../format.js';
import { whiskersPlugin } from '../plugins/whiskers.js';
import { PERCENTILE_CATEGORIES, percentileBars } from '../transforms.js';
import type { View } from '../view.js';
import { axisTitle, logTick, strategyLegend } from './common.js';

/** Chart.js configuration of the percentile chart. */
export function percentilesChart(v: View): ChartConfiguration<'bar'> {
  const intervals: Record<string, ([number, number] | null)[]> = {};
  let top = 0;
  const datasets = v.results.map((r) => {
    const { values, whiskers } = percentileBars(r);
    intervals[r.strategy] = whiskers;
    for (const x of values) top = Math.max(top, x);
    for (const w of whiskers) if (w) top = Math.max(top, w[1]);
    return { label: r.strategy, data: values, backgroundColor: v.colour(r.strategy), borderWidth: 0 };
  });
  return {
    type: 'bar',
    data: { labels: PERCENTILE_CATEGORIES.map((c) => c.label), datasets },
    plugins: [whiskersPlugin],
    options: {
      scales: {
        x: { title: axisTitle('latency statistic') },
        y: v.logPercentiles
          ? { type: 'logarithmic', title: axisTitle('latency (ms, log scale)'), ticks: { callback: logTick }, suggestedMax: top }
          : { type: 'linear', beginAtZero: true, title: axisTitle('latency (ms)'), suggestedMax: top },
      },
      plugins: {
        whiskers: { intervals },
        legend: strategyLegend(v),
        tooltip: {
          callbacks: {
            label: (c) => {
              const ci = intervals[String(c.dataset.label)]?.[c.dataIndex];
              const base = `${c.dataset.label}: ${fmtExact(c.parsed.y ?? NaN)} ms`;
              return ci ? `${base} (95 % CI ${fmtExact(ci[0])}–${fmtExact(ci[1])} ms)` : base;
            },
          },
        },
      },
    },
  };
}
