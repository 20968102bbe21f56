/**
 * Cache chart: share of lookups that hit the backend's cache, over all backends and per backend,
 * one bar per strategy in its colour, so key affinity (hashing strategies) can be weighed against
 * balance. Strategies without caches are left out.
 */
import type { ChartConfiguration } from 'chart.js';
import { cacheBars } from '../failures.js';
import { fmtExact } from '../format.js';
import type { View } from '../view.js';
import { axisTitle, strategyLegend } from './common.js';

/** Chart.js configuration of the cache-hit-ratio chart. */
export function cacheChart(v: View): ChartConfiguration<'bar'> {
  const cb = cacheBars(v.results);
  const cached = v.results.filter((r) => r.cache);
  return {
    type: 'bar',
    data: {
      labels: cb.categories,
      datasets: cb.strategies.map((s, i) => ({
        label: s,
        data: cb.values[i] ?? [],
        backgroundColor: v.colour(s),
        borderWidth: 0,
      })),
    },
    options: {
      scales: {
        x: { title: axisTitle('backend'), ticks: { autoSkip: false } },
        y: { type: 'linear', min: 0, max: 100, title: axisTitle('cache hit ratio (% of lookups)') },
      },
      plugins: {
        legend: strategyLegend(v),
        tooltip: {
          callbacks: {
            label: (c) => {
              const base = `${String(c.dataset.label)}: ${fmtExact(c.parsed.y ?? NaN)} % hits`;
              const cache = cached[c.datasetIndex]?.cache;
              return c.dataIndex === 0 && cache
                ? `${base} (${fmtExact(cache.hits)} hits, ${fmtExact(cache.misses)} misses)`
                : `${base} on ${c.label}`;
            },
          },
        },
      },
    },
  };
}
