/**
 * A grid sweep's report in the browser: a real three-axis sweep (rate × fleet size × p2c's draws,
 * simulated here through the CLI's own sweep path), written with writeReport and opened from file://
 * in Chromium. Checks the grid card (one panel per value of the third axis, one curve per value of
 * the second, in viridis order, every panel drawn), the strategy picker, the sweep chart's slice
 * through the picked point, the point picker's coordinates, and saves the card as
 * docs/report-grid.png (shown in the README).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { sweepScenarios } from '../../src/cli/sweep.js';
import { SerialExecutor } from '../../src/exec/executor.js';
import { runSweep } from '../../src/exec/sweep.js';
import { writeReport } from '../../src/report/write.js';
import { canvasStats, ensureBuilt, launchChromium, openReport, ROOT } from './browser.js';

const SCREENSHOT = join(ROOT, 'docs/report-grid.png');

const SCENARIO = `name: grid
description: p2c's draws against load and fleet size
seed: 7
duration: 3s
warmup: 300ms
clients: { arrival: poisson, rate: 2000 }
backends:
  - count: 4
    workers: 1
    service: { dist: exponential, mean: 1ms }
strategies: [round-robin, least-connections, p2c]
`;
const VARY = ['clients.rate=1500:3500:500', 'backends[0].count=4,5,6', 'strategies[p2c].options.draws=2,3'];

type Charts = { id: string; datasets: string[]; categories: string[]; sizes: number[] }[];

describe('a grid sweep in the browser', () => {
  let browser: Browser | undefined;
  let dir = '';
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('draws small multiples per third-axis value with a curve per second-axis value, and saves docs/report-grid.png', async () => {
    await ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), 'lbsim-grid-'));
    writeFileSync(join(dir, 'grid.yaml'), SCENARIO);
    const { axes, scenarios } = await sweepScenarios(join(dir, 'grid.yaml'), { vary: VARY });
    const file = await runSweep(axes, scenarios, new SerialExecutor());
    const html = writeReport([file], join(dir, 'report'));
    browser = await launchChromium();
    const errors: string[] = [];
    const page = await openReport(browser, html, { width: 1400, height: 1000 }, errors);
    expect(await page.evaluate(() => window.lbsimReport?.problems ?? ['no handle'])).toEqual([]);
    expect(await page.isVisible('#card-grid')).toBe(true);
    expect(await page.textContent('#scenario-title')).toBe('grid (grid over clients.rate × backends[0].count × strategies[p2c].options.draws)');
    // every grid point in the picker, with its coordinates
    const options = await page.$$eval('#point-select option', (o) => o.map((x) => x.textContent ?? ''));
    expect(options).toHaveLength(30);
    expect(options[0]).toMatch(/^load 0\.38 \(clients\.rate = 1500, backends\[0\]\.count = 4, strategies\[p2c\]\.options\.draws = 2\)$/);
    const charts = (): Promise<Charts> => page.evaluate(() => window.lbsimReport?.charts() ?? []);
    const grid = (await charts()).filter((c) => c.id.startsWith('chart-grid-'));
    expect(grid.map((c) => c.id)).toEqual(['chart-grid-0', 'chart-grid-1']);
    for (const c of grid) {
      expect(c.datasets).toEqual(['backends[0].count = 4', 'backends[0].count = 5', 'backends[0].count = 6']);
      expect(c.sizes).toEqual([5, 5, 5]);
    }
    expect(await page.$$eval('#grid-panels h3', (h) => h.map((x) => x.textContent))).toEqual([
      'strategies[p2c].options.draws = 2',
      'strategies[p2c].options.draws = 3',
    ]);
    // viridis: darkest curve first, the lightest used last
    const viridis: Record<string, [number, number, number]> = { first: [0x44, 0x01, 0x54], mid: [0x21, 0x91, 0x8c], last: [0xb5, 0xde, 0x2b] };
    for (const s of await canvasStats(page, ['chart-grid-0', 'chart-grid-1'], viridis)) {
      expect(s.painted / (s.width * s.height), `${s.id} painted`).toBeGreaterThan(0.01);
      for (const k of Object.keys(viridis)) expect(s.colours[k], `${s.id} ${k}`).toBeGreaterThan(20);
    }
    // the sweep chart: the slice along the rate through the picked point, one line per strategy
    const sweep = (await charts()).find((c) => c.id === 'chart-sweep')!;
    expect(sweep.datasets.filter((d) => !d.endsWith('(mean)'))).toEqual(['round-robin', 'least-connections', 'p2c']);
    expect(sweep.sizes[0]).toBe(5);
    expect(await page.textContent('#sweep-slice')).toMatch(/^ at backends\[0\]\.count = \d, strategies\[p2c\]\.options\.draws = \d$/);
    // round-robin ignores draws: its two panels are the same
    await page.selectOption('#grid-strategy', 'round-robin');
    expect(await page.textContent('#grid-caption')).toMatch(/^p99 latency of round-robin against clients\.rate: one line per value of backends\[0\]\.count, one panel per value of strategies\[p2c\]\.options\.draws/);
    await page.selectOption('#grid-strategy', 'p2c');
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    await page.locator('#card-grid').screenshot({ path: SCREENSHOT });
    expect(errors).toEqual([]);
  }, 120_000);

  it('a named second axis (a strategy\'s flavor): one curve per name, no problem reported', async () => {
    await ensureBuilt();
    const named = mkdtempSync(join(tmpdir(), 'lbsim-grid-named-'));
    try {
      writeFileSync(join(named, 'grid.yaml'), SCENARIO.replace('strategies: [round-robin, least-connections, p2c]', 'strategies: [bounded-load]'));
      const { axes, scenarios } = await sweepScenarios(join(named, 'grid.yaml'), {
        vary: ['clients.rate=1500:2500:500', 'strategies[bounded-load].options.flavor=paper,haproxy,envoy'],
      });
      const file = await runSweep(axes, scenarios, new SerialExecutor());
      const html = writeReport([file], join(named, 'report'));
      browser ??= await launchChromium();
      const errors: string[] = [];
      const page = await openReport(browser, html, { width: 1400, height: 1000 }, errors);
      expect(await page.evaluate(() => window.lbsimReport?.problems ?? ['no handle'])).toEqual([]);
      expect(await page.isVisible('#card-grid')).toBe(true);
      const grid = (await page.evaluate(() => window.lbsimReport?.charts() ?? [])).filter((c) => c.id.startsWith('chart-grid-'));
      expect(grid.map((c) => c.id)).toEqual(['chart-grid-0']);
      expect(grid[0]!.datasets).toEqual([
        'strategies[bounded-load].options.flavor = paper',
        'strategies[bounded-load].options.flavor = haproxy',
        'strategies[bounded-load].options.flavor = envoy',
      ]);
      expect(grid[0]!.sizes).toEqual([3, 3, 3]);
      const options = await page.$$eval('#point-select option', (o) => o.map((x) => x.textContent ?? ''));
      expect(options).toHaveLength(9);
      expect(options.some((o) => o.includes('strategies[bounded-load].options.flavor = envoy'))).toBe(true);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      rmSync(named, { recursive: true, force: true });
    }
  }, 120_000);
});
