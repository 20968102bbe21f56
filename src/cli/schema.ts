/**
 * `lbsim schema [--out FILE]`: prints the JSON Schema of scenario files (`src/scenario/json-schema.ts`),
 * for editors: `lbsim schema > scenario.schema.json`, then a first line
 * `# yaml-language-server: $schema=scenario.schema.json` in a scenario gives validation, hover
 * help and completion in any editor with the YAML language server.
 */
import { scenarioJsonSchema } from '../scenario/json-schema.js';
import { writeFileAtomic } from './output.js';

/** The schema as the command prints it (2-space JSON and a newline). */
export function schemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}

/** Runs the command; returns the exit code. */
export function schemaCommand(opts: { out?: string }): number {
  const text = schemaText();
  if (opts.out) {
    writeFileAtomic(opts.out, text);
    process.stderr.write(`schema: ${opts.out}\n`);
  } else process.stdout.write(text);
  return 0;
}
