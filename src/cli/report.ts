/** `lbsim report results.json [more.json…] --out DIR`: writes the web report for existing results files. */
import { readFileSync } from 'node:fs';
import { InputError } from '../input/errors.js';
import { RESULTS_SCHEMA, type ResultsFile } from '../results/schema.js';
import { writeReport } from '../report/write.js';

/** Reads and checks one results file. */
export function readResults(path: string): ResultsFile {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(path, [{ path: '', message: code === 'ENOENT' ? 'no such file' : `not valid JSON (${(e as Error).message})` }]);
  }
  const schema = (doc as { schema?: unknown } | null)?.schema;
  if (schema !== RESULTS_SCHEMA) {
    throw new InputError(path, [{ path: 'schema', message: `expected "${RESULTS_SCHEMA}" (a file written by lbsim run --json), got ${JSON.stringify(schema)}` }]);
  }
  return doc as ResultsFile;
}

/** Runs the command; returns the exit code. */
export function reportCommand(files: string[], out: string): number {
  const results = files.map(readResults);
  const path = writeReport(results, out);
  process.stdout.write(`report: ${path}\n`);
  return 0;
}
