/**
 * Chart 5a: per-backend utilization over time for the selected strategy, with the overload
 * threshold the verdict uses drawn as a dashed line.
 */
import type { ChartConfiguration } from 'chart.js';
import { fmtExact } from '../format.js';
import { backendColour } from '../palette.js';
import { backendLines, OVERLOAD_UTILIZATION } from '../transforms.js';
import type { View } from '../view.js';
import { asPoints, axisTitle } from './common.js';

/** Chart.js configuration of the utilization-over-time chart. */
export function utilizationChart(v: View): ChartConfiguration<'line'> {
  const r = v.selected;
  const lines = r ? backendLines(r, 'utilization') : [];
  const t = r?.timeseries.t ?? [];
  const first = t[0] ?? 0;
  const last = t[t.length - 1] ?? 0;
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
        {
          label: `overload (${OVERLOAD_UTILIZATION * 100} %)`,
          data: asPoints([
            { x: first, y: OVERLOAD_UTILIZATION * 100 },
            { x: last, y: OVERLOAD_UTILIZATION * 100 },
          ]),
          borderColor: '#888',
          backgroundColor: '#888',
          borderDash: [6, 4],
          borderWidth: 1.5,
          pointRadius: 0,
        },
      ],
    },
    options: {
      parsing: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { type: 'linear', title: axisTitle('time since warm-up (s)') },
        y: { type: 'linear', min: 0, max: 100, title: axisTitle('utilization (%)') },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: { label: (c) => `${c.dataset.label}: ${fmtExact(c.parsed.y ?? NaN)} % at ${fmtExact(c.parsed.x ?? NaN)} s` },
        },
      },
    },
  };
}
