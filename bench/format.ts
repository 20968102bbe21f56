/**
 * Plain-text tables and target lines for the benchmark output (fixed-width columns, no colours, so
 * the text can be pasted into the README as is).
 */

/** One benchmark target: what was measured against what limit, and whether it holds. */
export interface Target {
  /** What the target is about, e.g. `pick p2c @100`. */
  name: string;
  /** The measured figure, formatted. */
  measured: string;
  /** The limit, formatted, e.g. `≤ 150 ns, 0 B`. */
  limit: string;
  /** true = PASS, false = FAIL, null = could not be measured in this run (SKIP). */
  pass: boolean | null;
  /** Why it was skipped or any caveat. */
  note?: string;
}

/** Renders rows as a fixed-width table; numeric-looking cells are right-aligned. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const width = headers.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const numeric = headers.map((_, c) => rows.length > 0 && rows.every((r) => /^[-+]?[\d.,]+\s*[a-zµ%x/]*$|^[-–]$|^$/i.test(r[c] ?? '')));
  const line = (cells: readonly string[]): string =>
    cells
      .map((s, c) => (numeric[c] ? s.padStart(width[c]!) : s.padEnd(width[c]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), width.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Renders target lines: `PASS  name: measured (limit)`. */
export function renderTargets(targets: readonly Target[]): string {
  return targets
    .map((t) => {
      const tag = t.pass === null ? 'SKIP' : t.pass ? 'PASS' : 'FAIL';
      return `${tag}  ${t.name}: ${t.measured} (target ${t.limit})${t.note ? ` — ${t.note}` : ''}`;
    })
    .join('\n');
}

/** Nanoseconds with a sensible precision (`87.3 ns`, `1.24 µs`). */
export function fmtNs(ns: number): string {
  if (!Number.isFinite(ns)) return '–';
  if (ns < 1000) return `${ns.toFixed(ns < 100 ? 1 : 0)} ns`;
  if (ns < 1e6) return `${(ns / 1000).toFixed(2)} µs`;
  return `${(ns / 1e6).toFixed(2)} ms`;
}

/** Bytes per operation (`0 B`, `0.03 B`, `48 B`). */
export function fmtBytesPerOp(b: number): string {
  if (!Number.isFinite(b)) return '–';
  if (b < 0.005) return '0 B';
  return `${b < 10 ? b.toFixed(2) : b.toFixed(0)} B`;
}

/** A size in MB with one decimal. */
export function fmtMB(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1048576).toFixed(1)} MB` : '–';
}

/** A rate with thousands separators (`123,456/s`). */
export function fmtRate(perSec: number): string {
  return Number.isFinite(perSec) ? `${Math.round(perSec).toLocaleString('en-US')}/s` : '–';
}

/** Milliseconds with two decimals. */
export function fmtMs(ms: number): string {
  return Number.isFinite(ms) ? `${ms.toFixed(2)} ms` : '–';
}

/** A ratio (`1.83x`), or `–`. */
export function fmtRatio(r: number): string {
  return Number.isFinite(r) ? `${r.toFixed(2)}x` : '–';
}

/** The informative part of a child's error output, on one line (the first `Error…`/`lbsim:`/`[ALERT]` line, else the start). */
export function brief(msg: string, max = 160): string {
  const lines = msg.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const key = lines.find((l) => /^(\w*Error\b|lbsim:|\[ALERT\]|nginx: \[emerg\])/.test(l)) ?? lines[0] ?? '';
  const head = lines[0] !== undefined && lines[0] !== key ? `${lines[0].split(':')[0]}: ` : '';
  const s = `${head}${key}`.replace(/\s+/g, ' ');
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
