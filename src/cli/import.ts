/**
 * `lbsim import <config> [--upstream NAME] [--format nginx|haproxy|envoy] [-o scenario.yaml]`:
 * reads the load-balancing part of an nginx, HAProxy or Envoy config and writes an lbsim scenario
 * (to the file, else to stdout). Directives lbsim cannot model are printed as warnings on stderr
 * and repeated in the scenario's header comment. See src/interop/MAPPING.md.
 */
import { parseDocument, parseScenario } from '../scenario/index.js';
import { parseFormat } from '../interop/export.js';
import { importToScenario } from '../interop/import.js';
import { formatWarning } from '../interop/types.js';
import { writeFileAtomic } from './output.js';

/** Options of `lbsim import`. */
export interface ImportCommandOptions {
  /** Upstream / backend / cluster to import when the config has several. */
  upstream?: string;
  /** Scenario file to write; stdout when absent. */
  output?: string;
  /** The config's format; guessed from the name and contents when absent. */
  format?: 'nginx' | 'haproxy' | 'envoy';
}

/** Runs `lbsim import`; returns the exit code (input errors propagate as InputError → 2). */
export async function importCommand(file: string, opts: ImportCommandOptions): Promise<number> {
  const format = opts.format === undefined ? undefined : parseFormat(opts.format);
  const { result, text } = importToScenario(file, { ...(opts.upstream !== undefined ? { upstream: opts.upstream } : {}), ...(format ? { format } : {}) });
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
