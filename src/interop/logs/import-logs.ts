/**
 * `lbsim import [config] --log FILE… [--log-format F]`: reads the access logs in one streaming pass
 * (lines.ts → the format's parser → accumulate.ts), fits the workload (model.ts), writes the
 * scenario with the config's balancing part (scenario-writer.ts), runs it under the config's own
 * strategy and compares it with the log (check.ts), and writes the comparison into the scenario.
 *
 * Bad input is refused before anything is written: more than {@link MAX_UNPARSED} of a file's
 * lines not matching the format (the error names the format and shows the first such line), a
 * format without upstream timing (the error says which field and how to add it), an empty log, a
 * log spanning less than {@link MIN_SPAN_MS}, a log whose requests all went to one server, and a
 * log with no upstream time on any line. Up to {@link SHOWN_UNPARSED} unmatched lines are shown
 * (as `file:line`) as warnings when there are few enough to skip; the error names the first one
 * as `file:line`. Limits (lines.ts): {@link MAX_LOG_LINES} lines in all files together, a line of at
 * most {@link MAX_LINE_CHARS} characters (a longer one is a malformed line), 32 GiB of text per file.
 */
import { basename } from 'node:path';
import { InputError } from '../../input/errors.js';
import { baseConfig, withDefaults } from '../common.js';
import { importConfig } from '../import.js';
import { writeScenario } from '../scenario-writer.js';
import type { ImportResult, ProxyFormat } from '../types.js';
import { LogAccumulator } from './accumulate.js';
import { checkAgainstLog } from './check.js';
import { requireTiming, type LogFormat } from './format.js';
import { HAPROXY_HTTPLOG } from './haproxy.js';
import { ENVOY_DEFAULT } from './envoy.js';
import { MAX_LINE_CHARS, MAX_LOG_LINES, readLogLines } from './lines.js';
import { buildModel } from './model.js';
import { finishRecord, LogRecord } from './record.js';
import { resolveLogFormat } from './config-format.js';
import type { LogSection } from './write.js';

/** Largest share of unparseable lines tolerated (skipped with a warning). */
export const MAX_UNPARSED = 0.01;
/** Shortest log span fitted. */
export const MIN_SPAN_MS = 60_000;
/** Unmatched lines shown as warnings. */
export const SHOWN_UNPARSED = 5;

/** Options of {@link importLogs}. */
export interface LogImportOptions {
  /** The log files (plain or gzip), read in order as one log. */
  logs: string[];
  /** `--log-format`; absent = the config's own format. */
  format?: string;
  /** The proxy config (absent: a log-only import). */
  config?: string;
  /** With a config: its format and upstream. */
  configFormat?: ProxyFormat;
  upstream?: string;
  /** The scenario's file name (for messages). */
  output?: string;
  /** Run the check against the log (default true; the benchmark times the fit alone). */
  check?: boolean;
}

/** What {@link importLogs} returns. */
export interface LogImportOutcome {
  result: ImportResult;
  section: LogSection;
  text: string;
  /** Warnings to print (skipped lines). */
  warnings: string[];
}

/** The `--log-format` text that reads this format again (for `arrival: trace`). */
export function specOf(f: LogFormat, given: string | undefined): string {
  if (given !== undefined) return given;
  switch (f.kind) {
    case 'nginx':
      return `nginx:${f.text}`;
    case 'haproxy':
      return f.text === HAPROXY_HTTPLOG ? 'haproxy' : `haproxy:${f.text}`;
    case 'envoy':
      return f.text === ENVOY_DEFAULT ? 'envoy' : `envoy:${f.text}`;
    case 'envoy-json': {
      const obj = JSON.parse(f.text) as Record<string, unknown>;
      return `envoy-json:${Object.entries(obj)
        .filter(([, v]) => typeof v === 'string')
        .map(([k, v]) => `${k}=${String(v).replace(/%/g, '')}`)
        .join(',')}`;
    }
    default:
      return `${f.kind}:${f.text}`;
  }
}

