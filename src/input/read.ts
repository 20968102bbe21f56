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
import { open, stat } from 'node:fs/promises';
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
  /** Why: `not-regular` (a device, FIFO, directory…) or `too-large` (more than the bound). */
  constructor(
    message: string,
    readonly reason: 'not-regular' | 'too-large' = 'not-regular',
  ) {
    super(message);
  }
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
  const guard = new ReadGuard(maxBytes);
  guard.check(statSync(path));
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    guard.check(st);
    guard.begin(st.size);
    while (guard.room() > 0) {
      const got = readSync(fd, guard.buf, guard.n, guard.room(), null);
      if (got === 0) break;
      guard.n += got;
    }
    return guard.text();
  } finally {
    closeSync(fd);
  }
}

/**
 * {@link readBoundedText} without blocking the event loop (the proxy re-reads its config on a
 * reload while it serves): the same checks, the same bound, the same errors.
 */
export async function readBoundedTextAsync(path: string, maxBytes: number = DEFAULT_LIMITS.fileBytes): Promise<string> {
  const guard = new ReadGuard(maxBytes);
  guard.check(await stat(path));
  const fh = await open(path, 'r');
  try {
    const st = await fh.stat();
    guard.check(st);
    guard.begin(st.size);
    while (guard.room() > 0) {
      const { bytesRead } = await fh.read(guard.buf, guard.n, guard.room(), null);
      if (bytesRead === 0) break;
      guard.n += bytesRead;
    }
    return guard.text();
  } finally {
    await fh.close();
  }
}

/**
 * The bookkeeping both readers share: refuses what is not a regular file or is reported larger than
 * the bound, then grows one buffer up to the bound plus one byte (a file that grows, or a `/proc`
 * file reporting size 0, still stops there; one byte more than the bound means "too large").
 */
class ReadGuard {
  buf: Buffer = Buffer.alloc(0);
  n = 0;
  private readonly cap: number;

  constructor(private readonly maxBytes: number) {
    this.cap = maxBytes + 1;
  }

  check(st: import('node:fs').Stats): void {
    if (!st.isFile()) throw new FileReadError(`is ${kindOf(st)}, not a regular file; refusing to read it`);
    if (st.size > this.maxBytes) throw this.tooLarge();
  }

  begin(size: number): void {
    this.buf = Buffer.allocUnsafe(Math.min(this.cap, Math.max(size + 1, 64 * 1024)));
    this.n = 0;
  }

  /** Free bytes to read into, after growing the buffer when it is full and below the cap. */
  room(): number {
    if (this.n === this.buf.length && this.buf.length < this.cap) {
      const bigger = Buffer.allocUnsafe(Math.min(this.cap, this.buf.length * 2));
      this.buf.copy(bigger, 0, 0, this.n);
      this.buf = bigger;
    }
    return this.buf.length - this.n;
  }

  text(): string {
    if (this.n > this.maxBytes) throw this.tooLarge();
    return this.buf.toString('utf8', 0, this.n);
  }

  private tooLarge(): FileReadError {
    return new FileReadError(
      `is larger than ${formatBytes(this.maxBytes)}; ${limitHint('fileBytes', { ...DEFAULT_LIMITS, fileBytes: this.maxBytes })}`,
      'too-large',
    );
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
