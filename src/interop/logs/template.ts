/**
 * Log formats written as templates — literal text with variables (nginx `log_format`, HAProxy
 * `log-format`, Envoy format strings) — compiled into ONE anchored regular expression per format,
 * with one capture group per variable, and a setter per variable that converts the captured text
 * into {@link LogRecord} fields. A line costs one `RegExp.exec` and the setters of the variables
 * the format has; a line the expression does not match, or whose value a setter rejects, is
 * unparseable.
 *
 * A variable's value pattern is its own when the variable has a known shape (numbers, lists of
 * upstream values, timestamps); otherwise it runs up to the next literal: `[^"]*` before a quote
 * (the proxies escape quotes inside quoted fields), `[^\]]*` before `]`, and a lazy `.*?` before
 * anything else, which is correct for every value because the expression is anchored at both ends.
 */
import type { LogField, LogRecord } from './record.js';

/** What one variable contributes: how its value looks and where it goes. */
export interface FieldSpec {
  /** Regex source of the value (no capture groups); undefined = up to the next literal. */
  pattern?: string;
  /** Writes the value into the record; false when the value is malformed. */
  set: (rec: LogRecord, value: string) => boolean;
  /** Canonical fields it provides. */
  provides: readonly LogField[];
  /** HAProxy captured headers: `{…}` that disappears with its trailing space when nothing is captured. */
  braces?: boolean;
}

/** A piece of a template. */
export type Segment = { literal: string } | { name: string; field: FieldSpec };

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** A compiled template: `parse(line, rec)` fills `rec` (already reset) and says whether it matched. */
export interface CompiledTemplate {
  parse(line: string, rec: LogRecord): boolean;
  /** The regular expression (for tests and messages). */
  regex: RegExp;
  provides: Set<LogField>;
}

/** Options of {@link compileTemplate}. */
export interface TemplateOptions {
  /**
   * Pattern of a value that runs up to a closing quote (default `[^"]*`; nginx's `escape=json`
   * needs `(?:[^"\\]|\\.)*`, since its values may hold `\"`).
   */
  quoted?: string;
  /** Regex source of a prefix to skip (a syslog header), without capture groups. */
  prefix?: string;
  /**
   * The proxy writes quoted values without escaping quotes inside them (Envoy's text formatter,
   * nginx `escape=none`, HAProxy `+Q` on arbitrary text): a line the strict expression rejects is
   * tried again with quoted values matched lazily (`.*?`), the anchors deciding where each ends.
   * Only lines with at most {@link EXTRA_QUOTES} more quotes than the format writes are retried,
   * which bounds the backtracking a line full of quotes could cause.
   */
  unescapedQuotes?: boolean;
}

/** Quotes beyond the format's own for which a line is retried with lazily matched quoted values. */
export const EXTRA_QUOTES = 4;

function countQuotes(s: string): number {
  let n = 0;
  for (let k = s.indexOf('"'); k >= 0; k = s.indexOf('"', k + 1)) n++;
  return n;
}

/**
 * Compiles template segments into one regular expression and its setters (see the module header
 * and {@link TemplateOptions}).
 */
