/**
 * The playground section of the runner: the simulator in the page (headless Chromium through
 * playwright-core, the page opened from file://) beside the CLI (Node), on the default scenario
 * (sims/homogeneous.yaml: 17 strategies, 8.8 M simulated requests), measured in one run, the two
 * sides interleaved, median of {@link ROUNDS} rounds (quick: 1):
 *
 *   node sim      `runScenario` in a fresh node process (`--child`), as `lbsim run` spends it
 *   lbsim run     wall time of `node bin/lbsim.js run homogeneous --quiet --json FILE`
 *   page sim      the worker's time from the run request to the results file (parsing, the run in
 *                 40 ms slices, the yields between them); a fresh page each round
 *   page run      the click on Run to the last chart drawn (the main thread draws while it runs)
 *   interactive   navigation start to the page ready: the scenario in the editor, checked, Run on
 *   report        the same for the web report of the default run (a quarter of the size), for
 *                 reference: on a busy machine most of the time is the browser's, not the page's
 *
 * It also reports how far the page's numbers are from the CLI's: Chromium's V8 rounds Math.log,
 * Math.exp and Math.pow differently from Node's in the last bit for some inputs, so sums differ in
 * the last digits (counts and event order do not). Targets: page sim ≤ 1.5 × node sim;
 * interactive < 1 s. `--child` (internal) prints one Node measurement as JSON.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fmtRatio, renderTable, type Target } from './format.js';
import { isMain, ROOT, runNodeJson, runToEnd } from './proc.js';
import { writeReport } from '../src/report/write.js';
import type { ResultsFile } from '../src/results/schema.js';

/** What the page exposes to tests and benchmarks (`window.lbsimPlayground`, web/playground/src/main.ts). */
type PageGlobal = {
  lbsimPlayground?: {
    lastRun(): { workerMs: number; wallMs: number; requests: number } | null;
    results(): unknown;
  };
};

/** Rounds of each measurement (the median is reported, every round's figure beside it). */
export const ROUNDS = 3;
/** The page's simulator may take this many times the Node simulator's time. */
export const PAGE_RATIO_LIMIT = 1.5;
/** The page must be interactive within this from file:// (ms). */
export const INTERACTIVE_LIMIT_MS = 1000;
/** Debian's Chromium (as the browser tests use). */
const CHROMIUM = '/usr/bin/chromium';
const SCENARIO = join(ROOT, 'sims/homogeneous.yaml');
const PAGE = join(ROOT, 'dist/playground/index.html');

/** One round of the page's side. */
interface PageRound {
  simMs: number;
  runMs: number;
  interactiveMs: number;
  /** The report page's time to ready, in the same round. */
  reportMs: number;
  /** Largest relative difference of a number in the page's results from the Node round's. */
  maxRelDiff: number;
  /** Numbers that differ at all, of all numbers in the results. */
  differing: number;
  numbers: number;
}

/** The section's result. */
export interface PlaygroundSection {
  rounds: number;
  nodeSimMs: number[];
  cliMs: number[];
  page: PageRound[];
  median: { nodeSimMs: number; cliMs: number; pageSimMs: number; pageRunMs: number; interactiveMs: number; reportMs: number };
  table: string;
  targets: Target[];
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Numbers in `a` and `b` at the same places: how many, how many differ, the largest relative difference. */
function compareNumbers(a: unknown, b: unknown, acc = { numbers: 0, differing: 0, maxRelDiff: 0 }): typeof acc {
  if (typeof a === 'number' && typeof b === 'number') {
    acc.numbers++;
    if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) {
      acc.differing++;
      acc.maxRelDiff = Math.max(acc.maxRelDiff, Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));
    }
  } else if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
    for (const k of Object.keys(a)) compareNumbers((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], acc);
  }
  return acc;
}

/** The child: `runScenario` on the default scenario, timed; writes the results to `--out`. */
async function child(argv: readonly string[]): Promise<{ ms: number }> {
  const { loadScenario } = await import('../src/scenario/index.js');
  const { runScenario } = await import('../src/sim/run.js');
  const { writeFileSync } = await import('node:fs');
  const scenario = loadScenario(SCENARIO);
  const t0 = performance.now();
  const results = runScenario(scenario);
  const ms = performance.now() - t0;
  const out = argv[argv.indexOf('--out') + 1];
  if (out) writeFileSync(out, JSON.stringify(results));
  return { ms };
}

/** Opens `file` in a fresh browser context; the page's `lbsim:interactive` mark (ms from navigation start). */
async function readyMs(browser: import('playwright-core').Browser, file: string): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  try {
    const p = await context.newPage();
    await p.goto(pathToFileURL(file).href);
    await p.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    return await p.evaluate(() => performance.getEntriesByName('lbsim:interactive')[0]?.startTime ?? NaN);
  } finally {
    await context.close();
  }
}

