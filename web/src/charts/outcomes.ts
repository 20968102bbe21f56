/**
 * Chart 3: throughput, failed and rejected requests per strategy, one small bar chart per measure
 * (they have different units), one bar per strategy in its colour.
 */
import type { ChartConfiguration } from 'chart.js';
import { fmtExact } from '../format.js';
import type { StrategyResult } from '../types.js';
import type { View } from '../view.js';
import { axisTitle } from './common.js';

/** The three measures of the outcome charts. */
export type Outcome = 'throughput' | 'failed' | 'rejected';

const SPEC: Record<Outcome, { title: string; axis: string; value: (r: StrategyResult) => number; unit: string }> = {
  throughput: { title: 'Throughput', axis: 'completed (req/s)', value: (r) => r.throughput, unit: 'req/s' },
  failed: { title: 'Failed', axis: 'failed requests', value: (r) => r.requests.failed, unit: 'requests' },
  rejected: { title: 'Rejected', axis: 'rejected requests', value: (r) => r.requests.rejected, unit: 'requests' },
};

/** Chart.js configuration of one outcome chart. */
export function outcomeChart(v: View, what: Outcome): ChartConfiguration<'bar'> {
  const spec = SPEC[what];
  const values = v.results.map(spec.value);
  const allZero = values.every((x) => x === 0);
  return {
    type: 'bar',
    data: {
      labels: v.results.map((r) => r.strategy),
      datasets: [
        {
          label: spec.title,
          data: values,
          backgroundColor: v.results.map((r) => v.colour(r.strategy)),
          borderWidth: 0,
          minBarLength: 2,
        },
      ],
    },
    options: {
      scales: {
        x: { title: axisTitle('strategy'), ticks: { autoSkip: false, maxRotation: 60 } },
        y: {
          type: 'linear',
          beginAtZero: true,
          title: axisTitle(spec.axis),
          ...(allZero ? { suggestedMax: 1 } : {}),
          ...(what === 'throughput' ? {} : { ticks: { precision: 0 } }),
        },
      },
      plugins: {
        title: { display: true, text: allZero ? `${spec.title} (none)` : spec.title, font: { size: 14, weight: 'bold' } },
        legend: { display: false },
        tooltip: {
          callbacks: {
            label: (c) => {
              const r = v.results[c.dataIndex];
              const total = r ? r.requests.completed + r.requests.failed + r.requests.rejected : 0;
              const share = what !== 'throughput' && total > 0 ? ` (${fmtExact((100 * (c.parsed.y ?? 0)) / total)} % of requests)` : '';
              return `${c.label}: ${fmtExact(c.parsed.y ?? NaN)} ${spec.unit}${share}`;
            },
          },
        },
      },
    },
  };
}
