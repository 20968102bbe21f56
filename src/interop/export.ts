/**
 * `lbsim export`: reads a scenario (or a results file's scenario), picks one of its strategies and
 * writes it, with the balancer settings and servers, as a config fragment for nginx, HAProxy or
 * Envoy (nginx/export.ts, haproxy/export.ts, envoy/export.ts). Strategies and settings a proxy
 * cannot express come back as warnings naming the nearest equivalent written (MAPPING.md).
 */
import { basename } from 'node:path';
import { InputError } from '../input/errors.js';
import { exportEnvoy } from './envoy/export.js';
import { exportHaproxy } from './haproxy/export.js';
import { exportNginx } from './nginx/export.js';
import { loadScenarioOrResults, scenarioToConfig } from './plan.js';
import { PROXY_FORMATS, type ExportResult, type LbConfig, type ProxyFormat } from './types.js';

/** Writes a config in a proxy's syntax; `header` lines become comments at the top. */
export function exportConfig(config: LbConfig, format: ProxyFormat, header: string[] = []): ExportResult {
  switch (format) {
    case 'nginx':
      return exportNginx(config, header);
    case 'haproxy':
      return exportHaproxy(config, header);
    case 'envoy':
      return exportEnvoy(config, header);
  }
}

/** Checks a `--format` value. @throws InputError */
export function parseFormat(value: string, flag = '--format'): ProxyFormat {
  if ((PROXY_FORMATS as readonly string[]).includes(value)) return value as ProxyFormat;
  throw new InputError(flag, [{ path: '', message: `expected one of ${PROXY_FORMATS.join(', ')}, got ${JSON.stringify(value)}` }]);
}

/**
 * Exports one strategy of a scenario or results file.
 * @throws InputError for an unreadable file, an invalid scenario or an unknown strategy
 */
export function exportScenario(file: string, opts: { strategy: string; format: ProxyFormat }): ExportResult & { config: LbConfig } {
  const scenario = loadScenarioOrResults(file);
  const config = scenarioToConfig(scenario, opts.strategy, file);
  const header = [
    `lbsim export: strategy ${opts.strategy} (${config.strategy.name}) of scenario "${scenario.name}" (${basename(file)}).`,
  ];
  return { ...exportConfig(config, opts.format, header), config };
}
