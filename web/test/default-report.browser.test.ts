/**
 * The report a newcomer gets from `npm start`: the default comparison (sims/homogeneous.yaml, every
 * strategy) simulated for real, written with writeReport, opened from file:// in Chromium. Checks that
 * it renders without problems and saves the screenshot the README shows (docs/report-default.png).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/write.js';
import { runScenario } from '../../src/sim/run.js';
import { loadScenario } from '../../src/scenario/index.js';
import { strategyNames } from '../../src/strategies/registry.js';
import { canvasStats, ensureBuilt, launchChromium, openReport, ROOT } from './browser.js';

const SCREENSHOT = join(ROOT, 'docs/report-default.png');

describe('the default comparison in the browser', () => {
  let browser: Browser | undefined;
  let dir = '';
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders every strategy of sims/homogeneous.yaml and saves the README screenshot', async () => {
    await ensureBuilt();
    const results = runScenario(loadScenario(join(ROOT, 'sims/homogeneous.yaml')));
    dir = mkdtempSync(join(tmpdir(), 'lbsim-default-'));
    const html = writeReport([results], dir);
    browser = await launchChromium();
    const errors: string[] = [];
    const page = await openReport(browser, html, { width: 1400, height: 1000 }, errors);
    expect(await page.evaluate(() => window.lbsimReport?.problems ?? ['no handle'])).toEqual([]);
    const rows = await page.$$eval('#summary-table tbody tr', (r) => r.map((x) => (x as HTMLElement).dataset['strategy'] ?? ''));
    expect([...rows].sort()).toEqual([...strategyNames()].sort());
    const best = [...results.results].sort((a, b) => a.latency.p99 - b.latency.p99)[0]!;
    expect(await page.textContent('#verdict')).toContain(best.strategy);
    for (const s of await canvasStats(page, ['chart-percentiles', 'chart-cdf', 'chart-shares', 'chart-p99-time', 'chart-utilization'])) {
      expect(s.painted / (s.width * s.height), `${s.id} painted`).toBeGreaterThan(0.02);
    }
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(errors).toEqual([]);
  }, 120_000);
});
