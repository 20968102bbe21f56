/**
 * Durations as users write them: a number is milliseconds; a string has a unit (`us`, `ms`, `s`,
 * `m`, `h`), e.g. `250us`, `1.5ms`, `60s`, `2m`. Pure (zod only), so the core's settings schema
 * (`balancer/settings.ts`) and every file format outside the core share one parser.
 */
import { z } from 'zod';

const UNIT_MS: Record<string, number> = { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A duration string: a number and a unit (case-insensitive). */
const DURATION_SOURCE = '^\\s*(-?\\d+(?:\\.\\d+)?(?:e[+-]?\\d+)?)\\s*(us|µs|ms|s|m|h)\\s*$';
const DURATION_RE = new RegExp(DURATION_SOURCE, 'i');

/**
 * The same pattern without flags (JSON Schema patterns have none): every ASCII letter `x` becomes
 * `[xX]`, so `1.5S` and `2Ms` match as they parse.
 */
export const DURATION_PATTERN = DURATION_SOURCE.replace(/(\\.)|([a-z])/g, (_m, escaped: string | undefined, letter: string | undefined) =>
  escaped ?? `[${letter}${letter!.toUpperCase()}]`,
);

/** Parses a duration to ms; returns NaN when it is not one. */
export function parseDuration(v: number | string): number {
  if (typeof v === 'number') return v;
  const m = DURATION_RE.exec(v);
  if (!m) return Number.NaN;
  return Number(m[1]) * UNIT_MS[m[2]!.toLowerCase()]!;
}

/**
 * Every schema made by {@link duration}, with whether it must be positive: the JSON Schema of the
 * scenario (`src/scenario/json-schema.ts`) writes these as "a number of ms or a string with a unit".
 */
export const durationSchemas = z.registry<{ positive: boolean }>();

/** Zod schema of a duration (number = ms, or string with unit) → ms; `min` is inclusive unless `positive`. */
export function duration(opts: { positive?: boolean } = {}) {
  const schema = z.union([z.number(), z.string()]).transform((v, ctx) => {
    const ms = parseDuration(v);
    if (!Number.isFinite(ms)) {
      ctx.addIssue({ code: 'custom', message: `expected a duration like 5ms, 1.5s or 2m (a number is ms), got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    if (opts.positive ? !(ms > 0) : ms < 0) {
      ctx.addIssue({ code: 'custom', message: `expected a ${opts.positive ? 'positive' : 'non-negative'} duration, got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return ms;
  });
  durationSchemas.add(schema, { positive: opts.positive === true });
  return schema;
}
