/**
 * The log reader: lines cut by chunk boundaries (and multi-byte characters cut with them), CRLF, a
 * last line without a newline, gzip, and the line-length limit (a longer line comes flagged, by
 * its start, and the next line is intact).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../input/errors.js';
import { MAX_LINE_CHARS, readLogLines, SHOWN_CHARS } from './lines.js';
import { tempDir } from './testing.js';

const tmp = tempDir();
afterAll(() => tmp.remove());

async function read(path: string): Promise<{ line: string; n: number; tooLong: boolean }[]> {
  const out: { line: string; n: number; tooLong: boolean }[] = [];
  await readLogLines(path, (line, n, tooLong) => out.push({ line, n, tooLong }));
  return out;
}

describe('readLogLines', () => {
  // lines of varied length so that boundaries of the 64 KiB chunks fall inside lines and inside "é"
  const lines = Array.from({ length: 3000 }, (_, k) => `${k} ${'é'.repeat(k % 97)}${'x'.repeat(k % 31)}`);

  it('gives every line once, in order, across chunk boundaries; plain and gzip alike', async () => {
    for (const gz of [false, true]) {
      const got = await read(tmp.write(`a${gz}.log`, lines, gz));
      expect(got.map((g) => g.line)).toEqual(lines);
      expect(got.map((g) => g.n)).toEqual(lines.map((_, k) => k + 1));
      expect(got.some((g) => g.tooLong)).toBe(false);
    }
  });

  it('drops a trailing CR; reads a last line without a newline', async () => {
    const got = await read(tmp.write('crlf.log', 'a\r\nb\r\nc'));
    expect(got.map((g) => g.line)).toEqual(['a', 'b', 'c']);
  });

  it('flags a line over the limit (within a chunk or across several) and keeps the next one intact', async () => {
    const long = 'L'.repeat(MAX_LINE_CHARS + 1);
    const huge = 'H'.repeat(5 * 65_536 + 7);
    const got = await read(tmp.write('long.log', ['first', long, 'middle', huge, 'last']));
    expect(got.map((g) => [g.line, g.n, g.tooLong])).toEqual([
      ['first', 1, false],
      ['L'.repeat(SHOWN_CHARS), 2, true],
      ['middle', 3, false],
      ['H'.repeat(SHOWN_CHARS), 4, true],
      ['last', 5, false],
    ]);
    const unterminated = await read(tmp.write('tail.log', `ok\n${huge}`));
    expect(unterminated.map((g) => g.tooLong)).toEqual([false, true]);
  });

  it('a missing file or bad gzip is an input error naming the file', async () => {
    await expect(read(join(tmp.dir, 'nope.log'))).rejects.toThrow(/nope.log: no such file/);
    const bad = join(tmp.dir, 'bad.gz');
    writeFileSync(bad, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    await expect(read(bad)).rejects.toThrow(InputError);
    await expect(read(bad)).rejects.toThrow(/bad.gz: not a valid gzip file/);
  });
});
