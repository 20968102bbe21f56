/**
 * Entry of the lbsim report page. Reads the embedded results (`<script id="lbsim-data"
 * type="application/json">`, an array of `lbsim/results@1` files), checks them, and hands them to
 * the report view (`report-view.ts`). When the report was written with links to the playground
 * (`<script id="lbsim-links" type="application/json">`, one href per file), the header links the
 * selected file's scenario to it.
 */
import './style.css';
import { createReportView, type ChartInfo } from './report-view.js';
import type { ResultsFile } from './types.js';
import { checkResultsFile } from './validate.js';

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`lbsim report: #${id} missing from the page`);
  return e as T;
}

/** Reads and checks the embedded files; problems are returned for display, bad files dropped. */
function readEmbedded(): { files: ResultsFile[]; problems: string[] } {
  const text = document.getElementById('lbsim-data')?.textContent ?? '[]';
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { files: [], problems: [`The embedded results are not valid JSON: ${(err as Error).message}`] };
  }
  const list = Array.isArray(raw) ? raw : [raw];
  const files: ResultsFile[] = [];
  const problems: string[] = [];
  list.forEach((x, i) => {
    const p = checkResultsFile(x, i);
    if (p.length === 0) files.push(x as ResultsFile);
    else problems.push(...p.slice(0, 8), ...(p.length > 8 ? [`… and ${p.length - 8} more problems`] : []));
  });
  return { files, problems };
}

/** The playground link of each embedded file (by position), when the report has them. */
function readLinks(): (string | null)[] {
  try {
    const v = JSON.parse(document.getElementById('lbsim-links')?.textContent ?? '[]') as unknown;
    return Array.isArray(v) ? v.map((x) => (typeof x === 'string' ? x : null)) : [];
  } catch {
    return [];
  }
}

const { files, problems } = readEmbedded();
const links = readLinks();
// Links are written per embedded file; they only line up when every file was read.
const linkOf = (i: number): string | null => (problems.length === 0 ? (links[i] ?? null) : null);

/** What tests and the devtools console can read: each chart's visible dataset and category labels. */
interface ReportHandle {
  charts(): ChartInfo[];
  problems: string[];
}

declare global {
  interface Window {
    lbsimReport?: ReportHandle;
  }
}

if (problems.length > 0) {
  const box = el('errors');
  box.hidden = false;
  box.textContent = `Some embedded results could not be read:\n${problems.join('\n')}`;
}
const view = createReportView({
  onRender: (i) => {
    const a = el<HTMLAnchorElement>('playground-link');
    const href = linkOf(i);
    a.hidden = href === null;
    if (href !== null) a.href = href;
  },
});
window.lbsimReport = { charts: () => view.charts(), problems };
if (files.length === 0) {
  el('scenario-title').textContent = 'No results to show';
  el('verdict').textContent =
    'This page has no results embedded. Write a report with `lbsim report results.json --out DIR` or `lbsim run SCENARIO --report DIR`.';
  document.querySelector('main')?.setAttribute('hidden', '');
  el('toggles').hidden = true;
} else {
  view.show(files);
}
performance.mark('lbsim:interactive');
document.body.dataset['ready'] = 'true';
