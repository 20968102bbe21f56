/**
 * User-input errors: a scenario or config that is wrong names the file, the path of the field
 * (`backends[2].service.mean`) and what was expected. The CLI prints `lbsim: <file>: <path>: <message>`
 * and exits with code 2, writing no output file. Reading files is `read.ts` (this module has no Node
 * dependency: the playground bundles it into the browser).
 */
import type { z } from 'zod';

/** One problem in a user-supplied file. */
export interface InputProblem {
  /** Dotted path of the field, e.g. `backends[2].service.mean`; empty for the whole file. */
  path: string;
  /** What is wrong and what was expected. */
  message: string;
}

/** A user-input error (exit code 2): a bad file, field or flag. Never a bug in lbsim. */
export class InputError extends Error {
  override name = 'InputError';
  /**
   * @param file the file at fault (or a flag name like `--seed`)
   * @param problems what is wrong, one per field
   */
  constructor(
    readonly file: string,
    readonly problems: InputProblem[],
  ) {
    super(problems.map((p) => `${file}: ${p.path ? `${p.path}: ` : ''}${p.message}`).join('\n'));
  }
}

/** Formats a path array as `a.b[2].c`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const k of path) {
    if (typeof k === 'number') out += `[${k}]`;
    else out += out === '' ? String(k) : `.${String(k)}`;
  }
  return out;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  return String(v);
}

/** Turns zod issues into {@link InputProblem}s with readable messages (prefixing `base` to paths). */
export function zodProblems(issues: readonly z.core.$ZodIssue[], base: readonly PropertyKey[] = []): InputProblem[] {
  const out: InputProblem[] = [];
  for (const issue of issues) {
    const path = [...base, ...issue.path];
    const input = (issue as { input?: unknown }).input;
    let message = issue.message;
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          out.push({ path: formatPath([...path, key]), message: `unknown key "${key}"` });
        }
        continue;
      case 'invalid_type':
        message =
          input === undefined ? `is required (${issue.expected})` : `expected ${issue.expected}, got ${describe(input)}`;
        break;
      case 'invalid_value':
        message = `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(input)}`;
        break;
      case 'invalid_union': {
        const u = issue as { options?: unknown[]; discriminator?: string };
        if (u.options && u.discriminator) {
          const got = input !== null && typeof input === 'object' ? (input as Record<string, unknown>)[u.discriminator] : input;
          message = `expected one of ${u.options.map((v) => JSON.stringify(v)).join(', ')}, got ${describe(got)}`;
          break;
        }
        if (!message.startsWith('Invalid input')) break;
        message = `got ${describe(input)}, which matches none of the accepted forms`;
        break;
      }
      default:
        if (message.startsWith('Too small') || message.startsWith('Too big') || message.startsWith('Invalid input')) {
          message = `${message.replace(/^Invalid input: /, '')}${input !== undefined ? `, got ${describe(input)}` : ''}`;
        }
    }
    out.push({ path: formatPath(path), message });
  }
  return out;
}

/** Parses with `schema`, throwing an {@link InputError} for `file` on failure. */
export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, file: string, base: readonly PropertyKey[] = []): T {
  const r = schema.safeParse(value, { reportInput: true });
  if (!r.success) throw new InputError(file, zodProblems(r.error.issues, base));
  return r.data;
}
