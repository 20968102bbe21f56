/**
 * The report leads with the decision: a decided run (`lbsim run` with an SLO and replications) is
 * written with writeReport and opened from file:// in Chromium at 1024 and 1400 px. The
 * recommendation box is the first thing under the title, above the facts, the verdict, the table and
 * every chart, and inside the first screen; the table is in the comparison's order with the winner
 * and the recommendation marked; the charts open on the recommendation, the baseline and the tied
 * group, the pathological strategy collapsed with its reason. Files from `lbsim capacity` and
 * `lbsim tune` draw their charts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capacitySearch } from '../../src/decide/capacity.js';
import { decideRun } from '../../src/decide/decide.js';
import { serialEvaluate } from '../../src/decide/evaluate.js';
import { tuneScenario } from '../../src/decide/tune.js';
import { tuneParams } from '../../src/decide/tune-params.js';
import { writeReport } from '../../src/report/write.js';
import { RESULTS_SCHEMA, type ResultsFile } from '../../src/results/schema.js';
import { runScenario } from '../../src/sim/run.js';
import { choice, testScenario } from '../../src/sim/test/fixture.js';
import { canvasStats, ensureBuilt, launchChromium, openReport, ROOT } from './browser.js';

const scenario = testScenario({
  name: 'decided',
  durationMs: 3_000,
  warmupMs: 300,
  intervalMs: 500,
  replications: 3,
  seed: 4,
  clients: { process: { arrival: 'poisson', rate: 8_500 } },
  backends: [{ count: 10 }],
  strategies: ['round-robin', 'random', 'least-connections', 'p2c', 'jiq', 'first'].map((n) => choice(n)),
  slo: { p99Ms: 12 },
});

let browser: Browser | undefined;
let dir = '';
let html = '';
const errors: string[] = [];

function open(width: number): Promise<Page> {
  return openReport(browser!, html, { width, height: 900 }, errors);
}

beforeAll(async () => {
  await ensureBuilt();
  const evaluate = serialEvaluate();
  const run = await decideRun(runScenario(scenario), scenario, { headroom: evaluate });
  const capacity = await capacitySearch({ ...scenario, replications: 1 }, { vary: 'backends', group: null, evaluate });
  const facts = run.summary;
  const capFile: ResultsFile = { ...run, results: [], comparison: undefined, decision: undefined, capacity } as ResultsFile;
  delete capFile.comparison;
  delete capFile.decision;
  const p2c = scenario.strategies.find((s) => s.name === 'p2c')!;
  const tuned = await tuneScenario({ ...scenario, replications: 2 }, { choice: p2c, params: tuneParams(scenario, p2c, ['draws=2:4']), metric: 'p99', budget: 5, evaluate });
  const tuneFile: ResultsFile = { schema: RESULTS_SCHEMA, mode: 'sim', generator: 'test', scenario: {}, summary: facts, results: [tuned.best, tuned.initial], warnings: [], tune: tuned.report };
  dir = mkdtempSync(join(tmpdir(), 'lbsim-decision-'));
  html = writeReport([run, capFile, tuneFile], dir);
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the report leads with the decision', () => {
  for (const width of [1024, 1400]) {
    it(`shows the recommendation first, inside the first screen, at ${width} px`, async () => {
      const page = await open(width);
      expect(await page.evaluate(() => window.lbsimReport?.problems ?? ['no handle'])).toEqual([]);
      const text = (await page.textContent('#decision')) ?? '';
      expect(text).toMatch(/^RecommendationRecommendation: least-connections\./);
      expect(text).toContain('Against the default baseline round-robin');
      expect(text).toContain('Headroom');
      const top = async (sel: string) => (await page.locator(sel).first().boundingBox())!.y;
      const box = await top('#decision');
      expect(box).toBeLessThan(300);
      for (const sel of ['#scenario-facts', '#verdict', '#summary-table', '#card-percentiles', '#card-cdf', '#card-shares'])
        expect(box, `${sel} below the recommendation`).toBeLessThan(await top(sel));
      await page.screenshot({ path: join(ROOT, `out/report-decision-${width}.png`) });
      await page.close();
    });
  }

  it('marks the winner and the recommendation in the table, in the comparison order', async () => {
    const page = await open(1400);
    await page.click('#show-all');
    const rows = await page.$$eval('#summary-table tbody tr', (r) => r.map((x) => (x as HTMLElement).dataset['strategy']));
    expect(rows[0]).toBe('least-connections');
    expect(rows[rows.length - 1]).toBe('first');
    expect(await page.getAttribute('#summary-table tr[data-strategy="least-connections"]', 'class')).toContain('recommended');
    expect(await page.textContent('#summary-table tr[data-strategy="least-connections"] td.name')).toContain('recommended');
    const slo = await page.$$eval('#summary-table thead th', (ths) => ths.map((th) => (th as HTMLElement).dataset['key']));
    expect(slo).toContain('slo');
    await page.close();
  });

  it('opens the charts on the recommendation, the baseline and the tied group; collapses the pathological one', async () => {
    const page = await open(1400);
    const pressed = await page.$$eval('.chip', (cs) => cs.filter((c) => c.getAttribute('aria-pressed') === 'true').map((c) => (c as HTMLElement).dataset['strategy']));
    expect(pressed).toContain('least-connections');
    expect(pressed).toContain('round-robin');
    expect(pressed).not.toContain('first');
    expect(pressed).not.toContain('random');
    const cdf = (await page.evaluate(() => window.lbsimReport?.charts() ?? [])).find((c) => c.id === 'chart-cdf');
    expect(cdf?.datasets).toEqual(pressed);
    expect(await page.textContent('#decision details')).toContain('first: sends 100 % of requests to b0');
    await page.close();
  });

  it('draws the capacity chart and the tuning chart for files from lbsim capacity and lbsim tune', async () => {
    const page = await open(1400);
    await page.selectOption('#file-select', '1');
    expect(await page.isVisible('#card-capacity')).toBe(true);
    expect(await page.isVisible('#card-percentiles')).toBe(false);
    expect(await page.textContent('#decision')).toContain('Backends needed to meet the SLO (p99 ≤ 12.0 ms)');
    const [cap] = await canvasStats(page, ['chart-capacity']);
    expect(cap!.painted / (cap!.width * cap!.height)).toBeGreaterThan(0.02);
    await page.selectOption('#file-select', '2');
    expect(await page.isVisible('#card-tune')).toBe(true);
    expect(await page.textContent('#decision')).toMatch(/^TuningBest p2c setting/);
    const [tune] = await canvasStats(page, ['chart-tune-draws']);
    expect(tune!.painted / (tune!.width * tune!.height)).toBeGreaterThan(0.01);
    await page.close();
  });

  it('logged no console errors', () => {
    expect(errors).toEqual([]);
  });
});
