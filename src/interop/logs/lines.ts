/**
 * Streams the lines of a log file, plain or gzip (detected by the gzip magic bytes 1f 8b, RFC 1952
 * §2.3.1; concatenated members are read in turn, as `zcat` does), through `node:zlib`'s streaming
 * gunzip: memory stays at one read chunk (1 MiB) plus the line being assembled, whatever the file's
 * size. Lines end at `\n`; a trailing `\r` is dropped; a last line without a newline counts.
 * UTF-8 is decoded across chunk boundaries (`StringDecoder`).
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { InputError, unreadable } from '../../input/errors.js';

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

/**
 * Calls `onLine(line, lineNumber)` for every line of `file` (1-based numbers), in order.
 * @throws InputError naming the file when it cannot be read or is not valid gzip
 */
export async function readLogLines(file: string, onLine: (line: string, n: number) => void): Promise<ReadSummary> {
  const gzip = await isGzip(file);
  const raw = createReadStream(file, { highWaterMark: 1 << 20 });
  let bytes = 0;
  raw.on('data', (c: Buffer | string) => {
    bytes += c.length;
  });
  const source = gzip ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
  if (gzip) raw.on('error', (e) => source.destroy(e));
  const decoder = new StringDecoder('utf8');
  let carry = '';
  let n = 0;
  try {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      const text = carry + decoder.write(chunk);
      let from = 0;
      for (let nl = text.indexOf('\n', from); nl >= 0; nl = text.indexOf('\n', from)) {
        const end = nl > from && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        onLine(text.slice(from, end), ++n);
        from = nl + 1;
      }
      carry = from === 0 ? text : text.slice(from);
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
  carry += decoder.end();
  if (carry.length > 0) onLine(carry.endsWith('\r') ? carry.slice(0, -1) : carry, ++n);
  return { lines: n, bytes, gzip };
}