export function compileTemplate(segments: readonly Segment[], opts: TemplateOptions = {}): CompiledTemplate {
  // merge adjacent literals
  const segs: Segment[] = [];
  for (const s of segments) {
    const last = segs[segs.length - 1];
    if ('literal' in s && last && 'literal' in last) segs[segs.length - 1] = { literal: last.literal + s.literal };
    else if (!('literal' in s && s.literal === '')) segs.push(s);
  }
  const build = (quoted: string) => {
    let src = `^${opts.prefix ?? ''}`;
    const setters: FieldSpec['set'][] = [];
    const provides = new Set<LogField>();
    let quotes = 0;
    const local = segs.slice();
    for (let k = 0; k < local.length; k++) {
      const s = local[k]!;
      if ('literal' in s) {
        src += escapeRegex(s.literal);
        quotes += countQuotes(s.literal);
        continue;
      }
      const next = local[k + 1];
      const nextLit = next && 'literal' in next ? next.literal : undefined;
      if (s.field.braces) {
        // `{value} ` or nothing at all (HAProxy omits the braces and their separator)
        if (nextLit !== undefined && nextLit.startsWith(' ')) {
          src += `(?:\\{([^}]*)\\} )?`;
          local[k + 1] = { literal: nextLit.slice(1) };
        } else src += `(?:\\{([^}]*)\\})?`;
      } else {
        let pat = s.field.pattern;
        const capture = s.field.provides.length > 0;
        if (pat === undefined) {
          if (nextLit === undefined) pat = next === undefined ? '.*' : '\\S*';
          else if (nextLit[0] === '"') pat = quoted;
          else if (nextLit[0] === ']') pat = '[^\\]]*';
          else if (nextLit[0] === '}') pat = '[^}]*';
          else pat = '.*?';
        }
        if (!capture) {
          // a field nothing reads: matched, not captured (no substring, no setter call)
          src += `(?:${pat})`;
          continue;
        }
        src += `(${pat})`;
      }
      setters.push(s.field.set);
      for (const f of s.field.provides) provides.add(f);
    }
    return { regex: new RegExp(`${src}$`), setters, provides, quotes };
  };
  const strict = build(opts.quoted ?? '[^"]*');
  const lenient = opts.unescapedQuotes ? build('.*?') : undefined;
  const maxQuotes = strict.quotes + EXTRA_QUOTES;
  const n = strict.setters.length;
  const apply = (m: RegExpExecArray, rec: LogRecord): boolean => {
    for (let k = 0; k < n; k++) {
      const v = m[k + 1];
      if (v !== undefined && !strict.setters[k]!(rec, v)) return false;
    }
    return true;
  };
  return {
    regex: strict.regex,
    provides: strict.provides,
    parse(line: string, rec: LogRecord): boolean {
      const m = strict.regex.exec(line);
      if (m !== null) return apply(m, rec);
      if (lenient === undefined || countQuotes(line) > maxQuotes) return false;
      const l = lenient.regex.exec(line);
      return l !== null && apply(l, rec);
    },
  };
}

// ---------------------------------------------------------------- shared value parsers

/** Exact powers of ten (every 10^k up to 10^22 is a double). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * A decimal number (`12`, `0.012`); NaN for anything else (including `-`). The same value as
 * `+s`: plain digits with at most one point and at most 15 digits (what logs write) are converted
 * here, as the integer of their digits divided by a power of ten — both exact doubles, and IEEE
 * division rounds correctly, so the quotient is the correctly rounded value of the decimal, which
 * is what `+s` returns (Clinger, "How to Read Floating Point Numbers Accurately", PLDI 1990, the
 * exact fast path) — at about a third of `+s`'s cost; anything else goes to `+s`.
 */
export function num(s: string): number {
  const n = s.length;
  if (n === 0 || (n === 1 && s.charCodeAt(0) === 45)) return NaN; // '' or '-'
  if (n <= 16) {
    let m = 0;
    let digits = 0;
    let point = -1;
    let k = 0;
    for (; k < n; k++) {
      const c = s.charCodeAt(k);
      if (c >= 48 && c <= 57) {
        m = m * 10 + (c - 48);
        digits++;
      } else if (c === 46 && point < 0) point = k;
      else break;
    }
    if (k === n && digits > 0 && digits <= 15) return point < 0 ? m : m / POW10[n - 1 - point]!;
  }
  const v = +s;
  return Number.isFinite(v) ? v : NaN;
}

/**
 * Splits an upstream list the way nginx writes it (ngx_http_upstream.c,
 * `ngx_http_upstream_response_time_variable` / `ngx_http_upstream_addr_variable`): attempts
 * separated by `, `, internal redirects (a new upstream group) by ` : `. Both are attempts here.
 */
export function splitUpstreamList(s: string): string[] {
  return singleUpstream(s) ? [s] : s.split(/, | : /);
}

/** Whether an upstream list holds one value (no separator): setters then take it as it is, with no array. */
export function singleUpstream(s: string): boolean {
  return s.indexOf(',') < 0 && s.indexOf(' : ') < 0;
}

/** Request line `GET /path HTTP/1.1` into method and URI; false when it is not one (`-` is allowed). */
export function setRequestLine(rec: LogRecord, v: string): boolean {
  if (v === '-' || v === '') return true;
  const a = v.indexOf(' ');
  if (a < 0) {
    rec.uri = v;
    return true;
  }
  rec.method = v.slice(0, a);
  const b = v.indexOf(' ', a + 1);
  rec.uri = b < 0 ? v.slice(a + 1) : v.slice(a + 1, b);
  return true;
}
