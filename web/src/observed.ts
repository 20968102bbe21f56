/**
 * "Checked against the access log": for a scenario fitted from a log (`lbsim import --log`, whose
 * `scenario.observed` holds the log's latency percentiles and per-server shares), every strategy's
 * simulated p50/p90/p99 beside the log's, and the shares of the strategy the config uses beside the
 * log's. Pure transforms (no DOM), unit-tested.
 */
import { fmtMs, fmtPct } from './format.js';
import type { ResultsFile, StrategyResult } from './types.js';

/** The `observed` section of a results file's scenario, when there is one. */
export interface Observed {
  source: string;
  what: string;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  shares: Record<string, number>;
  strategy?: string;
  verdict?: string;
}

/** Reads `scenario.observed` defensively (results files are user input). */
export function observedOf(file: ResultsFile): Observed | undefined {
  const o = (file.scenario as Record<string, unknown>)['observed'];
  if (o === null || typeof o !== 'object') return undefined;
  const r = o as Record<string, unknown>;
  const num = (k: string) => (typeof r[k] === 'number' ? (r[k] as number) : NaN);
  if (typeof r['source'] !== 'string' || !Number.isFinite(num('p50Ms'))) return undefined;
  const shares: Record<string, number> = {};
  if (r['shares'] && typeof r['shares'] === 'object') {
    for (const [k, v] of Object.entries(r['shares'] as Record<string, unknown>)) if (typeof v === 'number') shares[k] = v;
  }
  return {
    source: r['source'],
    what: typeof r['what'] === 'string' ? r['what'] : 'response time',
    p50Ms: num('p50Ms'),
    p90Ms: num('p90Ms'),
    p99Ms: num('p99Ms'),
    shares,
    ...(typeof r['strategy'] === 'string' ? { strategy: r['strategy'] } : {}),
    ...(typeof r['verdict'] === 'string' ? { verdict: r['verdict'] } : {}),
  };
}

function delta(sim: number, obs: number): string {
  const d = sim / obs - 1;
  return Number.isFinite(d) ? `${d >= 0 ? '+' : ''}${(d * 100).toFixed(1)} %` : '–';
}

/** Table rows: the log, then each strategy with its differences from the log. */
export function observedTable(o: Observed, results: readonly StrategyResult[]): { headers: string[]; rows: string[][] } {
  const headers = ['', 'p50', 'p90', 'p99'];
  const rows = [[`access log (${o.source})`, fmtMs(o.p50Ms), fmtMs(o.p90Ms), fmtMs(o.p99Ms)]];
  for (const r of results) {
    const l = r.latency;
    rows.push([
      r.strategy + (r.strategy === o.strategy ? ' (the config’s)' : ''),
      `${fmtMs(l.p50)} (${delta(l.p50, o.p50Ms)})`,
      `${fmtMs(l.p90)} (${delta(l.p90, o.p90Ms)})`,
      `${fmtMs(l.p99)} (${delta(l.p99, o.p99Ms)})`,
    ]);
  }
  return { headers, rows };
}

/** Share rows for the config's strategy: backend group, log share, simulated share. */
export function shareTable(o: Observed, results: readonly StrategyResult[]): string[][] {
  const r = results.find((x) => x.strategy === o.strategy);
  if (!r) return [];
  return Object.entries(o.shares).map(([group, share]) => {
    const sim = r.backends.filter((b) => b.id === group || b.id.startsWith(`${group}-`)).reduce((a, b) => a + b.share, 0);
    return [group, fmtPct(share), fmtPct(sim)];
  });
}
