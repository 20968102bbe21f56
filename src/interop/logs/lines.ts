/**
 * Streams the lines of a log file, plain or gzip (detected by the gzip magic bytes 1f 8b, RFC 1952
 * §2.3.1; concatenated members are read in turn, as `zcat` does), through `node:zlib`'s streaming
 * gunzip: memory stays at one read chunk (64 KiB) plus the line being assembled, whatever the
 * file's size. Lines end at `\n`; a trailing `\r` is dropped; a last line without a newline counts.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { InputError } from '../../input/errors.js';
import { unreadable } from '../../input/read.js';

/** What {@link readLogLines} read. */
export interface ReadSummary {
  /** Lines handed to the callback (empty lines included). */
  lines: number;
  /** Bytes read from the file (compressed size for gzip). */
  bytes: number;
  gzip: boolean;
}

/** True when the file starts with the gzip magic bytes. @throws InputError when unreadable */
export async function isGzip(file: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(file, 'r');
  } catch (e) {
    throw new InputError(file, [{ path: '', message: unreadable(e) }]);
  }
  try {
    const b = Buffer.alloc(2);
    const { bytesRead } = await fh.read(b, 0, 2, 0);
    return bytesRead === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/** Read chunk size: small enough to stay in cache (64 KiB measured ~2x faster than 1 MiB). */
const CHUNK = 1 << 16;

/**
 * Calls `onLine(line, lineNumber)` for every line of `file` (1-based numbers), in order. Each chunk
 * is decoded as UTF-8 up to its last newline in one call and split with `indexOf`; the bytes after
 * it (a line cut by the chunk boundary) are carried as bytes, so a multi-byte character is never
 * split.
 * @throws InputError naming the file when it cannot be read or is not valid gzip
 */
export async function readLogLines(file: string, onLine: (line: string, n: number) => void): Promise<ReadSummary> {
  const gzip = await isGzip(file);
  const raw = createReadStream(file, { highWaterMark: CHUNK });
  let bytes = 0;
  raw.on('data', (c: Buffer | string) => {
    bytes += c.length;
  });
  const source = gzip ? raw.pipe(createGunzip({ chunkSize: CHUNK })) : raw;
  if (gzip) raw.on('error', (e) => source.destroy(e));
  let carry: Buffer | null = null;
  let n = 0;
  const emit = (line: string) => onLine(line.length > 0 && line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line, ++n);
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const last = chunk.lastIndexOf(10);
      if (last < 0) {
        carry = carry ? Buffer.concat([carry, chunk]) : chunk;
        continue;
      }
      let start = 0;
      if (carry) {
        const first = chunk.indexOf(10);
        emit(Buffer.concat([carry, chunk.subarray(0, first)]).toString('utf8'));
        start = first + 1;
        carry = null;
      }
      if (start <= last) {
        const text = chunk.toString('utf8', start, last);
        let from = 0;
        for (let nl = text.indexOf('\n', from); nl >= 0; nl = text.indexOf('\n', from)) {
          emit(text.slice(from, nl));
          from = nl + 1;
        }
        emit(text.slice(from));
      }
      carry = last + 1 < chunk.length ? chunk.subarray(last + 1) : null;
    }
  } catch (e) {
    if (e instanceof InputError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new InputError(file, [{ path: '', message: unreadable(e) }]);
    if (gzip && typeof code === 'string' && code.startsWith('Z_')) {
      throw new InputError(file, [{ path: '', message: `not a valid gzip file (${(e as Error).message})` }]);
    }
    throw e;
  }
  if (carry && carry.length > 0) emit(carry.toString('utf8'));
  return { lines: n, bytes, gzip };
}
