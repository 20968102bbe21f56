/**
 * Browser stand-in for node:path in the playground bundles: POSIX `dirname` and `resolve` on
 * plain strings (the scenario loader only uses them to name files it would read).
 */

/** The directory part of `p` (`.` when there is none). */
export function dirname(p: string): string {
  const i = p.replace(/\/+$/, '').lastIndexOf('/');
  return i < 0 ? '.' : i === 0 ? '/' : p.slice(0, i);
}

/** `parts` joined left to right; an absolute part starts over. */
export function resolve(...parts: string[]): string {
  let out = '';
  for (const p of parts) out = p.startsWith('/') || out === '' ? p : `${out.replace(/\/+$/, '')}/${p}`;
  return out;
}
