/**
 * A tiny inline Chart.js plugin drawing one labelled vertical dashed line at an x value, used on the
 * sweep chart to show which sweep point the other charts and the table describe.
 */
import type { Chart, ChartType, Plugin } from 'chart.js';

/** Options of the x-marker plugin. */
export interface XMarkerOptions {
  /** Where to draw the line (x-axis value); nothing is drawn when undefined. */
  x: number | undefined;
  /** Text written at the top of the line. */
  label: string;
}

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends ChartType> {
    xMarker?: XMarkerOptions;
  }
}

/** The plugin; pass it in a chart's `plugins` array. */
export const xMarkerPlugin: Plugin<'line', XMarkerOptions> = {
  id: 'xMarker',
  beforeDatasetsDraw(chart: Chart<'line'>, _args, opts) {
    const scale = chart.scales['x'];
    if (!scale || opts?.x === undefined) return;
    const x = scale.getPixelForValue(opts.x);
    const { top, bottom } = chart.chartArea;
    const ctx = chart.ctx;
    ctx.save();
    ctx.strokeStyle = '#777';
    ctx.lineWidth = 1.5;
    ctx.setLineDash([3, 3]);
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, bottom);
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = '#444';
    ctx.font = '12px system-ui, sans-serif';
    ctx.textAlign = x > (chart.chartArea.left + chart.chartArea.right) / 2 ? 'right' : 'left';
    ctx.textBaseline = 'top';
    ctx.fillText(opts.label, ctx.textAlign === 'right' ? x - 4 : x + 4, top + 2);
    ctx.restore();
  },
};
