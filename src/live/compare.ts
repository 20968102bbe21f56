/**
 * `compare-live`: the same scenario simulated and measured, side by side.
 *
 * Both sides run the SAME time-scaled scenario (`scale.ts`) on the same seed, so the simulator
 * simulates exactly the requests the load generator sends (same arrival times, service demands and
 * keys: common random numbers, Law §11.2) — what remains between the two is what the simulator does
 * not model. The live run goes first and measures that remainder per request: end-to-end latency
 * minus the time the request spent in its backend (proxy, loopback hops, load-generator send lag,
 * CPU contention). The simulator then runs with its mean as `balancer.overhead` (the simulator's
 * per-request fixed overhead), and the plain simulation (no overhead) is shown too, so the effect of
 * that one modelled term is visible. Timer resolution (backends' achieved − requested service) and
 * CPU use are reported alongside.
 *
 * Agreement criteria (the targets `compare-live` reports against): per strategy |live − sim| / sim ≤ 15 % for p50 and ≤ 25 % for p99,
 * and the same ranking of strategies (by p99, as `lbsim run` ranks them). A p99 measured over a
 * window of tens of seconds is itself a random quantity, so the simulator also runs the same window
 * over {@link SPREAD_REPLICATIONS} independent seeds (the method of independent replications,
 * Law §9.4). From the per-seed p99s: the SPREAD of one window's p99, the half-width of the 95 %
 * prediction interval t(0.975, n−1)·s·√(1 + 1/n) (how far one window's p99 may fall from the
 * typical one), and for each pair of strategies whether ONE window determines their order — the
 * prediction interval of their per-seed p99 difference (same seed: common random numbers) excludes
 * 0. Two strategies whose order one window does not determine are statistically tied, and the
 * rankings are CONSISTENT when they differ only in the order of tied pairs.
 */
import { sampleStandardDeviation } from 'simple-statistics';
import type { LiveCheck, LiveCheckFigures, LiveCheckRow, ResultsFile, StrategyResult } from '../results/schema.js';
import { LIVE_CHECK_HEADERS, liveCheckCells, type LiveCheckFormats } from '../results/live-check-table.js';
import { tCritical95 } from '../results/stats.js';
import { runScenario } from '../sim/run.js';
import type { Scenario } from '../scenario/types.js';
import { fmt } from '../cli/table.js';
import { styles } from '../cli/output.js';
import { prepareLive, runLivePrepared, type LiveInfo, type LiveOptions } from './run.js';

/** Tolerances of the agreement check (relative). */
export const P50_TOLERANCE = 0.15;
/** See {@link P50_TOLERANCE}. */
export const P99_TOLERANCE = 0.25;
/** Independent simulated replications of the live window, for the p99 spread and the ties. */
export const SPREAD_REPLICATIONS = 10;

/** Options of {@link compareLive}. */
export interface CompareOptions extends LiveOptions {
  /** Overhead given to the simulator: `measured` (default), a number of ms, or `none`. */
  overhead?: 'measured' | 'none' | number;
}

/** One strategy compared: the row results files carry, with the figures behind it. */
export interface CompareRow extends LiveCheckRow {
  sim: Figures;
  live: Figures;
  /** The simulation without the overhead term. */
  plain: Figures;
}

/** Latency and backend figures of one side. */
export interface Figures extends LiveCheckFigures {
  shares: number[];
  completed: number;
}

/** The whole comparison. */
export interface Comparison {
  live: ResultsFile;
  sim: ResultsFile;
  plain: ResultsFile;
  scale: number;
  /** Overhead (ms) the simulator ran with. */
  overheadMs: number;
  rows: CompareRow[];
  /**
   * Rankings by p99, best first; `same` = identical order; `consistent` = identical up to the order
   * of pairs whose order one window of this length does not determine (`ties`, simulated).
   */
  ranking: { sim: string[]; live: string[]; same: boolean; consistent: boolean; ties: [string, string][] };
  /** All p50 and p99 within tolerance and consistent rankings. */
  agree: boolean;
  /** Numbers that explain the differences. */
  notes: string[];
}

function figures(r: StrategyResult): Figures {
  const u = r.backends.reduce((s, b) => s + b.utilization, 0) / Math.max(1, r.backends.length);
  return { p50: r.latency.p50, p99: r.latency.p99, mean: r.latency.mean, utilization: u, shares: r.backends.map((b) => b.share), completed: r.requests.completed };
}

