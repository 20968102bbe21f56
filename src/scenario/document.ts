/**
 * Scenario documents on disk: reading a YAML or JSON file (`loadScenario`), and validating a parsed
 * value with the files it names read relative to its directory (`parseScenario`). Parsing text is
 * `parse-document.ts` and normalization `normalize.ts` (neither needs Node; this module does).
 */
import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { readInputFile } from '../input/read.js';
import { unreadable } from '../input/read.js';
import { MAX_SAMPLES_FILE_BYTES, normalizeScenario, type ScenarioFiles, type ScenarioWarning } from './normalize.js';
import { parseDocument } from './parse-document.js';
import type { Scenario } from './types.js';

export { parseDocument };

/** The files a scenario in `dir` names, read from disk. */
export function filesIn(dir: string): ScenarioFiles {
  return {
    resolve: (name) => resolve(dir, name),
    read: (path) => {
      if (statSync(path).size > MAX_SAMPLES_FILE_BYTES) throw new RangeError(`larger than ${MAX_SAMPLES_FILE_BYTES / 2 ** 20} MiB, the most lbsim reads for a samples file`);
      return readFileSync(path, 'utf8');
    },
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
 * @throws InputError naming the file and every faulty field
 */
export function parseScenario(value: unknown, file: string, dir = '.', warn?: ScenarioWarning): Scenario {
  return normalizeScenario(value, file, filesIn(dir), warn);
}

/** Reads a YAML or JSON scenario file and validates it. @throws InputError (missing file, syntax, fields) */
export function loadScenario(path: string): Scenario {
  const text = readInputFile(path);
  return parseScenario(parseDocument(text, path), path, dirname(resolve(path)));
}
