/**
 * Durations in user files: a number is milliseconds; a string has a unit (`us`, `ms`, `s`, `m`, `h`),
 * e.g. `250us`, `1.5ms`, `60s`, `2m`. The parser lives in the core (`src/core/duration.ts`, which the
 * balancer-settings schema uses); this module adds the formatting for people.
 */
export { duration, DURATION_PATTERN, durationSchemas, parseDuration } from '../core/duration.js';

/** Formats ms for people: `850us`, `12.5ms`, `1.2s`, `3m`. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1) return `${+(ms * 1000).toPrecision(3)}us`;
  if (ms < 1000) return `${+ms.toPrecision(3)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toPrecision(3)}s`;
  return `${+(ms / 60_000).toPrecision(3)}m`;
}
