/**
 * Number formatting shared by the header, the verdict, the table and the tooltips, so the same
 * figure reads the same everywhere on the page.
 */

/** Milliseconds: 2 decimals below 10, 1 decimal below 1000, none above (e.g. `4.25`, `231.7`, `1760`). */
export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  const a = Math.abs(ms);
  if (a >= 1000) return ms.toFixed(0);
  if (a >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

/** A fraction 0..1 as a percentage with one decimal (e.g. `0.893` → `89.3 %`). */
export function fmtPct(fraction: number): string {
  return `${(fraction * 100).toFixed(1)} %`;
}

/** A relative difference in percent, 0 decimals from 10 up (e.g. `30 %`, `4.2 %`). */
export function fmtRel(percent: number): string {
  const a = Math.abs(percent);
  return `${a >= 10 ? a.toFixed(0) : a.toFixed(1)} %`;
}

/** Requests per second with one decimal. */
export function fmtRate(rps: number): string {
  return rps.toFixed(1);
}

/** A count as a plain integer (no separators, like the CLI table). */
export function fmtCount(n: number): string {
  return Math.round(n).toString();
}

/**
 * A count that may be a mean over replications: integers as they are, others with enough digits
 * that a mean of 0.2 never reads as 0 (`0.2`, `3.4`, `1234.6`).
 */
export function fmtMeanCount(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(1) : String(Number(n.toPrecision(2)));
}

/** Jain's fairness index with three decimals. */
export function fmtFairness(f: number): string {
  return f.toFixed(3);
}

/** A value for tooltips: exact up to 6 significant digits, no trailing zeros. */
export function fmtExact(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(6))) : String(v);
}

/**
 * Availability (a fraction 0..1) as a percentage with enough decimals to see how far below 100 % it
 * is, rounded down so a loss never reads as 100 % (e.g. `0.9998704` → `99.987 %`, `0.95` → `95.0 %`).
 */
export function fmtAvailability(a: number): string {
  if (!Number.isFinite(a)) return '–';
  if (a >= 1) return '100 %';
  const gap = 100 * (1 - a);
  const d = Math.min(4, Math.max(1, Math.ceil(-Math.log10(gap)) + 1));
  const f = 10 ** d;
  return `${(Math.floor(a * 100 * f + 1e-6) / f).toFixed(d)} %`;
}
