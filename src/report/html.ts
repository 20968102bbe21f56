/**
 * Writing the static pages (report, playground): JSON made safe for an inline `<script>` element,
 * and files written through a temporary name and a rename.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** `value` as JSON that is safe inside an HTML `<script>` element (no `<`, no U+2028/2029). */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/**
 * Writes `text` to `target` through a temporary file and a rename (readers never see half a page),
 * creating the directory; returns `target`.
 */
export function writeHtmlAtomic(target: string, text: string): string {
  mkdirSync(dirname(target), { recursive: true });
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  return target;
}
