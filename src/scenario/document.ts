/**
 * Scenario documents on disk: reading a YAML or JSON file (`loadScenario`), and validating a parsed
 * value with the files it names read relative to its directory (`parseScenario`). Parsing text is
 * `parse-document.ts` and normalization `normalize.ts` (neither needs Node; this module does).
 */
import { statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { DEFAULT_LIMITS } from '../input/limits.js';
import { readBoundedText, readInputFile, unreadable } from '../input/read.js';
import { normalizeScenario, type ScenarioFiles, type ScenarioWarning } from './normalize.js';
import { parseDocument } from './parse-document.js';
import type { Scenario } from './types.js';

export { parseDocument };

/**
 * The files a scenario in `dir` names, read from disk: regular files of at most `maxBytes` (the
 * file-size limit), so `file: /dev/zero` is an error rather than a read without end.
 */
export function filesIn(dir: string, maxBytes: number = DEFAULT_LIMITS.fileBytes): ScenarioFiles {
  return {
    resolve: (name) => resolve(dir, name),
    read: (path) => readBoundedText(path, maxBytes),
    problem: (path) => {
      try {
        return statSync(path).isFile() ? undefined : 'not a file';
      } catch (e) {
        return unreadable(e);
      }
    },
  };
}

/**
 * Validates and normalizes an already-parsed scenario value; relative `file:` paths resolve against `dir`.
 * @param value parsed YAML/JSON
 * @param file the file name used in error messages
 * @param dir directory that relative `file:` paths resolve against
 * @param warn receives warnings (e.g. an empirical file whose values look like seconds read as ms)
 * @param maxFileBytes the most bytes read from a file the scenario names
 * @throws InputError naming the file and every faulty field
 */
export function parseScenario(value: unknown, file: string, dir = '.', warn?: ScenarioWarning, maxFileBytes: number = DEFAULT_LIMITS.fileBytes): Scenario {
  return normalizeScenario(value, file, filesIn(dir, maxFileBytes), warn);
}

/** Reads a YAML or JSON scenario file and validates it. @throws InputError (missing file, syntax, fields) */
export function loadScenario(path: string): Scenario {
  const text = readInputFile(path);
  return parseScenario(parseDocument(text, path), path, dirname(resolve(path)));
}
