/**
 * Failover tiers and zones in the web report, in headless Chromium, from the committed fixture
 * web/test/fixture-zones.json: two real short runs written by
 *
 *   lbsim run web/test/fixture-zones.yaml --json zones.json
 *   lbsim run sims/tier-spillover.yaml --duration 20s --strategies round-robin,least-connections --json tiers.json
 *
 * and joined into one JSON array. Checks that the zone card and the traffic-over-time chart appear
 * exactly when their data is there and draw, that the table's cross-zone and lower-tier columns
 * show the fixture's numbers beside p99, that the verdict and captions name them, and that toggling
 * a strategy hides it on the cross-zone chart. Saves out/report-zones-screenshot.png.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResultsFile } from '../../src/results/schema.js';
import { canvasStats, openReport, reportFixture, ROOT } from './browser.js';

const FILES = JSON.parse(readFileSync(join(ROOT, 'web/test/fixture-zones.json'), 'utf8')) as ResultsFile[];
const [ZONES, TIERS] = FILES as [ResultsFile, ResultsFile];

/** Okabe–Ito colours by first appearance. */
const RGB: Record<string, [number, number, number]> = {
  'round-robin': [0x00, 0x72, 0xb2],
  'least-connections': [0xe6, 0x9f, 0x00],
  p2c: [0x00, 0x9e, 0x73],
};

type ChartInfo = { id: string; datasets: string[]; categories: string[]; sizes: number[] };

async function chart(page: Page, id: string): Promise<ChartInfo | undefined> {
  return (await page.evaluate(() => window.lbsimReport?.charts() ?? [])).find((c) => c.id === id);
}

async function columnTexts(page: Page, key: string): Promise<string[]> {
  return page.evaluate((key) => {
    const ths = [...document.querySelectorAll('#summary-table thead th')];
    const i = ths.findIndex((th) => (th as HTMLElement).dataset['key'] === key);
    if (i < 0) return [];
    return [...document.querySelectorAll('#summary-table tbody tr')].map((tr) => tr.children[i]?.textContent ?? '');
  }, key);
}

async function rowOrder(page: Page): Promise<string[]> {
  return page.$$eval('#summary-table tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset['strategy'] ?? ''));
}

const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;

describe('failover tiers and zones in the web report', () => {
  const report = reportFixture('web-zones', () => FILES);
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    page = await openReport(report.browser, report.html, { width: 1400, height: 1000 }, errors);
  }, 30_000);

  it('reads the fixture without problems', async () => {
    expect(await page.evaluate(() => window.lbsimReport?.problems ?? ['no handle'])).toEqual([]);
  });

  it('zone run: cross-zone card with one point per strategy, share over time per zone, cross-zone columns beside p99', async () => {
    expect(await page.isVisible('#card-zones')).toBe(true);
    expect(await page.isVisible('#traffic-box')).toBe(true);
    const stats = await canvasStats(page, ['chart-cross-zone', 'chart-traffic-time'], RGB);
    for (const s of stats) expect(s.painted / (s.width * s.height), `${s.id} painted`).toBeGreaterThan(0.01);
    const cz = stats.find((s) => s.id === 'chart-cross-zone')!;
    for (const name of Object.keys(RGB)) expect(cz.colours[name], `${name} on chart-cross-zone`).toBeGreaterThan(50);
    expect((await chart(page, 'chart-cross-zone'))?.datasets).toEqual(['round-robin', 'least-connections', 'p2c']);
    const time = await chart(page, 'chart-traffic-time');
    expect(time?.datasets).toEqual(['zone a', 'zone b', 'zone c', 'cross-zone']);
    expect(time?.sizes).toEqual([20, 20, 20, 20]);
    const byName = new Map(ZONES.results.map((r) => [r.strategy, r]));
    const order = await rowOrder(page);
    expect(await columnTexts(page, 'crossZone')).toEqual(order.map((s) => pct(byName.get(s)!.traffic!.crossZone!.share)));
    const cost = await columnTexts(page, 'crossZoneCost');
    expect(cost).toHaveLength(3);
    for (const c of cost) expect(Number(c)).toBeGreaterThan(0);
    expect(await columnTexts(page, 'lowerTiers')).toEqual([]);
    const verdict = await page.textContent('#zones-verdict');
    expect(verdict).toContain('The strategy moves traffic across zones: least-connections sends 56%');
    expect(verdict).toContain('round-robin 60%');
    // The backends card (and its traffic summary) opens on the best strategy by p99, not the first listed.
    expect(await page.textContent('#traffic-summary')).toMatch(/^least-connections: zone a 63%, zone b 15%, zone c 22%; p99 by client zone: a [\d.]+ ms, b [\d.]+ ms, c [\d.]+ ms; 56% of attempts cross zones \(0\.0\d+ USD per million requests\)\.$/);
  });

  it('hides a toggled strategy on the cross-zone chart', async () => {
    await page.click('.chip[data-strategy="p2c"]');
    expect((await chart(page, 'chart-cross-zone'))?.datasets).toEqual(['round-robin', 'least-connections']);
    const [s] = await canvasStats(page, ['chart-cross-zone'], RGB);
    expect(s?.colours['p2c']).toBeLessThan(5);
    await page.click('.chip[data-strategy="p2c"]');
  });

  it('tier run: no zone card; share per priority over time with the spill-over shaded; lower-tier column', async () => {
    await page.selectOption('#file-select', '1');
    expect(await page.isVisible('#card-zones')).toBe(false);
    expect(await page.isVisible('#traffic-box')).toBe(true);
    const [s] = await canvasStats(page, ['chart-traffic-time']);
    expect((s?.painted ?? 0) / ((s?.width ?? 1) * (s?.height ?? 1))).toBeGreaterThan(0.01);
    expect((await chart(page, 'chart-traffic-time'))?.datasets).toEqual(['priority 0', 'priority 1']);
    const byName = new Map(TIERS.results.map((r) => [r.strategy, r]));
    const order = await rowOrder(page);
    expect(await columnTexts(page, 'lowerTiers')).toEqual(order.map((x) => pct(byName.get(x)!.traffic!.tiers!.share[1]!)));
    expect(await columnTexts(page, 'crossZone')).toEqual([]);
    expect(await page.textContent('#traffic-summary')).toMatch(/^least-connections: priority 0 88%, priority 1 12%; spill to priority 1 11\.4–20\.0 s\.$/);
  });

  it('saves a screenshot of the zone run and logged no console errors', async () => {
    await page.selectOption('#file-select', '0');
    mkdirSync(join(ROOT, 'out'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'out/report-zones-screenshot.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
