/**
 * `--log-format KIND[:TEXT]` (and a trace's `format:`) to a {@link LogFormat}; reads no file (the
 * format a config logs with is config-format.ts). Kinds: `nginx:<log_format string>` (or `nginx:combined`), `haproxy` (option httplog)
 * or `haproxy:<log-format>`, `envoy` (the default format) or `envoy:<format string>`,
 * `envoy-json:key=OPERATOR,…`, `jsonl:<mapping>`, `csv:<mapping>` (mapped.ts).
 */
import type { HashKey } from '../types.js';
import { envoyFormatFromSpec } from './envoy.js';
import { formatError, type LogFormat } from './format.js';
import { haproxyFormatFromSpec } from './haproxy.js';
import { csvFormat, envoyJsonFromSpec, jsonlFormat } from './mapped.js';
import { nginxFormatFromSpec } from './nginx.js';

/** The kinds `--log-format` takes. */
export const LOG_FORMAT_KINDS = ['nginx', 'haproxy', 'envoy', 'envoy-json', 'jsonl', 'csv'] as const;

/** Parses `--log-format`. @throws InputError (`--log-format`) on an unknown kind or bad text */
export function logFormatFromSpec(spec: string, hashKey?: HashKey): LogFormat {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const rest = colon < 0 ? '' : spec.slice(colon + 1);
  switch (kind) {
    case 'nginx':
      return nginxFormatFromSpec(rest, hashKey);
    case 'haproxy':
      return haproxyFormatFromSpec(rest, hashKey);
    case 'envoy':
      return envoyFormatFromSpec(rest, hashKey);
    case 'envoy-json':
      return envoyJsonFromSpec(rest);
    case 'jsonl':
      return jsonlFormat(rest);
    case 'csv':
      return csvFormat(rest);
    default:
      throw formatError(`unknown log format "${kind}"; expected one of ${LOG_FORMAT_KINDS.join(', ')} (e.g. haproxy, envoy, nginx:'<log_format>', jsonl:<mapping>)`);
  }
}

