/**
 * nginx configuration parser: tokens (lexer.ts) → a tree of directives with file and line, with
 * `include` resolved. A directive is a name and arguments ended by `;`, or a block directive whose
 * `{ … }` holds more directives (nginx's `ngx_conf_parse`).
 *
 * `include <path>` is replaced by the directives of the files it names. A relative path is looked up
 * next to the including file first, then next to the main file (nginx resolves against its prefix,
 * usually the main file's directory); glob patterns (`conf.d/*.conf`, `sites-enabled/*`) with `*`, `?` and
 * `[…]` match files in sorted order, and a leading dot must be matched explicitly, as glob(3) does.
 * An include that names a missing file (no glob) is reported as a warning and skipped, so that a
 * config copied away from `/etc/nginx` (with `include mime.types;`) can still be read; a file that
 * includes itself, directly or not, is an error.
 */
import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { InputError } from '../../input/errors.js';
import { DEFAULT_LIMITS, formatBytes, limitHint, type InputLimits } from '../../input/limits.js';
import { readBoundedText, unreadable } from '../../input/read.js';
import type { InteropWarning } from '../types.js';
import { tokenizeNginx, type NginxToken } from './lexer.js';

/** One nginx directive. */
export interface NginxDirective {
  name: string;
  args: string[];
  /** File the directive was read from (an included file for included directives). */
  file: string;
  line: number;
  /** The directives inside `{ … }`, for block directives. */
  block?: NginxDirective[];
}

/** A parsed config: the top-level directives, every file read, and include warnings. */
export interface NginxConfig {
  directives: NginxDirective[];
  files: string[];
  warnings: InteropWarning[];
}

/** Options of {@link parseNginxTokens}. */
export interface NginxParseOptions {
  /** Most levels of blocks inside blocks (default: the `nesting` input limit). */
  maxDepth?: number;
  /** Name the directive at fault in errors (false for an included file: file and line only). */
  echo?: boolean;
}

/**
 * Parses tokens into directives (no include resolution).
 * @throws InputError with the line, for a syntax error or blocks nested deeper than `maxDepth`
 */
export function parseNginxTokens(tokens: readonly NginxToken[], file: string, opts: NginxParseOptions = {}): NginxDirective[] {
  const maxDepth = opts.maxDepth ?? DEFAULT_LIMITS.nestingDepth;
  const echo = opts.echo ?? true;
  let pos = 0;
  const fail = (line: number, message: string, directive?: string): never => {
    throw new InputError(file, [{ path: directive && echo ? `line ${line}: ${directive}` : `line ${line}`, message }]);
  };
  const parseBlock = (opener: NginxDirective | null, depth: number): NginxDirective[] => {
    if (depth > maxDepth) {
      fail(opener!.line, `blocks nested more than ${maxDepth} deep; ${limitHint('nestingDepth', { ...DEFAULT_LIMITS, nestingDepth: maxDepth })}`);
    }
    const out: NginxDirective[] = [];
    let words: NginxToken[] = [];
    for (;;) {
      const t = tokens[pos++];
      if (t === undefined) {
        if (words.length > 0) fail(words[0]!.line, 'unexpected end of file, expecting ";" or "}"', words[0]!.value);
        if (opener) fail(opener.line, `unexpected end of file: the block opened here is not closed (expecting "}")`, opener.name);
        return out;
      }
      if (t.kind === 'word') {
        words.push(t);
        continue;
      }
      if (t.kind === 'close') {
        if (words.length > 0) fail(words[0]!.line, 'unexpected "}": the directive has no ";"', words[0]!.value);
        if (!opener) fail(t.line, 'unexpected "}"');
        return out;
      }
      if (words.length === 0) fail(t.line, `unexpected "${t.value}"`); // t is ";" or "{": punctuation, never content
      const d: NginxDirective = {
        name: words[0]!.value,
        args: words.slice(1).map((w) => w.value),
        file,
        line: words[0]!.line,
      };
      words = [];
      if (t.kind === 'open') d.block = parseBlock(d, depth + 1);
      out.push(d);
    }
  };
  return parseBlock(null, 0);
}

