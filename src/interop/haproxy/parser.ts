/**
 * HAProxy configuration reader: line-based sections with quoting, escapes and comments, after the
 * configuration manual §2.2 "Quoting and escaping" and §2.1 "Configuration file format"
 * (cfgparse.c `parse_line`). A line is split into words at unquoted white space; `#` outside
 * quotes starts a comment; a backslash escapes the next character (`\ `, `\#`, `\\`, `\'`, `\"`;
 * `\t`, `\n`, `\r` and `\xHH` give the control character or byte); double quotes group words and
 * still honour escapes (environment variables are kept as written, not expanded); single quotes
 * group words verbatim. Pieces with no white space between them form one word (`a"b c"` is `ab c`).
 *
 * A line whose first word is a section keyword (`global`, `defaults`, `frontend`, `backend`,
 * `listen`, `peers`, `resolvers`, `userlist`, …) starts a section; `defaults`, `frontend`, `backend`
 * and `listen` take a name and an optional `from <defaults>`.
 */
import { InputError } from '../../input/errors.js';

/** One configuration line split into words. */
export interface HaproxyLine {
  words: string[];
  line: number;
  /** The line as written, without its comment and surrounding white space (what an export passes through). */
  text: string;
}

/** A section and its lines. */
export interface HaproxySection {
  /** Section keyword (`backend`, `defaults`, …). */
  type: string;
  /** Name (empty for `global` and unnamed `defaults`). */
  name: string;
  /** Defaults section named by `from`, if any. */
  from?: string;
  line: number;
  lines: HaproxyLine[];
}

/** Section keywords of HAProxy 2.x/3.x. */
export const SECTION_KEYWORDS = new Set([
  'global',
  'defaults',
  'frontend',
  'backend',
  'listen',
  'peers',
  'resolvers',
  'userlist',
  'mailers',
  'program',
  'http-errors',
  'ring',
  'cache',
  'log-forward',
  'fcgi-app',
  'crt-store',
  'traces',
  'acme',
]);

const PROXY_SECTIONS = new Set(['defaults', 'frontend', 'backend', 'listen']);

/**
 * Splits one line into words.
 * @throws InputError on an unterminated quote
 */
export function splitHaproxyLine(text: string, line: number, file: string): string[] {
  return scanHaproxyLine(text, line, file).words;
}

/** {@link splitHaproxyLine} and where the line's content ends (its comment's `#`, or its length). */
function scanHaproxyLine(text: string, line: number, file: string): { words: string[]; end: number } {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  const n = text.length;
  let end = n;
  for (let i = 0; i < n; i++) {
    const c = text[i]!;
    if (quote === "'") {
      if (c === "'") quote = null;
      else cur += c;
      continue;
    }
    if (c === '\\' && i + 1 < n) {
      const next = text[i + 1]!;
      i++;
      inWord = true;
      if (next === 't') cur += '\t';
      else if (next === 'n') cur += '\n';
      else if (next === 'r') cur += '\r';
      else if (next === 'x' && /^[0-9a-fA-F]{2}$/.test(text.slice(i + 1, i + 3))) {
        cur += String.fromCharCode(parseInt(text.slice(i + 1, i + 3), 16));
        i += 2;
      } else cur += next;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = null;
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
      continue;
    }
    if (c === '#') {
      end = i;
      break;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
      continue;
    }
    cur += c;
    inWord = true;
  }
  if (quote) throw new InputError(file, [{ path: `line ${line}`, message: `unterminated ${quote === '"' ? 'double' : 'single'} quote` }]);
  if (inWord) words.push(cur);
  return { words, end };
}

/**
 * Parses an HAProxy configuration into sections.
 * @throws InputError (`line N: …`) for a quote left open or a keyword outside any section
 */
export function parseHaproxy(text: string, file: string): HaproxySection[] {
  const sections: HaproxySection[] = [];
  let current: HaproxySection | null = null;
  text.split('\n').forEach((raw, k) => {
    const line = k + 1;
    const { words, end } = scanHaproxyLine(raw, line, file);
    if (words.length === 0) return;
    const kw = words[0]!;
    if (SECTION_KEYWORDS.has(kw)) {
      const rest = words.slice(1);
      const section: HaproxySection = { type: kw, name: '', line, lines: [] };
      if (PROXY_SECTIONS.has(kw)) {
        const fromAt = rest.indexOf('from');
        const nameWords = fromAt >= 0 ? rest.slice(0, fromAt) : rest;
        if (fromAt >= 0) {
          if (rest.length !== fromAt + 2) throw new InputError(file, [{ path: `line ${line}: ${kw}`, message: 'expected "from <defaults name>"' }]);
          section.from = rest[fromAt + 1]!;
        }
        if (nameWords.length > 1) throw new InputError(file, [{ path: `line ${line}: ${kw}`, message: `expected one name, got ${nameWords.join(' ')}` }]);
        section.name = nameWords[0] ?? '';
        if (kw !== 'defaults' && section.name === '') throw new InputError(file, [{ path: `line ${line}: ${kw}`, message: 'a name is required' }]);
      } else section.name = rest.join(' ');
      sections.push(section);
      current = section;
      return;
    }
    if (!current) throw new InputError(file, [{ path: `line ${line}: ${kw}`, message: 'keyword outside any section (expected global, defaults, frontend, backend or listen first)' }]);
    (current as HaproxySection).lines.push({ words, line, text: raw.slice(0, end).trim() });
  });
  return sections;
}
