/**
 * Traffic over time (scenarios with failover tiers or zones): for the selected strategy, the share
 * of attempts per backend zone (solid), per priority tier (dashed) and crossing zones (dotted), in
 * percent per time window; spill-over and panic spells shaded (`traffic.ts`).
 */
import type { ChartConfiguration } from 'chart.js';
import { fmtExact } from '../format.js';
import { backendColour, HEALTH_COLOURS } from '../palette.js';
import { xBandsPlugin } from '../plugins/x-bands.js';
import { episodeBands, shareLines } from '../traffic.js';
import type { View } from '../view.js';
import { asPoints, axisTitle } from './common.js';

/** Chart.js configuration of the share-over-time chart. */
export function trafficTimeChart(v: View): ChartConfiguration<'line'> {
  const lines = shareLines(v.selected);
  let colour = 0;
  const datasets = lines.map((l) => {
    const c = l.kind === 'cross' ? '#222222' : backendColour(colour++);
    return {
      label: l.label,
      data: asPoints(l.data),
      borderColor: c,
      backgroundColor: c,
      borderWidth: l.kind === 'cross' ? 2.5 : 2,
      borderDash: l.kind === 'tier' ? [6, 4] : l.kind === 'cross' ? [2, 3] : [],
      pointRadius: 0,
      stepped: 'after' as const,
    };
  });
  return {
    type: 'line',
    data: { datasets },
    plugins: [xBandsPlugin],
    options: {
      parsing: false,
      interaction: { mode: 'nearest', intersect: false },
      scales: {
        x: { type: 'linear', title: axisTitle('time since warm-up (s, window end)') },
        y: { type: 'linear', min: 0, max: 100, title: axisTitle('share of attempts in the window (%)') },
      },
      plugins: {
        xBands: { bands: episodeBands(v.selected), colour: HEALTH_COLOURS.fault, maxLabels: 4 },
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: { label: (c) => `${String(c.dataset.label)}: ${fmtExact(c.parsed.y ?? NaN)} % of attempts in the window ending at ${fmtExact(c.parsed.x ?? NaN)} s` },
        },
      },
    },
  };
}
