/**
 * "Simulated versus measured" for the two files `lbsim compare-live` writes (each carries the
 * comparison in `liveCheck`, `src/live/compare.ts`): per strategy the simulated and the measured
 * p50, p99 and mean side by side with the relative differences the terminal prints, utilization,
 * the largest share difference, and whether each is within tolerance; the time scale both ran at.
 * Pure transforms (no DOM), unit-tested.
 */
import { LIVE_CHECK_HEADERS, liveCheckCells, type LiveCheckFormats } from '../../src/results/live-check-table.js';
import { fmtMs } from './format.js';
import type { LiveCheck, LiveCheckRow, ResultsFile } from './types.js';

const num = (v: unknown): v is number => typeof v === 'number';

/** The file's `liveCheck`, when it has a usable one (results files are user input). */
export function liveCheckOf(file: ResultsFile): LiveCheck | undefined {
  const c = (file as { liveCheck?: unknown }).liveCheck;
  if (c === null || typeof c !== 'object') return undefined;
  const l = c as Partial<LiveCheck>;
  if (!num(l.scale) || !Array.isArray(l.rows) || (l.side !== 'sim' && l.side !== 'live')) return undefined;
  const rowOk = (r: unknown): boolean => {
    const x = r as LiveCheckRow | null;
    return x !== null && typeof x === 'object' && typeof x.strategy === 'string' && [x.sim, x.live].every((f) => f && num(f.p50) && num(f.p99) && num(f.mean));
  };
  return l.rows.every(rowOk) ? (l as LiveCheck) : undefined;
}

/** `+12 %`, `−3.4 %`, `–` for a relative difference. */
export function signedPct(x: number): string {
  if (!Number.isFinite(x)) return '–';
  const p = x * 100;
  const a = Math.abs(p);
  return `${p < 0 ? '−' : '+'}${a >= 10 ? a.toFixed(0) : a.toFixed(1)} %`;
}

/** The time scale as a sentence. */
export function scaleText(c: LiveCheck): string {
  return c.scale === 1
    ? 'Both ran at time scale ×1 (real time).'
    : `Both ran at time scale ×${c.scale}: every service, think and network time ×${c.scale} and every rate ÷${c.scale}, so the proxy's own cost stays small beside the work; latencies are in scaled ms.`;
}

/** The page's number formats for the table's cells (a dash for what a file lacks). */
const PAGE: LiveCheckFormats = {
  ms: fmtMs,
  signed: signedPct,
  percent: (x) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)} %` : '–'),
  spread: (x) => (x !== null && num(x) ? `±${(x * 100).toFixed(0)} %` : '–'),
  points: (x) => (num(x) ? `${(x * 100).toFixed(1)} pt` : '–'),
};

/** The table's headers and rows; `bad[i]` marks a row outside the tolerances. */
export function liveCheckTable(c: LiveCheck): { headers: string[]; rows: string[][]; bad: boolean[] } {
  const rows = c.rows.map((r) => liveCheckCells(r, PAGE));
  return { headers: [...LIVE_CHECK_HEADERS], rows, bad: c.rows.map((r) => !(r.ok?.p50 && r.ok?.p99)) };
}

/** The ranking and agreement lines under the table. */
export function liveCheckSummary(c: LiveCheck): string[] {
  const tol = `p50 within ±${Math.round(c.tolerance.p50 * 100)} % and p99 within ±${Math.round(c.tolerance.p99 * 100)} %`;
  return [
    `Ranking by p99, simulated: ${c.ranking.sim.join(' < ')}.`,
    `Ranking by p99, measured: ${c.ranking.live.join(' < ')}${c.ranking.same ? ' (the same).' : c.ranking.consistent ? ' (the same up to statistical ties).' : ' (differs).'}`,
    c.agree ? `Agreement: every ${tol}, ${c.ranking.same ? 'same' : 'consistent'} ranking.` : `Agreement: NOT every ${tol} with a consistent ranking; see the notes.`,
  ];
}

/** How the file picker names a compare-live file: which side, and the scale. */
export function liveCheckLabel(c: LiveCheck): string {
  return `${c.side === 'sim' ? 'simulated' : 'measured live'} (×${c.scale} time scale)`;
}
