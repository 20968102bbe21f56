/**
 * Browser stand-in for node:fs in the playground bundles: a page cannot read files from disk, so
 * reading one fails with a message the scenario validator shows (e.g. an empirical distribution's
 * `file:`, reported as "cannot read samples file …").
 */

/** Always throws: the playground reads no files. */
export function readFileSync(path: unknown): never {
  throw new Error(`the playground cannot read files (${String(path)}); give the values inline`);
}
