/**
 * Writes the playground page: the page built from web/playground/ (`npm run build` →
 * dist/playground/index.html, one self-contained file with the simulator's Web Worker inlined),
 * optionally with a scenario to open first, embedded as JSON `{ name, text }` in its
 * `<script id="lbsim-scenario" type="application/json">` element (escaped like the report's
 * results). The page opens a scenario from its URL fragment first, then the embedded one, then the
 * default preset.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { embedJson, writeHtmlAtomic } from '../report/html.js';

/** The element the first scenario goes into; the template must contain it exactly once. */
export const SCENARIO_ELEMENT = /(<script id="lbsim-scenario" type="application\/json">)([\s\S]*?)(<\/script>)/;

/** A scenario to open first: a name for the page (file or preset name) and the YAML/JSON text. */
export interface EmbeddedScenario {
  name: string;
  text: string;
}

/** The built playground page (dist/playground/index.html), from dist/src/playground/ or src/playground/. */
export function playgroundTemplatePath(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const compiled = here.endsWith(`${sep}dist${sep}src${sep}playground`);
  return compiled ? resolve(here, '../../playground/index.html') : resolve(here, '../../dist/playground/index.html');
}

/** `html` with `scenario` in its scenario element (null: the element emptied). */
export function injectScenario(html: string, scenario: EmbeddedScenario | null): string {
  if (!SCENARIO_ELEMENT.test(html))
    throw new Error('lbsim playground: the page template has no <script id="lbsim-scenario" type="application/json"> element');
  const json = scenario ? embedJson(scenario) : 'null';
  return html.replace(SCENARIO_ELEMENT, (_m, open: string, _old: string, close: string) => open + json + close);
}

/** Options of {@link writePlayground}. */
export interface WritePlaygroundOptions {
  /** The scenario to open first (default: none, the page opens its default preset). */
  scenario?: EmbeddedScenario | null;
  /** The built page (default {@link playgroundTemplatePath}). */
  template?: string;
  /** File name in `outDir` (default index.html). */
  fileName?: string;
}

/**
 * Writes `outDir/index.html` (or `fileName`): the built playground with `scenario` embedded; returns
 * its absolute path. Throws when the page has not been built (run `npm run build`).
 */
export function writePlayground(outDir: string, options: WritePlaygroundOptions = {}): string {
  const template = options.template ?? playgroundTemplatePath();
  if (!existsSync(template))
    throw new Error(`lbsim playground: the page is not built (${template} is missing); run \`npm run build\` first`);
  const html = injectScenario(readFileSync(template, 'utf8'), options.scenario ?? null);
  return writeHtmlAtomic(join(resolve(outDir), options.fileName ?? 'index.html'), html);
}
