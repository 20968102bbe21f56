/**
 * Links from a report to the playground: the scenario a results file carries (normalized) is
 * written back as a YAML document (`denormalize`), checked to normalize to exactly the same
 * scenario, and put in the link's fragment (`#s=`, see `src/playground/share.ts`). A file whose
 * scenario does not come back exactly (an older results file, a scenario from another version)
 * gets no link rather than a link to a different scenario.
 */
import { isDeepStrictEqual } from 'node:util';
import { stringify } from 'yaml';
import { scenarioFragment } from '../playground/share-node.js';
import type { ResultsFile } from '../results/schema.js';
import { denormalize } from '../scenario/denormalize.js';
import { parseDocument, parseScenario } from '../scenario/scenario.js';
import type { Scenario } from '../scenario/types.js';

/** File name of the playground written beside a report. */
export const PLAYGROUND_FILE = 'playground.html';

/** The YAML text of a results file's scenario, when it comes back exactly; else null. */
export function scenarioText(file: ResultsFile): string | null {
  try {
    const scenario = file.scenario as unknown as Scenario;
    const text = stringify(denormalize(scenario), { lineWidth: 0 });
    const back = parseScenario(parseDocument(text, 'results'), 'results');
    // Compared as JSON values: the results file went through JSON, the parsed scenario did not.
    return isDeepStrictEqual(JSON.parse(JSON.stringify(back)), JSON.parse(JSON.stringify(scenario))) ? text : null;
  } catch {
    return null;
  }
}

/** `#s=…` of the file's scenario, or null (see the module header). */
export function playgroundFragment(file: ResultsFile): string | null {
  const text = scenarioText(file);
  return text === null ? null : scenarioFragment(text);
}
