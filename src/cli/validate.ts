/** `lbsim validate <scenario>`: checks a scenario without running it; prints a summary. */
import { loadScenarioArg } from './scenario-file.js';
import { describeScenario } from './describe.js';

/** Validates the scenario; returns the exit code (errors propagate as InputError → 2). */
export function validateCommand(arg: string): number {
  const s = loadScenarioArg(arg);
  process.stdout.write(`ok: ${describeScenario(s)}\n`);
  return 0;
}
