/**
 * Shared pieces of the browser tests: build the page when stale, launch Debian's Chromium with the
 * flags this closed network needs, write a test file's report and browser ({@link reportFixture}),
 * open a written report and wait for it, and measure what each chart canvas painted.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import { writeReport } from '../../src/report/write.js';
import type { ResultsFile } from '../../src/results/schema.js';

/** Repository root. */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** Debian's Chromium (installed by .ci/run when missing). */
export const CHROMIUM = '/usr/bin/chromium';
const BUILT = join(ROOT, 'dist/web/index.html');

function newestSourceMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestSourceMtime(p));
    else newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds dist/web/index.html unless it is newer than every web source. */
export async function ensureBuilt(): Promise<void> {
  const sources = Math.max(
    newestSourceMtime(join(ROOT, 'web/src')),
    newestSourceMtime(join(ROOT, 'web/build')),
    statSync(join(ROOT, 'web/index.html')).mtimeMs,
    statSync(join(ROOT, 'web/vite.config.ts')).mtimeMs,
  );
  if (existsSync(BUILT) && statSync(BUILT).mtimeMs > sources) return;
  await build({ configFile: join(ROOT, 'web/vite.config.ts'), logLevel: 'warn' });
}

const PLAYGROUND = join(ROOT, 'dist/playground/index.html');

/**
 * Builds dist/playground/index.html unless it is newer than every source it bundles (the page, the
 * report's modules, the build plugins, and the simulator's sources in src/ and the presets in sims/).
 */
export async function ensurePlaygroundBuilt(): Promise<string> {
  const sources = Math.max(
    ...['web/playground', 'web/src', 'web/build', 'src', 'sims'].map((d) => newestSourceMtime(join(ROOT, d))),
    statSync(join(ROOT, 'package.json')).mtimeMs,
  );
  if (!existsSync(PLAYGROUND) || statSync(PLAYGROUND).mtimeMs <= sources) {
    await build({ configFile: join(ROOT, 'web/playground/vite.config.ts'), logLevel: 'warn' });
  }
  return PLAYGROUND;
}

/** Launches headless Chromium; fails with an install hint when it is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: install Debian's chromium (as root: apt-get update && apt-get install -y chromium); .ci/run installs it in CI`,
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A report written for a test file and the Chromium to open it in, once the file's tests start. */
export interface ReportFixture {
  readonly browser: Browser;
  /** The report's `index.html`. */
  readonly html: string;
  /** The scratch directory it is written in. */
  readonly dir: string;
}

/**
 * Registers, where it is called (a file or a `describe`), the hooks that build the page when stale,
 * write `files()` as a report into a scratch directory `lbsim-<name>-…` and launch Chromium before
 * the tests, then close Chromium and delete the directory after them. Returns what the hooks set.
 */
export function reportFixture(name: string, files: () => ResultsFile[]): ReportFixture {
  let browser: Browser | undefined;
  let dir = '';
  let html = '';
  beforeAll(async () => {
    await ensureBuilt();
    dir = mkdtempSync(join(tmpdir(), `lbsim-${name}-`));
    html = writeReport(files(), dir);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });
  return {
    get browser(): Browser {
      if (browser === undefined) throw new Error('the report fixture is used before its beforeAll ran');
      return browser;
    },
    get html() {
      return html;
    },
    get dir() {
      return dir;
    },
  };
}

/**
 * Opens the report written at `html` (a file path) in a new page of `browser` at `viewport`, pushing
 * the page's uncaught exceptions and console errors onto `errors`, and resolves once the report
 * says it is ready (`body[data-ready]`).
 */
export async function openReport(browser: Browser, html: string, viewport: { width: number; height: number }, errors: string[]): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  await page.goto(pathToFileURL(html).href);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 20_000 });
  return page;
}

/** Non-transparent pixels of each canvas, and pixels within ±12 per channel of each colour. */
export async function canvasStats(
  page: Page,
  ids: string[],
  colours: Record<string, [number, number, number]> = {},
): Promise<{ id: string; width: number; height: number; painted: number; colours: Record<string, number> }[]> {
  return page.evaluate(
    ({ ids, colours }) =>
      ids.map((id) => {
        const c = document.getElementById(id) as HTMLCanvasElement | null;
        if (!c) return { id, width: 0, height: 0, painted: 0, colours: {} };
        const d = (c.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, c.width, c.height).data;
        let painted = 0;
        const counts: Record<string, number> = {};
        for (const k of Object.keys(colours)) counts[k] = 0;
        for (let i = 0; i < d.length; i += 4) {
          if ((d[i + 3] as number) === 0) continue;
          painted++;
          for (const [k, [r, g, b]] of Object.entries(colours))
            if (
              Math.abs((d[i] as number) - r) <= 12 &&
              Math.abs((d[i + 1] as number) - g) <= 12 &&
              Math.abs((d[i + 2] as number) - b) <= 12 &&
              (d[i + 3] as number) > 200
            )
              counts[k] = (counts[k] ?? 0) + 1;
        }
        return { id, width: c.width, height: c.height, painted, colours: counts };
      }),
    { ids, colours },
  );
}

