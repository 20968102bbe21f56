/**
 * Vite config for the playground (web/playground/ → dist/playground/index.html).
 *
 * Like the report, the page is ONE self-contained file that works from `file://`: one classic
 * IIFE bundle inlined into the HTML (build/inline-html.ts), with the report's markup included
 * (build/report-markup.ts). The simulator runs in a Web Worker; `file://` forbids workers loaded
 * from files, so the worker (worker/sim-worker.ts: the real src/scenario, src/sim, src/core and
 * src/strategies) is built first, here, into one IIFE script that goes into the page as text
 * (`<script id="lbsim-sim-worker" type="text/plain">`) and is started from a Blob URL. Build-time
 * data: the shipped scenarios (`virtual:lbsim-presets`) and the scenario JSON Schema
 * (`virtual:lbsim-scenario-schema`, from src/scenario/json-schema.ts).
 * Both bundles refuse Node built-ins (build/node-guard.ts); `src/cli/version.ts` (which reads
 * package.json from disk) is replaced by the version read here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, defineConfig, type Alias, type Plugin } from 'vite';
import { scenarioJsonSchema } from '../../src/scenario/json-schema.js';
import { escapeInlineScript, inlineIntoHtml } from '../build/inline-html.js';
import { nodeGuard } from '../build/node-guard.js';
import { reportMarkup } from '../build/report-markup.js';
import { virtualModule } from '../build/virtual.js';

const playgroundDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(playgroundDir, '../..');
const simsDir = join(repoRoot, 'sims');
const VERSION = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string }).version;

/** `src/cli/version.ts` reads package.json with node:fs; the bundles get the version as a constant. */
const ALIASES: Alias[] = [{ find: /^(?:\.\.?\/)+(?:src\/)?cli\/version\.js$/, replacement: join(playgroundDir, 'shims/version.ts') }];
const DEFINE = { __LBSIM_VERSION__: JSON.stringify(VERSION) };

/** The worker bundle as one IIFE script (minified), built with the same guards. */
async function buildWorker(): Promise<string> {
  const out = await build({
    configFile: false,
    root: playgroundDir,
    logLevel: 'warn',
    define: DEFINE,
    resolve: { alias: ALIASES },
    plugins: [nodeGuard()],
    build: {
      write: false,
      // ES2022 keeps class fields native (down-levelled fields go through a helper call each).
      target: 'es2022',
      minify: true,
      reportCompressedSize: false,
      lib: { entry: join(playgroundDir, 'worker/sim-worker.ts'), formats: ['iife'], name: 'lbsimSimWorker', fileName: 'sim-worker' },
      rolldownOptions: { output: { codeSplitting: false }, checks: { bundlerTimings: false } },
    },
  });
  const outputs = Array.isArray(out) ? out : [out];
  const chunk = outputs.flatMap((o) => ('output' in o ? o.output : [])).find((f) => f.type === 'chunk');
  if (!chunk || chunk.type !== 'chunk') throw new Error('lbsim playground: the worker build produced no script');
  return chunk.code;
}

/** Every shipped scenario (sims/*.yaml|json), name and text. */
function presets(): { name: string; text: string }[] {
  return readdirSync(simsDir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => ({ name: f.replace(/\.(ya?ml|json)$/, ''), text: readFileSync(join(simsDir, f), 'utf8') }));
}

/**
 * Puts the worker's script into the page as `<script id="lbsim-sim-worker" type="text/plain">`:
 * the HTML parser takes it as text (the page's own script does not have to scan half a megabyte
 * of string literal before it can run), and the page starts it from a Blob URL.
 */
function inlineWorker(): Plugin {
  let code: Promise<string> | undefined;
  return {
    name: 'lbsim-inline-worker',
    transformIndexHtml: {
      order: 'post',
      async handler(html) {
        code ??= buildWorker();
        const tag = `<script id="lbsim-sim-worker" type="text/plain">${escapeInlineScript(await code)}</script>\n`;
        if (!html.includes(WORKER_PLACEHOLDER)) throw new Error('lbsim playground: index.html has no worker placeholder');
        return html.replace(WORKER_PLACEHOLDER, () => tag);
      },
    },
  };
}

/** Where the worker's script goes in index.html. */
const WORKER_PLACEHOLDER = '<!-- lbsim:sim-worker -->';

const dataModules: Plugin[] = [
  virtualModule('lbsim-presets', () => `export default ${JSON.stringify(presets())};`, [simsDir]),
  virtualModule('lbsim-scenario-schema', () => `export default ${JSON.stringify(scenarioJsonSchema())};`),
];

export default defineConfig(({ command }) => ({
  root: playgroundDir,
  base: './',
  logLevel: command === 'build' ? 'warn' : 'info',
  define: DEFINE,
  resolve: { alias: ALIASES },
  plugins: [nodeGuard(), reportMarkup(), inlineWorker(), ...dataModules, inlineIntoHtml()],
  server: { fs: { allow: [repoRoot] } },
  build: {
    outDir: resolve(repoRoot, 'dist/playground'),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: false,
    cssCodeSplit: false,
    assetsInlineLimit: Number.MAX_SAFE_INTEGER,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 4096,
    rolldownOptions: {
      output: { format: 'iife', codeSplitting: false },
      // The worker's build runs inside a plugin and is reported as slow on a busy machine: not a problem.
      checks: { bundlerTimings: false },
    },
  },
}));
