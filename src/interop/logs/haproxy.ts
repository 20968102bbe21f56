/**
 * HAProxy HTTP logs: `option httplog` and custom `log-format` strings (HAProxy configuration manual
 * §8.2.3 "HTTP log format", §8.2.6 "Custom log format", §8.4 "Timing events"; log.c,
 * `parse_logformat_string`).
 *
 * `option httplog` is exactly the custom format
 * `%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r`
 * (§8.2.3). `%hr` and `%hs` are written as `{…}` only when headers are captured: otherwise the
 * braces and their separating space do not appear. Variables are `%name` or `%{flags}name`; flag
 * `+Q` quotes the value, `%o` applies its flags to every following variable, `%%` is a percent
 * sign, `\ ` an escaped space (in haproxy.cfg spaces separate words and are merged).
 *
 * Units: every timer is in milliseconds (§8.4), `-1` when the stage was not reached. TR: time to
 * receive the request headers; Tw: time in HAProxy's queues; Tc: time to connect to the server;
 * Tr: server response time (connection established → full response headers), the service time
 * lbsim fits; Ta: total active time of the request (first byte → last byte sent), the client's
 * response time. `%tr` is the date of the request's first byte with millisecond resolution, so the
 * upstream attempt starts at `%tr` + TR + Tw + Tc. The server is `%s` (its name in the backend);
 * `%rc` counts retries (`+` prefix: redispatched).
 *
 * A syslog header before the message (every header HAProxy's `log … format` writes, and those of
 * rsyslog's file formats: {@link SYSLOG_PREFIX}) is skipped; `log stdout format raw` writes none.
 */
import type { HaproxySection } from '../haproxy/parser.js';
import type { HashKey } from '../types.js';
import { formatError, type LogFormat } from './format.js';
import type { LogField, LogRecord } from './record.js';
import { compileTemplate, num, setRequestLine, type FieldSpec, type Segment } from './template.js';
import { parseClfTime } from './timestamps.js';

/** The exact log-format of `option httplog` (§8.2.3). */
export const HAPROXY_HTTPLOG = '%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc %sq/%bq %hr %hs %{+Q}r';

/**
 * The header a log line may carry before the message, by HAProxy's `log … format` (configuration
 * manual, "log" keyword; log.c, `__send_log` / the header builders): `rfc5424`
 * (`<PRI>1 TIMESTAMP HOST TAG PID MSGID SD `), `rfc3164`/`local` (`<PRI>Mmm dd hh:mm:ss [HOST ]TAG[PID]: `,
 * also what rsyslog writes to files in its traditional format), rsyslog's high-precision file format
 * (`2024-02-06T12:14:14.123456+01:00 HOST TAG[PID]: `), `timed` (`<PRI>ISO-DATE `), `iso`
 * (`ISO-DATE `), `short`/`priority` (`<PRI>`) and `raw` (nothing).
 */
const SYSLOG_PREFIX =
  '(?:<\\d+>)?(?:1 \\S+ \\S+ \\S+ \\S+ \\S+ (?:-|(?:\\[[^\\]]*\\])+) ' +
  '|[A-Z][a-z]{2} [ \\d]\\d \\d{2}:\\d{2}:\\d{2} (?:\\S+ )?\\S+?: ' +
  '|\\d{4}-\\d{2}-\\d{2}T\\S+ \\S+ \\S+?\\[\\d+\\]: ' +
  '|\\d{4}-\\d{2}-\\d{2}T\\S+ ' +
  '|\\S+\\[\\d+\\]: )?';

/**
 * HAProxy's own event messages, logged through the same `log` targets as the traffic (and so into
 * the same file): server state changes (server.c, `srv_set_stopped`/`srv_set_running`/maintenance:
 * "Server be/s1 is DOWN, reason: …"), health and agent checks (check.c: "Health check for server
 * be/s1 failed, …"), "backend be has no server available!", proxy start/stop/pause (proxy.c:
 * "Proxy fe started.", "Stopping proxy fe in 0 ms.", "Pausing proxy fe."), and `[NOTICE]`,
 * `[WARNING]`, `[ALERT]` messages.
 */
