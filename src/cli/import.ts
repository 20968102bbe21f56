/**
 * `lbsim import [config] [--upstream NAME] [--format nginx|haproxy|envoy|aws] [--targets FILE]
 * [--log FILE…] [--log-format F] [-o scenario.yaml]`: reads the load-balancing part of an nginx,
 * HAProxy or Envoy config, or an AWS ALB target group's attributes and targets, and writes an lbsim
 * scenario (to the file, else to stdout). Directives lbsim cannot model are printed as warnings on
 * stderr and repeated in the scenario's header comment. See src/interop/MAPPING.md. With access logs
 * (`--log`, repeatable, plain or gzip), the workload is fitted from them (src/interop/logs/) and
 * checked against them: the comparison is printed and written into the scenario. A config is
 * optional then (`--log-format` says how to read the log).
 */
import { parseDocument, parseScenario } from '../scenario/index.js';
import { InputError } from '../input/errors.js';
import { importToScenario } from '../interop/import.js';
import { formatWarning, IMPORT_FORMATS, type ImportFormat } from '../interop/types.js';
import { parseLimits } from '../input/limits.js';
import { checkWritable, writeFileAtomic } from './output.js';

/** Options of `lbsim import`. */
export interface ImportCommandOptions {
  /** Upstream / backend / cluster to import when the config has several. */
  upstream?: string;
  /** Scenario file to write; stdout when absent. */
  output?: string;
  /** The config's format; guessed from the name and contents when absent. */
  format?: ImportFormat;
  /** AWS: the `aws elbv2 describe-target-health` JSON. */
  targets?: string;
  /** Access logs to fit the workload from. */
  log?: string[];
  /** How to read them (`--log-format`); default: the config's own access-log format. */
  logFormat?: string;
  /** `--limit NAME=N` values (`src/input/limits.ts`). */
  limit?: string[];
}

/** Checks an import `--format` value. @throws InputError */
function parseImportFormat(value: string): ImportFormat {
  if ((IMPORT_FORMATS as readonly string[]).includes(value)) return value as ImportFormat;
  throw new InputError('--format', [{ path: '', message: `expected one of ${IMPORT_FORMATS.join(', ')}, got ${JSON.stringify(value)}` }]);
}

/** Runs `lbsim import`; returns the exit code (input errors propagate as InputError → 2). */
export async function importCommand(file: string | undefined, opts: ImportCommandOptions): Promise<number> {
  const format = opts.format === undefined ? undefined : parseImportFormat(opts.format);
  const limits = parseLimits(opts.limit);
  if (opts.output !== undefined) checkWritable(opts.output, '--output');
  const logs = opts.log ?? [];
  if (file === undefined && logs.length === 0) {
    throw new InputError('lbsim import', [{ path: '', message: 'expected a proxy config (nginx.conf, haproxy.cfg, envoy.yaml, an AWS target group JSON), access logs (--log FILE), or both' }]);
  }
  if (logs.length === 0 && opts.logFormat !== undefined) {
    throw new InputError('--log-format', [{ path: '', message: 'applies to access logs: give them with --log FILE' }]);
  }
  if (logs.length > 0) {
    if (format === 'aws' || opts.targets !== undefined) {
      throw new InputError('--log', [{ path: '', message: 'access logs are read beside an nginx, HAProxy or Envoy config; an AWS target group import takes no --log' }]);
    }
    return importWithLogs(file, logs, format, opts);
  }
  const { result, text } = importToScenario(file!, {
    ...(opts.upstream !== undefined ? { upstream: opts.upstream } : {}),
    ...(format ? { format } : {}),
    ...(opts.targets !== undefined ? { targets: opts.targets } : {}),
    limits,
  });
  // The written scenario must load: a failure here is a bug in the importer, not user input.
  parseScenario(parseDocument(text, opts.output ?? '<import>'), opts.output ?? '<import>');
  for (const w of result.warnings) process.stderr.write(`lbsim: warning: ${formatWarning(w)}\n`);
  const active = result.config.servers.filter((s) => s.role === 'active').length;
  const summary = `imported ${result.format} ${result.kind} "${result.config.name}": ${active} server${active === 1 ? '' : 's'}, strategy ${result.config.strategy.name}${result.warnings.length ? `, ${result.warnings.length} warning${result.warnings.length === 1 ? '' : 's'}` : ''}`;
  if (opts.output !== undefined) {
    writeFileAtomic(opts.output, text);
    process.stderr.write(`lbsim: ${summary}; wrote ${opts.output} (fill in the workload, then lbsim run ${opts.output})\n`);
  } else {
    process.stdout.write(text);
    process.stderr.write(`lbsim: ${summary}\n`);
  }
  return 0;
}

async function importWithLogs(file: string | undefined, logs: string[], format: Exclude<ImportFormat, 'aws'> | undefined, opts: ImportCommandOptions): Promise<number> {
  const { importLogs } = await import('../interop/logs/import-logs.js');
  const { formatCheck } = await import('../interop/logs/check.js');
  const out = await importLogs({
    logs,
    ...(opts.logFormat !== undefined ? { format: opts.logFormat } : {}),
    ...(file !== undefined ? { config: file } : {}),
    ...(format ? { configFormat: format } : {}),
    ...(opts.upstream !== undefined ? { upstream: opts.upstream } : {}),
    ...(opts.output !== undefined ? { output: opts.output } : {}),
  });
  parseScenario(parseDocument(out.text, opts.output ?? '<import>'), opts.output ?? '<import>');
  for (const w of out.result.warnings) process.stderr.write(`lbsim: warning: ${formatWarning(w)}\n`);
  for (const w of out.warnings) process.stderr.write(`lbsim: warning: ${w}\n`);
  const m = out.section.model;
  process.stderr.write(
    `lbsim: fitted ${m.requests} requests over ${(m.spanMs / 1000).toFixed(0)} s from ${logs.length} log${logs.length === 1 ? '' : 's'} (${out.section.format.name}); ` +
      `service ${(m.baseFit ?? m.service).reason}; ${m.servers.length} servers\n`,
  );
  for (const l of formatCheck(out.section.check!)) process.stderr.write(`lbsim: ${l}\n`);
  if (opts.output !== undefined) {
    writeFileAtomic(opts.output, out.text);
    process.stderr.write(`lbsim: wrote ${opts.output} (lbsim run ${opts.output})\n`);
  } else process.stdout.write(out.text);
  return 0;
}
