/**
 * nginx access logs: a `log_format` (ngx_http_log_module.c, `ngx_http_log_set_format` /
 * `ngx_http_log_compile_format`) compiled into a line parser, and the format found in the imported
 * config itself.
 *
 * Syntax: `log_format name [escape=default|json|none] string …;` — the strings are concatenated;
 * `$name` or `${name}` are variables. The predefined `combined` format is
 * `$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer"
 * "$http_user_agent"` (`ngx_http_combined_fmt`). With `escape=default`, `"`, `\` and bytes outside
 * printable ASCII are written as `\xXX` (`ngx_http_log_escape`), so a quoted value never holds a
 * raw quote; `escape=json` writes `\"` instead.
 *
 * Every setter writes into a freshly reset record (the caller resets it), so list setters append.
 *
 * Units (nginx docs, ngx_http_log_module and ngx_http_upstream_module "Embedded variables"):
 * `$request_time`, `$upstream_response_time`, `$upstream_header_time`, `$upstream_connect_time` are
 * seconds with millisecond resolution; `$msec` is epoch seconds with millisecond resolution, taken
 * when the line is written (the request's end); `$time_local` and `$time_iso8601` have one-second
 * resolution. Upstream lists separate attempts by `, ` and internal redirects by ` : `
 * (ngx_http_upstream.c, `ngx_http_upstream_response_time_variable`); `-` is an attempt without a
 * value.
 *
 * Which format a config logs with: the `access_log` directives in effect where requests are passed
 * to the upstream (`location` → `server` → `http`, the innermost level that has any wins, as nginx
 * merges `access_log` per level); `access_log path` without a format name, or no `access_log` at
 * all, means `combined`; `access_log off` is an error.
 */
import { InputError } from '../../input/errors.js';
import type { NginxConfig, NginxDirective } from '../nginx/parser.js';
import type { HashKey } from '../types.js';
import { formatError, type LogFormat } from './format.js';
import type { LogField, LogRecord } from './record.js';
import { compileTemplate, num, setRequestLine, singleUpstream, splitUpstreamList, type FieldSpec, type Segment } from './template.js';
import { parseClfTime, parseIsoTime } from './timestamps.js';

/** The predefined `combined` format (ngx_http_log_module.c, `ngx_http_combined_fmt`). */
export const NGINX_COMBINED = '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent"';

/** A format that logs what lbsim needs, suggested in messages. */
export const NGINX_SUGGESTED =
  '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" ' +
  '$msec $request_time $upstream_response_time $upstream_addr $upstream_status';

const LIST_NUM = '(?:[\\d.]+|-)(?:(?:, | : )(?:[\\d.]+|-))*';
const LIST_ADDR = '[^\\s,]+(?:(?:, | : )[^\\s,]+)*';

/**
 * Upstream variables nginx writes as lists, one value per attempt (`, `) and per internal redirect
 * (` : `): ngx_http_upstream.c, `ngx_http_upstream_response_time_variable` (connect, header and
 * response times), `ngx_http_upstream_response_length_variable` (lengths, bytes received and
 * sent), `ngx_http_upstream_status_variable`, `ngx_http_upstream_addr_variable`. Their values hold
 * spaces, so they are matched as lists, not as `\S*`.
 */
const UPSTREAM_LISTS = new Set(['upstream_connect_time', 'upstream_header_time', 'upstream_response_length', 'upstream_bytes_received', 'upstream_bytes_sent']);

/** Appends one list value in seconds as ms (`-`: NaN); false when it is not a number. */
function pushSeconds(out: number[], p: string): boolean {
  if (p === '-') {
    out.push(NaN);
    return true;
  }
  const s = num(p);
  if (Number.isNaN(s)) return false;
  out.push(s * 1000);
  return true;
}

function secondsList(into: (rec: LogRecord) => number[]) {
  return (rec: LogRecord, v: string): boolean => {
    const out = into(rec);
    if (singleUpstream(v)) return pushSeconds(out, v);
    for (const p of splitUpstreamList(v)) if (!pushSeconds(out, p)) return false;
    return true;
  };
}