const EVENT = new RegExp(
  `^${SYSLOG_PREFIX}(?:\\[(?:NOTICE|WARNING|ALERT)\\]|Server \\S+/\\S+ |(?:Health|Agent) check for |backend \\S+ has no server available|` +
    `(?:Proxy|Frontend|Backend) \\S+ (?:started|stopped|reached)|Stopping (?:proxy|frontend|backend) |Pausing (?:proxy|frontend|backend) |Resuming (?:proxy|frontend|backend) |Connect from )`,
);

/** Timers of one line (ms; NaN = not logged or -1). */
class Timers {
  TR = NaN;
  Tw = NaN;
  Tc = NaN;
  Tq = NaN;
  reset(): void {
    this.TR = this.Tw = this.Tc = this.Tq = NaN;
  }
}

function timer(v: string): number {
  const x = num(v.startsWith('+') ? v.slice(1) : v);
  return x < 0 ? NaN : x;
}

const TIMER = '[+-]?\\d+';

function fieldFor(name: string, t: Timers, keyCookie: string | undefined): FieldSpec {
  switch (name) {
    case 'ci':
      return { pattern: '\\S+?', provides: ['client'], set: (r, v) => ((r.client = v), true) };
    case 'tr':
    case 't':
      return {
        pattern: '\\d{2}/[A-Za-z]{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2}(?:\\.\\d+)?',
        provides: ['start'],
        set: (r, v) => {
          if (name === 'tr' || Number.isNaN(r.startMs)) r.startMs = parseClfTime(v);
          return !Number.isNaN(r.startMs);
        },
      };
    case 'trg':
    case 'trl':
      return {
        pattern: '\\d{2}/[A-Za-z]{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}',
        provides: ['start'],
        set: (r, v) => !Number.isNaN((r.startMs = parseClfTime(v))),
      };
    case 'Ts':
      return { pattern: '\\d+', provides: ['start'], set: (r, v) => (Number.isNaN(r.startMs) ? !Number.isNaN((r.startMs = num(v) * 1000)) : true) };
    case 'TR':
      return { pattern: TIMER, provides: ['pre_upstream_time'], set: (_r, v) => ((t.TR = timer(v)), true) };
    case 'Tq':
      return { pattern: TIMER, provides: ['pre_upstream_time'], set: (_r, v) => ((t.Tq = timer(v)), true) };
    case 'Tw':
      return { pattern: TIMER, provides: ['queue_time'], set: (r, v) => ((r.queueMs = t.Tw = timer(v)), true) };
    case 'Tc':
      return { pattern: TIMER, provides: ['pre_upstream_time'], set: (_r, v) => ((t.Tc = timer(v)), true) };
    case 'Tr':
      return {
        pattern: TIMER,
        provides: ['upstream_time'],
        set: (r, v) => {
          r.upstreamMs.length = 0;
          r.upstreamMs.push(timer(v));
          return true;
        },
      };
    case 'Ta':
      return { pattern: TIMER, provides: ['response_time'], set: (r, v) => ((r.responseMs = timer(v)), true) };
    case 'Tt':
      return {
        pattern: TIMER,
        provides: ['response_time'],
        set: (r, v) => {
          if (Number.isNaN(r.responseMs)) r.responseMs = timer(v);
          return true;
        },
      };
    case 'ST':
      return {
        pattern: '-?\\d+',
        provides: ['status', 'upstream_status'],
        set: (r, v) => {
          r.status = +v;
          r.upstreamStatus.length = 0;
          r.upstreamStatus.push(+v);
          return true;
        },
      };
    case 's':
      return {
        pattern: '\\S+',
        provides: ['upstream_addr'],
        set: (r, v) => {
          r.upstreamAddr.length = 0;
          if (v !== '<NOSRV>' && v !== '<STATS>' && v !== '-') r.upstreamAddr.push(v);
          return true;
        },
      };
    case 'b':
      return { pattern: '[^/\\s]+', provides: [], set: () => true };
    case 'rc':
      return { pattern: '\\+?-?\\d+', provides: ['retries'], set: (r, v) => ((r.retries = Math.max(0, num(v.replace('+', '')))), true) };
    case 'CC':
      return {
        pattern: '\\S+',
        provides: ['session'],
        set: (r, v) => {
          if (v === '-') return true;
          const eq = v.indexOf('=');
          const value = eq < 0 ? v : v.slice(eq + 1);
          if (keyCookie !== undefined && v.slice(0, eq) === keyCookie) r.key = value;
          r.session = value;
          return true;
        },
      };
    case 'r':
      return { provides: ['method', 'uri'], set: setRequestLine };
    case 'HM':
      return { pattern: '\\S+', provides: ['method'], set: (r, v) => ((r.method = v), true) };
    case 'HU':
      return { pattern: '\\S+', provides: ['uri'], set: (r, v) => ((r.uri = v), true) };
    case 'HP':
    case 'HPO':
      return { pattern: '\\S+', provides: ['uri'], set: (r, v) => (r.uri === '' ? ((r.uri = v), true) : true) };
    case 'hr':
    case 'hs':
      return { braces: true, provides: [], set: () => true };
    case 'cp':
    case 'B':
    case 'U':
    case 'ac':
    case 'fc':
    case 'bc':
    case 'sc':
    case 'sq':
    case 'bq':
    case 'Th':
    case 'Ti':
    case 'Td':
    case 'Tu':
    case 'ms':
    case 'pid':
    case 'rt':
    case 'lc':
    case 'sp':
    case 'fp':
    case 'bp':
      return { pattern: '[+-]?\\d+|-', provides: [], set: () => true };
    default:
      return { provides: [], set: () => true };
  }
}

