/**
 * The capacity chart (`lbsim capacity`): per strategy, the backends it needs (or the rate it holds,
 * or the speed it needs) to meet the SLO, as bars with whiskers — the range over replications for
 * counts, the 95 % interval for rates and speeds — and the scenario's current setting as a line.
 * Strategies that meet the SLO nowhere in the range get no bar (their category says so).
 */
import type { ChartConfiguration } from 'chart.js';
import { whiskersPlugin } from '../plugins/whiskers.js';
import { axisTitle } from '../charts/common.js';
import type { CapacityReport } from '../types.js';

/** Title of the chart for what was varied. */
export function capacityTitle(c: CapacityReport): string {
  return c.vary === 'backends' ? 'Servers needed per strategy' : c.vary === 'rate' ? 'Load each strategy holds' : 'Speed each strategy needs';
}

/** Chart.js configuration of the capacity chart. */
export function capacityChart(c: CapacityReport, colour: (s: string) => string): ChartConfiguration<'bar'> {
  const better = (a: number, b: number): number => (c.vary === 'rate' ? b - a : a - b);
  const rows = [...c.rows].sort((a, b) => (a.value === null ? 1 : b.value === null ? -1 : better(a.value, b.value)));
  const labels = rows.map((r) => (r.value === null ? `${r.strategy} (none in range)` : r.strategy));
  const unit = c.vary === 'backends' ? 'backends' : c.vary === 'rate' ? 'req/s' : '× current speed';
  const spread = rows.map((r): [number, number] | null => {
    const met = r.perReplication.filter((x): x is number => x !== null);
    if (c.vary === 'backends') return met.length > 1 ? [Math.min(...met), Math.max(...met)] : null;
    return r.ci95;
  });
  return {
    type: 'bar',
    data: {
      labels,
      datasets: [
        { label: unit, data: rows.map((r) => r.value ?? NaN), backgroundColor: rows.map((r) => colour(r.strategy)), borderWidth: 0 },
        {
          label: 'now',
          type: 'line' as never,
          data: rows.map(() => c.current),
          borderColor: '#222',
          borderDash: [6, 4],
          pointRadius: 0,
          borderWidth: 1.5,
        } as never,
      ],
    },
    plugins: [whiskersPlugin],
    options: {
      scales: { x: { title: axisTitle('strategy') }, y: { beginAtZero: c.vary !== 'speed', title: axisTitle(unit) } },
      plugins: { whiskers: { intervals: { [unit]: spread } }, legend: { position: 'bottom' } },
    },
  };
}
