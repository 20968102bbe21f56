/**
 * Scenario documents: reading a YAML or JSON file (`loadScenario`) and parsing text into a value
 * (`parseDocument`, YAML 1.2, of which JSON is a subset) with errors that give the line and column.
 */
import { dirname, resolve } from 'node:path';
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InputError, readInputFile } from '../input/errors.js';
import { parseScenario } from './normalize.js';
import type { Scenario } from './types.js';

/** Reads a YAML or JSON scenario file and validates it. @throws InputError (missing file, syntax, fields) */
export function loadScenario(path: string): Scenario {
  const text = readInputFile(path);
  return parseScenario(parseDocument(text, path), path, dirname(resolve(path)));
}

/** Parses YAML (a superset of JSON) with errors that give line and column. @throws InputError */
export function parseDocument(text: string, file: string): unknown {
  try {
    const v = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw new InputError(file, [{ path: '', message: 'expected a mapping of keys (name, clients, backends, …) at the top level' }]);
    }
    return v;
  } catch (e) {
    if (e instanceof InputError) throw e;
    if (e instanceof YAMLParseError) {
      const pos = e.linePos?.[0];
      const where = pos ? `line ${pos.line}, column ${pos.col}` : '';
      throw new InputError(file, [{ path: where, message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') }]);
    }
    throw e;
  }
}
