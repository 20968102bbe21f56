/**
 * Output helpers for the CLI: atomic file writes (temp file + rename, so a failed run leaves no
 * partial output) and terminal styling that degrades to plain text off a TTY or with NO_COLOR.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../input/errors.js';

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

/**
 * Checks, before any work, that an output can be written at `path` (a file, or with `dir` a
 * directory to create). Standard output (`-`, `/dev/stdout`) and existing special files pass, as
 * writeFileAtomic writes them in place. Otherwise the nearest existing ancestor must be a directory in which a file can be
 * created (probed with a temporary file, removed at once), and an existing `path` must be a file
 * (or a directory when `dir`). Creates nothing that stays.
 * @param flag the option that named the path (`--json`), for the error
 * @throws InputError naming the flag and the path when it cannot be written
 */
export function checkWritable(path: string, flag: string, dir = false): void {
  const abs = resolve(path);
  const fail = (message: string): never => {
    throw new InputError(flag, [{ path: '', message: `cannot write ${path}: ${message}` }]);
  };
  if (!dir && isStdoutTarget(path)) return;
  if (existsSync(abs)) {
    const st = statSync(abs);
    const isDir = st.isDirectory();
    if (isDir && !dir) fail('it is a directory');
    if (!isDir && dir) fail('it is a file, not a directory');
    // A FIFO or device (`/dev/stderr`) is written in place by writeFileAtomic, not beside.
    if (!isDir && !st.isFile()) return;
  }
  let parent = dir && existsSync(abs) ? abs : dirname(abs);
  while (!existsSync(parent)) {
    const up = dirname(parent);
    if (up === parent) break;
    parent = up;
  }
  if (!statSync(parent).isDirectory()) fail(`${parent} is not a directory`);
  const probe = join(parent, `.lbsim-write-probe-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx'));
    unlinkSync(probe);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    fail(`cannot create files in ${parent}${code ? ` (${code})` : ''}`);
  }
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
