import { describe, expect, it } from 'vitest';
import { coordinateText, gridPanels, sliceText, sweepAxes, sweepSlice, sweepStrategies, type Sweep } from './grid.js';
import type { StrategyResult, SweepPoint } from './types.js';

function result(strategy: string, p99: number): StrategyResult {
  return { strategy, latency: { mean: p99 / 4, p50: 1, p90: 2, p99, p999: p99 * 2, max: p99 * 3 } } as unknown as StrategyResult;
}

/** A 2 × 2 × 2 grid: p99 = rate/1000 + count + draws/10 for p2c; round-robin 100 everywhere but one point. */
function grid(): Sweep {
  const axes = [
    { key: 'clients.rate', values: [1000, 2000] },
    { key: 'backends[0].count', values: [4, 8] },
    { key: 'strategies[p2c].options.draws', values: [2, 3] },
  ];
  const points: SweepPoint[] = [];
  for (const rate of axes[0]!.values)
    for (const count of axes[1]!.values)
      for (const draws of axes[2]!.values) {
        const results = [result('p2c', rate / 1000 + count + draws / 10)];
        if (!(rate === 2000 && count === 8 && draws === 3)) results.push(result('round-robin', 100));
        points.push({ value: rate, at: [rate, count, draws], load: rate / (count * 1000), results });
      }
  return { key: 'clients.rate', axes, points };
}

describe('grid sweeps in the report', () => {
  it('axes from the file, or one axis from a one-key file without them', () => {
    expect(sweepAxes(grid()).map((a) => a.key)).toEqual(['clients.rate', 'backends[0].count', 'strategies[p2c].options.draws']);
    const old: Sweep = { key: 'clients.rate', points: [3000, 1000, 2000].map((v) => ({ value: v, load: v / 4000, results: [] })) };
    expect(sweepAxes(old)).toEqual([{ key: 'clients.rate', values: [1000, 2000, 3000] }]);
    expect(sweepSlice(old, 1)).toHaveLength(3);
    expect(sliceText(old, 1)).toBe('');
  });

  it('the slice through the selected point along the first axis, and its labels', () => {
    const g = grid();
    const sel = g.points.findIndex((p) => p.at!.join() === '2000,8,2');
    expect(sweepSlice(g, sel).map((p) => p.at)).toEqual([
      [1000, 8, 2],
      [2000, 8, 2],
    ]);
    expect(sliceText(g, sel)).toBe('backends[0].count = 8, strategies[p2c].options.draws = 2');
    expect(coordinateText(g, g.points[sel]!)).toBe('clients.rate = 2000, backends[0].count = 8, strategies[p2c].options.draws = 2');
  });

  it('panels per third-axis value, curves per second-axis value, x the first axis; gaps where a strategy is missing', () => {
    const panels = gridPanels(grid(), 'p2c', 'p99', 0);
    expect(panels.map((p) => p.value)).toEqual([2, 3]);
    expect(panels[1]!.curves.map((c) => c.value)).toEqual([4, 8]);
    expect(panels[1]!.curves[1]!.points).toEqual([
      { x: 1000, y: 1 + 8 + 0.3 },
      { x: 2000, y: 2 + 8 + 0.3 },
    ]);
    expect(gridPanels(grid(), 'p2c', 'mean', 0)[0]!.curves[0]!.points[0]!.y).toBeCloseTo((1 + 4 + 0.2) / 4, 12);
    const rr = gridPanels(grid(), 'round-robin', 'p99', 0);
    expect(rr[1]!.curves[1]!.points.map((p) => p.y)).toEqual([100, null]);
    expect(sweepStrategies(grid())).toEqual(['p2c', 'round-robin']);
  });

  it('named values on the second and third axes: curves and panels by name', () => {
    const axes = [
      { key: 'clients.rate', values: [1000, 2000] },
      { key: 'strategies[bounded-load].options.flavor', values: ['paper', 'haproxy'] },
      { key: 'balancer.zones.forceLocalityDirectRouting', values: [true, false] },
    ];
    const points: SweepPoint[] = [];
    for (const rate of [1000, 2000])
      for (const flavor of ['paper', 'haproxy'])
        for (const direct of [true, false])
          points.push({ value: rate, at: [rate, flavor, direct], load: 0.5, results: [result('bounded-load', rate / 1000 + (flavor === 'paper' ? 0 : 10) + (direct ? 0 : 100))] });
    const g: Sweep = { key: 'clients.rate', axes, points };
    const panels = gridPanels(g, 'bounded-load', 'p99', 0);
    expect(panels.map((p) => p.value)).toEqual([true, false]);
    expect(panels[1]!.curves.map((c) => c.value)).toEqual(['paper', 'haproxy']);
    expect(panels[1]!.curves[1]!.points).toEqual([
      { x: 1000, y: 111 },
      { x: 2000, y: 112 },
    ]);
    expect(sliceText(g, 3)).toBe('strategies[bounded-load].options.flavor = haproxy, balancer.zones.forceLocalityDirectRouting = false');
  });

  it('two axes: one panel; a one-axis sweep has no grid card', () => {
    const g = grid();
    const two: Sweep = {
      key: g.key,
      axes: g.axes!.slice(0, 2),
      points: g.points.filter((p) => p.at![2] === 2).map((p) => ({ ...p, at: p.at!.slice(0, 2) })),
    };
    const panels = gridPanels(two, 'p2c', 'p99', 0);
    expect(panels).toHaveLength(1);
    expect(panels[0]!.value).toBeNull();
    expect(panels[0]!.curves).toHaveLength(2);
    expect(gridPanels({ key: 'k', axes: [{ key: 'k', values: [1] }], points: [] }, 'p2c', 'p99', 0)).toEqual([]);
  });
});

describe('grid panel scale', () => {
  it('axis ends at 1, 2 or 5 × 10^k', async () => {
    const { niceBound } = await import('./charts/grid.js');
    expect([13.05, 12, 20, 0.31, 4999].map((x) => niceBound(x, true))).toEqual([20, 20, 20, 0.5, 5000]);
    expect([13.05, 4.9, 0.31, 1].map((x) => niceBound(x, false))).toEqual([10, 2, 0.2, 1]);
  });
});
