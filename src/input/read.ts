/**
 * Reading user-supplied files: a missing or unreadable file is an {@link InputError} naming it.
 * (Kept apart from `errors.ts`, which the browser playground bundles: this module needs node:fs.)
 */
import { readFileSync } from 'node:fs';
import { InputError } from './errors.js';

/** Why a file could not be read, in words: `no such file`, or `cannot read (EACCES)`. */
export function unreadable(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(e)})`;
}

/** Reads a user-supplied text file (UTF-8). @throws InputError naming the file when it is missing or unreadable */
export function readInputFile(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(file, [{ path: '', message: unreadable(e) }]);
  }
}
