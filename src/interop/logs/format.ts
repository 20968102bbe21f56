/**
 * A log format as the importer uses it: parse one line into a {@link LogRecord}, say which canonical
 * fields it provides, the resolution of its timestamps, the units it reads (stated to the user),
 * and how to add an upstream timing field when it has none. Per-format implementations: nginx.ts,
 * haproxy.ts, envoy.ts, jsonl.ts (JSON lines and Envoy JSON access logs), csv.ts.
 */
import { InputError } from '../../input/errors.js';
import type { LogField, LogRecord } from './record.js';

/** The log format families lbsim reads. */
export type LogFormatKind = 'nginx' | 'haproxy' | 'envoy' | 'envoy-json' | 'jsonl' | 'csv';

/** A compiled log format. */
export interface LogFormat {
  kind: LogFormatKind;
  /** For messages: `nginx log_format "timed" (nginx.conf:12)`, `HAProxy option httplog`. */
  name: string;
  /** The format text as given (template, mapping). */
  text: string;
  provides: ReadonlySet<LogField>;
  /** Resolution of the timestamps it logs (ms): 1000 for nginx `$time_local`, 1 for `$msec`. */
  timeResolutionMs: number;
  /** Units read, one statement each (`$upstream_response_time: seconds, ms resolution`). */
  units: string[];
  /** How to add upstream timing and server fields to this format (for the missing-field error). */
  howToAddTiming: string;
  /** Parses a line into `rec` (reset by the caller); false when the line does not match. */
  parse(line: string, rec: LogRecord): boolean;
  /**
   * For a line `parse` rejected: whether it is one of the proxy's own event messages that share
   * its log (HAProxy's "Server be/s1 is DOWN", "Proxy fe started."), skipped without counting as
   * malformed. Absent: the format's log holds requests only.
   */
  isEvent?(line: string): boolean;
}

/** Fields without which no service time can be fitted: upstream time, a timestamp, the server. */
export function missingFields(f: LogFormat): string[] {
  const p = f.provides;
  const out: string[] = [];
  if (!p.has('upstream_time')) out.push('upstream response time');
  if (!p.has('start') && !p.has('end')) out.push('a timestamp');
  if (!p.has('upstream_addr')) out.push('upstream server');
  return out;
}

/**
 * Throws the "which field is needed and how to add it" error when the format lacks the fields the
 * fit needs. @throws InputError naming the log file and the format
 */
export function requireTiming(f: LogFormat, logFile: string): void {
  const missing = missingFields(f);
  if (missing.length === 0) return;
  throw new InputError(logFile, [
    {
      path: '',
      message: `${f.name} has no ${missing.join(', no ')} field, which lbsim needs to fit service times per server; ${f.howToAddTiming}`,
    },
  ]);
}

/** A bad `--log-format` value. */
export function formatError(message: string): InputError {
  return new InputError('--log-format', [{ path: '', message }]);
}
