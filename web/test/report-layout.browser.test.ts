/**
 * The report's layout at the widths people open it at (1024 and 1400 px), with many strategies: the
 * summary table's last column is inside its card, the p99-over-time chart draws a readable number
 * of lines (the lowest-p99 ones, said in its caption), empty failed / rejected panels are left out,
 * the CDF's log axis starts near the fastest answers rather than at a stray near-zero latency, and
 * "Backends over time" opens on the best strategy. Saves a screenshot per width to out/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ResultsFile, StrategyResult } from '../../src/results/schema.js';
import { openReport, reportFixture, ROOT } from './browser.js';

const BASE = (JSON.parse(readFileSync(join(ROOT, 'web/test/fixture-results.json'), 'utf8')) as ResultsFile[])[0] as ResultsFile;

/** The fixture with 17 strategies, none of which failed or rejected a request, and one stray 1e-5 ms answer. */
function manyStrategies(): ResultsFile {
  const src = BASE.results[0]!;
  const results: StrategyResult[] = Array.from({ length: 17 }, (_, i) => {
    const r = structuredClone(src);
    r.strategy = `variant-${String(i + 1).padStart(2, '0')}-of-a-long-name`;
    const k = 1 + ((i * 7) % 17) / 10; // p99 order differs from the listed order
    r.latency = { ...r.latency, mean: r.latency.mean * k, p99: r.latency.p99 * k };
    r.requests = { ...r.requests, failed: 0, rejected: 0 };
    r.cdf = { p: [0.0001, ...r.cdf.p], x: [1e-5, ...r.cdf.x] };
    return r;
  });
  return { ...structuredClone(BASE), results };
}

describe('report layout with 17 strategies', () => {
  const file = manyStrategies();
  const best = [...file.results].sort((a, b) => a.latency.p99 - b.latency.p99)[0]!.strategy;
  const report = reportFixture('layout', () => [file]);

  for (const width of [1024, 1400]) {
    it(`reads well at ${width} px`, async () => {
      const errors: string[] = [];
      const page = await openReport(report.browser, report.html, { width, height: 900 }, errors);

      // every column of the table fits its box: nothing to scroll sideways, the last column inside
      const edges = await page.evaluate(() => {
        const ths = [...document.querySelectorAll('#summary-table thead th')];
        const last = ths[ths.length - 1]!.getBoundingClientRect();
        const wrap = document.getElementById('summary-table')!.parentElement!;
        return { last: last.right, box: wrap.getBoundingClientRect().right, scroll: wrap.scrollWidth, client: wrap.clientWidth };
      });
      expect(edges.last).toBeLessThanOrEqual(edges.box + 0.5);
      expect(edges.scroll).toBeLessThanOrEqual(edges.client);

      const charts = await page.evaluate(() => window.lbsimReport?.charts() ?? []);
      const p99 = charts.find((c) => c.id === 'chart-p99-time')!;
      expect(p99.datasets).toHaveLength(6);
      expect(p99.datasets).toContain(best);
      expect(await page.textContent('#p99-time-note')).toContain('the 6 of 17 shown strategies with the lowest p99');

      expect(await page.isVisible('#chart-failed')).toBe(false);
      expect(await page.isVisible('#chart-rejected')).toBe(false);
      expect(await page.isVisible('#chart-throughput')).toBe(true);

      // the log axis starts at the power of ten below the fastest 0.1 %, not at the stray 1e-5 ms
      expect(charts.find((c) => c.id === 'chart-cdf')!.scales['x']!.min).toBeGreaterThan(1e-4);

      // every axis title is drawn whole: no "(ms, log sc"
      for (const c of charts) for (const [axis, sc] of Object.entries(c.scales)) expect(sc.titleFits, `${c.id} ${axis}: "${sc.title}" ${sc.titleWidth} px on ${sc.length} px`).toBe(true);

      expect(await page.inputValue('#util-strategy')).toBe(best);
      await page.screenshot({ path: join(ROOT, `out/report-layout-${width}.png`), fullPage: true });
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
  }
});
