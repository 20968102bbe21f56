/**
 * Vite config for the web report (web/ → dist/web/index.html).
 *
 * The built page must work opened from `file://`, where Chrome refuses module scripts, so the build
 * emits one classic IIFE bundle and the `inline-into-html` plugin below moves it (and the CSS) into
 * `index.html`: the result is ONE self-contained file with no `type="module"` script. The results
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
import { embedJson, DATA_ELEMENT } from '../src/report/write.js';

const webDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(webDir, '..');

/** Script text safe inside an inline `<script>`: breaks any `</script` sequence. */
function escapeInlineScript(code: string): string {
  return code.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

/** Inlines the emitted JS chunk and CSS asset into index.html and drops them from the output. */
function inlineIntoHtml(): Plugin {
  return {
    name: 'lbsim-inline-into-html',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const html = Object.values(bundle).find((f) => f.type === 'asset' && f.fileName.endsWith('.html'));
      if (!html || html.type !== 'asset') throw new Error('lbsim: no index.html in the bundle');
      let text = typeof html.source === 'string' ? html.source : new TextDecoder().decode(html.source);
      const scripts: string[] = [];
      for (const [name, file] of Object.entries(bundle)) {
        if (file.type === 'chunk') {
          // Drop the module script tag vite wrote; the code goes back in as one classic inline script.
          const tag = new RegExp(`<script[^>]*src="[^"]*${escapeRe(file.fileName)}"[^>]*></script>\\s*`);
          text = text.replace(tag, '');
          scripts.push(file.code);
          delete bundle[name];
        } else if (file.fileName.endsWith('.css')) {
          const tag = new RegExp(`<link[^>]*href="[^"]*${escapeRe(file.fileName)}"[^>]*>`);
          const css = typeof file.source === 'string' ? file.source : new TextDecoder().decode(file.source);
          text = text.replace(tag, () => `<style>\n${css.replace(/<\/(style)/gi, '<\\/$1')}</style>`);
          delete bundle[name];
        }
      }
      if (scripts.length !== 1) throw new Error(`lbsim: expected one JS chunk, got ${scripts.length}`);
      const inline = `<script>\n${escapeInlineScript(scripts[0] ?? '')}</script>\n`;
      // At the end of <body>: a classic inline script runs at once, so the DOM must already exist.
      text = text.replace(/<\/body>/i, () => `${inline}</body>`);
      if (/type="module"/.test(text)) throw new Error('lbsim: a module script is left in index.html');
      html.source = text;
    },
  };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

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
  plugins: [devResults(), inlineIntoHtml()],
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
