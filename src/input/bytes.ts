/**
 * Byte sizes in input files: a number of bytes, or a string with a unit — `512B`, `8KB`, `1.5MB`,
 * `1GB` (decimal: 1 KB = 1000 B, as cloud providers bill data transfer) or `8KiB`, `1MiB`, `1GiB`
 * (binary: 1 KiB = 1024 B).
 */
import { z } from 'zod';

const UNIT_BYTES: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
};

/** The pattern a byte size string follows (`8KB`, `1.5 MiB`, `300B`). */
export const BYTES_PATTERN = '^\\s*\\d+(\\.\\d+)?\\s*([KMG]i?B|B)\\s*$';

/** Bytes in `text` (`8KB` → 8000), or NaN when it is not a size with a unit. */
export function parseBytes(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGkmg]i?[Bb]|[Bb])\s*$/.exec(text);
  if (!m) return NaN;
  return Number(m[1]) * UNIT_BYTES[m[2]!.toLowerCase()]!;
}

/** A byte size: a non-negative number of bytes or a string with a unit; output in bytes. */
export function bytes(): z.ZodType<number, number | string> {
  return z.union([z.number().nonnegative(), z.string()]).transform((v, ctx) => {
    const n = typeof v === 'number' ? v : parseBytes(v);
    if (!(Number.isFinite(n) && n >= 0)) {
      ctx.addIssue({ code: 'custom', message: `expected a size in bytes or with a unit (8KB, 1.5MiB), got ${JSON.stringify(v)}` });
      return z.NEVER;
    }
    return n;
  }) as unknown as z.ZodType<number, number | string>;
}
