/**
 * Small pieces shared by the chart builders: axis titles, a legend whose clicks toggle a strategy
 * on every chart at once, log-axis tick labels, and point arrays with gaps.
 */
import type { LegendOptions, ScatterDataPoint } from 'chart.js';
import type { View } from '../view.js';
import type { XY } from '../types.js';
import { fmtExact } from '../format.js';

/** An axis title in the page's style. */
export function axisTitle(text: string): { display: true; text: string; font: { size: number; weight: 'bold' } } {
  return { display: true, text, font: { size: 13, weight: 'bold' } };
}

/** Most strategies a chart's own legend lists (see {@link strategyLegend}). */
export const LEGEND_MAX = 8;

/**
 * Legend for datasets labelled by strategy: clicking an entry hides that strategy everywhere.
 * @param drawn strategies the chart draws (default: every strategy shown)
 */
export function strategyLegend(v: View, drawn: number = v.results.length): Partial<LegendOptions<'bar' | 'line'>> {
  return {
    // Beyond LEGEND_MAX strategies the legend would take most of the card's height (17 strategies:
    // the plot shrinks to a third and axis titles are cut); the strategy toggles above the cards name
    // every strategy in the same colours and hide/show them the same way.
    display: drawn <= LEGEND_MAX,
    position: 'bottom',
    onClick: (_e, item) => v.toggle(item.text),
  };
}

/** Log-axis tick labels only at 1, 2 and 5 × 10^k, so labels never crowd. */
export function logTick(this: { min?: number; max?: number } | void, value: number | string): string {
  const n = Number(value);
  if (!(n > 0)) return '';
  const m = n / 10 ** Math.floor(Math.log10(n) + 1e-9);
  // Over more than four decades only powers of ten get a label, so labels never collide.
  const scale = this && typeof this === 'object' ? this : undefined;
  const decades = scale && scale.min && scale.max && scale.min > 0 ? Math.log10(scale.max / scale.min) : 0;
  const marks = decades > 4 ? [1] : [1, 2, 5];
  return marks.some((k) => Math.abs(m - k) < 1e-6) ? fmtExact(n) : '';
}

/** XY points for Chart.js (a null y stays null and is drawn as a gap). */
export function asPoints(xy: readonly XY[]): ScatterDataPoint[] {
  return xy as unknown as ScatterDataPoint[];
}
