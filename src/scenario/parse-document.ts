/**
 * Scenario text → value: YAML 1.2 (of which JSON is a subset), with errors that give the line and
 * column, and a mapping required at the top level. No Node dependency (the playground parses the
 * editor's text with it, exactly as the CLI parses a file).
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InputError } from '../input/errors.js';

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
