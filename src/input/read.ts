/**
 * Reading user-supplied files: a missing or unreadable file is an {@link InputError} naming it.
 * (Kept apart from `errors.ts`, which the browser playground bundles: this module needs node:fs.)
 *
 * Every read is bounded: only a regular file is read (a device such as `/dev/zero`, a FIFO that
 * would block, or a directory is refused before it is opened), and at most the file-size limit
 * (`limits.ts`) is read even when the file grows or its size is not reported (`/proc` files): one
 * byte more than the limit means "too large". So no input file can exhaust memory or hang a read.
 */
import { closeSync, fstatSync, openSync, readSync, statSync } from 'node:fs';
import { InputError } from './errors.js';
import { DEFAULT_LIMITS, formatBytes, limitHint } from './limits.js';

/** Why a file could not be read, in words: `no such file`, or `cannot read (EACCES)`. */
export function unreadable(e: unknown): string {
  if (e instanceof FileReadError) return e.message;
  const code = (e as NodeJS.ErrnoException).code;
  return code === 'ENOENT' ? 'no such file' : `cannot read (${code ?? String(e)})`;
}

/** A file that is not read: not a regular file, or larger than the limit. The message says which. */
export class FileReadError extends Error {
  override name = 'FileReadError';
}

function kindOf(st: import('node:fs').Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The text (UTF-8) of the regular file at `path`, read with a bound.
 * @param maxBytes the most bytes read (default: the default file-size limit)
 * @throws FileReadError when it is not a regular file or holds more than `maxBytes`; the fs error
 *   (ENOENT, EACCES…) when it cannot be opened
 */
export function readBoundedText(path: string, maxBytes: number = DEFAULT_LIMITS.fileBytes): string {
  const st = statSync(path);
  const notRegular = (s: import('node:fs').Stats) => new FileReadError(`is ${kindOf(s)}, not a regular file; refusing to read it`);
  if (!st.isFile()) throw notRegular(st);
  const tooLarge = () =>
    new FileReadError(`is larger than ${formatBytes(maxBytes)}; ${limitHint('fileBytes', { ...DEFAULT_LIMITS, fileBytes: maxBytes })}`);
  if (st.size > maxBytes) throw tooLarge();
  const fd = openSync(path, 'r');
  try {
    const again = fstatSync(fd);
    if (!again.isFile()) throw notRegular(again);
    const cap = maxBytes + 1;
    let buf = Buffer.allocUnsafe(Math.min(cap, Math.max(again.size + 1, 64 * 1024)));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (buf.length >= cap) break;
        const bigger = Buffer.allocUnsafe(Math.min(cap, buf.length * 2));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > maxBytes) throw tooLarge();
    return buf.toString('utf8', 0, n);
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a user-supplied text file (UTF-8), at most `maxBytes`.
 * @throws InputError naming the file when it is missing, unreadable, not a regular file or too large
 */
export function readInputFile(file: string, maxBytes: number = DEFAULT_LIMITS.fileBytes): string {
  try {
    return readBoundedText(file, maxBytes);
  } catch (e) {
    throw new InputError(file, [{ path: '', message: unreadable(e) }]);
  }
}
