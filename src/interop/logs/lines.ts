/**
 * Streams the lines of a log file, plain or gzip (detected by the gzip magic bytes 1f 8b, RFC 1952
 * §2.3.1; concatenated members are read in turn, as `zcat` does), through `node:zlib`'s streaming
 * gunzip: memory stays at one read chunk (64 KiB) plus the line being assembled, whatever the
 * file's size. Lines end at `\n`; a trailing `\r` is dropped; a last line without a newline counts.
 *
 * Limits (a file beyond them is refused, not read forever): {@link MAX_LOG_LINES} lines and
 * {@link MAX_LOG_BYTES} bytes of text (after gunzip) per file; a line longer than
 * {@link MAX_LINE_CHARS} is not assembled (its first {@link SHOWN_CHARS} characters are handed on,
 * flagged too long: the callers count it as a malformed line).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';
import { InputError } from '../../input/errors.js';
import { unreadable } from '../../input/read.js';

/** Longest line assembled (characters; bytes while it is cut by a chunk boundary). */
export const MAX_LINE_CHARS = 32_768;
/** Characters of an over-long line kept for messages. */
export const SHOWN_CHARS = 200;
/** Most lines read from one file (also the most lines of one import, all files together). */
export const MAX_LOG_LINES = 100_000_000;
/** Most bytes of text read from one file (after gunzip: also bounds a gzip bomb). */
export const MAX_LOG_BYTES = 32 * 2 ** 30;

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
 * Calls `onLine(line, lineNumber, tooLong)` for every line of `file` (1-based numbers), in order.
 * Each chunk is decoded as UTF-8 up to its last newline in one call and split with `indexOf`; the
 * bytes after it (a line cut by the chunk boundary) are carried as bytes, so a multi-byte character
 * is never split. A line over {@link MAX_LINE_CHARS} comes as its first {@link SHOWN_CHARS}
 * characters with `tooLong` set.
 * @throws InputError naming the file when it cannot be read, is not valid gzip, or exceeds
 *   {@link MAX_LOG_LINES} or {@link MAX_LOG_BYTES}
 */
export async function readLogLines(file: string, onLine: (line: string, n: number, tooLong: boolean) => void): Promise<ReadSummary> {
  const gzip = await isGzip(file);
  const raw = createReadStream(file, { highWaterMark: CHUNK });
  let bytes = 0;
  raw.on('data', (c: Buffer | string) => {
    bytes += c.length;
  });
  const source = gzip ? raw.pipe(createGunzip({ chunkSize: CHUNK })) : raw;
  if (gzip) raw.on('error', (e) => source.destroy(e));
  let carry = null as Buffer | null;
  /** The line being assembled is over the limit: only its head is in `carry`, the rest is dropped. */
  let overlong = false;
  let n = 0;
  let text = 0;
  const count = (): number => {
    if (++n > MAX_LOG_LINES) {
      throw new InputError(file, [{ path: '', message: `has more than ${MAX_LOG_LINES.toLocaleString('en-US')} lines, the most lbsim reads from one log; give a part of it (e.g. head -n 10000000)` }]);
    }
    return n;
  };
  const emit = (line: string) => {
    const k = count();
    if (line.length > MAX_LINE_CHARS) onLine(line.slice(0, SHOWN_CHARS), k, true);
    else onLine(line.length > 0 && line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line, k, false);
  };
  /** Appends bytes to the line being assembled (only its head once it is over the limit). */
  const keep = (bytes: Buffer) => {
    if (overlong) return;
    carry = carry ? Buffer.concat([carry, bytes]) : bytes;
    if (carry.length > MAX_LINE_CHARS) {
      overlong = true;
      carry = Buffer.from(carry.subarray(0, SHOWN_CHARS * 4));
    }
  };
  /** Ends the line being assembled. */
  const flush = () => {
    if (overlong) onLine(carry!.toString('utf8').slice(0, SHOWN_CHARS), count(), true);
    else emit(carry!.toString('utf8'));
    carry = null;
    overlong = false;
  };
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      text += chunk.length;
      if (text > MAX_LOG_BYTES) {
        throw new InputError(file, [{ path: '', message: `holds more than ${MAX_LOG_BYTES / 2 ** 30} GiB of text${gzip ? ' (uncompressed)' : ''}, the most lbsim reads from one log; give a part of it` }]);
      }
      const last = chunk.lastIndexOf(10);
      if (last < 0) {
        keep(chunk);
        continue;
      }
      let start = 0;
      if (carry) {
        const first = chunk.indexOf(10);
        keep(chunk.subarray(0, first));
        flush();
        start = first + 1;
      }
      if (start <= last) {
        const part = chunk.toString('utf8', start, last);
        let from = 0;
        for (let nl = part.indexOf('\n', from); nl >= 0; nl = part.indexOf('\n', from)) {
          emit(part.slice(from, nl));
          from = nl + 1;
        }
        emit(part.slice(from));
      }
      if (last + 1 < chunk.length) keep(chunk.subarray(last + 1));
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
  if (carry !== null && (carry.length > 0 || overlong)) flush();
  return { lines: n, bytes, gzip };
}
