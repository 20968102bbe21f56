/**
 * The failure and elasticity parts of the web report in headless Chromium, from the
 * committed fixture web/test/fixture-failures.json: three real short runs written by
 *
 *   lbsim run sims/backend-crash.yaml --duration 30s --strategies round-robin,least-connections,p2c --json crash.json
 *   lbsim run sims/fast-errors-ejected.yaml --duration 20s --strategies round-robin,least-time,p2c --json errors.json
 *   lbsim run sims/cache-affinity.yaml --duration 20s --strategies round-robin,consistent-hash,bounded-load --json cache.json
 *
 * and joined into one JSON array (the crash run's retries hide every failure, so the fast-errors
 * run is the one with errors by kind). Checks that each card appears exactly when its data is
 * there, that the new canvases draw in the strategies' colours, that the table's availability,
 * retries and cache-hit columns and the verdict show the fixture's numbers, and that toggling a
 * strategy hides it on the new charts too. Saves out/report-failures-screenshot.png.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ResultsFile } from '../../src/results/schema.js';
import { canvasStats, openReport, reportFixture, ROOT } from './browser.js';

const FILES = JSON.parse(readFileSync(join(ROOT, 'web/test/fixture-failures.json'), 'utf8')) as ResultsFile[];
const [CRASH, ERRORS] = FILES as [ResultsFile, ResultsFile, ResultsFile];

/** Okabe–Ito colours by first appearance over the three files. */
const RGB: Record<string, [number, number, number]> = {
  'round-robin': [0x00, 0x72, 0xb2],
  'least-connections': [0xe6, 0x9f, 0x00],
  p2c: [0x00, 0x9e, 0x73],
  'least-time': [0xd5, 0x5e, 0x00],
  'consistent-hash': [0x56, 0xb4, 0xe9],
  'bounded-load': [0xcc, 0x79, 0xa7],
  /** Error kind HTTP 5xx and the healthy line. */
  http5xx: [0xaa, 0x33, 0x77],
  healthy: [0x00, 0x77, 0xbb],
};

type ChartInfo = { id: string; datasets: string[]; categories: string[] };

async function charts(page: Page): Promise<ChartInfo[]> {
  return page.evaluate(() => window.lbsimReport?.charts() ?? []);
}

async function chart(page: Page, id: string): Promise<ChartInfo | undefined> {
  return (await charts(page)).find((c) => c.id === id);
}

async function columnKeys(page: Page): Promise<string[]> {
  return page.$$eval('#summary-table thead th', (ths) => ths.map((th) => (th as HTMLElement).dataset['key'] ?? ''));
}

async function columnTexts(page: Page, key: string): Promise<string[]> {
  return page.evaluate((key) => {
    const ths = [...document.querySelectorAll('#summary-table thead th')];
    const i = ths.findIndex((th) => (th as HTMLElement).dataset['key'] === key);
    return [...document.querySelectorAll('#summary-table tbody tr')].map((tr) => tr.children[i]?.textContent ?? '');
  }, key);
}

