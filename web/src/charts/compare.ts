/**
 * The playground's comparison chart: p99 latency per strategy in the previous run and in this one,
 * side by side (grouped bars: previous in grey, this run in each strategy's colour), on a log scale
 * when one strategy's p99 dwarfs the others'.
 */
import type { ChartConfiguration } from 'chart.js';
import { fmtExact } from '../format.js';
import { withAlpha } from '../palette.js';
import { wideSpread } from '../transforms.js';
import type { StrategyResult } from '../types.js';
import { axisTitle, logTick } from './common.js';

/** Chart.js configuration: p99 of each strategy that is in both runs, previous beside current. */
export function compareChart(
  previous: readonly StrategyResult[],
  current: readonly StrategyResult[],
  colour: (strategy: string) => string,
): ChartConfiguration<'bar'> {
  const before = new Map(previous.map((r) => [r.strategy, r.latency.p99]));
  const both = current.filter((r) => before.has(r.strategy));
  const prev = both.map((r) => before.get(r.strategy) ?? 0);
  const now = both.map((r) => r.latency.p99);
  const log = wideSpread([...prev, ...now]);
  return {
    type: 'bar',
    data: {
      labels: both.map((r) => r.strategy),
      datasets: [
        { label: 'previous run', data: prev, backgroundColor: '#BBBBBB', borderWidth: 0 },
        {
          label: 'this run',
          data: now,
          backgroundColor: both.map((r) => colour(r.strategy)),
          borderColor: both.map((r) => withAlpha(colour(r.strategy), 1)),
          borderWidth: 0,
        },
      ],
    },
    options: {
      scales: {
        x: { title: axisTitle('strategy') },
        y: log
          ? { type: 'logarithmic', title: axisTitle('p99 latency (ms, log)'), ticks: { callback: logTick } }
          : { type: 'linear', beginAtZero: true, title: axisTitle('p99 latency (ms)') },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: { callbacks: { label: (c) => `${c.dataset.label}: ${fmtExact(c.parsed.y ?? NaN)} ms` } },
      },
    },
  };
}
