/**
 * Test support for the interop suites: fixture paths, "import and load the scenario" in one call,
 * round trips through a temporary file, and addresses made resolvable for `nginx -t` /
 * `haproxy -c` (both resolve server host names at check time, and the test machines have no DNS).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isIP } from 'node:net';
import { parseDocument, parseScenario } from '../scenario/index.js';
import type { Scenario } from '../scenario/types.js';
import { exportConfig } from './export.js';
import { importConfig, importToScenario, type ImportOptions } from './import.js';
import { scenarioToConfig } from './plan.js';
import type { ExportResult, ImportResult, LbConfig, ProxyFormat } from './types.js';

/** Absolute path of a fixture under src/interop/fixtures. */
export function fixture(...parts: string[]): string {
  return join(fileURLToPath(new URL('./fixtures', import.meta.url)), ...parts);
}

/** Imports a config and loads the written scenario with `parseScenario` (so it must validate). */
export function importFixture(file: string, opts: ImportOptions = {}): { result: ImportResult; text: string; scenario: Scenario } {
  const { result, text } = importToScenario(file, opts);
  return { result, text, scenario: parseScenario(parseDocument(text, file), file) };
}

const EXT: Record<ProxyFormat, string> = { nginx: 'conf', haproxy: 'cfg', envoy: 'yaml' };

/** Imports config text of a format through a temporary file (removed afterwards). */
export function importText(text: string, format: ProxyFormat, name = 'exported'): ImportResult {
  const dir = mkdtempSync(join(tmpdir(), 'lbsim-interop-'));
  try {
    const path = join(dir, `${name}.${EXT[format]}`);
    writeFileSync(path, text);
    return importConfig(path);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Scenario → export → import: the scenario's strategy `strategy` (label or registry name)
 * exported to `format` and read back.
 */
export function roundTrip(scenario: Scenario, strategy: string, format: ProxyFormat, file = 'scenario.yaml'): { config: LbConfig; exported: ExportResult; back: ImportResult } {
  const config = scenarioToConfig(scenario, strategy, file);
  const exported = exportConfig(config, format);
  return { config, exported, back: importText(exported.text, format) };
}

/** The config with every host name replaced by 127.0.0.1 (ports kept), for offline config checks. */
export function resolvable(config: LbConfig): LbConfig {
  return {
    ...config,
    servers: config.servers.map((s) => {
      if (s.address.startsWith('unix:') || s.address.startsWith('[')) return s;
      const m = /^(.*?)(?::(\d+))?$/.exec(s.address)!;
      return isIP(m[1]!) !== 0 ? s : { ...s, address: `127.0.0.1${m[2] ? `:${m[2]}` : ''}` };
    }),
  };
}