async function tableStrategies(page: Page): Promise<string[]> {
  return page.$$eval('#summary-table tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset['strategy'] ?? ''));
}

async function visible(page: Page, ids: string[]): Promise<Record<string, boolean>> {
  const out: Record<string, boolean> = {};
  for (const id of ids) out[id] = await page.isVisible(`#${id}`);
  return out;
}

const CARDS = ['card-errors', 'card-detection', 'card-cache', 'health-box'];

describe('failure and elasticity results in the web report', () => {
  const report = reportFixture('web-failures', () => FILES);
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    page = await openReport(report.browser, report.html, { width: 1400, height: 1000 }, errors);
  }, 30_000);

  it('reads the fixture without problems', async () => {
    expect(await page.evaluate(() => window.lbsimReport?.problems ?? ['no handle'])).toEqual([]);
  });

  it('crash run: detection and health cards draw, no errors or cache card, availability and retries columns', async () => {
    expect(await visible(page, CARDS)).toEqual({
      'card-errors': false,
      'card-detection': true,
      'card-cache': false,
      'health-box': true,
    });
    const stats = await canvasStats(page, ['chart-detect', 'chart-recover', 'chart-health'], RGB);
    for (const s of stats) expect(s.painted / (s.width * s.height), `${s.id} painted`).toBeGreaterThan(0.02);
    const recover = stats.find((s) => s.id === 'chart-recover');
    for (const name of ['round-robin', 'least-connections', 'p2c']) expect(recover?.colours[name], `${name} on chart-recover`).toBeGreaterThan(100);
    expect(stats.find((s) => s.id === 'chart-health')?.colours['healthy']).toBeGreaterThan(100);
    expect((await chart(page, 'chart-detect'))?.datasets).toEqual(['round-robin', 'least-connections', 'p2c']);
    expect((await chart(page, 'chart-health'))?.datasets).toEqual([
      'backends in the pool',
      'healthy (balancer view)',
      'up (able to serve)',
    ]);
    // "Backends over time" opens on the lowest-p99 strategy, and the failure windows are its own
    expect(await page.inputValue('#util-strategy')).toBe('least-connections');
    expect(await page.textContent('#detection-windows')).toBe('Failure windows (least-connections, first replication): web-2 crash 10–25 s.');
    // the table is sorted by p99 from the start (5.95, 7.10, 10.03 ms), as the terminal prints it
    expect(await tableStrategies(page)).toEqual(['least-connections', 'p2c', 'round-robin']);
    expect((await columnKeys(page)).slice(-2)).toEqual(['availability', 'retries']);
    expect(await columnTexts(page, 'availability')).toEqual(['100 %', '100 %', '100 %']);
    expect(await columnTexts(page, 'retries')).toEqual(['2', '2', '1']);
    const verdict = await page.textContent('#verdict');
    expect(verdict).toContain('Every strategy completed every measured request (availability 100 %).');
    expect(verdict).toContain('Retries: most sent by least-connections (2), fewest by round-robin (1).');
    expect(verdict).toContain(
      'Failure detection: every strategy detected all 1 failure window; mean time to detect 0.00 ms under every strategy; ' +
        'mean time to recover from 1485 ms (round-robin) to 1488 ms (least-connections).',
    );
    expect(CRASH.results[0]?.detection?.meanRecoverMs).toBeCloseTo(1485.16, 2);
  });

  it('fast-errors run: errors by kind per strategy with availability, failures over time, health with failures', async () => {
    await page.selectOption('#file-select', '1');
    expect(await visible(page, CARDS)).toEqual({
      'card-errors': true,
      'card-detection': true,
      'card-cache': false,
      'health-box': true,
    });
    const stats = await canvasStats(page, ['chart-errors', 'chart-errors-time', 'chart-health'], RGB);
    for (const s of stats) expect(s.painted / (s.width * s.height), `${s.id} painted`).toBeGreaterThan(0.02);
    expect(stats.find((s) => s.id === 'chart-errors')?.colours['http5xx']).toBeGreaterThan(1000);
    const errs = await chart(page, 'chart-errors');
    expect(errs?.categories).toEqual(['round-robin', 'least-time', 'p2c']);
    expect(errs?.datasets).toEqual(['HTTP 5xx']);
    expect((await chart(page, 'chart-errors-time'))?.datasets).toEqual(['round-robin', 'least-time', 'p2c']);
    expect((await chart(page, 'chart-health'))?.datasets).toContain('failed requests (req/s)');
    expect(await columnTexts(page, 'availability')).toEqual(['99.986 %', '99.986 %', '99.986 %']);
    expect(await columnTexts(page, 'retries')).toEqual(['0', '0', '0']);
    const rr = ERRORS.results[0] as ResultsFile['results'][number];
    const measured = rr.requests.completed + rr.requests.failed + rr.requests.rejected;
    expect(await page.textContent('#verdict')).toContain(
      `Every strategy has availability 99.986 % (round-robin: 10 of ${measured} measured requests lost: 10 answered 5xx).`,
    );
  });

  it('hides a toggled strategy on the new charts and in the table, keeping the columns', async () => {
    await page.click('.chip[data-strategy="least-time"]');
    for (const id of ['chart-errors', 'chart-errors-time', 'chart-detect', 'chart-recover']) {
      const c = await chart(page, id);
      expect(c?.datasets, id).not.toContain('least-time');
      expect(c?.categories, id).not.toContain('least-time');
    }
    const [stats] = await canvasStats(page, ['chart-errors-time'], RGB);
    expect(stats?.colours['least-time']).toBeLessThan(5);
    // still in p99 order (p2c 7.18 ms, round-robin 10.04 ms) with least-time hidden
    expect(await tableStrategies(page)).toEqual(['p2c', 'round-robin']);
    expect((await columnKeys(page)).slice(-2)).toEqual(['availability', 'retries']);
    await page.click('.chip[data-strategy="least-time"]');
    expect((await chart(page, 'chart-errors'))?.categories).toContain('least-time');
  });

  it('cache run: cache card and cache-hit column, no failure cards or columns, sortable by hit ratio', async () => {
    await page.selectOption('#file-select', '2');
    expect(await visible(page, CARDS)).toEqual({
      'card-errors': false,
      'card-detection': false,
      'card-cache': true,
      'health-box': false,
    });
    const [stats] = await canvasStats(page, ['chart-cache'], RGB);
    expect((stats?.painted ?? 0) / ((stats?.width ?? 1) * (stats?.height ?? 1))).toBeGreaterThan(0.02);
    for (const name of ['round-robin', 'consistent-hash', 'bounded-load']) expect(stats?.colours[name], name).toBeGreaterThan(100);
    const c = await chart(page, 'chart-cache');
    expect(c?.datasets).toEqual(['round-robin', 'consistent-hash', 'bounded-load']);
    expect(c?.categories).toEqual(['all backends', 'web-0', 'web-1', 'web-2', 'web-3', 'web-4', 'web-5']);
    const keys = await columnKeys(page);
    expect(keys).not.toContain('availability');
    expect(keys.slice(-1)).toEqual(['cacheHitRatio']);
    // p99 order: bounded-load, consistent-hash, round-robin
    expect(await columnTexts(page, 'cacheHitRatio')).toEqual(['66.3 %', '74.3 %', '53.1 %']);
    expect(await page.textContent('#verdict')).toContain('Highest cache hit ratio: consistent-hash, 74.3 %; lowest: round-robin, 53.1 %.');
    await page.click('#summary-table th[data-key="cacheHitRatio"] button');
    expect(await tableStrategies(page)).toEqual(['round-robin', 'bounded-load', 'consistent-hash']);
  });

  it('saves a screenshot of the crash run and logged no console errors', async () => {
    await page.selectOption('#file-select', '0');
    mkdirSync(join(ROOT, 'out'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'out/report-failures-screenshot.png'), fullPage: true });
    expect(errors).toEqual([]);
  });
});
