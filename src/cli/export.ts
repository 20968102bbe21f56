/**
 * `lbsim export <scenario-or-results> --strategy NAME --format nginx|haproxy|envoy [-o file]`:
 * writes the chosen strategy (a label or registry name of the scenario) with the scenario's
 * balancer settings and servers as a config fragment for the proxy (to the file, else stdout).
 * What the proxy cannot express is printed as a warning naming the nearest equivalent written.
 * `--strategy best` exports the strategy the decision recommends (`export-best.ts`).
 */
import { exportScenario, parseFormat } from '../interop/export.js';
import { resolveBest } from './export-best.js';
import { writeFileAtomic } from './output.js';

/** Options of `lbsim export`. */
export interface ExportCommandOptions {
  /** Strategy label or registry name. */
  strategy: string;
  /** `nginx`, `haproxy` or `envoy`. */
  format: string;
  /** File to write; stdout when absent. */
  output?: string;
}

/** Runs `lbsim export`; returns the exit code (input errors propagate as InputError → 2). */
export async function exportCommand(file: string, opts: ExportCommandOptions): Promise<number> {
  const format = parseFormat(opts.format);
  const strategy = opts.strategy === 'best' ? await resolveBest(file) : opts.strategy;
  const r = exportScenario(file, { strategy, format });
  for (const w of r.warnings) process.stderr.write(`lbsim: warning: ${format}: ${w.feature}: ${w.message}\n`);
  if (opts.output !== undefined) {
    writeFileAtomic(opts.output, r.text);
    process.stderr.write(`lbsim: wrote ${format} config for ${r.config.strategy.name} to ${opts.output}\n`);
  } else process.stdout.write(r.text);
  return 0;
}
