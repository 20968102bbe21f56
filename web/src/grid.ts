/**
 * Grid sweeps in the report (several `--vary` axes; `sweep.axes` and `points[].at` in the results
 * file): the axes (a one-axis file from before grids gets one from its points), the slice of points
 * through the selected point along the first axis (what the sweep chart draws), and the small
 * multiples of the grid card — one panel per value of the third axis, one curve per value of the
 * second, x the first axis's value, y a strategy's latency; axes beyond the third are held at the
 * selected point's values. Pure data, unit-tested; the chart is `charts/grid.ts`.
 */
import type { AxisValue, SweepAxis, SweepPoint, XY } from './types.js';

/** The sweep part of a results file. */
export type Sweep = { key: string; axes?: SweepAxis[]; points: SweepPoint[] };

/** The sweep's axes (from the file, or one axis from the points' values). */
export function sweepAxes(sweep: Sweep): SweepAxis[] {
  if (sweep.axes && sweep.axes.length > 0) return sweep.axes;
  return [{ key: sweep.key, values: [...new Set(sweep.points.map((p) => p.value))].sort((a, b) => a - b) }];
}

/** A point's value on every axis (the first is a number; later ones may be names or booleans). */
export function coordinates(p: SweepPoint): AxisValue[] {
  return p.at ?? [p.value];
}

/** `clients.rate = 8000, backends[0].count = 10` for a point. */
export function coordinateText(sweep: Sweep, p: SweepPoint): string {
  const at = coordinates(p);
  return sweepAxes(sweep)
    .map((a, i) => `${a.key} = ${at[i]}`)
    .join(', ');
}

/** The points that share `selected`'s values on every axis but the first (all points for one axis). */
export function sweepSlice(sweep: Sweep, selected: number): SweepPoint[] {
  const sel = sweep.points[selected];
  if (!sel) return sweep.points;
  const at = coordinates(sel);
  return sweep.points.filter((p) => coordinates(p).every((v, i) => i === 0 || v === at[i]));
}

/** What the slice holds fixed: `backends[0].count = 10` (empty for one axis). */
export function sliceText(sweep: Sweep, selected: number): string {
  const sel = sweep.points[selected];
  if (!sel) return '';
  const at = coordinates(sel);
  return sweepAxes(sweep)
    .slice(1)
    .map((a, i) => `${a.key} = ${at[i + 1]}`)
    .join(', ');
}

/** One curve of a panel: a value of the second axis and the metric along the first. */
export interface GridCurve {
  value: AxisValue;
  points: XY[];
}

/** One small multiple: a value of the third axis (null with two axes) and its curves. */
export interface GridPanel {
  value: AxisValue | null;
  curves: GridCurve[];
}

/**
 * The grid card's panels for `strategy` (see the module header). A point where the strategy is
 * missing leaves a gap; axes beyond the third are held at `selected`'s values.
 */
export function gridPanels(sweep: Sweep, strategy: string, metric: 'p99' | 'mean', selected: number): GridPanel[] {
  const axes = sweepAxes(sweep);
  if (axes.length < 2) return [];
  const sel = coordinates(sweep.points[selected] ?? sweep.points[0]!);
  const index = new Map<string, SweepPoint>();
  for (const p of sweep.points) index.set(coordinates(p).join('|'), p);
  const third: (AxisValue | null)[] = axes.length >= 3 ? axes[2]!.values : [null];
  return third.map((v3) => ({
    value: v3,
    curves: axes[1]!.values.map((v2) => ({
      value: v2,
      points: axes[0]!.values.map((v1) => {
        const at = [v1, v2, ...(v3 === null ? [] : [v3]), ...sel.slice(3)];
        const r = index.get(at.join('|'))?.results.find((x) => x.strategy === strategy);
        return { x: v1 as number, y: r ? r.latency[metric] : null }; // the first axis is numeric
      }),
    })),
  }));
}

/** Every strategy label in the sweep, in order of first appearance. */
export function sweepStrategies(sweep: Sweep): string[] {
  const out: string[] = [];
  for (const p of sweep.points) for (const r of p.results) if (!out.includes(r.strategy)) out.push(r.strategy);
  return out;
}