const rel = (live: number, sim: number): number => (sim > 0 ? (live - sim) / sim : Number.NaN);

function meanOf(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

/** Half-width of the 95 % prediction interval of one more value: t(0.975, n−1)·s·√(1 + 1/n). */
export function predictionHalfWidth(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return Number.NaN;
  return tCritical95(n - 1) * sampleStandardDeviation(xs as number[]) * Math.sqrt(1 + 1 / n);
}

/** {@link predictionHalfWidth} relative to the mean; null with fewer than 2 values. */
function spreadOf(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = meanOf(xs);
  return m > 0 ? predictionHalfWidth(xs) / m : null;
}

/** Labels sorted by p99 (then mean), best first. */
export function rankByP99(results: readonly StrategyResult[]): string[] {
  return [...results].sort((a, b) => a.latency.p99 - b.latency.p99 || a.latency.mean - b.latency.mean).map((r) => r.strategy);
}

/**
 * Builds the rows, ranking and verdict from the results files.
 * @param spread the simulation of the same window over several seeds (p99 intervals), or null
 */
export function compareResults(live: ResultsFile, sim: ResultsFile, plain: ResultsFile, scale: number, overheadMs: number, spread: ResultsFile | null = null): Comparison {
  const perSeed = new Map<string, number[]>();
  for (const r of spread?.results ?? []) perSeed.set(r.strategy, (r.replications ?? []).map((x) => x.p99));
  const rows: CompareRow[] = live.results.map((l) => {
    const s = sim.results.find((x) => x.strategy === l.strategy);
    const p = plain.results.find((x) => x.strategy === l.strategy);
    if (!s || !p) throw new Error(`strategy ${l.strategy} missing from the simulation`);
    const L = figures(l);
    const S = figures(s);
    const diff = { p50: rel(L.p50, S.p50), p99: rel(L.p99, S.p99), mean: rel(L.mean, S.mean) };
    const shareDiff = Math.max(0, ...L.shares.map((x, i) => Math.abs(x - (S.shares[i] ?? 0))));
    return {
      strategy: l.strategy,
      sim: S,
      live: L,
      plain: figures(p),
      diff,
      shareDiff,
      p99spread: spreadOf(perSeed.get(l.strategy) ?? []),
      ok: { p50: Math.abs(diff.p50) <= P50_TOLERANCE, p99: Math.abs(diff.p99) <= P99_TOLERANCE },
    };
  });
  const rs = rankByP99(sim.results);
  const rl = rankByP99(live.results);
  const same = rs.length === rl.length && rs.every((x, i) => x === rl[i]);
  const undetermined = (a: string, b: string): boolean => {
    const x = perSeed.get(a) ?? [];
    const y = perSeed.get(b) ?? [];
    if (x.length < 2 || x.length !== y.length) return false;
    const d = x.map((v, k) => v - y[k]!);
    return Math.abs(meanOf(d)) <= predictionHalfWidth(d);
  };
  const ties: [string, string][] = [];
  let consistent = rs.length === rl.length;
  for (let i = 0; i < rs.length; i++) {
    for (let j = i + 1; j < rs.length; j++) {
      const a = rs[i]!;
      const b = rs[j]!; // a better than b in the simulation
      if (rl.indexOf(a) < rl.indexOf(b)) continue;
      if (undetermined(a, b)) ties.push([a, b]);
      else consistent = false;
    }
  }
  const info = (live.scenario as { live?: LiveInfo }).live;
  const comparison: Comparison = {
    live,
    sim,
    plain,
    scale,
    overheadMs,
    rows,
    ranking: { sim: rs, live: rl, same, consistent, ties },
    agree: consistent && rows.every((r) => r.ok.p50 && r.ok.p99),
    notes: info ? explain(info, rows, overheadMs) : [],
  };
  return comparison;
}

function pct(x: number): string {
  return Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : '-';
}

function cores(x: number): string {
  return Number.isFinite(x) ? x.toFixed(2) : '-';
}

function inlineNote(info: LiveInfo): string {
  const parts = [info.proxy === 'inline' ? 'proxy' : '', info.backends === 'inline' ? 'backends' : ''].filter((x) => x !== '');
  return parts.length > 0 ? ` (with the ${parts.join(' and ')})` : '';
}

function signed(x: number): string {
  return Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%` : '-';
}

/** The terminal's number formats for the table's cells. */
const TERMINAL: LiveCheckFormats = {
  ms: fmt,
  signed,
  percent: pct,
  spread: (x) => (x !== null ? `±${(x * 100).toFixed(0)}%` : '-'),
  points: (x) => `${(x * 100).toFixed(1)} pt`,
};

/** The numbers behind the differences (see the module header). */
function explain(info: LiveInfo, rows: readonly CompareRow[], overheadMs: number): string[] {
  const notes: string[] = [];
  const c = info.calibration;
  if (c) {
    notes.push(
      `proxy overhead at idle: zero-service request ${fmt(c.proxied.p50)} ms through the proxy vs ${fmt(c.direct.p50)} ms direct (p50) → ${fmt(c.proxyOverheadMs)} ms per request`,
    );
    notes.push(`timer resolution: setTimeout(2–20 ms) overshoot mean ${c.timerOvershoot.mean.toFixed(2)} ms, p50 ${c.timerOvershoot.p50.toFixed(2)} ms, max ${c.timerOvershoot.max.toFixed(2)} ms (libuv's millisecond clock)`);
  }
  for (const s of info.strategies) {
    const cpu = s.cpu;
    const parts = [
      `harness overhead mean ${fmt(s.overhead.mean)} ms, p99 ${fmt(s.overhead.p99)} ms`,
      `send lag mean ${fmt(s.sendLag.mean)} ms, p99 ${fmt(s.sendLag.p99)} ms`,
      `service error mean ${s.serviceError.mean.toFixed(2)} ms (|err| ${s.serviceError.meanAbs.toFixed(2)}, max ${fmt(s.serviceError.max)})`,
      `CPU: machine ${pct(cpu.machine)} busy over ${info.cpus} cores; ours in cores: load generator ${cores(cpu.loadgen)}${inlineNote(info)}, proxy ${cores(cpu.proxy)}, backends ${cores(cpu.backends)}; other processes ${cores(cpu.others)}`,
    ];
    const o = s.outcomes;
    if (o.refused + o.full + o.errors + o.transport > 0) parts.push(`non-2xx: refused ${o.refused}, backend full ${o.full}, errors ${o.errors}, transport ${o.transport}`);
    notes.push(`${s.strategy}: ${parts.join('; ')}`);
  }
  notes.push(`the simulator ran with balancer.overhead = ${fmt(overheadMs)} ms (the measured mean harness overhead); "sim w/o" is the plain simulation`);
  if (info.workers > 1) notes.push(`${info.workers} proxy workers balance independently: the simulator ran with balancers = ${info.workers} (random spread); "sim w/o" has neither`);
  for (const r of rows) {
    if (!r.ok.p50 || !r.ok.p99) {
      const s = info.strategies.find((x) => x.strategy === r.strategy);
      const why: string[] = [];
      if (s && s.overhead.p99 > 3 * Math.max(0.5, s.overhead.mean)) why.push(`the harness overhead has a tail (p99 ${fmt(s.overhead.p99)} ms vs mean ${fmt(s.overhead.mean)} ms), which a fixed overhead does not model`);
      if (s && s.cpu.others > 0.25) why.push(`other processes used ${cores(s.cpu.others)} cores meanwhile (CPU contention: send lag p99 ${fmt(s.sendLag.p99)} ms)`);
      else if (s && s.cpu.machine > 0.8) why.push(`the machine was ${pct(s.cpu.machine)} busy (CPU contention)`);
      if (info.workers > 1) why.push(`${info.workers} proxy workers each balance on their own view of the load`);
      if (s && Math.abs(s.serviceError.mean) > 0.05 * Math.max(1e-9, r.sim.p50)) why.push(`the backends' sleeps were off by ${s.serviceError.mean.toFixed(2)} ms on average`);
      if (r.p99spread !== null && Math.abs(r.diff.p99) <= r.p99spread) why.push(`the p99 difference is within one window's own spread (±${(r.p99spread * 100).toFixed(0)}%)`);
      if (r.live.completed < 2000) why.push(`only ${r.live.completed} requests were measured, so the p99 rests on ${Math.floor(r.live.completed / 100)} samples`);
      notes.push(`${r.strategy} outside tolerance (p50 ${signed(r.diff.p50)}, p99 ${signed(r.diff.p99)})${why.length > 0 ? `: ${why.join('; ')}` : ''}`);
    }
  }
  return notes;
}

/**
 * Runs `scenario` live, then simulated on the same time-scaled scenario (with the measured overhead
 * and without), and compares them.
 */
export async function compareLive(scenario: Scenario, o: CompareOptions = {}): Promise<Comparison> {
  const { scenario: sc, scale } = prepareLive(scenario, o);
  const live = await runLivePrepared(sc, scale, o);
  const info = (live.scenario as { live?: LiveInfo }).live;
  let overheadMs = 0;
  if (typeof o.overhead === 'number') overheadMs = o.overhead;
  else if (o.overhead !== 'none' && info && info.strategies.length > 0) {
    let n = 0;
    let sum = 0;
    for (const s of info.strategies) {
      n += s.overhead.n;
      sum += s.overhead.mean * s.overhead.n;
    }
    overheadMs = n > 0 ? sum / n : 0;
  }
  const simSc: Scenario = { ...sc, balancer: { ...sc.balancer, overheadMs: sc.balancer.overheadMs + overheadMs } };
  // N proxy worker processes are N balancers, each with its own state (node's cluster hands each
  // connection to a worker; requests follow whichever keep-alive connection is free: random spread)
  const workers = info?.workers ?? 1;
  if (workers > 1 && sc.balancers === undefined) simSc.balancers = { count: workers, spread: 'random' };
  const sim = runScenario(simSc);
  const plain = runScenario(sc);
  const spread = runScenario({ ...simSc, replications: SPREAD_REPLICATIONS });
  return compareResults(live, sim, plain, scale, overheadMs, spread);
}

/** The comparison as results files carry it for the report (`side`: the file it goes into). */
export function liveCheckOf(c: Comparison, side: 'sim' | 'live'): LiveCheck {
  const four = (f: Figures) => ({ p50: f.p50, p99: f.p99, mean: f.mean, utilization: f.utilization });
  return {
    side,
    scale: c.scale,
    overheadMs: c.overheadMs,
    tolerance: { p50: P50_TOLERANCE, p99: P99_TOLERANCE },
    rows: c.rows.map((r) => ({ strategy: r.strategy, sim: four(r.sim), live: four(r.live), diff: { ...r.diff }, shareDiff: r.shareDiff, p99spread: r.p99spread, ok: { ...r.ok } })),
    ranking: { sim: [...c.ranking.sim], live: [...c.ranking.live], same: c.ranking.same, consistent: c.ranking.consistent },
    agree: c.agree,
    notes: [...c.notes],
  };
}

/** The comparison as a text table plus the explanatory notes. */
export function renderComparison(c: Comparison, color = false): string {
  const st = styles(color);
  const head = [...LIVE_CHECK_HEADERS, 'p50/p99 sim w/o'];
  const rows = c.rows.map((r) => [...liveCheckCells(r, TERMINAL), `${fmt(r.plain.p50)}/${fmt(r.plain.p99)}`]);
  const widths = head.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (cells: string[]): string => cells.map((s, k) => (k === 0 ? s.padEnd(widths[k]!) : s.padStart(widths[k]!))).join('  ');
  const out: string[] = [st.bold(line(head))];
  c.rows.forEach((r, i) => {
    const text = line(rows[i]!);
    out.push(r.ok.p50 && r.ok.p99 ? text : st.yellow(text));
  });
  out.push('');
  out.push(`ranking by p99, simulated: ${c.ranking.sim.join(' < ')}`);
  const tieText = c.ranking.ties.map(([a, b]) => `${a} ~ ${b}`).join(', ');
  out.push(
    `ranking by p99, measured:  ${c.ranking.live.join(' < ')}` +
      (c.ranking.same ? '  (same)' : c.ranking.consistent ? `  (same up to statistical ties: ${tieText})` : st.yellow('  (differs)')),
  );
  out.push(
    c.agree
      ? st.green(`agreement: every p50 within ${P50_TOLERANCE * 100}% and p99 within ${P99_TOLERANCE * 100}%, ${c.ranking.same ? 'same ranking' : 'consistent ranking'}`)
      : st.yellow(`agreement: NOT within p50 ±${P50_TOLERANCE * 100}% / p99 ±${P99_TOLERANCE * 100}% / consistent ranking (see the notes)`),
  );
  if (c.rows.some((r) => r.p99spread !== null)) {
    out.push(`p99 spread: how far one window of this length may put p99 from its typical value (95% prediction interval over ${SPREAD_REPLICATIONS} simulated seeds)`);
  }
  out.push(`time scale ×${c.scale}: every service, think and network time ×${c.scale}, every rate ÷${c.scale} (latencies in scaled ms)`);
  out.push('');
  for (const n of c.notes) out.push(`- ${n}`);
  return out.join('\n');
}