/** Reads, fits, writes and checks (see the module header). @throws InputError on bad input */
export async function importLogs(opts: LogImportOptions): Promise<LogImportOutcome> {
  if (opts.logs.length === 0) throw new InputError('--log', [{ path: '', message: 'expected at least one access log' }]);
  const first = opts.logs[0]!;
  const imported = opts.config !== undefined ? importConfig(opts.config, { ...(opts.upstream !== undefined ? { upstream: opts.upstream } : {}), ...(opts.configFormat ? { format: opts.configFormat } : {}) }) : undefined;
  if (imported?.format === 'aws') {
    throw new InputError('--log', [{ path: '', message: `access logs are read beside an nginx, HAProxy or Envoy config; ${imported.file} is an AWS target group` }]);
  }
  const format = resolveLogFormat(
    opts.format,
    first,
    imported
      ? { format: imported.format, file: imported.file, upstream: imported.config.name, ...(imported.config.hashKey ? { hashKey: imported.config.hashKey } : {}) }
      : undefined,
  );
  requireTiming(format, first);
  const acc = new LogAccumulator(format.timeResolutionMs);
  const rec = new LogRecord();
  const warnings: string[] = [];
  let totalLines = 0;
  let totalBad = 0;
  const keyFromUri = imported?.config.hashKey?.kind === 'uri' || imported?.config.hashKey?.kind === 'path';
  const keyFromClient = imported?.config.hashKey?.kind === 'client';
  for (const file of opts.logs) {
    let lines = 0;
    let bad = 0;
    let events = 0;
    const examples: { n: number; text: string }[] = [];
    const readHeader = (format as { readHeader?: (line: string, file: string) => void }).readHeader;
    await readLogLines(file, (line, n, tooLong) => {
      if (readHeader && n === 1) {
        readHeader(line, file);
        return;
      }
      if (line.trim() === '') return;
      lines++;
      if (totalLines + lines > MAX_LOG_LINES) {
        throw new InputError(file, [{ path: '', message: `the logs hold more than ${MAX_LOG_LINES.toLocaleString('en-US')} lines together, the most lbsim reads in one import; give fewer or shorter logs` }]);
      }
      rec.reset();
      if (tooLong || !format.parse(line, rec)) {
        if (!tooLong && format.isEvent?.(line)) {
          lines--;
          events++;
          return;
        }
        bad++;
        if (examples.length < SHOWN_UNPARSED) {
          examples.push({ n, text: tooLong ? `${line}… (longer than ${MAX_LINE_CHARS} characters)` : line.length > 200 ? `${line.slice(0, 200)}…` : line });
        }
        return;
      }
      finishRecord(rec);
      if (rec.key === '') {
        if (keyFromUri) rec.key = imported!.config.hashKey!.kind === 'path' ? rec.uri.replace(/\?.*$/, '') : rec.uri;
        else if (keyFromClient) rec.key = rec.client;
      }
      acc.add(rec);
    });
    if (lines === 0) throw new InputError(file, [{ path: '', message: `is empty: no access-log lines to fit${events > 0 ? ` (only ${events} event messages of the proxy)` : ''}` }]);
    if (events > 0) warnings.push(`${file}: ${events} event messages of the proxy (server state changes, health checks, start and stop) skipped`);
    if (bad / lines > MAX_UNPARSED) {
      const e = examples[0]!;
      throw new InputError(`${file}:${e.n}`, [
        {
          path: '',
          message: `${bad} of ${lines} lines (${((bad / lines) * 100).toFixed(1)} %) do not match ${format.name}, more than the ${MAX_UNPARSED * 100} % lbsim skips; this is the first: ${JSON.stringify(e.text)}${format.kind === 'nginx' || format.kind === 'haproxy' || format.kind === 'envoy' ? ` (expected: ${format.text})` : ''}`,
        },
      ]);
    }
    for (const e of examples) warnings.push(`${file}:${e.n}: does not match ${format.name}; skipped: ${e.text}`);
    if (bad > examples.length) warnings.push(`${file}: ${bad - examples.length} more unmatched lines skipped (${bad} of ${lines})`);
    totalLines += lines;
    totalBad += bad;
  }
  acc.finish();
  const names = opts.logs.map((f) => basename(f)).join(', ');
  if (acc.requests === 0) {
    throw new InputError(first, [{ path: '', message: `no line names an upstream server: nothing was proxied${acc.noUpstream > 0 ? ` (${acc.noUpstream} requests answered by the proxy itself)` : ''}` }]);
  }
  const timed = acc.servers.reduce((a, s) => a + s.allMoments.n, 0);
  if (timed === 0) {
    throw new InputError(first, [{ path: '', message: `no request has an upstream time (every ${format.kind === 'nginx' ? '$upstream_response_time' : 'upstream time'} is "-" or failed): no service time to fit` }]);
  }
  const span = acc.lastArrival - acc.firstArrival;
  if (!(span >= MIN_SPAN_MS)) {
    throw new InputError(first, [
      { path: '', message: `spans only ${(Math.max(0, span) / 1000).toFixed(1)} s of traffic (${acc.requests} requests in ${names}); lbsim needs at least ${MIN_SPAN_MS / 1000} s to fit arrival rates — give a longer log` },
    ]);
  }
  const used = acc.servers.filter((s) => s.requests > 0);
  if (used.length < 2) {
    throw new InputError(first, [
      { path: '', message: `every request went to one server (${used[0]?.name ?? '?'}): there is no balancing to learn from; give a log of an upstream with at least two servers in use` },
    ]);
  }
  const model = buildModel(acc, imported ? { servers: imported.config.servers } : {});
  let result: ImportResult;
  if (imported) result = imported;
  else {
    const config = baseConfig(basename(first).replace(/\.(log|txt|gz|json|jsonl|csv)$/g, '') || 'log');
    config.strategy = { name: 'weighted-round-robin', options: withDefaults('weighted-round-robin') };
    config.servers = model.servers.map((s) => ({ name: s.group, address: s.logName, weight: 1, maxConn: 0, role: 'active' as const }));
    result = { format: 'nginx', file: first, kind: 'log', config, origins: { strategy: 'no proxy config: weighted round robin (nginx\'s default)' }, warnings: [] };
  }
  const section: LogSection = { model, format, files: opts.logs, formatSpec: specOf(format, opts.format), lines: totalLines, unparsed: totalBad };
  const draft = writeScenario(result, section);
  if (opts.check === false) return { result, section, text: draft, warnings };
  section.check = checkAgainstLog(draft, opts.output ?? '<import>', model);
  const text = writeScenario(result, section);
  return { result, section, text, warnings };
}