const KNOWN: Record<string, FieldSpec> = {
  msec: {
    pattern: '\\d+(?:\\.\\d+)?',
    provides: ['end'],
    set: (r, v) => !Number.isNaN((r.endMs = num(v) * 1000)),
  },
  time_local: {
    pattern: '\\d{2}/[A-Za-z]{3}/\\d{4}:\\d{2}:\\d{2}:\\d{2} [+-]\\d{4}',
    provides: ['end'],
    set: (r, v) => {
      if (Number.isNaN(r.endMs)) r.endMs = parseClfTime(v);
      return !Number.isNaN(r.endMs);
    },
  },
  time_iso8601: {
    pattern: '\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}[+-]\\d{2}:\\d{2}',
    provides: ['end'],
    set: (r, v) => {
      if (Number.isNaN(r.endMs)) r.endMs = parseIsoTime(v);
      return !Number.isNaN(r.endMs);
    },
  },
  request_time: {
    pattern: '[\\d.]+|-',
    provides: ['response_time'],
    set: (r, v) => {
      r.responseMs = num(v) * 1000;
      return v === '-' || !Number.isNaN(r.responseMs);
    },
  },
  upstream_response_time: { pattern: LIST_NUM, provides: ['upstream_time'], set: secondsList((r) => r.upstreamMs) },
  upstream_addr: {
    pattern: LIST_ADDR,
    provides: ['upstream_addr'],
    set: (r, v) => {
      if (v === '-') return true;
      if (singleUpstream(v)) r.upstreamAddr.push(v);
      else for (const a of splitUpstreamList(v)) r.upstreamAddr.push(a);
      return true;
    },
  },
  upstream_status: {
    pattern: '(?:\\d+|-)(?:(?:, | : )(?:\\d+|-))*',
    provides: ['upstream_status'],
    set: (r, v) => {
      if (singleUpstream(v)) r.upstreamStatus.push(v === '-' ? 0 : +v);
      else for (const p of splitUpstreamList(v)) r.upstreamStatus.push(p === '-' ? 0 : +p);
      return true;
    },
  },
  status: { pattern: '\\d+', provides: ['status'], set: (r, v) => ((r.status = +v), true) },
  remote_addr: { pattern: '\\S+', provides: ['client'], set: (r, v) => ((r.client = v), true) },
  request: { provides: ['method', 'uri'], set: setRequestLine },
  request_uri: { pattern: '\\S*', provides: ['uri'], set: (r, v) => ((r.uri = v), true) },
  uri: {
    pattern: '\\S*',
    provides: ['uri'],
    set: (r, v) => {
      if (r.uri === '') r.uri = v;
      return true;
    },
  },
  request_method: { pattern: '[A-Z]+|-', provides: ['method'], set: (r, v) => ((r.method = v), true) },
};

/**
 * Variables whose values never hold a space (numbers, names, tokens): matched as `\S*` instead of
 * up to the next literal, which keeps the expression free of backtracking.
 */
const NO_SPACE = new Set([
  'body_bytes_sent', 'bytes_sent', 'request_length', 'connection', 'connection_requests', 'pipe', 'server_name',
  'host', 'server_port', 'server_addr', 'scheme', 'server_protocol', 'request_id', 'ssl_protocol', 'ssl_cipher', 'gzip_ratio',
  'binary_remote_addr', 'remote_port', 'upstream_cache_status', 'args', 'query_string', 'document_uri', 'realpath_root', 'hostname', 'pid', 'proxy_protocol_addr',
]);

/** Fields whose time values (seconds) have millisecond resolution, for the units statement. */
const UNIT_NOTES: Record<string, string> = {
  request_time: '$request_time: seconds with millisecond resolution',
  upstream_response_time: '$upstream_response_time: seconds with millisecond resolution, one value per attempt',
  msec: '$msec: epoch seconds with millisecond resolution, written at the end of the request',
  time_local: '$time_local: one-second resolution',
  time_iso8601: '$time_iso8601: one-second resolution',
};

/** A path's file name (no `node:path`: the format parser also runs where there are no files). */
function basename(p: string): string {
  return p.replace(/^.*[\\/]/, '');
}

/** The nginx variable holding a hash key, when there is one (for per-request keys). */
export function nginxKeyVariable(key: HashKey | undefined): string | undefined {
  if (!key) return undefined;
  switch (key.kind) {
    case 'client':
      return 'remote_addr';
    case 'uri':
      return 'request_uri';
    case 'path':
      return 'uri';
    case 'header':
      return `http_${key.name.toLowerCase().replace(/-/g, '_')}`;
    case 'cookie':
      return `cookie_${key.name}`;
    case 'param':
      return `arg_${key.name}`;
    case 'raw':
      return /^\$\{?([A-Za-z0-9_]+)\}?$/.exec(key.expr)?.[1];
  }
}

