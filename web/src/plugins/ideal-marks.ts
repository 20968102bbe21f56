/**
 * A tiny inline Chart.js plugin for the horizontal stacked share bars: for each bar it draws short
 * dashed black ticks where the stack boundaries would be if every backend got its ideal (weight)
 * share, so a lopsided split shows as segments ending away from the ticks.
 */
import type { Chart, ChartType, Plugin } from 'chart.js';

/** Options of the ideal-marks plugin. */
export interface IdealMarkOptions {
  /** Per category (bar), the x values (percent) of the ideal boundaries. */
  boundaries: number[][];
}

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends ChartType> {
    idealMarks?: IdealMarkOptions;
  }
}

/** The plugin; pass it in a chart's `plugins` array. */
export const idealMarksPlugin: Plugin<'bar', IdealMarkOptions> = {
  id: 'idealMarks',
  afterDatasetsDraw(chart: Chart<'bar'>, _args, opts) {
    const xScale = chart.scales['x'];
    if (!xScale || !opts?.boundaries) return;
    // Bar positions: the first visible dataset's elements, one per category.
    const di = chart.data.datasets.findIndex((_d, i) => chart.isDatasetVisible(i));
    if (di < 0) return;
    const bars = chart.getDatasetMeta(di).data;
    const ctx = chart.ctx;
    ctx.save();
    ctx.strokeStyle = '#000';
    ctx.lineWidth = 2;
    ctx.setLineDash([4, 3]);
    opts.boundaries.forEach((marks, i) => {
      const el = bars[i];
      if (!el) return;
      const { y, height } = el.getProps(['y', 'height'], true) as unknown as { y: number; height: number };
      for (const m of marks) {
        const x = xScale.getPixelForValue(m);
        ctx.beginPath();
        ctx.moveTo(x, y - height / 2 - 4);
        ctx.lineTo(x, y + height / 2 + 4);
        ctx.stroke();
      }
    });
    ctx.restore();
  },
};
