/** `lbsim report results.json [more.json…] --out DIR`: writes the web report for existing results files. */
import { InputError } from '../input/errors.js';
import { DEFAULT_LIMITS, parseLimits } from '../input/limits.js';
import { readInputFile } from '../input/read.js';
import { RESULTS_SCHEMA, type ResultsFile } from '../results/schema.js';
import { writeReport } from '../report/write.js';

/**
 * Reads and checks one results file, at most `maxBytes` (the `file-size` input limit).
 * @throws InputError naming the file when it is missing, too large, not JSON or not lbsim results
 */
export function readResults(path: string, maxBytes: number = DEFAULT_LIMITS.fileBytes): ResultsFile {
  const text = readInputFile(path, maxBytes);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new InputError(path, [{ path: '', message: `not valid JSON (${(e as Error).message})` }]);
  }
  const schema = (doc as { schema?: unknown } | null)?.schema;
  if (schema !== RESULTS_SCHEMA) {
    throw new InputError(path, [{ path: 'schema', message: `expected "${RESULTS_SCHEMA}" (a file written by lbsim run --json), got ${JSON.stringify(schema)}` }]);
  }
  return doc as ResultsFile;
}

/** Runs the command; returns the exit code. `limit` holds the `--limit NAME=N` flags. */
export function reportCommand(files: string[], out: string, limit?: readonly string[]): number {
  const { fileBytes } = parseLimits(limit);
  const results = files.map((f) => readResults(f, fileBytes));
  const path = writeReport(results, out);
  process.stdout.write(`report: ${path}\n`);
  return 0;
}
