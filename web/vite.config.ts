/**
 * Vite config for the web report (web/ → dist/web/index.html).
 *
 * The built page must work opened from `file://`, where Chrome refuses module scripts, so the build
 * emits one classic IIFE bundle and the `inline-into-html` plugin (build/inline-html.ts) moves it
 * (and the CSS) into `index.html`: the result is ONE self-contained file with no `type="module"`
 * script. The report's markup is shared with the playground (build/report-markup.ts). The results
 * are embedded later by `src/report/write.ts` into `<script id="lbsim-data" type="application/json">`.
 *
 * `npm run web:dev` serves web/ with the results file(s) named by env `LBSIM_RESULTS` (default the
 * committed fixture; several paths separated by `:`) injected into that same element, and reloads
 * the page whenever one of those files changes.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { embedJson } from '../src/report/html.js';
import { DATA_ELEMENT } from '../src/report/write.js';
import { inlineIntoHtml } from './build/inline-html.js';
import { reportMarkup } from './build/report-markup.js';

const webDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(webDir, '..');

/** Dev only: embeds the results file(s) from `LBSIM_RESULTS` and reloads when they change. */
function devResults(): Plugin {
  const env = process.env['LBSIM_RESULTS'];
  const paths = (env && env.trim() !== '' ? env.split(':') : ['web/test/fixture-results.json']).map((p) =>
    resolve(process.cwd(), p),
  );
  return {
    name: 'lbsim-dev-results',
    apply: 'serve',
    configureServer(server) {
      server.watcher.add(paths);
      server.watcher.on('change', (file) => {
        if (paths.includes(resolve(file))) server.ws.send({ type: 'full-reload' });
      });
      server.config.logger.info(`lbsim: serving results from ${paths.join(', ')}`);
    },
    transformIndexHtml(html) {
      const files: unknown[] = [];
      for (const p of paths) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(readFileSync(p, 'utf8'));
        } catch (err) {
          // Shown on the page (and in the terminal) instead of a blank screen while the file is rewritten.
          const msg = `lbsim: cannot read ${p}: ${(err as Error).message}`;
          console.warn(msg);
          parsed = { error: msg };
        }
        if (Array.isArray(parsed)) files.push(...parsed);
        else files.push(parsed);
      }
      return html.replace(DATA_ELEMENT, (_m, open: string, _old: string, close: string) => open + embedJson(files) + close);
    },
  };
}

export default defineConfig(({ command }) => ({
  root: webDir,
  base: './',
  // Quiet builds (they run inside tests and `npm run build`); the dev server prints its URL.
  logLevel: command === 'build' ? 'warn' : 'info',
  plugins: [reportMarkup(), devResults(), inlineIntoHtml()],
  server: { fs: { allow: [repoRoot] } },
  build: {
    outDir: resolve(repoRoot, 'dist/web'),
    emptyOutDir: true,
    target: 'es2020',
    modulePreload: false,
    cssCodeSplit: false,
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    reportCompressedSize: false,
    rolldownOptions: {
      output: { format: 'iife', codeSplitting: false },
    },
  },
}));
