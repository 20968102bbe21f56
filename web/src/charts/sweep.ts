/**
 * Chart 7 (sweep results only): p99 (solid) and optionally mean (dashed) latency versus offered
 * load, one colour per strategy; the latency axis can be log-scaled. A dashed vertical line marks
 * the sweep point the rest of the page shows. For a grid, the points along the first axis through
 * that point (`grid.ts`, `sweepSlice`).
 */
import type { ChartConfiguration } from 'chart.js';
import { fmtExact } from '../format.js';
import { xMarkerPlugin } from '../plugins/x-marker.js';
import { sweepLines } from '../transforms.js';
import type { View } from '../view.js';
import { asPoints, axisTitle, logTick, strategyLegend } from './common.js';

const MEAN_SUFFIX = ' (mean)';

/** Chart.js configuration of the sweep chart. */
export function sweepChart(v: View): ChartConfiguration<'line'> {
  const sweep = v.file.sweep;
  const points = v.sweepPoints;
  const shown = new Set(v.results.map((r) => r.strategy));
  const keep = (l: { strategy: string }): boolean => shown.has(l.strategy);
  const valueAt = (load: number): string => {
    const p = points.find((q) => q.load === load);
    return p && sweep ? `, ${sweep.key} = ${fmtExact(p.value)}` : '';
  };
  const p99 = sweepLines(points, 'p99').filter(keep);
  const mean = v.sweepMean ? sweepLines(points, 'mean').filter(keep) : [];
  const legend = strategyLegend(v);
  return {
    type: 'line',
    data: {
      datasets: [
        ...p99.map((l) => ({
          label: l.strategy,
          data: asPoints(l.points),
          borderColor: v.colour(l.strategy),
          backgroundColor: v.colour(l.strategy),
          borderWidth: 2,
          pointRadius: 3,
        })),
        ...mean.map((l) => ({
          label: l.strategy + MEAN_SUFFIX,
          data: asPoints(l.points),
          borderColor: v.colour(l.strategy),
          backgroundColor: v.colour(l.strategy),
          borderDash: [6, 4],
          borderWidth: 1.5,
          pointRadius: 2,
        })),
      ],
    },
    plugins: [xMarkerPlugin],
    options: {
      parsing: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { type: 'linear', title: axisTitle('offered load (fraction of capacity)') },
        y: v.logSweep
          ? { type: 'logarithmic', title: axisTitle('latency (ms, log)'), ticks: { callback: logTick } }
          : { type: 'linear', beginAtZero: true, title: axisTitle('latency (ms)') },
      },
      plugins: {
        xMarker: { x: v.pointLoad, label: 'point shown above' },
        legend: { ...legend, labels: { filter: (item) => !item.text.endsWith(MEAN_SUFFIX) } },
        tooltip: {
          callbacks: {
            label: (c) => {
              const label = String(c.dataset.label);
              const what = label.endsWith(MEAN_SUFFIX) ? 'mean' : 'p99';
              const name = label.endsWith(MEAN_SUFFIX) ? label.slice(0, -MEAN_SUFFIX.length) : label;
              return `${name}: ${what} ${fmtExact(c.parsed.y ?? NaN)} ms at load ${fmtExact(c.parsed.x ?? NaN)}${valueAt(c.parsed.x ?? NaN)}`;
            },
          },
        },
      },
    },
  };
}