function hasGlob(s: string): boolean {
  return /[*?[]/.test(s);
}

function globSegmentRegex(seg: string): RegExp {
  let re = '';
  for (let k = 0; k < seg.length; k++) {
    const c = seg[k]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', k + 1);
      if (close < 0) re += '\\[';
      else {
        let body = seg.slice(k + 1, close);
        if (body.startsWith('!')) body = `^${body.slice(1)}`;
        re += `[${body.replace(/\\/g, '\\\\')}]`;
        k = close;
      }
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Files matching an absolute glob pattern, sorted; segments without glob characters are literal. */
export function expandGlob(pattern: string): string[] {
  const parts = pattern.split(sep).filter((p, k) => p !== '' || k === 0);
  let bases = [parts[0] === '' ? sep : parts[0]!];
  for (const seg of parts.slice(1)) {
    const next: string[] = [];
    for (const base of bases) {
      if (!hasGlob(seg)) {
        const p = join(base, seg);
        if (existsSync(p)) next.push(p);
        continue;
      }
      let names: string[];
      try {
        names = readdirSync(base).sort();
      } catch {
        continue;
      }
      const re = globSegmentRegex(seg);
      for (const name of names) {
        if (name.startsWith('.') && !seg.startsWith('.')) continue;
        if (re.test(name)) next.push(join(base, name));
      }
    }
    bases = next;
  }
  return bases.filter((p) => {
    try {
      return statSync(p).isFile();
    } catch {
      return false;
    }
  });
}

/**
 * Reads and parses an nginx config file with its includes. Every file is read with the file-size
 * limit (a device such as `/dev/zero`, a FIFO or a directory is refused unread), all of them
 * together are held to the same limit, and blocks to the nesting limit. An error in an included
 * file names the file and line, never its content: `include` can name any file the user can read.
 * @throws InputError naming the file and line of a syntax error, an include cycle or a limit
 */
export function parseNginxFile(path: string, limits: Readonly<InputLimits> = DEFAULT_LIMITS): NginxConfig {
  const mainDir = dirname(resolve(path));
  const files: string[] = [];
  const warnings: InteropWarning[] = [];
  const stack: string[] = [];
  let totalBytes = 0;

  const readOne = (file: string, from?: NginxDirective): NginxDirective[] => {
    let real: string;
    let text: string;
    try {
      real = realpathSync(file);
      text = readBoundedText(file, limits.fileBytes);
    } catch (e) {
      if (from) throw new InputError(from.file, [{ path: `line ${from.line}: include`, message: `${file}: ${unreadable(e)}` }]);
      throw new InputError(file, [{ path: '', message: unreadable(e) }]);
    }
    if (stack.includes(real)) {
      throw new InputError(from!.file, [
        { path: `line ${from!.line}: include`, message: `include cycle: ${[...stack, real].join(' → ')}` },
      ]);
    }
    totalBytes += Buffer.byteLength(text);
    if (totalBytes > limits.fileBytes) {
      throw new InputError(from!.file, [
        { path: `line ${from!.line}: include`, message: `the config and its includes hold more than ${formatBytes(limits.fileBytes)} (at ${file}); ${limitHint('fileBytes', limits)}` },
      ]);
    }
    stack.push(real);
    files.push(file);
    const tree = parseNginxTokens(tokenizeNginx(text, file, { echo: !from }), file, { maxDepth: limits.nestingDepth, echo: !from });
    const out = expand(tree, file);
    stack.pop();
    return out;
  };

  const expand = (list: NginxDirective[], file: string): NginxDirective[] => {
    const out: NginxDirective[] = [];
    for (const d of list) {
      if (d.name !== 'include') {
        if (d.block) d.block = expand(d.block, file);
        out.push(d);
        continue;
      }
      if (d.args.length !== 1 || d.block) {
        throw new InputError(file, [{ path: `line ${d.line}: include`, message: 'expected exactly one file or pattern: include <path>;' }]);
      }
      const arg = d.args[0]!;
      const candidates = isAbsolute(arg) ? [arg] : [resolve(dirname(file), arg), resolve(mainDir, arg)];
      if (hasGlob(arg)) {
        const seen = new Set<string>();
        for (const pattern of candidates) {
          for (const f of expandGlob(pattern)) {
            if (!seen.has(f)) {
              seen.add(f);
              out.push(...readOne(f, d));
            }
          }
          if (seen.size > 0) break;
        }
        continue;
      }
      const found = candidates.find((c) => existsSync(c));
      if (!found) {
        warnings.push({ file, line: d.line, directive: 'include', message: `${arg} not found (looked in ${[...new Set(candidates.map(dirname))].join(' and ')}); skipped` });
        continue;
      }
      out.push(...readOne(found, d));
    }
    return out;
  };

  return { directives: readOne(path), files, warnings };
}
