/**
 * Envoy access logs: format strings of command operators (Envoy docs, "Access logging → Format
 * rules"; source/common/formatter/substitution_formatter.cc, `SubstitutionFormatParser::parse`),
 * the default format, and JSON access logs (`json_format`, each key → an operator).
 *
 * Default format (used when an access log sets none):
 * `[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE%
 * %RESPONSE_FLAGS% %BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)%
 * "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"`.
 * An unset value is written `-`.
 *
 * Units: `%START_TIME%` is the request's start, `%Y-%m-%dT%H:%M:%S.%3fZ` by default (millisecond
 * resolution; `%START_TIME(%s)%` is epoch seconds); `%DURATION%` is the total request time in ms
 * (start → last byte out); the `x-envoy-upstream-service-time` response header is the time the
 * upstream took, in ms, as the router measured it — the service time lbsim fits. The server is
 * `%UPSTREAM_HOST%` (`ip:port`). Envoy logs no separate upstream status: `%RESPONSE_CODE%` stands
 * for it when an upstream host is set.
 */
import type { HashKey } from '../types.js';
import { formatError, type LogFormat } from './format.js';
import type { LogField, LogRecord } from './record.js';
import { compileTemplate, num, type FieldSpec, type Segment } from './template.js';
import { parseIsoTime } from './timestamps.js';

/** Envoy's default access-log format (without the trailing newline). */
export const ENVOY_DEFAULT =
  '[%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS% ' +
  '%BYTES_RECEIVED% %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" ' +
  '"%REQ(USER-AGENT)%" "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%"';

/**
 * The record setter of one command operator (`START_TIME`, `REQ(:PATH)`, …), or undefined for one
 * lbsim does not read (its value is skipped). Shared by text and JSON formats.
 */
export function envoyOperator(op: string, hashKey?: HashKey): FieldSpec | undefined {
  const m = /^([A-Z_0-9]+)(?:\(([^)]*)\))?(?::\d+)?$/.exec(op);
  if (!m) return undefined;
  const name = m[1]!;
  const arg = m[2];
  const keyHeader = hashKey?.kind === 'header' ? hashKey.name.toLowerCase() : undefined;
  switch (name) {
    case 'START_TIME':
      if (arg === undefined || arg === '') return { pattern: '\\S+', provides: ['start'], set: (r, v) => !Number.isNaN((r.startMs = parseIsoTime(v))) };
      if (arg === '%s') return { pattern: '\\d+', provides: ['start'], set: (r, v) => !Number.isNaN((r.startMs = num(v) * 1000)) };
      if (arg === '%s.%3f' || arg === '%s.%6f' || arg === '%s.%9f') {
        return { pattern: '\\d+\\.\\d+', provides: ['start'], set: (r, v) => !Number.isNaN((r.startMs = num(v) * 1000)) };
      }
      throw formatError(`envoy: %START_TIME(${arg})% is not read by lbsim; use the default %START_TIME% or %START_TIME(%s.%3f)%`);
    case 'DURATION':
      return { pattern: '\\d+|-', provides: ['response_time'], set: (r, v) => ((r.responseMs = num(v)), true) };
    case 'RESPONSE_CODE':
      return {
        pattern: '\\d+|-',
        provides: ['status', 'upstream_status'],
        set: (r, v) => {
          r.status = v === '-' ? 0 : +v;
          return true;
        },
      };
    case 'UPSTREAM_HOST':
      return {
        pattern: '\\S+',
        provides: ['upstream_addr'],
        set: (r, v) => {
          r.upstreamAddr.length = 0;
          if (v !== '-') r.upstreamAddr.push(v);
          return true;
        },
      };
    case 'UPSTREAM_REQUEST_ATTEMPT_COUNT':
      return { pattern: '\\d+|-', provides: ['retries'], set: (r, v) => ((r.retries = v === '-' ? 0 : Math.max(0, +v - 1)), true) };
    case 'DOWNSTREAM_REMOTE_ADDRESS':
    case 'DOWNSTREAM_DIRECT_REMOTE_ADDRESS':
      return { pattern: '\\S+', provides: ['client'], set: (r, v) => ((r.client = v.replace(/:\d+$/, '')), true) };
    case 'DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT':
    case 'DOWNSTREAM_DIRECT_REMOTE_ADDRESS_WITHOUT_PORT':
      return { pattern: '\\S+', provides: ['client'], set: (r, v) => ((r.client = v), true) };
    case 'REQ': {
      const h = (arg ?? '').toLowerCase();
      if (h === ':method') return { pattern: '[A-Z]+|-', provides: ['method'], set: (r, v) => ((r.method = v), true) };
      if (h === ':path' || h === 'x-envoy-original-path?:path') return { pattern: '\\S+', provides: ['uri'], set: (r, v) => ((r.uri = v), true) };
      if (keyHeader !== undefined && h === keyHeader) return { provides: ['key'], set: (r, v) => ((r.key = v === '-' ? '' : v), true) };
      if (h === 'x-forwarded-for') {
        return {
          provides: ['client'],
          set: (r, v) => {
            if (r.client === '' && v !== '-') r.client = v.split(',')[0]!.trim();
            return true;
          },
        };
      }
      return undefined;
    }
    case 'RESP':
      if ((arg ?? '').toLowerCase() === 'x-envoy-upstream-service-time') {
        return {
          pattern: '\\d+|-',
          provides: ['upstream_time'],
          set: (r, v) => {
            r.upstreamMs.length = 0;
            r.upstreamMs.push(num(v));
            return true;
          },
        };
      }
      return undefined;
    default:
      return undefined;
  }
}

