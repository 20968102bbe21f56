/**
 * The report of `lbsim compare-live` in headless Chromium: the two files (simulated, measured) are
 * named apart in the picker with the time scale, and each shows the "simulated versus measured"
 * card — both sides per strategy with the deltas, the scale stated — at 1024 and 1400 px; a plain
 * run shows no such card.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LiveCheck, ResultsFile } from '../../src/results/schema.js';
import { openReport, reportFixture, ROOT } from './browser.js';

const RUN = (JSON.parse(readFileSync(join(ROOT, 'web/test/fixture-results.json'), 'utf8')) as ResultsFile[])[0]!;

/** A comparison over the fixture's strategies: measured = simulated × (1 + 0.1·k). */
function check(side: 'sim' | 'live'): LiveCheck {
  return {
    side,
    scale: 20,
    overheadMs: 0.4,
    tolerance: { p50: 0.15, p99: 0.25 },
    rows: RUN.results.map((r, k) => {
      const f = (x: number) => x * (1 + 0.1 * k);
      const u = r.backends.reduce((s, b) => s + b.utilization, 0) / r.backends.length;
      return {
        strategy: r.strategy,
        sim: { p50: r.latency.p50, p99: r.latency.p99, mean: r.latency.mean, utilization: u },
        live: { p50: f(r.latency.p50), p99: f(r.latency.p99), mean: f(r.latency.mean), utilization: u },
        diff: { p50: 0.1 * k, p99: 0.1 * k, mean: 0.1 * k },
        shareDiff: 0.01,
        p99spread: 0.2,
        ok: { p50: 0.1 * k <= 0.15, p99: 0.1 * k <= 0.25 },
      };
    }),
    ranking: { sim: RUN.results.map((r) => r.strategy), live: RUN.results.map((r) => r.strategy), same: true, consistent: true },
    agree: false,
    notes: ['the proxy adds 0.4 ms per request (scaled)'],
  };
}

describe('compare-live report in headless chromium', () => {
  const report = reportFixture('compare-live', () => [{ ...RUN, liveCheck: check('sim') }, { ...RUN, mode: 'live', liveCheck: check('live') }, RUN]);

  for (const width of [1024, 1400]) {
    it(`${width} px: two named files, the side-by-side card with the time scale, none for a plain run`, async () => {
      const errors: string[] = [];
      const page = await openReport(report.browser, report.html, { width, height: 900 }, errors);
      const name = String(RUN.scenario['name']);
      const options = await page.$$eval('#file-select option', (os) => os.map((o) => o.textContent));
      expect(options).toEqual([`${name} — simulated (×20 time scale)`, `${name} — measured live (×20 time scale)`, name]);
      for (const [i, side] of [[0, 'simulated'], [1, 'measured']] as const) {
        await page.selectOption('#file-select', String(i));
        expect(await page.isVisible('#card-live-check')).toBe(true);
        const caption = await page.textContent('#live-check-caption');
        expect(caption).toContain(`this is the ${side} side`);
        expect(caption).toMatch(/time scale ×20: every service, think and network time ×20 and every rate ÷20/);
        const rows = await page.$$eval('#live-check-table tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
        expect(rows[0]!.slice(0, 7)).toEqual(['strategy', 'p50 sim', 'p50 live', 'Δp50', 'p99 sim', 'p99 live', 'Δp99']);
        expect(rows.slice(1).map((r) => r[0])).toEqual(RUN.results.map((r) => r.strategy));
        expect(rows[2]![3]).toBe('+10 %');
        expect(await page.$$eval('#live-check-table tr.off-tolerance', (trs) => trs.length)).toBe(RUN.results.length - 2);
        // the table fits the card: no column cut
        const fit = await page.$eval('#card-live-check .table-wrap', (w) => w.scrollWidth <= w.clientWidth + 1);
        expect(fit).toBe(true);
      }
      await page.selectOption('#file-select', '2');
      expect(await page.isVisible('#card-live-check')).toBe(false);
      expect(errors).toEqual([]);
      await page.close();
    }, 60_000);
  }
});
