/**
 * Vite plugin: modules whose source is computed at build time (`virtual:…` imports), e.g. the
 * shipped scenarios or the scenario JSON Schema as data. Each is built once per build.
 */
import type { Plugin } from 'vite';

/** Serves `virtual:<name>` from `load()` (called at most once per build). */
export function virtualModule(name: string, load: () => string | Promise<string>, watch: readonly string[] = []): Plugin {
  const id = `virtual:${name}`;
  const resolved = `\0${id}`;
  let code: Promise<string> | undefined;
  return {
    name: `lbsim-virtual-${name}`,
    resolveId(source) {
      return source === id ? resolved : null;
    },
    load(source) {
      if (source !== resolved) return null;
      for (const f of watch) this.addWatchFile(f);
      code ??= Promise.resolve(load());
      return code;
    },
  };
}