/** Splits a log_format string into literal text and variables. */
export function nginxSegments(text: string, keyVar?: string): { segments: Segment[]; variables: string[] } {
  const segments: Segment[] = [];
  const variables: string[] = [];
  const re = /\$\{([A-Za-z0-9_]+)\}|\$([A-Za-z0-9_]+)/g;
  // with $msec (ms resolution) the one-second end times are not needed: matched, not parsed
  const hasMsec = /\$\{?msec\b/.test(text);
  let last = 0;
  let sessionTaken = false;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    if (m.index > last) segments.push({ literal: text.slice(last, m.index) });
    const name = (m[1] ?? m[2])!;
    variables.push(name);
    let field: FieldSpec | undefined = KNOWN[name];
    if (hasMsec && (name === 'time_local' || name === 'time_iso8601')) field = { pattern: field!.pattern!, provides: [], set: () => true };
    if (name === keyVar) {
      const base = field;
      field = {
        ...(base?.pattern !== undefined ? { pattern: base.pattern } : {}),
        provides: [...(base?.provides ?? []), 'key'],
        set: (r, v) => {
          r.key = v === '-' ? '' : v;
          return base ? base.set(r, v) : true;
        },
      };
    } else if (!field && name.startsWith('cookie_') && !sessionTaken) {
      sessionTaken = true;
      field = { provides: ['session'], set: (r, v) => ((r.session = v === '-' ? '' : v), true) };
    }
    const pattern = UPSTREAM_LISTS.has(name) ? LIST_ADDR : NO_SPACE.has(name) || name.startsWith('arg_') ? '\\S*' : undefined;
    segments.push({ name, field: field ?? { ...(pattern !== undefined ? { pattern } : {}), provides: [], set: () => true } });
    last = re.lastIndex;
  }
  if (last < text.length) segments.push({ literal: text.slice(last) });
  return { segments, variables };
}

/** Options of {@link nginxLogFormat}. */
export interface NginxFormatOptions {
  /** Name for messages (`log_format "timed" (nginx.conf:12)`). */
  name?: string;
  escape?: 'default' | 'json' | 'none';
  /** The config's hash key, to take each request's key from the log when it is logged. */
  hashKey?: HashKey;
}

/** Compiles an nginx `log_format` string. */
export function nginxLogFormat(text: string, opts: NginxFormatOptions = {}): LogFormat {
  const { segments, variables } = nginxSegments(text, nginxKeyVariable(opts.hashKey));
  // escape=default writes a quote as \x22, escape=json as \" (ngx_http_log_escape, ngx_escape_json); escape=none not at all
  const compiled = compileTemplate(segments, opts.escape === 'json' ? { quoted: '(?:[^"\\\\]|\\\\.)*' } : { unescapedQuotes: opts.escape === 'none' });
  const provides = new Set<LogField>(compiled.provides);
  const res = variables.includes('msec') ? 1 : 1000;
  return {
    kind: 'nginx',
    name: opts.name ?? 'nginx log_format',
    text,
    provides,
    timeResolutionMs: res,
    units: variables.filter((v) => UNIT_NOTES[v]).map((v) => UNIT_NOTES[v]!),
    howToAddTiming:
      `add $upstream_response_time, $upstream_addr and $msec (and $request_time, $upstream_status) to the log_format, e.g. ` +
      `log_format timed '${NGINX_SUGGESTED}'; access_log /var/log/nginx/access.log timed;`,
    parse: (line: string, rec: LogRecord) => compiled.parse(line, rec),
  };
}

// ---------------------------------------------------------------- the format a config logs with

/** A `log_format` definition from a config. */
export interface NginxLogFormatDef {
  name: string;
  escape: 'default' | 'json' | 'none';
  text: string;
  file: string;
  line: number;
}

function walk(list: NginxDirective[], visit: (d: NginxDirective, chain: NginxDirective[]) => void, chain: NginxDirective[] = []): void {
  for (const d of list) {
    visit(d, chain);
    if (d.block) walk(d.block, visit, [...chain, d]);
  }
}

/** Every `log_format` of a config, by name (with `combined` predefined). @throws InputError on a malformed one */
export function nginxLogFormats(cfg: NginxConfig): Map<string, NginxLogFormatDef> {
  const out = new Map<string, NginxLogFormatDef>([['combined', { name: 'combined', escape: 'default', text: NGINX_COMBINED, file: '', line: 0 }]]);
  walk(cfg.directives, (d) => {
    if (d.name !== 'log_format') return;
    let args = d.args;
    if (args.length < 2) throw new InputError(d.file, [{ path: `line ${d.line}: log_format`, message: 'expected a name and a format string' }]);
    const name = args[0]!;
    let escape: NginxLogFormatDef['escape'] = 'default';
    args = args.slice(1);
    const m = /^escape=(default|json|none)$/.exec(args[0]!);
    if (m) {
      escape = m[1] as NginxLogFormatDef['escape'];
      args = args.slice(1);
    }
    out.set(name, { name, escape, text: args.join(''), file: d.file, line: d.line });
  });
  return out;
}

