/**
 * Failures chart (a): measured requests that did not complete, per strategy, stacked by kind
 * (connection refused, timeout, HTTP 5xx, connection reset, rate-limited, refused by the balancer);
 * each strategy's availability is written under its name and in the tooltip.
 */
import type { ChartConfiguration } from 'chart.js';
import { errorStacks, errorTotal, measured } from '../failures.js';
import { fmtAvailability, fmtExact } from '../format.js';
import { ERROR_KIND_COLOURS } from '../palette.js';
import type { View } from '../view.js';
import { axisTitle } from './common.js';

/** Chart.js configuration of the errors-by-kind chart. */
export function errorsChart(v: View): ChartConfiguration<'bar'> {
  const st = errorStacks(v.results);
  const none = st.kinds.length === 0;
  return {
    type: 'bar',
    data: {
      labels: st.strategies,
      datasets: st.kinds.map((k) => ({
        label: k.label,
        data: k.values,
        backgroundColor: ERROR_KIND_COLOURS[k.key],
        borderColor: '#fff',
        borderWidth: 1,
      })),
    },
    options: {
      scales: {
        x: {
          stacked: true,
          title: axisTitle('strategy (availability)'),
          ticks: {
            autoSkip: false,
            maxRotation: 60,
            // Two lines per category: the strategy, then its availability.
            callback: (_value, index) => {
              const r = v.results[index];
              return r ? [r.strategy, r.availability === undefined ? '' : fmtAvailability(r.availability)] : '';
            },
          },
        },
        y: {
          type: 'linear',
          stacked: true,
          beginAtZero: true,
          title: axisTitle('failed or rejected requests'),
          ticks: { precision: 0 },
          ...(none ? { suggestedMax: 1 } : {}),
        },
      },
      plugins: {
        title: { display: none, text: 'No measured request failed', font: { size: 14, weight: 'bold' } },
        legend: { position: 'bottom' },
        tooltip: {
          mode: 'index',
          intersect: false,
          filter: (item) => (item.parsed.y ?? 0) > 0,
          callbacks: {
            title: (items) => items[0]?.label ?? '',
            label: (c) => {
              const r = v.results[c.dataIndex];
              const n = r ? measured(r) : 0;
              const pct = n > 0 ? ` (${fmtExact((100 * (c.parsed.y ?? 0)) / n)} % of measured)` : '';
              return `${String(c.dataset.label)}: ${fmtExact(c.parsed.y ?? NaN)} requests${pct}`;
            },
            footer: (items) => {
              const r = v.results[items[0]?.dataIndex ?? -1];
              if (!r) return '';
              const lines = [`${fmtExact(errorTotal(r))} of ${fmtExact(measured(r))} measured requests lost`];
              if (r.availability !== undefined) lines.push(`availability ${fmtExact(r.availability * 100)} %`);
              if (r.lostInFailover !== undefined) lines.push(`${fmtExact(r.lostInFailover)} lost after meeting a faulty backend`);
              if (r.retries !== undefined) lines.push(`${fmtExact(r.retries)} retries sent`);
              return lines;
            },
          },
        },
      },
    },
  };
}
