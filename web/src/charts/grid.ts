/**
 * The grid card (sweeps with two or more axes): one small multiple per value of the third axis,
 * each with one curve per value of the second axis (viridis, in value order) of the chosen
 * strategy's p99 or mean latency against the first axis's value. Every panel has the same latency
 * axis, so panels compare at a glance. Data from `grid.ts`.
 */
import type { ChartConfiguration } from 'chart.js';
import { fmtExact } from '../format.js';
import type { GridPanel } from '../grid.js';
import { sequentialColours } from '../palette.js';
import type { SweepAxis } from '../types.js';
import { asPoints, axisTitle, logTick } from './common.js';

/** Options shared by the panels of one grid card. */
export interface GridChartOptions {
  axes: SweepAxis[];
  strategy: string;
  metric: 'p99' | 'mean';
  log: boolean;
  /** The latency range over every panel (one scale for all). */
  range: { min: number; max: number };
}

/** The smallest and largest positive latency over all panels. */
export function gridRange(panels: readonly GridPanel[]): { min: number; max: number } {
  let min = Infinity;
  let max = 0;
  for (const p of panels)
    for (const c of p.curves)
      for (const xy of c.points)
        if (xy.y !== null && xy.y > 0 && Number.isFinite(xy.y)) {
          min = Math.min(min, xy.y);
          max = Math.max(max, xy.y);
        }
  return max > 0 ? { min, max } : { min: 1, max: 10 };
}

/** The nearest 1, 2 or 5 × 10^k at or above `x` (`up`) or at or below it, for log-axis ends. */
export function niceBound(x: number, up: boolean): number {
  const e = 10 ** Math.floor(Math.log10(x));
  const steps = up ? [1, 2, 5, 10] : [10, 5, 2, 1];
  for (const k of steps) if (up ? k * e >= x * (1 - 1e-12) : k * e <= x * (1 + 1e-12)) return k * e;
  return up ? 10 * e : e;
}

/** Chart.js configuration of one panel. */
export function gridChart(panel: GridPanel, o: GridChartOptions): ChartConfiguration<'line'> {
  const colours = sequentialColours(panel.curves.length);
  const second = o.axes[1]!.key;
  return {
    type: 'line',
    data: {
      datasets: panel.curves.map((c, i) => ({
        label: `${second} = ${typeof c.value === 'number' ? fmtExact(c.value) : String(c.value)}`,
        data: asPoints(c.points),
        borderColor: colours[i],
        backgroundColor: colours[i],
        borderWidth: 2,
        pointRadius: 3,
        spanGaps: false,
      })),
    },
    options: {
      parsing: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { type: 'linear', title: axisTitle(o.axes[0]!.key) },
        y: o.log
          ? {
              type: 'logarithmic',
              min: niceBound(o.range.min, false),
              max: niceBound(o.range.max, true),
              title: axisTitle(`${o.strategy} ${o.metric} (ms, log)`),
              ticks: { callback: logTick },
            }
          : // the same suggested top on every panel gives every panel the same ticks
            { type: 'linear', min: 0, suggestedMax: o.range.max, title: axisTitle(`${o.strategy} ${o.metric} (ms)`) },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            label: (c) => `${String(c.dataset.label)}: ${o.metric} ${fmtExact(c.parsed.y ?? NaN)} ms at ${o.axes[0]!.key} = ${fmtExact(c.parsed.x ?? NaN)}`,
          },
        },
      },
    },
  };
}
