#!/usr/bin/env node
// Incremental build for `npm start`: runs each step of the `build` script in package.json only when
// its inputs changed since that step last succeeded (or its output is missing). A step's inputs are
// fingerprinted by path, size and modification time (no file is read); fingerprints are kept in
// dist/.build-stamps.json, so deleting dist/ rebuilds everything. `npm run build` (and so `npm test`
// and `prepare`) still builds everything every time.
import { execSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

// `--root DIR` builds another package (the tests use a scratch one)
const rootArg = process.argv.indexOf('--root');
const root = rootArg > 0 ? process.argv[rootArg + 1] : join(import.meta.dirname, '..');
const STAMPS = join(root, 'dist', '.build-stamps.json');
const SKIP_DIRS = new Set(['node_modules', 'dist', 'out', '.git', '.vite', 'coverage']);
const COMMON = ['package.json', 'package-lock.json'];
const EVERYTHING = ['src', 'web', 'bench', 'bin', 'sims', 'tsconfig.json', 'tsconfig.core.json', 'scenario.schema.json', ...COMMON];

/** What each known step reads and writes; any other step reads everything. */
const STEPS = [
  { match: /^tsc -p tsconfig\.json$/, inputs: ['src', 'bench', 'tsconfig.json', ...COMMON], output: 'dist/src/cli/main.js' },
  { match: /^tsc -p tsconfig\.core\.json$/, inputs: ['src/core', 'src/strategies', 'tsconfig.json', 'tsconfig.core.json', ...COMMON] },
  { match: /^tsc -p web\/tsconfig\.json$/, inputs: ['src', 'web', ...COMMON] },
  { match: /^vite build --config web\/vite\.config\.ts/, inputs: ['src', 'web/src', 'web/build', 'web/index.html', 'web/vite.config.ts', ...COMMON], output: 'dist/web' },
  { match: /^vite build --config web\/playground\/vite\.config\.ts/, inputs: ['src', 'web', ...COMMON], output: 'dist/playground' },
  { match: /playground --out (\S+)/, inputs: ['dist/playground', 'sims', 'src/playground', ...COMMON], output: (m) => m[1] },
];

function walk(path, out) {
  let st;
  try {
    st = statSync(path);
  } catch {
    return;
  }
  if (st.isDirectory()) {
    for (const name of readdirSync(path).sort()) if (!SKIP_DIRS.has(name) && !name.startsWith('.build-stamps')) walk(join(path, name), out);
  } else out.push(`${relative(root, path)}\0${st.size}\0${st.mtimeMs}`);
}

function fingerprint(inputs) {
  const lines = [];
  for (const p of inputs) walk(join(root, p), lines);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const steps = pkg.scripts.build.split('&&').map((s) => s.trim()).filter(Boolean);
let stamps = {};
try {
  stamps = JSON.parse(readFileSync(STAMPS, 'utf8'));
} catch {
  stamps = {};
}
const env = { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env.PATH}` };
let ran = 0;
for (const cmd of steps) {
  const known = STEPS.find((s) => s.match.test(cmd));
  const inputs = known?.inputs ?? EVERYTHING;
  const m = known ? known.match.exec(cmd) : null;
  const output = typeof known?.output === 'function' ? known.output(m) : known?.output;
  const print = fingerprint(inputs);
  if (stamps[cmd] === print && (output === undefined || existsSync(join(root, output)))) continue;
  process.stderr.write(`build: ${cmd}\n`);
  execSync(cmd, { cwd: root, stdio: 'inherit', env });
  ran++;
  // fingerprint after the step: a step may write into another's inputs (dist/playground)
  stamps[cmd] = fingerprint(inputs);
  mkdirSync(join(root, 'dist'), { recursive: true });
  writeFileSync(STAMPS, `${JSON.stringify(stamps, null, 1)}\n`);
}
if (ran === 0) process.stderr.write('build: up to date\n');
