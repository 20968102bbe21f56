/**
 * A tiny inline Chart.js plugin drawing 95 % confidence-interval whiskers on bars (an I-beam from
 * the low to the high bound, centred on the bar). Intervals come from the chart's
 * `options.plugins.whiskers.intervals`, keyed by dataset label, one entry per bar (null = none).
 * Written against the plugin hooks documented at https://www.chartjs.org/docs/latest/developers/plugins.html.
 */
import type { Chart, ChartType, Plugin } from 'chart.js';

/** Options of the whiskers plugin. */
export interface WhiskerOptions {
  /** Dataset label → one [low, high] (or null) per data index. */
  intervals: Record<string, ([number, number] | null)[]>;
  /** Stroke colour of the whiskers. */
  colour?: string;
}

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends ChartType> {
    whiskers?: WhiskerOptions;
  }
}

/** The plugin; pass it in a chart's `plugins` array. */
export const whiskersPlugin: Plugin<'bar', WhiskerOptions> = {
  id: 'whiskers',
  afterDatasetsDraw(chart: Chart<'bar'>, _args, opts) {
    const scale = chart.scales['y'];
    if (!scale || !opts?.intervals) return;
    const ctx = chart.ctx;
    ctx.save();
    ctx.strokeStyle = opts.colour ?? '#222';
    ctx.lineWidth = 1.5;
    chart.data.datasets.forEach((ds, di) => {
      const list = opts.intervals[String(ds.label)];
      if (!list || !chart.isDatasetVisible(di)) return;
      chart.getDatasetMeta(di).data.forEach((el, i) => {
        const ci = list[i];
        if (!ci) return;
        const { x, width } = el.getProps(['x', 'width'], true) as unknown as { x: number; width: number };
        const lo = scale.getPixelForValue(ci[0]);
        const hi = scale.getPixelForValue(ci[1]);
        const cap = Math.max(3, Math.min(8, width * 0.3));
        ctx.beginPath();
        ctx.moveTo(x, lo);
        ctx.lineTo(x, hi);
        ctx.moveTo(x - cap, lo);
        ctx.lineTo(x + cap, lo);
        ctx.moveTo(x - cap, hi);
        ctx.lineTo(x + cap, hi);
        ctx.stroke();
      });
    });
    ctx.restore();
  },
};
