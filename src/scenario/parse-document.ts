/**
 * Scenario text → value: YAML 1.2 (of which JSON is a subset), with errors that give the line and
 * column, and a mapping required at the top level. No Node dependency (the playground parses the
 * editor's text with it, exactly as the CLI parses a file).
 */
import { parse as parseYaml, YAMLParseError } from 'yaml';
import { InputError } from '../input/errors.js';

/**
 * Most aliases a document may expand (the `yaml` library's own default, named here): a "billion
 * laughs" document, nine aliases of nine aliases of …, would otherwise expand to gigabytes.
 */
export const MAX_YAML_ALIASES = 100;

/**
 * The user's-input reason for an error the `yaml` library throws outside `YAMLParseError`: an alias
 * bomb (its "Excessive alias count" check, `maxAliasCount`), an alias used before its anchor, or
 * nesting deep enough to exhaust the stack. Undefined for anything else (a bug, to be reported as one).
 */
export function yamlResourceError(e: unknown): string | undefined {
  if (e instanceof ReferenceError && /alias count/i.test(e.message)) {
    return `expected at most ${MAX_YAML_ALIASES} alias expansions (*name); this document expands aliases without bound (an alias bomb) and is refused`;
  }
  if (e instanceof ReferenceError && /alias/i.test(e.message)) return `${e.message.split('\n')[0]!.slice(0, 120)}`;
  if (e instanceof RangeError && /call stack/i.test(e.message)) return 'expected fewer nested levels: the document nests too deeply to read';
  return undefined;
}

/** Parses YAML (a superset of JSON) with errors that give line and column. @throws InputError */
export function parseDocument(text: string, file: string): unknown {
  try {
    const v = parseYaml(text, { prettyErrors: true, uniqueKeys: true, maxAliasCount: MAX_YAML_ALIASES, logLevel: 'error' });
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
    const why = yamlResourceError(e);
    if (why) throw new InputError(file, [{ path: '', message: why }]);
    throw e;
  }
}
