/** `lbsim list [--json]`: the registered strategies with descriptions, options and flavors, and the shipped scenarios. */
import { z } from 'zod';
import { STRATEGIES } from '../strategies/registry.js';
import { shippedScenarios } from './scenario-file.js';
import { readFileSync } from 'node:fs';

/** Default option values of a strategy (its schema parsed from `{}`). */
function defaults(schema: z.ZodType): Record<string, unknown> {
  const r = schema.safeParse({});
  return r.success ? (r.data as Record<string, unknown>) : {};
}

/**
 * What a shipped scenario teaches: the first sentence of its leading comment, joined across comment
 * lines, skipping editor modelines (`# yaml-language-server: $schema=…`).
 */
export function teaches(text: string): string {
  const words: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^#\s?(.*)$/.exec(line.trim());
    if (!m) {
      if (words.length > 0 || line.trim() !== '') break;
      continue;
    }
    const body = m[1]!.trim();
    if (/^yaml-language-server:/.test(body)) continue;
    if (body === '') {
      if (words.length > 0) break;
      continue;
    }
    words.push(body);
  }
  const para = words.join(' ');
  const end = /[.!?](?=\s|$)/.exec(para);
  return end ? para.slice(0, end.index + 1) : para;
}

/** Prints the lists; returns exit code 0. */
export function listCommand(opts: { json?: boolean }): number {
  const strategies = STRATEGIES.map((s) => ({
    name: s.name,
    description: s.description,
    reference: s.reference,
    weighted: s.weighted,
    options: defaults(s.options),
    ...(s.flavors ? { flavors: { default: s.flavors.default, list: s.flavors.list, differs: s.flavors.differs } } : {}),
  }));
  const scenarios = shippedScenarios().map((s) => ({ name: s.name, path: s.path, teaches: teaches(readFileSync(s.path, 'utf8')) }));
  if (opts.json) {
    process.stdout.write(`${JSON.stringify({ strategies, scenarios }, null, 2)}\n`);
    return 0;
  }
  const w = Math.max(...strategies.map((s) => s.name.length));
  process.stdout.write('Strategies:\n');
  for (const s of strategies) {
    const o = Object.entries(s.options)
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(' ');
    process.stdout.write(`  ${s.name.padEnd(w)}  ${s.description}${o ? `  [${o}]` : ''}\n`);
    if (s.flavors) {
      const f = s.flavors.list.map((x) => (x === s.flavors!.default ? `${x} (default)` : x)).join(', ');
      process.stdout.write(`  ${''.padEnd(w)}  flavors: ${f}\n`);
    }
  }
  process.stdout.write('\nShipped scenarios (lbsim run NAME):\n');
  const sw = Math.max(0, ...scenarios.map((s) => s.name.length));
  for (const s of scenarios) process.stdout.write(`  ${s.name.padEnd(sw)}  ${s.teaches}\n`);
  return 0;
}
