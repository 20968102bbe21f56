/**
 * Backend health chart (b): for the selected strategy, backends in the pool, how many the (first)
 * balancer sees as healthy, and how many can actually serve, sampled at each window end and drawn
 * as steps that change at the sample's time; failed requests per second on a second axis when any
 * failed; fault windows shaded.
 */
import type { ChartConfiguration } from 'chart.js';
import { faultBands, healthLines } from '../failures.js';
import { fmtExact } from '../format.js';
import { HEALTH_COLOURS } from '../palette.js';
import { xBandsPlugin } from '../plugins/x-bands.js';
import type { XY } from '../types.js';
import type { View } from '../view.js';
import { asPoints, axisTitle } from './common.js';

const UNIT: Record<string, string> = { errors: 'failed req/s' };

/** Chart.js configuration of the backend-health-over-time chart. */
export function healthChart(v: View): ChartConfiguration<'line'> {
  const h = healthLines(v.selected);
  const top = Math.max(1, ...(h?.backends ?? []).map((p) => p.y ?? 0));
  const errors = h?.errors && h.errors.some((p) => (p.y ?? 0) > 0) ? h.errors : null;
  const series = (id: string, label: string, data: XY[], extra: object) => ({ id, label, data: asPoints(data), ...extra });
  const datasets = h
    ? [
        series('backends', 'backends in the pool', h.backends, {
          borderColor: HEALTH_COLOURS.backends,
          backgroundColor: HEALTH_COLOURS.backends,
          borderWidth: 7,
          pointRadius: 0,
          stepped: 'before',
          order: 3,
        }),
        series('healthy', 'healthy (balancer view)', h.healthy, {
          borderColor: HEALTH_COLOURS.healthy,
          backgroundColor: HEALTH_COLOURS.healthy,
          borderWidth: 2.5,
          pointRadius: 2,
          stepped: 'before',
          order: 2,
        }),
        series('up', 'up (able to serve)', h.up, {
          borderColor: HEALTH_COLOURS.up,
          backgroundColor: HEALTH_COLOURS.up,
          borderDash: [6, 4],
          borderWidth: 2,
          pointRadius: 0,
          stepped: 'before',
          order: 1,
        }),
        ...(errors
          ? [
              series('errors', 'failed requests (req/s)', errors, {
                borderColor: HEALTH_COLOURS.errors,
                backgroundColor: HEALTH_COLOURS.errors,
                borderWidth: 1.5,
                pointRadius: 1.5,
                yAxisID: 'y1',
                order: 0,
              }),
            ]
          : []),
      ]
    : [];
  return {
    type: 'line',
    data: { datasets: datasets.map(({ id: _id, ...d }) => d) },
    plugins: [xBandsPlugin],
    options: {
      parsing: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { type: 'linear', title: axisTitle('time since warm-up (s, window end)') },
        y: {
          type: 'linear',
          min: 0,
          suggestedMax: top + 1,
          title: axisTitle('backends'),
          ticks: { precision: 0 },
        },
        ...(errors
          ? {
              y1: {
                type: 'linear' as const,
                position: 'right' as const,
                beginAtZero: true,
                title: axisTitle('failed requests (req/s)'),
                grid: { drawOnChartArea: false },
              },
            }
          : {}),
      },
      plugins: {
        xBands: { bands: faultBands(v.selected), colour: HEALTH_COLOURS.fault, maxLabels: 6 },
        // Drawn pool first and failures last (`order`); the legend lists them the other way round.
        legend: { position: 'bottom', reverse: true },
        tooltip: {
          callbacks: {
            label: (c) => {
              const id = datasets[c.datasetIndex]?.id ?? '';
              const unit = UNIT[id] ?? 'backends';
              return `${String(c.dataset.label)}: ${fmtExact(c.parsed.y ?? NaN)} ${unit} at ${fmtExact(c.parsed.x ?? NaN)} s`;
            },
          },
        },
      },
    },
  };
}
