// Module hooks that let plain `node` (20.x, no type stripping) run this repository's TypeScript
// sources for the proxy's child-process tests: `.js` specifiers that name a sibling `.ts` file
// resolve to it, and `.ts` files are transpiled with the installed `typescript` (transpileModule:
// types erased, no type checking). Used only by tests; the shipped CLI runs the compiled dist/.
//
// Transpiled output is cached on disk (os.tmpdir()/lbsim-ts-hooks-<typescript version>, keyed by
// path, size and mtime), and `typescript` itself is loaded only on a cache miss: every child
// process, cluster worker and worker thread of the tests would otherwise load the compiler and
// transpile every module again, which takes seconds each on a busy machine.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const tsVersion = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('typescript/package.json'), 'utf8')).version;
const cacheDir = join(tmpdir(), `lbsim-ts-hooks-${tsVersion}`);
let ts;

export async function resolve(specifier, context, next) {
  if ((specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:')) && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const url = new URL(specifier, context.parentURL);
    const tsPath = fileURLToPath(url).replace(/\.js$/, '.ts');
    if (!existsSync(fileURLToPath(url)) && existsSync(tsPath)) {
      return { url: pathToFileURL(tsPath).href, shortCircuit: true, format: 'module' };
    }
  }
  return next(specifier, context);
}

async function transpile(file) {
  const st = statSync(file);
  const key = createHash('sha1').update(`${file}\0${st.size}\0${st.mtimeMs}`).digest('hex');
  const cached = join(cacheDir, `${key}.js`);
  try {
    return readFileSync(cached, 'utf8');
  } catch {
    // not cached yet
  }
  ts ??= (await import('typescript')).default;
  const out = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      sourceMap: false,
      inlineSourceMap: true,
      verbatimModuleSyntax: true,
    },
  }).outputText;
  try {
    mkdirSync(cacheDir, { recursive: true });
    const tmp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    writeFileSync(tmp, out);
    renameSync(tmp, cached);
  } catch {
    // a cache that cannot be written only costs time
  }
  return out;
}

export async function load(url, context, next) {
  if (url.startsWith('file:') && url.endsWith('.ts')) {
    return { format: 'module', source: await transpile(fileURLToPath(url)), shortCircuit: true };
  }
  return next(url, context);
}
