/**
 * End-to-end test of the web report in a real headless browser (Debian's chromium driven by
 * playwright-core, no browser download). Builds the page with vite when dist/web is stale, writes a
 * report from the committed fixtures with writeReport, opens it from file:// and checks: no module
 * script, every chart canvas has drawn (non-blank pixels, and each strategy's colour present), the
 * header, verdict and table show the fixture's numbers, sorting, toggling a strategy hides it on
 * every chart and in the table, the sweep file draws its chart, a scenario fitted from an access
 * log shows its log check (and no other does), and no console errors. Saves a
 * full-page screenshot to out/report-screenshot.png for a person to look at.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeReport } from '../../src/report/write.js';
import { canvasStats, ensureBuilt, launchChromium, ROOT } from './browser.js';
import type { ResultsFile } from '../../src/results/schema.js';

const SCREENSHOT = join(ROOT, 'out/report-screenshot.png');

const RUN = (JSON.parse(readFileSync(join(ROOT, 'web/test/fixture-results.json'), 'utf8')) as ResultsFile[])[0] as ResultsFile;
const SWEEP = JSON.parse(readFileSync(join(ROOT, 'web/test/fixture-sweep.json'), 'utf8')) as ResultsFile;
/** The run fixture as if its scenario had been fitted from an access log (`lbsim import --log`). */
const FITTED = {
  ...RUN,
  scenario: {
    ...RUN.scenario,
    observed: {
      source: 'access.log',
      what: 'response time at the proxy ($request_time)',
      p50Ms: 50,
      p90Ms: 120,
      p99Ms: 240,
      shares: { b0: 0.34, b1: 0.33, b2: 0.33 },
      strategy: 'round-robin',
      verdict: 'agrees with the log (p50 −3 %, p99 −3 %)',
    },
  },
} as ResultsFile;

/** The canvases of a single-run file (the sweep chart only shows for sweeps). */
const RUN_CANVASES = [
  'chart-percentiles',
  'chart-cdf',
  'chart-throughput',
  'chart-failed',
  'chart-rejected',
  'chart-shares',
  'chart-p99-time',
  'chart-utilization',
  'chart-inflight',
];
/** Charts whose datasets are strategies (lines or grouped bars in the strategy's colour). */
const STRATEGY_DATASET_CHARTS = ['chart-percentiles', 'chart-cdf', 'chart-p99-time'];
/** Charts whose categories are strategies. */
const STRATEGY_CATEGORY_CHARTS = ['chart-throughput', 'chart-failed', 'chart-rejected', 'chart-shares'];
/** Okabe–Ito colours of the fixture's four strategies, in order of appearance. */
const COLOURS: Record<string, [number, number, number]> = {
  'round-robin': [0x00, 0x72, 0xb2],
  random: [0xe6, 0x9f, 0x00],
  'least-connections': [0x00, 0x9e, 0x73],
  p2c: [0xd5, 0x5e, 0x00],
};

async function chartLabels(page: Page): Promise<{ id: string; datasets: string[]; categories: string[] }[]> {
  return page.evaluate(() => window.lbsimReport?.charts() ?? []);
}

async function tableStrategies(page: Page): Promise<string[]> {
  return page.$$eval('#summary-table tbody tr', (rows) => rows.map((r) => (r as HTMLElement).dataset['strategy'] ?? ''));
}

async function columnTexts(page: Page, key: string): Promise<string[]> {
  return page.evaluate((key) => {
    const ths = [...document.querySelectorAll('#summary-table thead th')];
    const i = ths.findIndex((th) => (th as HTMLElement).dataset['key'] === key);
    return [...document.querySelectorAll('#summary-table tbody tr')].map((tr) => tr.children[i]?.textContent ?? '');
  }, key);
}

