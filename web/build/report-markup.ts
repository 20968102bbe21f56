/**
 * Vite plugin: replaces `<!-- lbsim:report-markup -->` in a page with the report's markup
 * (`web/src/report.html`), so the report page and the playground share one copy of it.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

/** The placeholder a page puts where the report goes. */
export const REPORT_MARKUP_PLACEHOLDER = '<!-- lbsim:report-markup -->';
/** The shared markup file. */
export const REPORT_MARKUP_FILE = resolve(dirname(fileURLToPath(import.meta.url)), '../src/report.html');

/** Includes the report markup in the page (build and dev server; the dev server reloads on change). */
export function reportMarkup(): Plugin {
  return {
    name: 'lbsim-report-markup',
    configureServer(server) {
      server.watcher.add(REPORT_MARKUP_FILE);
      server.watcher.on('change', (file) => {
        if (resolve(file) === REPORT_MARKUP_FILE) server.ws.send({ type: 'full-reload' });
      });
    },
    transformIndexHtml: {
      order: 'pre',
      handler(html) {
        if (!html.includes(REPORT_MARKUP_PLACEHOLDER)) return html;
        const markup = readFileSync(REPORT_MARKUP_FILE, 'utf8').replace(/^<!--[\s\S]*?-->\n/, '');
        return html.replace(REPORT_MARKUP_PLACEHOLDER, () => markup);
      },
    },
  };
}
