/**
 * Links from a report to the playground: each results file's scenario as YAML
 * (`src/playground/scenario-text.ts`, null when it does not come back exactly) in the link's
 * fragment (`#s=`, see `src/playground/share.ts`), pointing at the playground written beside the
 * report.
 */
import { scenarioFragment } from '../playground/share-node.js';
import { scenarioYaml } from '../playground/scenario-text.js';
import type { ResultsFile } from '../results/schema.js';

/** File name of the playground written beside a report. */
export const PLAYGROUND_FILE = 'playground.html';

/** `#s=…` of the file's scenario, or null (see the module header). */
export function playgroundFragment(file: ResultsFile): string | null {
  const text = scenarioYaml(file.scenario);
  return text === null ? null : scenarioFragment(text);
}