describe('web report in headless chromium', () => {
  let browser: Browser | undefined;
  let page: Page;
  let outDir: string;
  let htmlPath: string;
  const errors: string[] = [];

  beforeAll(async () => {
    await ensureBuilt();
    outDir = mkdtempSync(join(tmpdir(), 'lbsim-web-'));
    htmlPath = writeReport([RUN, SWEEP, FITTED], outDir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => errors.push(`request failed: ${r.url()}`));
    await page.goto(pathToFileURL(htmlPath).href);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('is one self-contained file without module scripts, opened from file://', async () => {
    const html = readFileSync(htmlPath, 'utf8');
    expect(html).not.toMatch(/type="module"/);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+stylesheet/);
    expect(page.url().startsWith('file://')).toBe(true);
    expect(await page.evaluate(() => window.lbsimReport?.problems ?? ['no handle'])).toEqual([]);
  });

  it('draws every chart canvas, with every strategy colour on the strategy charts', async () => {
    mkdirSync(dirname(SCREENSHOT), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    const stats = await canvasStats(page, RUN_CANVASES, COLOURS);
    for (const s of stats) {
      expect(s.width * s.height, `${s.id} has a size`).toBeGreaterThan(10_000);
      // Axes and labels alone paint a few percent; data adds more. Blank would be 0.
      expect(s.painted / (s.width * s.height), `${s.id} painted fraction`).toBeGreaterThan(0.02);
    }
    for (const s of stats.filter((x) => [...STRATEGY_DATASET_CHARTS, 'chart-throughput'].includes(x.id)))
      for (const name of Object.keys(COLOURS)) expect(s.colours[name], `${name} drawn on ${s.id}`).toBeGreaterThan(20);
    const labels = await chartLabels(page);
    for (const id of STRATEGY_DATASET_CHARTS)
      expect(labels.find((c) => c.id === id)?.datasets, id).toEqual(Object.keys(COLOURS));
    for (const id of STRATEGY_CATEGORY_CHARTS)
      expect(labels.find((c) => c.id === id)?.categories, id).toEqual(Object.keys(COLOURS));
    expect(labels.find((c) => c.id === 'chart-utilization')?.datasets).toEqual([
      'backend b0',
      'backend b1',
      'backend b2',
      'overload (95 %)',
    ]);
  });

  it('describes the scenario and computes the verdict from the fixture', async () => {
    const facts = await page.textContent('#scenario-facts');
    expect(facts).toContain('100 clients, poisson arrivals, 240 req/s offered');
    expect(facts).toContain('3 backends (4 workers each); capacity 300 req/s');
    expect(facts).toContain('exponential, mean 40 ms');
    expect(facts).toContain('0.80 (240 req/s offered ÷ 300 req/s capacity)');
    expect(facts).toContain('60 s measured after 5 s warm-up');
    expect(facts).toContain('Seed42');
    expect(facts).toContain('5 (95 % CIs shown)');
    const verdict = await page.textContent('#verdict');
    // the paired comparison (computed in the page for a file without one): 162 ms is no win over 172 ms here
    expect(verdict).toContain(
      'No single winner on p99: least-connections (162 ms) is statistically tied with p2c (e.g. p2c − least-connections = 7.28 ms (95 % CI -3.18 to 17.7), paired over 5 replications).',
    );
    expect(verdict).toContain('No strategy overloads a backend: the busiest is b0 under random at 89.3 % utilization.');
    const random = RUN.results.find((r) => r.strategy === 'random');
    expect(verdict).toContain(`Least even spread of work: random (Jain fairness ${random?.fairness.toFixed(3)}`);
    expect(verdict).toContain('Most requests lost: random, 12 failed and 7 rejected.');
  });

  it('shows the fixture numbers in the table and sorts by a clicked column', async () => {
    // sorted by p99 from the start, as the terminal prints it
    expect(await tableStrategies(page)).toEqual(['least-connections', 'p2c', 'round-robin', 'random']);
    expect(await page.getAttribute('#summary-table th[data-key="p99"]', 'aria-sort')).toBe('ascending');
    expect(await columnTexts(page, 'p99')).toEqual(['162.3', '171.9', '231.7', '338.6']);
    // 14,400 requests per run: 14 beyond the p99.9, so each p99.9 is marked as resting on too few
    expect(await columnTexts(page, 'p999')).toEqual(['240.8†', '255.0†', '352.4†', '521.7†']);
    expect(await page.getAttribute('#summary-table td.thin', 'title')).toMatch(/only \d+ requests beyond it in a replication \(fewer than 100\)/);
    expect(await page.textContent('#table-extra-caption')).toContain('† fewer than 100 requests beyond that percentile');
    expect(await columnTexts(page, 'throughput')).toEqual(['240.0', '240.0', '240.0', '239.7']);
    expect(await columnTexts(page, 'failed')).toEqual(['0', '3', '0', '12']);
    expect(await columnTexts(page, 'rejected')).toEqual(['0', '0', '0', '7']);
    await page.click('#summary-table th[data-key="p99"] button');
    expect(await tableStrategies(page)).toEqual(['random', 'round-robin', 'p2c', 'least-connections']);
    await page.click('#summary-table th[data-key="strategy"] button');
    expect(await tableStrategies(page)).toEqual(['least-connections', 'p2c', 'random', 'round-robin']);
  });

  it('hides a toggled strategy on every chart and in the table, and shows it again', async () => {
    await page.click('.chip[data-strategy="random"]');
    expect(await page.getAttribute('.chip[data-strategy="random"]', 'aria-pressed')).toBe('false');
    expect(await tableStrategies(page)).not.toContain('random');
    expect(await tableStrategies(page)).toHaveLength(3);
    for (const c of await chartLabels(page)) {
      expect(c.datasets, c.id).not.toContain('random');
      expect(c.categories, c.id).not.toContain('random');
    }
    const stats = await canvasStats(page, [...STRATEGY_DATASET_CHARTS, 'chart-throughput'], COLOURS);
    for (const s of stats) {
      expect(s.colours['random'], `random gone from ${s.id}`).toBeLessThan(5);
      expect(s.colours['p2c'], `p2c still on ${s.id}`).toBeGreaterThan(20);
    }
    expect(await page.textContent('#verdict')).not.toContain('random');
    await page.click('.chip[data-strategy="random"]');
    expect(await tableStrategies(page)).toContain('random');
    const back = await chartLabels(page);
    expect(back.find((c) => c.id === 'chart-cdf')?.datasets).toContain('random');
  });

  it('draws the backends of the selected strategy over time, with the balancer queue when there is one', async () => {
    const inflight = async (): Promise<string[] | undefined> =>
      (await chartLabels(page)).find((c) => c.id === 'chart-inflight')?.datasets;
    // the best strategy (lowest p99) by default
    expect(await page.inputValue('#util-strategy')).toBe('least-connections');
    expect(await inflight()).toEqual(['backend b0', 'backend b1', 'backend b2']);
    await page.selectOption('#util-strategy', 'p2c');
    expect(await inflight()).toEqual(['backend b0', 'backend b1', 'backend b2', 'balancer queue']);
    const [stats] = await canvasStats(page, ['chart-inflight'], COLOURS);
    expect(stats?.painted).toBeGreaterThan(1000);
  });

  it('switches to the sweep file and draws latency versus offered load', async () => {
    await page.selectOption('#file-select', '1');
    expect(await page.isVisible('#card-sweep')).toBe(true);
    expect(await page.isVisible('#point-picker')).toBe(true);
    const stats = await canvasStats(page, [...RUN_CANVASES, 'chart-sweep'], COLOURS);
    for (const s of stats) expect(s.painted / (s.width * s.height), `${s.id} painted fraction`).toBeGreaterThan(0.02);
    const sweep = (await chartLabels(page)).find((c) => c.id === 'chart-sweep');
    expect(sweep?.datasets.filter((d) => !d.endsWith('(mean)'))).toEqual(Object.keys(COLOURS));
    const verdict = await page.textContent('#verdict');
    expect(verdict).toContain('At offered load 0.95 (clients.rate = 285):');
    expect(verdict).toContain('No winner: one replication gives no interval on the differences, so the lowest p99 (least-connections, 1224 ms) may be luck.');
    expect(verdict).toContain('Across the sweep, least-connections has the lowest p99 at 5 of 5 loads.');
    expect(await page.textContent('#warnings')).toContain('close to capacity');
    await page.selectOption('#point-select', '0');
    expect(await page.textContent('#verdict')).toContain('At offered load 0.50 (clients.rate = 150):');
    // the header follows the point picked
    expect(await page.textContent('#scenario-facts')).toContain('150 req/s offered');
    expect(await page.textContent('#scenario-facts')).toContain('0.50 (150 req/s offered');
    // the sweep chart comes first, before the table
    expect(await page.evaluate(() => {
      const sweep = document.getElementById('card-sweep')!;
      const table = document.getElementById('card-table')!;
      return (sweep.compareDocumentPosition(table) & Node.DOCUMENT_POSITION_FOLLOWING) !== 0;
    })).toBe(true);
    // The table is still sorted by strategy name (sorting persists across files and points).
    expect(await tableStrategies(page)).toEqual(['least-connections', 'p2c', 'random', 'round-robin']);
    // a few thousand requests per point: fewer than 100 beyond the p99, so every p99 is marked
    expect(await columnTexts(page, 'p99')).toEqual(['122.4†', '132.5†', '248.4†', '176.0†']);
    await page.screenshot({ path: join(ROOT, 'out/report-sweep-screenshot.png'), fullPage: true });
    await page.selectOption('#file-select', '0');
    expect(await page.isVisible('#card-sweep')).toBe(false);
  });

  it('shows the access-log check only for a scenario fitted from a log: the log beside every strategy, the config strategy’s shares', async () => {
    expect(await page.isVisible('#card-observed')).toBe(false);
    await page.selectOption('#file-select', '2');
    expect(await page.isVisible('#card-observed')).toBe(true);
    const caption = await page.textContent('#observed-caption');
    expect(caption).toContain('fitted from access.log');
    expect(caption).toContain('At import, round-robin agrees with the log (p50 −3 %, p99 −3 %).');
    const rows = await page.$$eval('#observed-table tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));
    expect(rows[0]).toEqual(['', 'p50', 'p90', 'p99']);
    expect(rows[1]).toEqual(['access log (access.log)', '50.0', '120.0', '240.0']);
    expect(rows[2]).toEqual(['round-robin (the config’s)', '48.3 (-3.4 %)', '120.5 (+0.4 %)', '231.7 (-3.5 %)']);
    expect(rows.slice(2).map((r) => r[0]?.replace(' (the config’s)', ''))).toEqual(Object.keys(COLOURS));
    const shares = await page.$$eval('#observed-shares tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));
    expect(shares).toEqual([
      ['server', 'share in the log', 'simulated (round-robin)'],
      ['b0', '34.0 %', '33.3 %'],
      ['b1', '33.0 %', '33.3 %'],
      ['b2', '33.0 %', '33.3 %'],
    ]);
    await page.click('.chip[data-strategy="random"]');
    const without = await page.$$eval('#observed-table tr td:first-child', (tds) => tds.map((td) => td.textContent ?? ''));
    expect(without).not.toContain('random');
    await page.click('.chip[data-strategy="random"]');
    await page.selectOption('#file-select', '0');
    expect(await page.isVisible('#card-observed')).toBe(false);
  });

  it('logged no console errors', () => {
    expect(errors).toEqual([]);
  });
});
