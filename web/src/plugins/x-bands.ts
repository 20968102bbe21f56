/**
 * A tiny inline Chart.js plugin shading x ranges behind the datasets, used on the backend-health
 * chart to show the fault windows (e.g. `web-2 crash` from 10 to 25 s). Each band gets its label
 * at the top-left when there are few enough bands to read them.
 */
import type { Chart, ChartType, Plugin } from 'chart.js';

/** Options of the x-bands plugin. */
export interface XBandsOptions {
  /** The ranges to shade, in x-axis units, with their labels. */
  bands: { from: number; to: number; label: string }[];
  /** Fill colour of a band. */
  colour: string;
  /** Labels are written only when there are at most this many bands. */
  maxLabels: number;
}

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends ChartType> {
    xBands?: XBandsOptions;
  }
}

/** The plugin; pass it in a chart's `plugins` array. */
export const xBandsPlugin: Plugin<'line', XBandsOptions> = {
  id: 'xBands',
  beforeDatasetsDraw(chart: Chart<'line'>, _args, opts) {
    const scale = chart.scales['x'];
    if (!scale || !opts?.bands || opts.bands.length === 0) return;
    const { left, right, top, bottom } = chart.chartArea;
    const ctx = chart.ctx;
    ctx.save();
    ctx.font = '12px system-ui, sans-serif';
    ctx.textBaseline = 'top';
    ctx.textAlign = 'left';
    const labels = opts.bands.length <= opts.maxLabels;
    opts.bands.forEach((b, i) => {
      const x0 = Math.max(left, scale.getPixelForValue(b.from));
      const x1 = Math.min(right, scale.getPixelForValue(b.to));
      if (!(x1 > x0)) return;
      ctx.fillStyle = opts.colour;
      ctx.fillRect(x0, top, x1 - x0, bottom - top);
      if (labels) {
        ctx.fillStyle = '#8a2a0a';
        // Stagger the labels of neighbouring bands so they do not overwrite each other.
        ctx.fillText(b.label, x0 + 4, top + 4 + (i % 2) * 15, Math.max(20, x1 - x0 - 6));
      }
    });
    ctx.restore();
  },
};