/** After the fields: the upstream status is the response code when an upstream host answered. */
export function envoyFinish(rec: LogRecord): void {
  if (rec.upstreamAddr.length > 0 && rec.upstreamStatus.length === 0) rec.upstreamStatus.push(rec.status);
}

const UNITS = [
  '%START_TIME%: request start, millisecond resolution',
  '%DURATION%: milliseconds',
  'x-envoy-upstream-service-time: milliseconds (fitted as service time)',
];

const HOW =
  'put %START_TIME%, %DURATION%, %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% and %UPSTREAM_HOST% into the access log format (Envoy\'s default format has them all)';

/** Compiles an Envoy format string. @throws InputError for an unterminated operator */
export function envoyLogFormat(text: string, opts: { name?: string; hashKey?: HashKey } = {}): LogFormat {
  const body = text.replace(/\\n$|\n$/, '');
  const segments: Segment[] = [];
  const re = /%([A-Z_0-9]+(?:\([^)]*\))?(?::\d+)?)%/g;
  let last = 0;
  let startRes = 1000;
  for (let m = re.exec(body); m !== null; m = re.exec(body)) {
    if (m.index > last) segments.push({ literal: body.slice(last, m.index) });
    const field = envoyOperator(m[1]!, opts.hashKey) ?? { provides: [], set: () => true };
    if (m[1]!.startsWith('START_TIME') && !/\(%s\)$/.test(m[1]!)) startRes = 1;
    segments.push({ name: m[1]!, field });
    last = re.lastIndex;
  }
  if (last < body.length) segments.push({ literal: body.slice(last) });
  // Envoy writes header values as they came (substitution_formatter.cc escapes nothing in text formats)
  const compiled = compileTemplate(segments, { unescapedQuotes: true });
  const provides = new Set<LogField>(compiled.provides);
  return {
    kind: 'envoy',
    name: opts.name ?? 'Envoy access log format',
    text,
    provides,
    timeResolutionMs: startRes,
    units: UNITS,
    howToAddTiming: HOW,
    parse(line: string, rec: LogRecord): boolean {
      if (!compiled.parse(line, rec)) return false;
      envoyFinish(rec);
      return true;
    },
  };
}

/** `--log-format envoy` (the default format) or `envoy:<format string>`. */
export function envoyFormatFromSpec(rest: string, hashKey?: HashKey): LogFormat {
  if (rest === '' || rest === 'default') return envoyLogFormat(ENVOY_DEFAULT, { name: "Envoy's default access log format", ...(hashKey ? { hashKey } : {}) });
  return envoyLogFormat(rest, { name: 'the Envoy format given with --log-format', ...(hashKey ? { hashKey } : {}) });
}

/** Units and help shared with the Envoy JSON format (mapped.ts). */
export const ENVOY_UNITS = UNITS;
/** How to add timing to an Envoy format. */
export const ENVOY_HOW = HOW;
