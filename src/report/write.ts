/**
 * Writes the static web report: the page built from web/ (`npm run build:web` → dist/web/index.html,
 * one self-contained file with JS and CSS inlined) with the results embedded as JSON in its
 * `<script id="lbsim-data" type="application/json">` element. The JSON is made safe for an HTML
 * script element by escaping every `<` as `\u003c` (so no `</script>` or `<!--` can appear), as
 * the HTML spec's "restrictions for contents of script elements" require; JSON.parse reads it back
 * unchanged. The file is written to a temporary name and renamed, so readers never see half a page.
 * Beside it goes the playground (`playground.html`), linked from the header with each file's scenario.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { playgroundTemplatePath, writePlayground } from '../playground/write.js';
import { RESULTS_SCHEMA, type ResultsFile } from '../results/schema.js';
import { embedJson, writeHtmlAtomic } from './html.js';
import { PLAYGROUND_FILE, playgroundFragment } from './playground-links.js';

export { embedJson, writeHtmlAtomic };

/** The element the results go into; the template must contain it exactly once. */
export const DATA_ELEMENT = /(<script id="lbsim-data" type="application\/json">)([\s\S]*?)(<\/script>)/;

/** Options of {@link writeReport}. */
export interface WriteReportOptions {
  /** The built page to fill in (default: dist/web/index.html of this package). */
  template?: string;
  /**
   * The built playground page to write beside the report as `playground.html`, which the report
   * links each file's scenario to (default: dist/playground/index.html when it is built; false:
   * neither the page nor the links).
   */
  playground?: string | false;
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

/** The element with each file's playground link (an href or null per file); optional in the template. */
export const LINKS_ELEMENT = /(<script id="lbsim-links" type="application\/json">)([\s\S]*?)(<\/script>)/;

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
 * `lbsim/results@1`. When the playground is built, also writes `outDir/playground.html` and links
 * each file whose scenario can be written back exactly (`src/report/playground-links.ts`) to it.
 */
export function writeReport(files: ResultsFile[], outDir: string, options: WriteReportOptions = {}): string {
  const template = options.template ?? defaultTemplatePath();
  if (!existsSync(template))
    throw new Error(`lbsim report: the web page is not built (${template} is missing); run \`npm run build\` first`);
  files.forEach((f, i) => {
    if (f?.schema !== RESULTS_SCHEMA)
      throw new Error(`lbsim report: file ${i + 1} has schema ${JSON.stringify(f?.schema)}, expected ${RESULTS_SCHEMA}`);
  });
  let html = injectResults(readFileSync(template, 'utf8'), files);
  const dir = resolve(outDir);
  const playground = options.playground === undefined ? playgroundTemplatePath() : options.playground;
  if (playground !== false && existsSync(playground) && LINKS_ELEMENT.test(html)) {
    const links = files.map((f) => {
      const fragment = playgroundFragment(f);
      return fragment === null ? null : `${PLAYGROUND_FILE}${fragment}`;
    });
    html = html.replace(LINKS_ELEMENT, (_m, open: string, _old: string, close: string) => open + embedJson(links) + close);
    writePlayground(dir, { template: playground, fileName: PLAYGROUND_FILE });
  }
  return writeHtmlAtomic(join(dir, 'index.html'), html);
}
