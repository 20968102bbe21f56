/**
 * Tokenizer for nginx configuration syntax, after nginx's own `ngx_conf_read_token`
 * (src/core/ngx_conf_file.c): words separated by white space; `;` ends a directive, `{` opens a
 * block and `}` closes it; `#` at the start of a token comments out the rest of the line; single or
 * double quotes make one word that may hold spaces, `;`, `{`, `}` and `#`; a backslash escapes the
 * next character (`\"`, `\'`, `\\` give the character, `\t`, `\r`, `\n` the control character, any
 * other pair is kept as written, as nginx does); `${name}` inside a word is a variable, not a
 * block. Every token carries its 1-based line.
 */
import { InputError } from '../../input/errors.js';

/** One token of an nginx config. */
export interface NginxToken {
  kind: 'word' | 'open' | 'close' | 'semi';
  /** The word's text after quotes and escapes are resolved; `{`, `}` or `;` otherwise. */
  value: string;
  line: number;
  /** True when the word was quoted (so `"{"` is a word, not a block). */
  quoted: boolean;
}

const ESCAPES: Record<string, string> = { '"': '"', "'": "'", '\\': '\\', t: '\t', r: '\r', n: '\n' };

function isSpace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

/**
 * Splits an nginx config into tokens.
 * @param text the file's contents
 * @param file the file name for errors
 * @param opts `echo: false` keeps the file's characters out of errors (an included file)
 * @throws InputError (`line N: …`) on an unterminated quote or a quote not followed by a separator
 */
export function tokenizeNginx(text: string, file: string, opts: { echo?: boolean } = {}): NginxToken[] {
  const echo = opts.echo ?? true;
  const tokens: NginxToken[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  const fail = (at: number, message: string): never => {
    throw new InputError(file, [{ path: `line ${at}`, message }]);
  };
  while (i < n) {
    const ch = text[i]!;
    if (ch === '\n') {
      line++;
      i++;
      continue;
    }
    if (isSpace(ch)) {
      i++;
      continue;
    }
    if (ch === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (ch === ';' || ch === '{' || ch === '}') {
      tokens.push({ kind: ch === ';' ? 'semi' : ch === '{' ? 'open' : 'close', value: ch, line, quoted: false });
      i++;
      continue;
    }
    const start = line;
    if (ch === '"' || ch === "'") {
      const quote = ch;
      let value = '';
      i++;
      for (;;) {
        if (i >= n) fail(start, `unterminated ${quote === '"' ? 'double' : 'single'}-quoted string`);
        const c = text[i]!;
        if (c === '\\' && i + 1 < n) {
          const next = text[i + 1]!;
          value += ESCAPES[next] ?? `\\${next}`;
          if (next === '\n') line++;
          i += 2;
          continue;
        }
        if (c === quote) {
          i++;
          break;
        }
        if (c === '\n') line++;
        value += c;
        i++;
      }
      const after = text[i];
      if (after !== undefined && !isSpace(after) && after !== ';' && after !== '{' && after !== '}') {
        fail(line, echo ? `unexpected "${after}" after a quoted string` : 'unexpected character after a quoted string');
      }
      tokens.push({ kind: 'word', value, line: start, quoted: true });
      continue;
    }
    let value = '';
    while (i < n) {
      const c = text[i]!;
      if (isSpace(c) || c === ';' || c === '{') break;
      if (c === '\\' && i + 1 < n) {
        const next = text[i + 1]!;
        value += ESCAPES[next] ?? `\\${next}`;
        if (next === '\n') line++;
        i += 2;
        continue;
      }
      if (c === '$' && text[i + 1] === '{') {
        const close = text.indexOf('}', i + 2);
        if (close < 0 || text.slice(i, close).includes('\n')) fail(line, 'unterminated "${" variable');
        value += text.slice(i, close + 1);
        i = close + 1;
        continue;
      }
      value += c;
      i++;
    }
    tokens.push({ kind: 'word', value, line: start, quoted: false });
  }
  return tokens;
}