/** Runs the section (`quick`: one round). */
export async function runPlaygroundSection(opts: { quick: boolean; log: (s: string) => void }): Promise<PlaygroundSection> {
  if (!existsSync(PAGE)) throw new Error(`${PAGE} is missing: run npm run build`);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing (apt-get install chromium)`);
  const { chromium } = await import('playwright-core');
  const rounds = opts.quick ? 1 : ROUNDS;
  const dir = mkdtempSync(join(tmpdir(), 'lbsim-bench-playground-'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const nodeSimMs: number[] = [];
  const cliMs: number[] = [];
  const page: PageRound[] = [];
  try {
    for (let k = 0; k < rounds; k++) {
      const nodeOut = join(dir, `node-${k}.json`);
      nodeSimMs.push((await runNodeJson<{ ms: number }>('playground.js', ['--child', '--out', nodeOut])).ms);
      const t0 = performance.now();
      const cli = await runToEnd(process.execPath, [join(ROOT, 'bin/lbsim.js'), 'run', SCENARIO, '--quiet', '--json', join(dir, 'cli.json')], {
        cwd: ROOT,
        timeoutMs: 600_000,
      });
      if (cli.code !== 0) throw new Error(`lbsim run failed: ${cli.stderr.trim()}`);
      cliMs.push(performance.now() - t0);
      if (k === 0) writeReport([JSON.parse(readFileSync(nodeOut, 'utf8')) as ResultsFile], join(dir, 'report'), { playground: false });
      const reportMs = await readyMs(browser, join(dir, 'report', 'index.html'));
      const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
      const p = await context.newPage();
      await p.goto(pathToFileURL(PAGE).href);
      await p.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
      const interactiveMs = await p.evaluate(() => performance.getEntriesByName('lbsim:interactive')[0]?.startTime ?? NaN);
      await p.click('#run');
      await p.waitForFunction(() => (globalThis as unknown as PageGlobal).lbsimPlayground?.lastRun() != null, null, { timeout: 600_000 });
      const last = await p.evaluate(() => (globalThis as unknown as PageGlobal).lbsimPlayground!.lastRun()!);
      const results = await p.evaluate(() => (globalThis as unknown as PageGlobal).lbsimPlayground!.results());
      await context.close();
      const diff = compareNumbers(results, JSON.parse(readFileSync(nodeOut, 'utf8')));
      page.push({ simMs: last.workerMs, runMs: last.wallMs, interactiveMs, reportMs, ...diff });
      opts.log(
        `playground round ${k + 1}: node sim ${nodeSimMs[k]!.toFixed(0)} ms, lbsim run ${cliMs[k]!.toFixed(0)} ms, page sim ${last.workerMs.toFixed(0)} ms, page run ${last.wallMs.toFixed(0)} ms, interactive ${interactiveMs.toFixed(0)} ms (report ${reportMs.toFixed(0)} ms)`,
      );
    }
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const m = {
    nodeSimMs: median(nodeSimMs),
    cliMs: median(cliMs),
    pageSimMs: median(page.map((r) => r.simMs)),
    pageRunMs: median(page.map((r) => r.runMs)),
    interactiveMs: median(page.map((r) => r.interactiveMs)),
    reportMs: median(page.map((r) => r.reportMs)),
  };
  const each = (xs: readonly number[]) => xs.map((x) => x.toFixed(0)).join(', ');
  const table = renderTable(
    ['measure', 'median', 'rounds (ms)', 'vs node sim'],
    [
      ['node sim (runScenario)', `${m.nodeSimMs.toFixed(0)} ms`, each(nodeSimMs), '1.00x'],
      ['lbsim run (wall)', `${m.cliMs.toFixed(0)} ms`, each(cliMs), fmtRatio(m.cliMs / m.nodeSimMs)],
      ['page sim (worker)', `${m.pageSimMs.toFixed(0)} ms`, each(page.map((r) => r.simMs)), fmtRatio(m.pageSimMs / m.nodeSimMs)],
      ['page run (click → charts)', `${m.pageRunMs.toFixed(0)} ms`, each(page.map((r) => r.runMs)), fmtRatio(m.pageRunMs / m.nodeSimMs)],
      ['page interactive', `${m.interactiveMs.toFixed(0)} ms`, each(page.map((r) => r.interactiveMs)), '–'],
      ['report page ready (reference)', `${m.reportMs.toFixed(0)} ms`, each(page.map((r) => r.reportMs)), '–'],
    ],
  );
  const worst = page.reduce((a, r) => Math.max(a, r.maxRelDiff), 0);
  const first = page[0];
  const note = first
    ? `page vs node results: ${first.differing} of ${first.numbers} numbers differ, by at most ${worst.toExponential(1)} relative`
    : '';
  return {
    rounds,
    nodeSimMs,
    cliMs,
    page,
    median: m,
    table: `${table}\n${note}`,
    targets: [
      {
        name: 'playground: page sim vs node sim (default scenario)',
        measured: fmtRatio(m.pageSimMs / m.nodeSimMs),
        limit: `≤ ${PAGE_RATIO_LIMIT}x`,
        pass: m.pageSimMs <= PAGE_RATIO_LIMIT * m.nodeSimMs,
      },
      {
        name: 'playground: interactive from file://',
        measured: `${m.interactiveMs.toFixed(0)} ms`,
        limit: `< ${INTERACTIVE_LIMIT_MS} ms`,
        pass: m.interactiveMs < INTERACTIVE_LIMIT_MS,
      },
    ],
  };
}

if (isMain(import.meta.url) && process.argv.includes('--child')) {
  child(process.argv).then(
    (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}