/**
 * Variables written without quotes even under `+Q`: numbers (`ltoa_o`) and dates (log.c,
 * `sess_build_logline`: only text values go through `lf_text` / `LOGQUOTE_START`).
 */
const UNQUOTED = new Set([
  'tr', 't', 'trg', 'trl', 'T', 'Tl', 'Ts', 'TR', 'Tq', 'Tw', 'Tc', 'Tr', 'Ta', 'Tt', 'Th', 'Ti', 'Td', 'Tu', 'ST', 'B', 'U', 'ac', 'fc', 'bc', 'sc', 'rc', 'sq', 'bq', 'cp', 'sp', 'fp', 'bp', 'ms', 'pid', 'rt', 'lc',
]);

/** One parsed variable of a log-format string. */
interface Variable {
  name: string;
  quoted: boolean;
}

/**
 * Splits a log-format string into literals and variables (§8.2.6): `%name`, `%{+Q,-E}name`,
 * `%[sample]` (read as an opaque value), `%%`, and `\ ` / `\"` escapes.
 * @throws InputError on a `%` that starts no variable
 */
export function haproxyTokens(text: string): ({ literal: string } | Variable)[] {
  const out: ({ literal: string } | Variable)[] = [];
  let lit = '';
  let globalQuote = false;
  let k = 0;
  while (k < text.length) {
    const c = text[k]!;
    if (c === '\\' && k + 1 < text.length) {
      lit += text[k + 1];
      k += 2;
      continue;
    }
    if (c !== '%') {
      lit += c;
      k++;
      continue;
    }
    if (text[k + 1] === '%') {
      lit += '%';
      k += 2;
      continue;
    }
    let flags = '';
    let j = k + 1;
    if (text[j] === '{') {
      const close = text.indexOf('}', j);
      if (close < 0) throw formatError(`haproxy: unterminated %{ in log-format at column ${k + 1}`);
      flags = text.slice(j + 1, close);
      j = close + 1;
    }
    let name: string;
    if (text[j] === '[') {
      const close = text.indexOf(']', j);
      if (close < 0) throw formatError(`haproxy: unterminated %[ in log-format at column ${k + 1}`);
      name = text.slice(j, close + 1);
      j = close + 1;
    } else {
      const m = /^[A-Za-z]+/.exec(text.slice(j));
      if (!m) throw formatError(`haproxy: "%" at column ${k + 1} of the log-format starts no variable (write %% for a percent sign)`);
      name = m[0];
      j += name.length;
    }
    let quoted: boolean = globalQuote;
    for (const f of flags.split(',')) {
      if (f === '+Q') quoted = true;
      if (f === '-Q') quoted = false;
    }
    if (name === 'o') {
      globalQuote = quoted;
    } else {
      if (lit !== '') out.push({ literal: lit });
      lit = '';
      out.push({ name, quoted });
    }
    k = j;
  }
  if (lit !== '') out.push({ literal: lit });
  return out;
}

/** Options of {@link haproxyLogFormat}. */
export interface HaproxyFormatOptions {
  name?: string;
  hashKey?: HashKey;
}

