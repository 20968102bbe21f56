/**
 * Output helpers for the CLI: atomic file writes (temp file + rename, so a failed run leaves no
 * partial output) and terminal styling that degrades to plain text off a TTY or with NO_COLOR.
 */
import { fstatSync, mkdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Whether a `--json` target means standard output: `-`, or a path that is stdout itself
 * (`/dev/stdout`, `/proc/self/fd/1`, or a file stdout is redirected to). The command then writes
 * the JSON alone to stdout and its table to stderr, so the two never interleave.
 */
export function isStdoutTarget(path: string): boolean {
  if (path === '-') return true;
  try {
    const out = fstatSync(1);
    const target = statSync(path);
    return out.dev === target.dev && out.ino === target.ino;
  } catch {
    return false;
  }
}

/** Where a command prints its table: stderr when its results JSON goes to stdout. */
export function tableStream(json: string | undefined): NodeJS.WriteStream {
  return json !== undefined && isStdoutTarget(json) ? process.stderr : process.stdout;
}

/**
 * Writes `text` to `path` atomically (temp file + rename), creating parent directories. A path that
 * exists and is not a regular file (a FIFO, a device, `/dev/stderr`) is written in place: renaming
 * over it would replace the special file.
 */
export function writeFileAtomic(path: string, text: string): void {
  let special = false;
  try {
    special = !statSync(path).isFile();
  } catch {
    special = false;
  }
  if (special) {
    writeFileSync(path, text);
    return;
  }
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
