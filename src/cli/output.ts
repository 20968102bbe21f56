/**
 * Output helpers for the CLI: atomic file writes (temp file + rename, so a failed run leaves no
 * partial output) and terminal styling that degrades to plain text off a TTY or with NO_COLOR.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/** Writes `text` to `path` atomically, creating parent directories. */
export function writeFileAtomic(path: string, text: string): void {
  const abs = resolve(path);
  mkdirSync(dirname(abs), { recursive: true });
  const tmp = `${abs}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, abs);
}

/** True when stdout is a terminal and NO_COLOR is unset. */
export function useColor(stream: NodeJS.WriteStream = process.stdout): boolean {
  return Boolean(stream.isTTY) && !process.env.NO_COLOR;
}

/** ANSI styling, or identity when `on` is false. */
export function styles(on: boolean) {
  const wrap = (a: number, b: number) => (s: string) => (on ? `\x1b[${a}m${s}\x1b[${b}m` : s);
  return { bold: wrap(1, 22), green: wrap(32, 39), yellow: wrap(33, 39), dim: wrap(2, 22), red: wrap(31, 39) };
}
