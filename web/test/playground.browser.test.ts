/**
 * The playground end to end in headless Chromium (Debian's, driven by playwright-core), opened from
 * file:// as a person opens the file: it loads ready with the default preset; loading a preset,
 * changing the backend count in the form and running fills the charts, and the results are the
 * ones `lbsim run --json` writes for the same scenario (every key, string and number identical to
 * the last bit: see {@link numberDiffs}; the table's figures identical); a second run is compared
 * with the first; an invalid edit shows the CLI's field error at its line and disables Run; Cancel
 * stops a long run within a second; a run over 50M requests asks first; a crashed worker is
 * reported and the page keeps working; the URL fragment reproduces the scenario; results download
 * and load back; hover help and completion come from the JSON Schema; a report's link opens its
 * scenario; and nothing is logged as an error. Saves the README screenshot (docs/playground.png).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeScenario, fragmentPayload } from '../../src/playground/share.js';
import { fmtMs, fmtRate } from '../src/format.js';
import { writePlayground } from '../../src/playground/write.js';
import { writeReport } from '../../src/report/write.js';
import type { ResultsFile } from '../../src/results/schema.js';
import { thinPercentiles } from '../../src/results/compare.js';
import { parseDocument, parseScenario } from '../../src/scenario/index.js';
import { runScenario } from '../../src/sim/run.js';
import { ensureBuilt, ensurePlaygroundBuilt, launchChromium, ROOT } from './browser.js';

const SCREENSHOT = join(ROOT, 'docs/playground.png');
const BIN = join(ROOT, 'bin/lbsim.js');

let browser: Browser | undefined;
let dir = '';
let url = '';
const errors: string[] = [];

/** A page on `address` that records console errors and uncaught exceptions, ready to use. */
async function open(address: string, record = true): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width: 1500, height: 1100 } });
  if (record) {
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  }
  await page.goto(address);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
  return page;
}

const text = (page: Page): Promise<string> => page.evaluate(() => window.lbsimPlayground!.text());
const setText = (page: Page, t: string): Promise<void> => page.evaluate((t) => window.lbsimPlayground!.setText(t), t);
const results = (page: Page): Promise<ResultsFile | null> => page.evaluate(() => window.lbsimPlayground!.results());

/** Sets a form field as a person does (type, then leave the field). */
async function setField(page: Page, id: string, value: string): Promise<void> {
  await page.fill(`#${id}`, value);
  await page.press(`#${id}`, 'Tab');
  await page.waitForFunction(() => document.querySelector('#run') !== null);
}

/**
 * Where two results files differ: keys, strings, booleans, nulls and array lengths must be equal,
 * numbers equal within `rel` relative (0: identical). The simulator computes its logarithms,
 * exponentials, powers and sines itself (src/core/math.ts), so Chromium's V8 and Node's agree to
 * the last bit even though their `Math.log` and friends do not.
 */
