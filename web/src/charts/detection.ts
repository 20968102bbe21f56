/**
 * Detection chart (e): mean and largest time to detect a failure window (start → the backend is
 * down or ejected in a balancer's view), or to recover from it (end → first successful answer
 * after detection), per strategy, in ms. One chart per measure (their scales differ by orders of
 * magnitude); strategies without fault windows are left out.
 */
import type { ChartConfiguration } from 'chart.js';
import { detectionBars } from '../failures.js';
import { fmtExact } from '../format.js';
import type { View } from '../view.js';
import { axisTitle, strategyLegend } from './common.js';

/** The two measures. */
export type DetectionMeasure = 'detect' | 'recover';

const SPEC: Record<DetectionMeasure, { title: string; axis: string; what: string }> = {
  detect: { title: 'Time to detect', axis: 'time to detect (ms)', what: 'time to detect' },
  recover: { title: 'Time to recover', axis: 'time to recover (ms)', what: 'time to recover' },
};

/** Chart.js configuration of one detection chart. */
export function detectionChart(v: View, what: DetectionMeasure): ChartConfiguration<'bar'> {
  const spec = SPEC[what];
  const rows = v.results.flatMap((r) => {
    const b = detectionBars(r);
    return b ? [{ r, values: b[what] }] : [];
  });
  const none = rows.every((x) => x.values.every((y) => y === null));
  // All zero (e.g. passive health marks a crashed backend down at its first refused connection):
  // say so, since the bars are mere slivers.
  const allZero = !none && rows.every((x) => x.values.every((y) => y === null || y === 0));
  return {
    type: 'bar',
    data: {
      labels: ['mean', 'largest'],
      datasets: rows.map(({ r, values }) => ({
        label: r.strategy,
        data: values,
        backgroundColor: v.colour(r.strategy),
        borderWidth: 0,
        // A 0 ms detection still shows (and can be hovered).
        minBarLength: 2,
      })),
    },
    options: {
      scales: {
        x: { title: axisTitle('statistic over the failure windows') },
        y: { type: 'linear', beginAtZero: true, title: axisTitle(spec.axis), ...(none ? { suggestedMax: 1 } : {}) },
      },
      plugins: {
        title: {
          display: true,
          text: none ? `${spec.title} (none measured)` : allZero ? `${spec.title}: 0 ms under every strategy` : spec.title,
          font: { size: 14, weight: 'bold' },
        },
        legend: strategyLegend(v),
        tooltip: {
          callbacks: {
            label: (c) => {
              const d = rows[c.datasetIndex]?.r.detection;
              const seen = d ? ` (${d.detected} of ${d.faults} windows detected)` : '';
              return `${String(c.dataset.label)}: ${c.label} ${spec.what} ${fmtExact(c.parsed.y ?? NaN)} ms${seen}`;
            },
          },
        },
      },
    },
  };
}
