/**
 * "What changed when I added a backend": the previous run beside the new one. Lists the scenario
 * fields that differ (compared in written form: `backends[0].count: 10 → 11`) and, per strategy in
 * both runs, p99, mean, throughput and lost requests before and after with the relative change.
 */
import type { ResultsFile, StrategyResult } from '../../../src/results/schema.js';
import { denormalize } from '../../../src/scenario/denormalize.js';
import type { Scenario } from '../../../src/scenario/types.js';
import { fmtMs, fmtRate } from '../../src/format.js';

/** One changed field. */
export interface Change {
  path: string;
  before: string;
  after: string;
}

function compact(v: unknown): string {
  if (v === undefined) return '(none)';
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function written(file: ResultsFile): unknown {
  try {
    return denormalize(file.scenario as unknown as Scenario);
  } catch {
    return file.scenario;
  }
}

function diff(a: unknown, b: unknown, path: string, out: Change[]): void {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  const bothObjects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object';
  if (bothObjects && Array.isArray(a) === Array.isArray(b)) {
    if (Array.isArray(a) && Array.isArray(b) && a.length !== b.length && a.every((x) => typeof x !== 'object')) {
      out.push({ path, before: compact(a), after: compact(b) });
      return;
    }
    const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])];
    for (const k of keys) {
      const sub = Array.isArray(a) ? `${path}[${k}]` : path === '' ? k : `${path}.${k}`;
      diff((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], sub, out);
    }
    return;
  }
  out.push({ path, before: compact(a), after: compact(b) });
}

/** Fields of the scenario that differ between two runs (in written form). */
export function scenarioChanges(previous: ResultsFile, current: ResultsFile): Change[] {
  const out: Change[] = [];
  diff(written(previous), written(current), '', out);
  return out;
}

/** One strategy in both runs. */
export interface CompareRow {
  strategy: string;
  p99: [number, number];
  mean: [number, number];
  throughput: [number, number];
  lost: [number, number];
}

const lost = (r: StrategyResult): number => r.requests.failed + r.requests.rejected;

/** Strategies in both runs (in this run's order), and those in only one of them. */
export function compareRuns(previous: ResultsFile, current: ResultsFile): { rows: CompareRow[]; onlyBefore: string[]; onlyNow: string[] } {
  const before = new Map(previous.results.map((r) => [r.strategy, r]));
  const now = new Set(current.results.map((r) => r.strategy));
  const rows: CompareRow[] = [];
  for (const r of current.results) {
    const p = before.get(r.strategy);
    if (!p) continue;
    rows.push({
      strategy: r.strategy,
      p99: [p.latency.p99, r.latency.p99],
      mean: [p.latency.mean, r.latency.mean],
      throughput: [p.throughput, r.throughput],
      lost: [lost(p), lost(r)],
    });
  }
  return {
    rows,
    onlyBefore: previous.results.map((r) => r.strategy).filter((s) => !now.has(s)),
    onlyNow: current.results.map((r) => r.strategy).filter((s) => !before.has(s)),
  };
}

/** `before → after (±x %)`. */
export function change(before: number, after: number, fmt: (x: number) => string): string {
  const rel = before !== 0 && Number.isFinite(before) ? ((after - before) / Math.abs(before)) * 100 : NaN;
  const pct = Number.isFinite(rel) ? ` (${rel >= 0 ? '+' : '−'}${Math.abs(rel) >= 10 ? Math.abs(rel).toFixed(0) : Math.abs(rel).toFixed(1)} %)` : '';
  return `${fmt(before)} → ${fmt(after)}${pct}`;
}

/** Formatters of the table's columns. */
export const COMPARE_FORMATS = { ms: fmtMs, rate: fmtRate, count: (n: number) => String(Math.round(n)) };