function numberDiffs(a: unknown, b: unknown, rel: number, path = '', out: string[] = []): string[] {
  if (typeof a === 'number' && typeof b === 'number') {
    const same = a === b || (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b));
    if (!same) out.push(`${path}: ${a} vs ${b}`);
  } else if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    if (Array.isArray(a) !== Array.isArray(b)) out.push(`${path}: list vs mapping`);
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.join() !== kb.join()) out.push(`${path}: keys ${ka.join()} vs ${kb.join()}`);
    for (const k of ka) numberDiffs((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], rel, `${path}.${k}`, out);
  } else if (a !== b) out.push(`${path}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
  return out;
}

/** Clicks Run and waits for the run to finish; returns the results. */
async function run(page: Page): Promise<ResultsFile> {
  const before = await results(page);
  await page.waitForSelector('#run:not([disabled])', { timeout: 10_000 });
  await page.click('#run');
  await page.waitForFunction((prev) => {
    const r = window.lbsimPlayground!.results();
    return r !== null && r !== prev && !window.lbsimPlayground!.running();
  }, before, { timeout: 120_000 });
  return (await results(page))!;
}

/** `lbsim run FILE --json OUT` on `scenario`; returns the results file's text. */
function cliJson(scenario: string): string {
  writeFileSync(join(dir, 'cli.yaml'), scenario);
  const r = spawnSync(process.execPath, [BIN, 'run', join(dir, 'cli.yaml'), '--quiet', '--json', join(dir, 'cli.json')], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(join(dir, 'cli.json'), 'utf8');
}

function sim(name: string): string {
  return readFileSync(join(ROOT, 'sims', `${name}.yaml`), 'utf8');
}

/** The heterogeneous preset, 5 s measured: every strategy in a second or two. */
const BASE = sim('heterogeneous').replace('duration: 60s', 'duration: 5s');
/** A quick run: BASE with two strategies and 1 s measured. */
const QUICK = BASE.replace('duration: 5s', 'duration: 1s').replace('strategies: all', 'strategies: [round-robin, p2c]');

/** The worker of the page once it is there. */
async function workerOf(page: Page): Promise<Worker> {
  await page.waitForFunction(() => window.lbsimPlayground!.worker() !== null);
  for (let i = 0; i < 50 && page.workers().length === 0; i++) await page.waitForTimeout(20);
  const w = page.workers()[page.workers().length - 1];
  if (!w) throw new Error('no worker');
  return w;
}

beforeAll(async () => {
  await ensurePlaygroundBuilt();
  await ensureBuilt();
  dir = mkdtempSync(join(tmpdir(), 'lbsim-playground-web-'));
  url = pathToFileURL(writePlayground(join(dir, 'pg'))).href;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the playground from file://', () => {
  let page: Page;

  it('is one self-contained file without module scripts, ready with the default preset', async () => {
    const html = readFileSync(new URL(url), 'utf8');
    expect(html).not.toMatch(/type="module"/);
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+href="(?!data:)/);
    page = await open(url);
    expect(await text(page)).toBe(sim('homogeneous'));
    expect(await page.inputValue('#preset-select')).toBe('homogeneous');
    expect(await page.evaluate(() => window.lbsimPlayground!.problems())).toEqual([]);
    expect(await page.isEnabled('#run')).toBe(true);
  }, 60_000);

  it('loads a preset, changes the backend count in the form, runs: charts fill in and the results equal lbsim run --json', async () => {
    await page.selectOption('#preset-select', 'heterogeneous');
    expect(await text(page)).toBe(sim('heterogeneous'));
    await setField(page, 'qf-duration', '5s');
    await setField(page, 'qf-backends-0-count', '5');
    const scenario = await text(page);
    expect(scenario).toContain('count: 5');
    expect(scenario).toContain('duration: 5s');
    expect(scenario.split('\n').slice(0, 3)).toEqual(sim('heterogeneous').split('\n').slice(0, 3));
    const r = await run(page);
    const cli = JSON.parse(cliJson(scenario)) as ResultsFile;
    // compared as JSON, the form both write: `first` completes no request here (every one is
    // answered after the bound and counted failed), its NaN latencies are null in the file
    expect(numberDiffs(JSON.parse(JSON.stringify(r)), cli, 0)).toEqual([]);
    expect(cli.results.find((x) => x.strategy === 'first')?.latency.p99).toBeNull();
    const charts = await page.evaluate(() => window.lbsimPlayground!.charts());
    const labels = r.results.map((x) => x.strategy);
    expect(charts.find((c) => c.id === 'chart-percentiles')?.datasets).toEqual(labels);
    expect(charts.find((c) => c.id === 'chart-shares')?.datasets).toEqual([...Array.from({ length: 5 }, (_x, k) => `big-${k}`), ...Array.from({ length: 4 }, (_x, k) => `small-${k}`)]);
    // The summary table shows exactly the CLI's figures.
    const rows = await page.$$eval('#summary-table tbody tr', (trs) =>
      trs.map((tr) => [(tr as HTMLElement).dataset['strategy'] ?? '', ...[...tr.querySelectorAll('td')].slice(1, 8).map((td) => td.textContent ?? '')]),
    );
    // rows in the comparison's order (the worker decides as lbsim run does)
    expect(rows.map((row) => row[0])).toEqual(cli.comparison!.strategies.map((x) => x.strategy));
    for (const row of rows) {
      const c = cli.results.find((x) => x.strategy === row[0])!;
      const l = c.latency;
      // a percentile with fewer than 100 requests beyond it is marked †, as in the terminal
      const mark = (m: 'p99' | 'p999'): string => (thinPercentiles(c)[m] !== undefined ? '†' : '');
      const want = [fmtMs(l.mean), fmtMs(l.p50), fmtMs(l.p90), fmtMs(l.p99) + mark('p99'), fmtMs(l.p999) + mark('p999'), fmtMs(l.max), fmtRate(c.throughput)];
      expect(row.slice(1), row[0]).toEqual(want);
    }
  }, 180_000);

  it('a second run with more backends changes the charts and is compared with the first', async () => {
    const first = (await results(page))!;
    await setField(page, 'qf-backends-0-count', '7');
    const second = await run(page);
    const shares = (await page.evaluate(() => window.lbsimPlayground!.charts())).find((c) => c.id === 'chart-shares');
    expect(shares?.datasets).toContain('big-6');
    expect(await page.evaluate(() => window.lbsimPlayground!.previous())).toEqual(first);
    expect(await page.isVisible('#compare')).toBe(true);
    expect(await page.textContent('#compare-changes')).toContain('backends[0].count: 5 → 7');
    const rows = await page.$$eval('#compare-table tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).dataset['strategy']));
    expect(rows).toEqual(second.results.map((x) => x.strategy));
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: SCREENSHOT });
  }, 180_000);

  it('an invalid edit shows the field error at its line and disables Run', async () => {
    const good = BASE;
    const bad = good.replace('mean: 1ms }', 'mean: -1ms }');
    await setText(page, bad);
    const line = bad.slice(0, bad.indexOf('-1ms')).split('\n').length;
    await page.waitForSelector('#problems:not([hidden])');
    expect(await page.textContent('#problems')).toBe(`line ${line} backends[0].service.mean: expected a positive duration, got "-1ms"`);
    expect(await page.textContent('.cm-lintRange-error')).toBe('-1ms');
    expect(await page.isDisabled('#run')).toBe(true);
    // A YAML syntax error is marked at its line too.
    await setText(page, `${good}\nfoo: [1, 2\n`);
    await page.waitForFunction(() => window.lbsimPlayground!.problems()[0]?.path.startsWith('line ') === true);
    expect(await page.isDisabled('#run')).toBe(true);
    await setText(page, good);
    await page.waitForSelector('#run:not([disabled])');
    expect(await page.isHidden('#problems')).toBe(true);
  }, 60_000);

  it('Cancel stops a long run within a second, and the page runs again', async () => {
    const good = BASE;
    const worker = await workerOf(page);
    const closed = new Promise<number>((resolve) => worker.on('close', () => resolve(performance.now())));
    await setText(page, good.replace('duration: 5s', 'duration: 900s').replace('strategies: all', 'strategies: [round-robin, p2c]'));
    await page.click('#run');
    await page.waitForFunction(() => document.getElementById('status')?.textContent?.startsWith('Simulating') === true);
    await page.waitForTimeout(300);
    // Clicked from inside the page: a playwright click first waits for the button to be stable and
    // hit-testable, round trips that take a noticeable time on a loaded machine.
    const t0 = performance.now();
    await page.evaluate(() => document.getElementById('cancel')!.click());
    await page.waitForSelector('body[data-running="false"]', { timeout: 1000 });
    const idle = performance.now() - t0;
    const gone = (await closed) - t0;
    expect(idle).toBeLessThan(1000);
    expect(gone).toBeLessThan(1000);
    expect(await page.textContent('#status')).toMatch(/^Cancelled/);
    await setText(page, QUICK);
    const again = await run(page);
    expect(again.results.map((x) => x.strategy)).toEqual(['round-robin', 'p2c']);
  }, 120_000);

  it('asks before a run of more than 50M requests; "Don\'t run" runs nothing', async () => {
    const good = BASE;
    const before = await results(page);
    await setText(page, good.replace('duration: 5s', 'duration: 2h'));
    await page.click('#run');
    await page.waitForSelector('#confirm-dialog[open]');
    expect(await page.textContent('#confirm-text')).toMatch(/about \d+(\.\d)? M requests \(17 strategies × 1 replication\)/);
    await page.click('#confirm-cancel');
    await page.waitForFunction(() => !(document.getElementById('confirm-dialog') as HTMLDialogElement).open);
    expect(await page.evaluate(() => window.lbsimPlayground!.running())).toBe(false);
    expect(await results(page)).toEqual(before);
    await setText(page, good);
  }, 60_000);

  it('a crashed worker is reported and the page keeps working', async () => {
    await setText(page, QUICK);
    const worker = await workerOf(page);
    await worker.evaluate(() => {
      setTimeout(() => {
        throw new Error('simulated crash');
      }, 0);
    });
    await page.waitForSelector('#notice:not([hidden])');
    expect(await page.textContent('#notice')).toMatch(/The simulator crashed \(.*simulated crash\)\. The page still works/);
    const r = await run(page);
    expect(r.results.map((x) => x.strategy)).toEqual(['round-robin', 'p2c']);
  }, 120_000);

  it('the URL round trip reproduces the scenario; a damaged link says so and opens the default', async () => {
    const scenario = await text(page);
    // The address is updated shortly after each edit.
    let address = page.url();
    for (let i = 0; i < 50; i++) {
      const payload = fragmentPayload(new URL(address).hash);
      if (payload !== null && (await decodeScenario(payload)) === scenario) break;
      await page.waitForTimeout(100);
      address = page.url();
    }
    expect(await decodeScenario(fragmentPayload(new URL(address).hash)!)).toBe(scenario);
    const other = await open(address);
    expect(await text(other)).toBe(scenario);
    expect(await other.evaluate(() => window.lbsimPlayground!.problems())).toEqual([]);
    await other.close();
    const damaged = await open(`${url}#s=bm90LWRlZmxhdGU`);
    expect(await damaged.textContent('#notice')).toMatch(/cannot be opened: the link is damaged/);
    expect(await text(damaged)).toBe(sim('homogeneous'));
    await damaged.close();
  }, 60_000);

  it('downloads the results JSON as the CLI writes it, and loads it back with its scenario', async () => {
    const r = (await results(page))!;
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = join(dir, 'download.json');
    await download.saveAs(file);
    expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify(r, null, 1)}\n`);
    const fresh = await open(url);
    await fresh.setInputFiles('#load-results', file);
    await fresh.waitForFunction(() => window.lbsimPlayground!.results() !== null);
    expect(await results(fresh)).toEqual(r);
    const shown = await text(fresh);
    expect(JSON.stringify(parseScenario(parseDocument(shown, 'x.yaml'), 'x.yaml'))).toBe(JSON.stringify(r.scenario));
    expect(await fresh.isVisible('#chart-percentiles')).toBe(true);
    await fresh.close();
  }, 60_000);

  it('hover help and completion come from the scenario JSON Schema', async () => {
    await page.selectOption('#preset-select', 'homogeneous');
    const homogeneous = sim('homogeneous');
    const at = await page.evaluate((pos) => window.lbsimPlayground!.coords(pos), homogeneous.indexOf('  arrival:') + 4);
    await page.mouse.move(at!.x, at!.y);
    await page.waitForSelector('.cm-tooltip-hover');
    expect(await page.textContent('.cm-tooltip-hover')).toMatch(/clients\.arrival.*Arrival process: poisson/);
    // Type a new key under clients and ask for completion.
    await page.evaluate((pos) => window.lbsimPlayground!.reveal(pos), homogeneous.indexOf('rate: 8000') + 'rate: 8000'.length);
    await page.keyboard.press('Enter');
    await page.keyboard.type('key');
    await page.keyboard.press('Control+Space');
    await page.waitForSelector('.cm-tooltip-autocomplete');
    expect(await page.textContent('.cm-tooltip-autocomplete')).toContain('keys');
    await page.keyboard.press('Escape');
    await page.selectOption('#preset-select', 'homogeneous');
  }, 60_000);

  it("opens the scenario a report links to", async () => {
    const scenario = parseScenario(
      parseDocument('name: linked\nduration: 2s\nclients: { rate: 500 }\nbackends: [{ count: 3, service: { dist: exponential, mean: 2ms } }]\nstrategies: [p2c, jiq]\n', 'l.yaml'),
      'l.yaml',
    );
    const report = writeReport([runScenario(scenario)], join(dir, 'report'));
    const rep = await open(pathToFileURL(report).href);
    const href = await rep.getAttribute('#playground-link', 'href');
    expect(href).toMatch(/^playground\.html#s=/);
    await Promise.all([rep.waitForURL(/playground\.html#s=/), rep.click('#playground-link')]);
    await rep.waitForSelector('body[data-ready="true"]');
    const shown = await text(rep);
    expect(JSON.stringify(parseScenario(parseDocument(shown, 'x.yaml'), 'x.yaml'))).toBe(JSON.stringify(scenario));
    await rep.close();
  }, 60_000);

  it('logged no console errors', () => {
    expect(errors).toEqual([]);
  });
});