const PASS = /^(proxy|grpc|fastcgi|uwsgi|scgi|memcached)_pass$/;

/**
 * The `access_log` directives in effect where requests go to `upstream` (see the module header),
 * or at the http level when no pass to it is found.
 */
function accessLogsFor(cfg: NginxConfig, upstream: string | undefined): { logs: NginxDirective[]; where: string } {
  const passes: NginxDirective[][] = [];
  walk(cfg.directives, (d, chain) => {
    if (!PASS.test(d.name) || d.args.length === 0) return;
    const target = d.args[0]!.replace(/^[a-z]+:\/\//, '').replace(/[/:].*$/, '');
    if (upstream === undefined || target === upstream) passes.push(chain);
  });
  const levelsOf = (chain: NginxDirective[]): NginxDirective[][] => [
    ...[...chain].reverse().map((c) => c.block ?? []),
    cfg.directives,
  ];
  const chain = passes[0] ?? (cfg.directives.find((d) => d.name === 'http') ? [cfg.directives.find((d) => d.name === 'http')!] : []);
  for (const level of levelsOf(chain)) {
    const logs = level.filter((d) => d.name === 'access_log');
    if (logs.length > 0) return { logs, where: passes[0] ? `where requests are passed to "${upstream}"` : 'at the http level' };
  }
  return { logs: [], where: passes[0] ? `where requests are passed to "${upstream}"` : 'at the http level' };
}

/**
 * The log format the imported config writes `logFile` with.
 * @param cfg the parsed config
 * @param upstream the imported upstream
 * @param logFile the log given on the command line (matched by file name against `access_log` paths when there are several)
 * @throws InputError when logging is off there or the named format is not defined
 */
export function nginxFormatFromConfig(cfg: NginxConfig, upstream: string | undefined, logFile: string, hashKey?: HashKey): LogFormat {
  const formats = nginxLogFormats(cfg);
  const { logs, where } = accessLogsFor(cfg, upstream);
  const mainFile = cfg.files[0] ?? 'nginx.conf';
  if (logs.length === 0) {
    const def = formats.get('combined')!;
    return nginxLogFormat(def.text, { name: `nginx log_format "combined" (no access_log ${where} in ${basename(mainFile)}: nginx's default)`, ...(hashKey ? { hashKey } : {}) });
  }
  const on = logs.filter((d) => d.args[0] !== 'off');
  if (on.length === 0) {
    const d = logs[0]!;
    throw new InputError(d.file, [{ path: `line ${d.line}: access_log`, message: `access logging is off ${where}; the log cannot have been written with this config (pass --log-format)` }]);
  }
  const chosen = on.find((d) => basename(d.args[0]!) === basename(logFile)) ?? on[0]!;
  const formatName = chosen.args[1] && !chosen.args[1].includes('=') ? chosen.args[1] : 'combined';
  const def = formats.get(formatName);
  if (!def) {
    throw new InputError(chosen.file, [{ path: `line ${chosen.line}: access_log`, message: `log_format "${formatName}" is not defined (known: ${[...formats.keys()].join(', ')})` }]);
  }
  const at = def.file ? ` (${basename(def.file)}:${def.line})` : " (nginx's predefined format)";
  return nginxLogFormat(def.text, { name: `nginx log_format "${formatName}"${at}`, escape: def.escape, ...(hashKey ? { hashKey } : {}) });
}

/** `--log-format nginx:<log_format string>` or `nginx:combined`. */
export function nginxFormatFromSpec(rest: string, hashKey?: HashKey): LogFormat {
  if (rest === '' ) throw formatError('nginx: expected a log_format string after "nginx:", e.g. nginx:\'$remote_addr [$time_local] "$request" $status $request_time $upstream_response_time $upstream_addr $msec\'');
  const text = rest === 'combined' ? NGINX_COMBINED : rest;
  return nginxLogFormat(text, { name: rest === 'combined' ? 'nginx log_format "combined"' : 'the nginx log_format given with --log-format', ...(hashKey ? { hashKey } : {}) });
}
