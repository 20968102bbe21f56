/**
 * Chart 4: share of requests per backend for each strategy as horizontal stacked bars (one bar per
 * strategy, one segment per backend), with dashed ticks where the ideal (weight) shares would put
 * the segment boundaries.
 */
import type { ChartConfiguration, LegendItem } from 'chart.js';
import { fmtExact } from '../format.js';
import { backendColour } from '../palette.js';
import { idealMarksPlugin } from '../plugins/ideal-marks.js';
import { idealBoundaries, shareStacks } from '../transforms.js';
import type { View } from '../view.js';
import { axisTitle } from './common.js';

/** Chart.js configuration of the share chart. */
export function sharesChart(v: View): ChartConfiguration<'bar'> {
  const st = shareStacks(v.results);
  return {
    type: 'bar',
    data: {
      labels: st.strategies,
      datasets: st.backends.map((id, b) => ({
        label: id,
        data: st.share[b] ?? [],
        backgroundColor: backendColour(b),
        borderColor: '#fff',
        borderWidth: 1,
      })),
    },
    plugins: [idealMarksPlugin],
    options: {
      indexAxis: 'y',
      scales: {
        x: { type: 'linear', stacked: true, min: 0, max: 100, title: axisTitle('share of requests (%)') },
        y: { stacked: true, title: axisTitle('strategy'), ticks: { autoSkip: false } },
      },
      plugins: {
        idealMarks: { boundaries: idealBoundaries(st) },
        legend: {
          position: 'bottom',
          labels: {
            generateLabels: (chart) => {
              const items: LegendItem[] = chart.data.datasets.map((ds, i) => ({
                text: `backend ${String(ds.label)}`,
                fillStyle: backendColour(i),
                strokeStyle: backendColour(i),
                lineWidth: 0,
                hidden: !chart.isDatasetVisible(i),
                datasetIndex: i,
              }));
              items.push({ text: 'ideal boundary', fillStyle: '#fff', strokeStyle: '#000', lineWidth: 2, lineDash: [4, 3] });
              return items;
            },
          },
          onClick: (_e, item, legend) => {
            const i = item.datasetIndex;
            if (i === undefined) return;
            legend.chart.setDatasetVisibility(i, !legend.chart.isDatasetVisible(i));
            legend.chart.update();
          },
        },
        tooltip: {
          callbacks: {
            label: (c) =>
              `${String(c.dataset.label)}: ${fmtExact(c.parsed.x ?? NaN)} % of requests (ideal ${fmtExact(st.ideal[c.datasetIndex]?.[c.dataIndex] ?? NaN)} %)`,
          },
        },
      },
    },
  };
}
