/**
 * `lbsim import`: reads an nginx, HAProxy or Envoy config, or an AWS ALB target group's attributes
 * and targets (format from `--format`, else guessed from the file name and contents), maps one
 * upstream / backend / cluster / target group to lbsim's terms and writes a scenario file
 * (scenario-writer.ts). Per-format readers: nginx/import.ts, haproxy/import.ts, envoy/import.ts,
 * aws/import.ts; the mapping table is MAPPING.md.
 */
import { InputError } from '../input/errors.js';
import { DEFAULT_LIMITS, type InputLimits } from '../input/limits.js';
import { readInputFile } from '../input/read.js';
import { importAws } from './aws/import.js';
import { importEnvoy } from './envoy/import.js';
import { importHaproxy } from './haproxy/import.js';
import { importNginx } from './nginx/import.js';
import { writeScenario } from './scenario-writer.js';
import { IMPORT_FORMATS, type ImportFormat, type ImportResult } from './types.js';

/** Options of {@link importConfig}. */
export interface ImportOptions {
  /** Upstream, backend or cluster name (required when the file has several). */
  upstream?: string;
  /** The config's format; guessed when absent. */
  format?: ImportFormat;
  /** AWS: the `describe-target-health` JSON with the target group's targets. */
  targets?: string;
  /** Input limits (file size, nginx nesting); the defaults when absent. */
  limits?: Readonly<InputLimits>;
}

/**
 * Guesses a config's format: JSON with an `"Attributes"` list → aws (the output of
 * `aws elbv2 describe-target-group-attributes`); `.yaml`/`.yml`/`.json` → envoy, `.cfg` → haproxy,
 * `.conf` → nginx; otherwise from the contents (`{` blocks and `;` → nginx, section keywords at
 * line starts → haproxy, a YAML mapping → envoy).
 */
export function detectFormat(file: string, text: string): ImportFormat | undefined {
  if (/^\s*\{[\s\S]*"Attributes"\s*:\s*\[/.test(text)) return 'aws';
  if (/\.(ya?ml|json)$/i.test(file)) return 'envoy';
  if (/\.cfg$/i.test(file) || /haproxy/i.test(file)) return 'haproxy';
  if (/\.conf$/i.test(file) || /nginx/i.test(file)) return 'nginx';
  const body = text.replace(/^\s*#.*$/gm, '');
  if (/^\s*(static_resources|clusters|resources|name|lb_policy)\s*:/m.test(body)) return 'envoy';
  if (/^\s*(global|defaults|frontend|backend|listen)\b[^{;]*$/m.test(body) && !/\{/.test(body)) return 'haproxy';
  if (/\bupstream\s+\S+\s*\{/.test(body)) return 'nginx';
  return undefined;
}

/** Reads and maps a proxy config. @throws InputError for unreadable or invalid input */
export function importConfig(file: string, opts: ImportOptions = {}): ImportResult {
  let format = opts.format;
  if (format === undefined) {
    const text = readInputFile(file, (opts.limits ?? DEFAULT_LIMITS).fileBytes);
    format = detectFormat(file, text);
    if (!format) throw new InputError(file, [{ path: '', message: `cannot tell the format; pass --format ${IMPORT_FORMATS.join('|')}` }]);
  }
  if (opts.targets !== undefined && format !== 'aws') throw new InputError('--targets', [{ path: '', message: `applies to an AWS target group import only (this is ${format})` }]);
  const sel = { ...(opts.upstream !== undefined ? { upstream: opts.upstream } : {}), ...(opts.limits ? { limits: opts.limits } : {}) };
  switch (format) {
    case 'aws':
      if (opts.upstream !== undefined) throw new InputError('--upstream', [{ path: '', message: 'an AWS target group file holds one target group: leave --upstream out' }]);
      return importAws(file, opts.targets !== undefined ? { targets: opts.targets } : {});
    case 'nginx':
      return importNginx(file, sel);
    case 'haproxy':
      return importHaproxy(file, sel);
    case 'envoy':
      return importEnvoy(file, sel);
  }
}

/** Imports a config and returns the scenario text with the import's details. */
export function importToScenario(file: string, opts: ImportOptions = {}): { result: ImportResult; text: string } {
  const result = importConfig(file, opts);
  return { result, text: writeScenario(result) };
}
