/**
 * Cross-zone share against p99 (scenarios with client zones): one point per shown strategy, its
 * share of attempts sent to another zone on x and its p99 on y; the tooltip adds the cost per
 * million requests. Strategies down and to the left keep traffic in its zone and are fast. (A line
 * chart without lines: the report registers no scatter controller.)
 */
import type { ChartConfiguration } from 'chart.js';
import { fmtUsd } from '../../../src/results/traffic.js';
import { fmtExact } from '../format.js';
import { crossZonePoints } from '../traffic.js';
import type { View } from '../view.js';
import { axisTitle, strategyLegend } from './common.js';

/** Chart.js configuration of the cross-zone-versus-p99 chart. */
export function crossZoneChart(v: View): ChartConfiguration<'line'> {
  const points = crossZonePoints(v.results);
  return {
    type: 'line',
    data: {
      datasets: points.map((p) => ({
        label: p.strategy,
        data: [{ x: p.share, y: p.p99 }],
        borderColor: v.colour(p.strategy),
        backgroundColor: v.colour(p.strategy),
        showLine: false,
        pointRadius: 7,
        pointHoverRadius: 9,
      })),
    },
    options: {
      parsing: false,
      interaction: { mode: 'nearest', intersect: true },
      scales: {
        x: { type: 'linear', title: axisTitle('attempts sent to another zone (%)') },
        y: { type: 'linear', beginAtZero: true, title: axisTitle('p99 latency (ms)') },
      },
      plugins: {
        legend: strategyLegend(v),
        tooltip: {
          callbacks: {
            label: (c) => {
              const p = points[c.datasetIndex]!;
              return `${p.strategy}: ${fmtExact(p.share)} % cross-zone, p99 ${fmtExact(p.p99)} ms, ${fmtUsd(p.cost)} USD per million requests`;
            },
          },
        },
      },
    },
  };
}
