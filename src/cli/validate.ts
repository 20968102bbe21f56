/** `lbsim validate <scenario>`: checks a scenario without running it; prints a summary. */
import { parseLimits } from '../input/limits.js';
import { loadScenarioArg } from './scenario-file.js';
import { describeScenario } from './describe.js';

/**
 * Validates the scenario, input limits included (what `run` would refuse, `validate` refuses);
 * returns the exit code (errors propagate as InputError → 2).
 */
export async function validateCommand(arg: string, flags: { limit?: string[] } = {}): Promise<number> {
  const s = await loadScenarioArg(arg, {}, parseLimits(flags.limit));
  process.stdout.write(`ok: ${describeScenario(s)}\n`);
  return 0;
}
