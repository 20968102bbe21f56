/**
 * A results file's scenario as YAML text: the normalized scenario written back (`denormalize`) and
 * checked to normalize to exactly the same scenario, else null (an older results file, or a
 * scenario from another version, gets no text rather than a different scenario). Used by the
 * report's links to the playground and by the playground when a results file is loaded back.
 * No Node dependency (the playground bundles it).
 */
import { stringify } from 'yaml';
import { denormalize } from '../scenario/denormalize.js';
import { normalizeScenario } from '../scenario/normalize.js';
import { parseDocument } from '../scenario/parse-document.js';
import type { Scenario } from '../scenario/types.js';

/** The YAML of `scenario` (a results file's `scenario`), when it comes back exactly; else null. */
export function scenarioYaml(scenario: unknown): string | null {
  try {
    const text = stringify(denormalize(scenario as Scenario), { lineWidth: 0 });
    const back = normalizeScenario(parseDocument(text, 'results'), 'results');
    // Compared as JSON: a results file went through JSON, the parsed scenario did not.
    return JSON.stringify(back) === JSON.stringify(scenario) ? text : null;
  } catch {
    return null;
  }
}
