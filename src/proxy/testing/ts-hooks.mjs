// Module hooks that let plain `node` (20.x, no type stripping) run this repository's TypeScript
// sources for the proxy's child-process tests: `.js` specifiers that name a sibling `.ts` file
// resolve to it, and `.ts` files are transpiled with the installed `typescript` (transpileModule:
// types erased, no type checking). Used only by tests; the shipped CLI runs the compiled dist/.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

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

export async function load(url, context, next) {
  if (url.startsWith('file:') && url.endsWith('.ts')) {
    const file = fileURLToPath(url);
    const out = ts.transpileModule(readFileSync(file, 'utf8'), {
      fileName: file,
      compilerOptions: {
        module: ts.ModuleKind.ESNext,
        target: ts.ScriptTarget.ES2022,
        sourceMap: false,
        inlineSourceMap: true,
        verbatimModuleSyntax: true,
      },
    });
    return { format: 'module', source: out.outputText, shortCircuit: true };
  }
  return next(url, context);
}