/** Compiles an HAProxy log-format string (with an optional syslog header before each line). */
export function haproxyLogFormat(text: string, opts: HaproxyFormatOptions = {}): LogFormat {
  const t = new Timers();
  const keyCookie = opts.hashKey?.kind === 'cookie' ? opts.hashKey.name : undefined;
  const segments: Segment[] = [];
  const names: string[] = [];
  for (const tok of haproxyTokens(text)) {
    if ('literal' in tok) {
      segments.push(tok);
      continue;
    }
    names.push(tok.name);
    const field = fieldFor(tok.name, t, keyCookie);
    if (tok.quoted && !UNQUOTED.has(tok.name)) segments.push({ literal: '"' }, { name: tok.name, field }, { literal: '"' });
    else segments.push({ name: tok.name, field });
  }
  // `+Q` does not escape quotes inside a value (only %r's URL encoding does): unescapedQuotes
  const compiled = compileTemplate(segments, { prefix: SYSLOG_PREFIX, unescapedQuotes: true });
  const provides = new Set<LogField>(compiled.provides);
  const hasPre = names.includes('Tc') && (names.includes('TR') || names.includes('Tq'));
  if (opts.hashKey?.kind === 'client' && provides.has('client')) provides.add('key');
  const clientKey = opts.hashKey?.kind === 'client';
  const hasMs = names.some((n) => n === 'tr' || n === 't');
  return {
    kind: 'haproxy',
    name: opts.name ?? 'HAProxy log-format',
    text,
    provides,
    timeResolutionMs: hasMs ? 1 : 1000,
    units: [
      'HAProxy timers (TR, Tw, Tc, Tr, Ta): milliseconds; Tr is the server response time fitted as service time',
      ...(hasMs ? ['%tr: request date with millisecond resolution'] : []),
    ],
    howToAddTiming:
      'use "option httplog" in the frontend (or defaults), or put %tr, %s and %TR/%Tw/%Tc/%Tr/%Ta into your log-format, e.g. ' +
      `log-format "${HAPROXY_HTTPLOG}"`,
    isEvent: (line: string) => EVENT.test(line),
    parse(line: string, rec: LogRecord): boolean {
      t.reset();
      if (!compiled.parse(line, rec)) return false;
      if (hasPre) {
        const head = !Number.isNaN(t.TR) ? t.TR : t.Tq;
        if (!Number.isNaN(head) && !Number.isNaN(t.Tc)) rec.preUpstreamMs = head + (Number.isNaN(t.Tw) ? 0 : t.Tw) + t.Tc;
      }
      if (clientKey) rec.key = rec.client;
      return true;
    },
  };
}

/** `--log-format haproxy` (option httplog) or `haproxy:<log-format>`. */
export function haproxyFormatFromSpec(rest: string, hashKey?: HashKey): LogFormat {
  if (rest === '' || rest === 'httplog') return haproxyLogFormat(HAPROXY_HTTPLOG, { name: 'HAProxy option httplog', ...(hashKey ? { hashKey } : {}) });
  return haproxyLogFormat(rest, { name: 'the HAProxy log-format given with --log-format', ...(hashKey ? { hashKey } : {}) });
}

/**
 * The log format a config's `frontend`/`listen` (with its defaults) uses: the last `log-format`
 * or `option httplog` line wins, as in HAProxy (a later one overrides an earlier one).
 * @returns undefined when no section sets an HTTP log format
 */
export function haproxyFormatFromConfig(sections: HaproxySection[], file: string, hashKey?: HashKey): LogFormat | undefined {
  let found: { text: string; where: string } | undefined;
  for (const s of sections) {
    if (!['defaults', 'frontend', 'listen'].includes(s.type)) continue;
    for (const l of s.lines) {
      const w = l.words;
      if (w[0] === 'log-format' && w.length > 1) found = { text: w.slice(1).join(' '), where: `log-format (${file}:${l.line})` };
      else if (w[0] === 'option' && w[1] === 'httplog') {
        found = w[2] === 'clf' ? undefined : { text: HAPROXY_HTTPLOG, where: `option httplog (${file}:${l.line})` };
      }
    }
  }
  if (!found) return undefined;
  return haproxyLogFormat(found.text, { name: `HAProxy ${found.where}`, ...(hashKey ? { hashKey } : {}) });
}
