/**
 * Writes the static web report: the page built from web/ (`npm run build:web` → dist/web/index.html,
 * one self-contained file with JS and CSS inlined) with the results embedded as JSON in its
 * `<script id="lbsim-data" type="application/json">` element. The JSON is made safe for an HTML
 * script element by escaping every `<` as `\u003c` (so no `</script>` or `<!--` can appear), as
 * the HTML spec's "restrictions for contents of script elements" require; JSON.parse reads it back
 * unchanged. The file is written to a temporary name and renamed, so readers never see half a page.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RESULTS_SCHEMA, type ResultsFile } from '../results/schema.js';

/** The element the results go into; the template must contain it exactly once. */
export const DATA_ELEMENT = /(<script id="lbsim-data" type="application\/json">)([\s\S]*?)(<\/script>)/;

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /** The built page to fill in (default: dist/web/index.html of this package). */
  template?: string;
}

/**
 * Where the built page is: next to the compiled module (dist/src/report/ → dist/web/index.html),
 * or, when running from the TypeScript sources (tests), in dist/web/ of the repository.
 */
export function defaultTemplatePath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const compiled = here.endsWith(`${sep}dist${sep}src${sep}report`);
  return compiled ? resolve(here, '../../web/index.html') : resolve(here, '../../dist/web/index.html');
}

/** `value` as JSON that is safe inside an HTML `<script>` element (no `<`, no U+2028/2029). */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** `html` with the results JSON put into its data element (replacing what was there). */
export function injectResults(html: string, files: readonly ResultsFile[]): string {
  if (!DATA_ELEMENT.test(html))
    throw new Error('lbsim report: the page template has no <script id="lbsim-data" type="application/json"> element');
  const json = embedJson(files);
  // A function replacement, so `$&` or `$1` inside the JSON is not read as a pattern.
  return html.replace(DATA_ELEMENT, (_m, open: string, _old: string, close: string) => open + json + close);
}

/**
 * Writes `outDir/index.html`: the built report page with `files` embedded, and returns its absolute
 * path. Throws when the page has not been built (run `npm run build`) or a file is not
 * `lbsim/results@1`.
 */
export function writeReport(files: ResultsFile[], outDir: string, options: WriteReportOptions = {}): string {
  const template = options.template ?? defaultTemplatePath();
  if (!existsSync(template))
    throw new Error(`lbsim report: the web page is not built (${template} is missing); run \`npm run build\` first`);
  files.forEach((f, i) => {
    if (f?.schema !== RESULTS_SCHEMA)
      throw new Error(`lbsim report: file ${i + 1} has schema ${JSON.stringify(f?.schema)}, expected ${RESULTS_SCHEMA}`);
  });
  const html = injectResults(readFileSync(template, 'utf8'), files);
  const dir = resolve(outDir);
  mkdirSync(dir, { recursive: true });
  const target = join(dir, 'index.html');
  const tmp = join(dir, `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, html);
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return target;
}
