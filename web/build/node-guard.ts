/**
 * Vite plugin for browser bundles that include lbsim's own modules (the playground and its
 * simulator worker): any import of a Node built-in (`node:fs`, `worker_threads`, …) fails the build
 * with the module that imported it, so Node-only code cannot slip into the page. `shims` maps a
 * built-in to a browser module that stands in for it (none are needed once the modules the page
 * uses are free of Node imports).
 */
import { builtinModules } from 'node:module';
import type { Plugin } from 'vite';

const BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Fails the build on a Node built-in import (except those with a shim). */
export function nodeGuard(shims: Readonly<Record<string, string>> = {}): Plugin {
  return {
    name: 'lbsim-node-guard',
    enforce: 'pre',
    resolveId(id, importer) {
      if (!BUILTINS.has(id) && !id.startsWith('node:')) return null;
      const shim = shims[id];
      if (shim) return shim;
      this.error(`${id} is a Node built-in, imported by ${importer ?? '?'}: Node-only code must stay out of the browser bundle`);
    },
  };
}
