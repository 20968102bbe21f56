/**
 * `lbsim playground [--out DIR] [scenario]`: writes the playground (one HTML file that runs the
 * simulator in the browser, from disk, with no network) to DIR/index.html (default
 * out/playground), opening `scenario` (a path or a shipped scenario's name) first when given. The
 * scenario is validated like `lbsim validate` first; nothing is written when it is invalid.
 */
import { basename } from 'node:path';
import { readInputFile } from '../input/read.js';
import { writePlayground } from '../playground/write.js';
import { parseDocument, parseScenario } from '../scenario/index.js';
import { resolveScenarioPath } from './scenario-file.js';

/** Default output directory. */
export const DEFAULT_PLAYGROUND_DIR = 'out/playground';

/** Runs the command; returns the exit code (bad scenarios throw InputError → 2). */
export function playgroundCommand(scenario: string | undefined, opts: { out?: string }): number {
  let embedded: { name: string; text: string } | null = null;
  if (scenario !== undefined) {
    const file = resolveScenarioPath(scenario);
    const text = readInputFile(file);
    parseScenario(parseDocument(text, file), file);
    embedded = { name: basename(file).replace(/\.(ya?ml|json)$/i, ''), text };
  }
  const path = writePlayground(opts.out ?? DEFAULT_PLAYGROUND_DIR, { scenario: embedded });
  process.stdout.write(`playground: ${path}\n`);
  return 0;
}
