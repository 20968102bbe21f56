/** `lbsim list [--json]`: the registered strategies with descriptions, options and flavors, and the shipped scenarios. */
import { z } from 'zod';
import { aliasesOf } from '../strategies/aliases.js';
import { STRATEGIES } from '../strategies/registry.js';
import { shippedScenarios } from './scenario-file.js';
import { readFileSync } from 'node:fs';

/** Default option values of a strategy (its schema parsed from `{}`). */
function defaults(schema: z.ZodType): Record<string, unknown> {
  const r = schema.safeParse({});
  return r.success ? (r.data as Record<string, unknown>) : {};
}

/**
 * What a shipped scenario teaches: its leading comment block, whole, as one paragraph (editor
 * modelines such as `# yaml-language-server: …` skipped).
 */
export function teaches(text: string): string {
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    const m = /^#\s?(.*)$/.exec(line);
    if (!m) break;
    if (/^\s*yaml-language-server:/.test(m[1]!)) continue;
    lines.push(m[1]!.trim());
  }
  return lines.filter((l) => l !== '').join(' ');
}

/** Wraps `text` to `width` columns; lines after the first are indented by `indent` spaces. */
export function wrap(text: string, width: number, indent: number): string {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const out: string[] = [];
  let line = '';
  for (const w of words) {
    if (line !== '' && line.length + 1 + w.length > width) {
      out.push(line);
      line = w;
    } else line = line === '' ? w : `${line} ${w}`;
  }
  if (line !== '') out.push(line);
  return out.join(`\n${' '.repeat(indent)}`);
}

/** Prints the lists; returns exit code 0. */
export function listCommand(opts: { json?: boolean }): number {
  const strategies = STRATEGIES.map((s) => ({
    name: s.name,
    description: s.description,
    reference: s.reference,
    weighted: s.weighted,
    options: defaults(s.options),
    /** Other names `--strategies` accepts for it (proxies' names, folded: `leastconn`, `ringhash`). */
    aliases: aliasesOf(s.name),
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
  // Whole descriptions, wrapped to the terminal (100 columns off a terminal), never cut.
  const columns = Math.max(60, process.stdout.columns ?? 100);
  for (const s of scenarios) process.stdout.write(`  ${s.name.padEnd(sw)}  ${wrap(s.teaches, columns - sw - 4, sw + 4)}\n`);
  return 0;
}
