/**
 * The tuning chart (`lbsim tune`): the metric at every evaluated setting against one parameter
 * (one chart per parameter), the best setting and the scenario's own marked.
 */
import type { ChartConfiguration } from 'chart.js';
import { axisTitle } from '../charts/common.js';
import type { TuneReport } from '../types.js';

/** Chart.js configuration of the tuning chart for parameter `path`. */
export function tuneChart(t: TuneReport, path: string, colour: string): ChartConfiguration<'line'> {
  const p = t.parameters.find((x) => x.path === path)!;
  const m = t.metric === 'p999' ? 'p99.9' : t.metric;
  const pts = t.points
    .filter((x) => x.settings[path] !== undefined && Number.isFinite(x.value))
    .map((x) => ({ x: x.settings[path]!, y: x.value }))
    .sort((a, b) => a.x - b.x);
  const mark = (pt: (typeof t.points)[number]) => (pt.settings[path] === undefined ? [] : [{ x: pt.settings[path]!, y: pt.value }]);
  return {
    type: 'line',
    data: {
      datasets: [
        { label: `${m} (ms)`, data: pts, borderColor: colour, backgroundColor: colour, showLine: true, pointRadius: 3, borderWidth: 1 },
        { label: 'best', data: mark(t.best), borderColor: '#009e73', backgroundColor: '#009e73', pointRadius: 8, pointStyle: 'star', showLine: false },
        { label: 'scenario’s setting', data: mark(t.initial), borderColor: '#d55e00', backgroundColor: 'transparent', pointRadius: 8, pointStyle: 'circle', showLine: false },
      ],
    },
    options: {
      scales: {
        x: { type: p.log ? 'logarithmic' : 'linear', title: axisTitle(`${path}${p.log ? ' (log scale)' : ''}`) },
        y: { title: axisTitle(`${m} latency (ms)`) },
      },
      plugins: { legend: { position: 'bottom' } },
    },
  };
}
