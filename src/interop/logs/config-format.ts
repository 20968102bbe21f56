/**
 * Which log format to read: from `--log-format` (spec.ts), else from the imported config itself
 * (nginx: the `access_log` in effect where requests go to the upstream and its `log_format`;
 * HAProxy: `option httplog` or `log-format` in the defaults/frontend/listen sections; Envoy: the
 * first `access_log` of an HTTP connection manager, its `format`, `log_format.text_format(_source)`
 * or `log_format.json_format`, else Envoy's default format).
 */
import { basename } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { InputError } from '../../input/errors.js';
import { readInputFile } from '../../input/read.js';
import { parseHaproxy } from '../haproxy/parser.js';
import { parseNginxFile } from '../nginx/parser.js';
import type { HashKey, ProxyFormat } from '../types.js';
import { envoyLogFormat, ENVOY_DEFAULT } from './envoy.js';
import type { LogFormat } from './format.js';
import { haproxyFormatFromConfig } from './haproxy.js';
import { envoyJsonFormat } from './mapped.js';
import { nginxFormatFromConfig } from './nginx.js';
import { logFormatFromSpec } from './spec.js';

/** The imported config a log belongs to. */
export interface LogConfigContext {
  format: ProxyFormat;
  file: string;
  /** The imported upstream / backend / cluster. */
  upstream?: string;
  hashKey?: HashKey;
}

function isObj(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Every `access_log` entry in an Envoy config (any depth). */
function envoyAccessLogs(doc: unknown): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const visit = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (isObj(v)) {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'access_log' && Array.isArray(x)) out.push(...x.filter(isObj));
        else visit(x);
      }
    }
  };
  visit(doc);
  return out;
}

function envoyFromConfig(file: string, logFile: string, hashKey?: HashKey): LogFormat {
  const text = readInputFile(file);
  const doc = parseDocument(text, { lineCounter: new LineCounter() }).toJS() as unknown;
  const logs = envoyAccessLogs(doc).map((l) => (isObj(l.typed_config) ? l.typed_config : isObj(l.config) ? l.config : l));
  const chosen = logs.find((l) => typeof l.path === 'string' && basename(l.path) === basename(logFile)) ?? logs[0];
  if (!chosen) return envoyLogFormat(ENVOY_DEFAULT, { name: `Envoy's default access log format (no access_log in ${basename(file)})`, ...(hashKey ? { hashKey } : {}) });
  const lf = isObj(chosen.log_format) ? chosen.log_format : undefined;
  if (lf && isObj(lf.json_format)) return envoyJsonFormat(lf.json_format, `Envoy json_format in ${basename(file)}`);
  if (isObj(chosen.json_format)) return envoyJsonFormat(chosen.json_format, `Envoy json_format in ${basename(file)}`);
  const src = lf && isObj(lf.text_format_source) ? lf.text_format_source.inline_string : undefined;
  const fmt = (lf?.text_format as string | undefined) ?? (src as string | undefined) ?? (chosen.format as string | undefined);
  if (typeof fmt === 'string') return envoyLogFormat(fmt, { name: `Envoy access log format in ${basename(file)}`, ...(hashKey ? { hashKey } : {}) });
  return envoyLogFormat(ENVOY_DEFAULT, { name: `Envoy's default access log format (the access_log in ${basename(file)} sets none)`, ...(hashKey ? { hashKey } : {}) });
}

/**
 * The format of `logFile`: `spec` when given, else the one the config logs with.
 * @throws InputError when neither says (no config and no --log-format), or the config's format is unusable
 */
export function resolveLogFormat(spec: string | undefined, logFile: string, config?: LogConfigContext): LogFormat {
  const hashKey = config?.hashKey;
  if (spec !== undefined) return logFormatFromSpec(spec, hashKey);
  if (!config) {
    throw new InputError('--log-format', [
      { path: '', message: `is required when no proxy config is imported (which format is ${basename(logFile)}? e.g. --log-format haproxy, envoy, nginx:'<log_format>', jsonl:<mapping>)` },
    ]);
  }
  switch (config.format) {
    case 'nginx':
      return nginxFormatFromConfig(parseNginxFile(config.file), config.upstream, logFile, hashKey);
    case 'haproxy': {
      const f = haproxyFormatFromConfig(parseHaproxy(readInputFile(config.file), config.file), basename(config.file), hashKey);
      if (!f) {
        throw new InputError(config.file, [
          { path: '', message: `sets no HTTP log format (option httplog or log-format), so the format of ${basename(logFile)} is unknown; add "option httplog" or pass --log-format haproxy` },
        ]);
      }
      return f;
    }
    case 'envoy':
      return envoyFromConfig(config.file, logFile, hashKey);
  }
}
