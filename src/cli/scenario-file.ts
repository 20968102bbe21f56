/**
 * Finds and loads the scenario a command names: a path, or the name of a shipped scenario in
 * `sims/` (`lbsim run homogeneous`), with command-line overrides applied before validation.
 */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../input/errors.js';
import { DEFAULT_LIMITS, type InputLimits } from '../input/limits.js';
import { readInputFile } from '../input/read.js';
import { parseDocument, parseScenario } from '../scenario/index.js';
import type { Scenario } from '../scenario/types.js';
import { applyDecisionOverrides, type DecisionOverrides } from './decision-overrides.js';
import { applyOverrides, type ScenarioOverrides } from './overrides.js';

/** The repository root (where `sims/` lives), from this module's location in src/ or dist/src/. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let k = 0; k < 5; k++) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'sims'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** Shipped scenarios: name → absolute path. */
export function shippedScenarios(): { name: string; path: string }[] {
  const dir = join(packageRoot(), 'sims');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort()
    .map((f) => ({ name: basename(f).replace(/\.(ya?ml|json)$/, ''), path: join(dir, f) }));
}

/** Resolves a path or shipped-scenario name to a file path. */
export function resolveScenarioPath(arg: string): string {
  if (existsSync(arg)) return arg;
  const shipped = shippedScenarios().find((s) => s.name === arg);
  if (shipped) return shipped.path;
  throw new InputError(arg, [{ path: '', message: `no such file, and no shipped scenario of that name (see lbsim list)` }]);
}

/** Reads the scenario document (YAML/JSON) of `arg`, at most the file-size limit. */
export function readScenarioDoc(arg: string, limits: Readonly<InputLimits> = DEFAULT_LIMITS): { file: string; doc: Record<string, unknown> } {
  const file = resolveScenarioPath(arg);
  return { file, doc: parseDocument(readInputFile(file, limits.fileBytes), file) as Record<string, unknown> };
}

/**
 * Loads, overrides and validates the scenario named by `arg`, loads the trace it replays (if any:
 * the limits count its requests), then checks it against the input limits (`src/sim/limits.ts`):
 * what `validate` accepts, `run` runs.
 * @param before called with the validated scenario before its trace is read (a command's own refusals)
 */
export async function loadScenarioArg(
  arg: string,
  overrides: ScenarioOverrides & DecisionOverrides = {},
  limits: Readonly<InputLimits> = DEFAULT_LIMITS,
  before?: (scenario: Scenario) => void,
): Promise<Scenario> {
  const { file, doc } = readScenarioDoc(arg, limits);
  const scenario = parseScenario(
    applyDecisionOverrides(applyOverrides(doc, overrides), overrides),
    file,
    dirname(resolve(file)),
    (m) => process.stderr.write(`lbsim: warning: ${m}\n`),
    limits.fileBytes,
  );
  before?.(scenario);
  if (scenario.clients.process.arrival === 'trace') {
    const { preloadTraces } = await import('../sim/model/trace-load.js');
    await preloadTraces(scenario);
  }
  const { checkScenarioLimits } = await import('../sim/limits.js');
  checkScenarioLimits(scenario, file, limits);
  return scenario;
}
