/**
 * The fitted model checked against the log it came from: the written scenario is run (one
 * replication, its own seed) under the strategy the config uses — the first in `strategies` — and
 * the simulated p50, p90, p99 and per-server shares are set beside the log's. Verdict: the model
 * AGREES when p50 is within 15 %, p90 within 20 %, p99 within 25 % and every share within 5
 * percentage points; otherwise it DISAGREES, and the explanation names the likely reasons from what
 * the import knows (demand not de-queued, de-queued at high load, a short log, retries or errors in
 * the log, proxy-side queueing, arrivals that are not Poisson).
 *
 * A model with more than {@link MAX_CHECK_REQUESTS} expected requests is checked on its first
 * part only (said so), to keep the import quick.
 */
import { parseDocument, parseScenario } from '../../scenario/index.js';
import { simulate } from '../../sim/run.js';
import { WorkloadModel } from '../../sim/model/workload.js';
import type { LogModel } from './model.js';

/** Most simulated requests in the check. */
export const MAX_CHECK_REQUESTS = 2_000_000;

/** One figure, observed and simulated. */
export interface CheckRow {
  what: string;
  observed: number;
  simulated: number;
  /** Relative difference (latency) or difference in points (shares). */
  delta: number;
  unit: 'ms' | 'share';
}

/** The comparison. */
export interface LogCheck {
  strategy: string;
  seed: number;
  /** Simulated measured duration (ms). */
  durationMs: number;
  truncated: boolean;
  rows: CheckRow[];
  agrees: boolean;
  verdict: string;
}

/** Tolerances of the verdict. */
export const CHECK_TOLERANCE = { p50: 0.15, p90: 0.2, p99: 0.25, sharePoints: 0.05 };

/** Runs the written scenario and compares it with the log (see the module header). */
export function checkAgainstLog(text: string, file: string, model: LogModel): LogCheck {
  const doc = parseDocument(text, file) as Record<string, unknown>;
  const expected = model.arrivals.meanRate * (model.spanMs / 1000);
  let truncated = false;
  if (expected > MAX_CHECK_REQUESTS) {
    doc.duration = `${Math.max(10, Math.floor((MAX_CHECK_REQUESTS / model.arrivals.meanRate))).toString()}s`;
    truncated = true;
  }
  const scenario = parseScenario(doc, file);
  const choice = scenario.strategies[0]!;
  const summary = simulate(new WorkloadModel(scenario), choice, scenario.seed);
  const o = model.observed;
  const rows: CheckRow[] = [];
  const lat = (what: 'p50' | 'p90' | 'p99') => {
    const sim = summary.latency[what];
    rows.push({ what, observed: o[what], simulated: sim, delta: sim / o[what] - 1, unit: 'ms' });
  };
  lat('p50');
  lat('p90');
  lat('p99');
  const simShares = new Map<string, number>();
  for (const b of summary.backends) {
    const g = scenario.backends.find((x) => x.name !== null && (b.id === x.name || b.id.startsWith(`${x.name}-`)));
    const key = g?.name ?? b.id;
    simShares.set(key, (simShares.get(key) ?? 0) + b.share);
  }
  for (const [group, share] of Object.entries(o.shares)) {
    const sim = simShares.get(group) ?? 0;
    rows.push({ what: `share ${group}`, observed: share, simulated: sim, delta: sim - share, unit: 'share' });
  }
  const tol: Record<string, number> = { p50: CHECK_TOLERANCE.p50, p90: CHECK_TOLERANCE.p90, p99: CHECK_TOLERANCE.p99 };
  const bad = rows.filter((r) => (r.unit === 'ms' ? !(Math.abs(r.delta) <= tol[r.what]!) : !(Math.abs(r.delta) <= CHECK_TOLERANCE.sharePoints)));
  const agrees = bad.length === 0;
  const durationMs = scenario.durationMs;
  let verdict: string;
  if (agrees) {
    verdict = `agrees: simulated p50/p90/p99 within ${pct(CHECK_TOLERANCE.p50)}/${pct(CHECK_TOLERANCE.p90)}/${pct(CHECK_TOLERANCE.p99)} of the log and every share within ${CHECK_TOLERANCE.sharePoints * 100} points`;
  } else {
    const reasons: string[] = [];
    if (model.dequeue.some((d) => d.startsWith('not de-queued'))) reasons.push('service demand was not de-queued (response times include queueing, so demand is over-estimated)');
    else if (model.dequeue.some((d) => d.startsWith('de-queued'))) reasons.push('demand was de-queued by low-concurrency selection, which assumes FIFO workers; a server that slows down under load is not captured');
    if (model.spanMs < 10 * 60_000) reasons.push(`the log is short (${(model.spanMs / 1000).toFixed(0)} s): its p99 rests on few requests`);
    if (model.retries.fraction > 0.01) reasons.push(`${(model.retries.fraction * 100).toFixed(1)} % of requests were retried in the log`);
    if (model.servers.some((s) => s.errors && s.errors.fraction > 0.01)) reasons.push('servers answered errors, modelled as a random fraction');
    if (!model.arrivals.poisson && model.arrivals.use === 'schedule') reasons.push('arrivals are burstier than the Poisson schedule (replay the log with arrival: trace)');
    if (truncated) reasons.push('the check simulated only the first part of the log');
    verdict = `DISAGREES on ${bad.map((r) => r.what).join(', ')}${reasons.length ? `; likely: ${reasons.join('; ')}` : ''}`;
  }
  return { strategy: choice.label, seed: scenario.seed, durationMs, truncated, rows, agrees, verdict };
}

function pct(x: number): string {
  return `${Math.round(x * 100)} %`;
}

/** The comparison as aligned text lines (for the terminal and the scenario header). */
export function formatCheck(c: LogCheck): string[] {
  const lines = [`checked against the log: ${c.strategy}, seed ${c.seed}, ${(c.durationMs / 1000).toFixed(0)} s simulated${c.truncated ? ' (first part of the log)' : ''}`];
  lines.push(`  ${'figure'.padEnd(28)}${'observed'.padStart(10)}${'simulated'.padStart(11)}${'Δ'.padStart(9)}`);
  for (const r of c.rows) {
    const f = (x: number) => (r.unit === 'ms' ? `${fmtMs(x)}` : `${(x * 100).toFixed(1)} %`);
    const d = r.unit === 'ms' ? `${r.delta >= 0 ? '+' : ''}${(r.delta * 100).toFixed(1)} %` : `${r.delta >= 0 ? '+' : ''}${(r.delta * 100).toFixed(1)} pt`;
    lines.push(`  ${r.what.padEnd(28)}${f(r.observed).padStart(10)}${f(r.simulated).padStart(11)}${d.padStart(9)}`);
  }
  lines.push(`  verdict: ${c.verdict}`);
  return lines;
}

function fmtMs(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  return x >= 100 ? `${x.toFixed(0)} ms` : x >= 10 ? `${x.toFixed(1)} ms` : `${x.toFixed(2)} ms`;
}
