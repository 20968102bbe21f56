/**
 * Vite plugin for browser bundles that include lbsim's own modules (the playground and its
 * simulator worker): any import of a Node built-in (`node:fs`, `worker_threads`, …) fails the build
 * naming the module that imported it, so Node-only code cannot slip into the page.
 */
import { builtinModules } from 'node:module';
import type { Plugin } from 'vite';

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Fails the build on an import of a Node built-in. */
export function nodeGuard(): Plugin {
  return {
    name: 'lbsim-node-guard',
    enforce: 'pre',
    resolveId(id, importer) {
      if (!BUILTINS.has(id) && !id.startsWith('node:')) return null;
      this.error(`${id} is a Node built-in, imported by ${importer ?? '?'}: Node-only code must stay out of the browser bundle`);
    },
  };
}
