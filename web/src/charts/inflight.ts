/**
 * Chart 5b: requests in flight at each backend (in service + queued there) over time for the
 * selected strategy, plus the balancer's own queue when the run had one.
 */
import type { ChartConfiguration } from 'chart.js';
import { fmtExact } from '../format.js';
import { backendColour } from '../palette.js';
import { backendLines, timeLine } from '../transforms.js';
import type { View } from '../view.js';
import { asPoints, axisTitle } from './common.js';

/** Chart.js configuration of the in-flight-over-time chart. */
export function inflightChart(v: View): ChartConfiguration<'line'> {
  const r = v.selected;
  const lines = r ? backendLines(r, 'inflight') : [];
  const queue = r?.timeseries.balancerQueue;
  return {
    type: 'line',
    data: {
      datasets: [
        ...lines.map((l, b) => ({
          label: `backend ${l.id}`,
          data: asPoints(l.points),
          borderColor: backendColour(b),
          backgroundColor: backendColour(b),
          borderWidth: 2,
          pointRadius: 2,
        })),
        ...(r && queue
          ? [
              {
                label: 'balancer queue',
                data: asPoints(timeLine(r.timeseries.t, queue)),
                borderColor: '#000',
                backgroundColor: '#000',
                borderDash: [6, 4],
                borderWidth: 2,
                pointRadius: 2,
              },
            ]
          : []),
      ],
    },
    options: {
      parsing: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { type: 'linear', title: axisTitle('time since warm-up (s)') },
        y: { type: 'linear', beginAtZero: true, title: axisTitle('requests in flight'), ticks: { precision: 0 } },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: { label: (c) => `${c.dataset.label}: ${fmtExact(c.parsed.y ?? NaN)} requests at ${fmtExact(c.parsed.x ?? NaN)} s` },
        },
      },
    },
  };
}
