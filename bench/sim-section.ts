/**
 * The simulator-speed section of the runner: runs the measurements of `sim.ts`
 * each in a fresh node process (`--child`, JSON on stdout: one strategy's JIT state never leaks
 * into another's figures, nor the pick section's into these), then builds the section's tables and
 * targets:
 *
 *  - throughput: the bare M/M/1 loop; p2c on the homogeneous scenario (10 backends); least-
 *    connections at 1,000 backends; every strategy at once through `runScenario`;
 *  - the scaling curve: p2c, least-connections and round-robin (the O(1) floor) at 10 → 10,000
 *    backends (quick: → 1,000), same per-backend load: ns per simulated request beside the
 *    strategy's own pick cost measured in the same process (at the simulator's load, judged, and
 *    with the pick benchmark's workload, shown; the pick section's figure too when it ran);
 *  - targets: the simulator within 3x of the bare loop (time per request, p2c at 10 backends), and
 *    "cost per request grows no faster than the pick cost" ({@link growthCheck}).
 */
import { fmtNs, fmtRatio, renderTable, type Target } from './format.js';
import type { PickRow } from './pick.js';
import { runNodeJson } from './proc.js';
import { basisOf, bestMs } from './timing.js';
import { simPlan, type CurvePoint, type Mm1Result, type SimPlan, type SpeedPoint } from './sim.js';

/** The bare-loop target: engine time per request ≤ this × the bare loop's. */
export const BARE_RATIO_LIMIT = 3;
/**
 * Processes of the bare-loop comparison: the ratio moves by ±5 % from one node process to the
 * next (the JIT's inlining decisions differ run to run), so it is measured in several and the
 * median reported, with every process's figure beside it.
 */
export const MM1_PROCESSES = 3;
/** Growth criterion: the simulator may grow by this factor × the pick cost's growth … */
export const GROWTH_FACTOR = 1.5;
/** … plus a fixed allowance for timing noise on a shared machine (ns per request) … */
export const SLACK_FIXED_NS = 100;
/**
 * … plus this many ns per doubling of the backends: the simulator's own O(log n) — its event heap
 * holds about one pending completion per busy backend, so each doubling adds a level to the two
 * heap removals per request (and its per-backend state outgrows the caches).
 */
export const SLACK_PER_DOUBLING_NS = 25;

/** The growth check at one size of one strategy's curve. */
export interface GrowthPoint {
  strategy: string;
  backends: number;
  /** Simulator ns per request here minus at the smallest size. */
  simGrowthNs: number;
  /** Pick ns at the simulator's load (`pickLoadedNs`) here minus at the smallest size: the judged one. */
  pickGrowthNs: number;
  /** {@link GROWTH_FACTOR} × max(0, pick growth) + slack. */
  allowedNs: number;
  holds: boolean;
  /** The same check against the pick benchmark's workload (`pickNs`): shown, not judged. */
  bench: { pickGrowthNs: number; allowedNs: number; holds: boolean };
}

/** The simulator-speed section's result. */
export interface SimSpeedSection {
  plan: SimPlan;
  /** Requests of the bare-loop comparison. */
  requests: number;
  /** Engine ÷ bare loop, time per request on the reported basis (best rounds). */
  ratio: number;
  /** The same ratio on wall time. */
  ratioWall: number;
  /** The time basis of the per-request figures: main-thread CPU time, or wall where unavailable. */
  basis: 'thread cpu' | 'wall';
  /** The bare-loop comparison whose ratio is the median of {@link mm1Runs}. */
  mm1: Mm1Result;
  /** Every process's bare-loop comparison, in run order. */
  mm1Runs: Mm1Result[];
  /** Every strategy at once (`runScenario`, 10 backends). */
  all: SpeedPoint & { strategies: number };
  /** The scaling curve, every strategy's points in size order. */
  curve: CurvePoint[];
  growth: GrowthPoint[];
  /** The section's printed text. */
  table: string;
  targets: Target[];
}

/** Slack of the growth criterion from `base` to `backends` backends, ns per request. */
export function growthSlackNs(base: number, backends: number): number {
  return SLACK_FIXED_NS + SLACK_PER_DOUBLING_NS * Math.max(0, Math.log2(backends / base));
}

/**
 * "Cost per request grows no faster than the pick cost": at every size N of a strategy's curve,
 * (sim ns/request at N − at the smallest size) ≤ {@link GROWTH_FACTOR} × max(0, pick ns at N − at the
 * smallest size) + {@link growthSlackNs}. A pick cost that shrinks (noise, caches) counts as no
 * growth. Judged with the pick cost at the simulator's load (80 % of the backends busy, weight 1:
 * the state the simulator's picks actually see); the same check with the pick benchmark's workload
 * (a lease on every backend, weights 1–4) is computed beside it. The two differ for strategies
 * whose pick depends on the load pattern: least-connections walks the tied idle backends in a
 * second pass, which the pick benchmark's workload (no idle backend) never does.
 */
export function growthCheck(points: readonly CurvePoint[]): GrowthPoint[] {
  const out: GrowthPoint[] = [];
  for (const strategy of [...new Set(points.map((p) => p.strategy ?? ''))]) {
    const mine = points.filter((p) => p.strategy === strategy).sort((a, b) => a.backends - b.backends);
    const base = mine[0];
    if (!base) continue;
    for (const p of mine.slice(1)) {
      const slack = growthSlackNs(base.backends, p.backends);
      const simGrowthNs = p.nsPerRequest - base.nsPerRequest;
      const pickGrowthNs = p.pickLoadedNs - base.pickLoadedNs;
      const allowedNs = GROWTH_FACTOR * Math.max(0, pickGrowthNs) + slack;
      const benchGrowth = p.pickNs - base.pickNs;
      const benchAllowed = GROWTH_FACTOR * Math.max(0, benchGrowth) + slack;
      out.push({
        strategy,
        backends: p.backends,
        simGrowthNs,
        pickGrowthNs,
        allowedNs,
        holds: simGrowthNs <= allowedNs,
        bench: { pickGrowthNs: benchGrowth, allowedNs: benchAllowed, holds: simGrowthNs <= benchAllowed },
      });
    }
  }
  return out;
}

/** Millions per second with two decimals (`2.27M/s`). */
function fmtM(perSec: number): string {
  return Number.isFinite(perSec) ? `${(perSec / 1e6).toFixed(2)}M/s` : '–';
}

/** ns per request on the reported basis (`bestMs`: main-thread CPU time when measured, else wall). */
function nsPerRequest(p: SpeedPoint): number {
  return (bestMs(p) * 1e6) / p.requests;
}

function wallNsPerRequest(p: SpeedPoint): number {
  return (p.wallMs * 1e6) / p.requests;
}

/**
 * The throughput table: one row per measurement (best rounds), rates and time per request on the
 * reported basis (`bestMs`), and time per request relative to the bare loop.
 */
export function renderThroughputTable(rows: readonly SpeedPoint[], bare: SpeedPoint): string {
  const bareNs = nsPerRequest(bare);
  const fmtMsOrDash = (ms: number | null): string => (ms !== null && Number.isFinite(ms) ? ms.toFixed(1) : '–');
  return renderTable(
    ['run', 'backends', 'requests', 'wall ms', 'thread ms', 'cpu ms', 'requests/s', 'events/s', 'ns/request', 'vs bare'],
    rows.map((r) => [
      r.label,
      r.backends.toLocaleString('en-US'),
      r.requests.toLocaleString('en-US'),
      fmtMsOrDash(r.wallMs),
      fmtMsOrDash(r.threadMs),
      fmtMsOrDash(r.cpuMs),
      fmtM((r.requests / bestMs(r)) * 1000),
      fmtM((r.events / bestMs(r)) * 1000),
      fmtNs(nsPerRequest(r)),
      r === bare ? '1.00x' : fmtRatio(nsPerRequest(r) / bareNs),
    ]),
  );
}

/** The scaling-curve table, with the growth check per row and the pick section's figure when it ran. */
export function renderCurveTable(curve: readonly CurvePoint[], growth: readonly GrowthPoint[], pick?: readonly PickRow[]): string {
  const withPick = pick !== undefined && pick.length > 0;
  const headers = [
    'strategy',
    'backends',
    'requests',
    'sim ns/req',
    'pick @80%',
    'pick wl',
    ...(withPick ? ['pick §'] : []),
    'Δ sim',
    'Δ pick @80%',
    'allowed Δ sim',
    'holds',
    'holds (pick wl)',
  ];
  const rows = curve.map((p) => {
    const g = growth.find((x) => x.strategy === p.strategy && x.backends === p.backends);
    const ps = pick?.find((r) => r.strategy === p.strategy && r.backends === p.backends);
    return [
      p.strategy ?? '',
      p.backends.toLocaleString('en-US'),
      p.requests.toLocaleString('en-US'),
      fmtNs(p.nsPerRequest),
      fmtNs(p.pickLoadedNs),
      fmtNs(p.pickNs),
      ...(withPick ? [ps ? fmtNs(ps.ns) : '–'] : []),
      g ? signedNs(g.simGrowthNs) : '–',
      g ? signedNs(g.pickGrowthNs) : '–',
      g ? `≤ ${fmtNs(g.allowedNs)}` : '–',
      g ? (g.holds ? 'yes' : 'NO') : '–',
      g ? (g.bench.holds ? 'yes' : `no (≤ ${fmtNs(g.bench.allowedNs)})`) : '–',
    ];
  });
  return renderTable(headers, rows);
}

function signedNs(ns: number): string {
  return ns < 0 ? `-${fmtNs(-ns)}` : `+${fmtNs(ns)}`;
}

/** The section's targets (see the module header). */
export function simTargets(mm1: Mm1Result, growth: readonly GrowthPoint[], plan: SimPlan, runs: readonly Mm1Result[] = [mm1]): Target[] {
  const ratio = mm1Ratio(mm1);
  const ratioWall = wallNsPerRequest(mm1.engine) / wallNsPerRequest(mm1.bare);
  const basis = basisOf(mm1.engine);
  const each = runs.length > 1 ? `median of ${runs.length} processes: ${runs.map((r) => fmtRatio(mm1Ratio(r))).join(', ')}; ` : '';
  const targets: Target[] = [
    {
      name: 'simulator (p2c, 10 backends) vs bare M/M/1 loop, time per request',
      measured: `${fmtRatio(ratio)} ${basis}${basis === 'wall' ? '' : `, ${fmtRatio(ratioWall)} wall`} (${each}best of ${mm1.engine.rounds} rounds each)`,
      limit: `≤ ${BARE_RATIO_LIMIT}x`,
      pass: ratio <= BARE_RATIO_LIMIT,
    },
  ];
  for (const strategy of plan.curve) {
    const mine = growth.filter((g) => g.strategy === strategy);
    if (mine.length === 0) continue;
    const worst = mine.reduce((w, g) => (g.simGrowthNs - g.allowedNs > w.simGrowthNs - w.allowedNs ? g : w));
    const base = plan.sizes[0]!;
    targets.push({
      name: `sim cost per request grows no faster than the pick cost, ${strategy} ${base} → ${plan.sizes[plan.sizes.length - 1]!.toLocaleString('en-US')}`,
      measured: `worst @${worst.backends.toLocaleString('en-US')}: Δsim ${signedNs(worst.simGrowthNs)} vs allowed ${fmtNs(worst.allowedNs)} (Δpick ${signedNs(worst.pickGrowthNs)})`,
      limit: `Δsim ≤ ${GROWTH_FACTOR} × Δpick + ${SLACK_FIXED_NS} ns + ${SLACK_PER_DOUBLING_NS} ns × log2(N/${base}) at every size`,
      pass: mine.every((g) => g.holds),
      note: `judged on the pick cost at 80 % load; with the pick benchmark's workload: ${mine.every((g) => g.bench.holds) ? 'holds' : `fails @${mine
        .filter((g) => !g.bench.holds)
        .map((g) => g.backends.toLocaleString('en-US'))
        .join(', @')}`}`,
    });
  }
  return targets;
}

/** Engine ÷ bare loop, time per request on the reported basis (best rounds). */
export function mm1Ratio(m: Mm1Result): number {
  return nsPerRequest(m.engine) / nsPerRequest(m.bare);
}

/** The run with the median ratio (the lower middle one for an even count). */
export function medianRun(runs: readonly Mm1Result[]): Mm1Result {
  if (runs.length === 0) throw new Error('no bare-loop comparison ran');
  const sorted = [...runs].sort((a, b) => mm1Ratio(a) - mm1Ratio(b));
  return sorted[(sorted.length - 1) >> 1]!;
}

/** Runs one `sim.js --child` measurement in a fresh node. */
function childRun<T>(args: readonly string[], plan: SimPlan): Promise<T> {
  const common = [...(plan.quick ? ['--quick'] : []), '--requests', String(plan.requests)];
  return runNodeJson<T>('sim.js', ['--child', ...args, ...common], [], 900_000);
}

/**
 * Runs the section: mm1, the curve (one process per strategy), all strategies. `pick` (the pick
 * section's rows, when it ran) adds its figures beside the inline pick cost for comparison.
 */
export async function runSimSpeed(opts: { quick: boolean; requests?: number; pick?: readonly PickRow[]; log?: (s: string) => void }): Promise<SimSpeedSection> {
  const plan = simPlan(opts.quick, opts.requests);
  opts.log?.(`sim: bare loop vs engine, ${plan.requests.toLocaleString('en-US')} requests`);
  const mm1Runs: Mm1Result[] = [];
  for (let k = 0; k < MM1_PROCESSES; k++) mm1Runs.push(await childRun<Mm1Result>(['mm1'], plan));
  const mm1 = medianRun(mm1Runs);
  const curve: CurvePoint[] = [];
  for (const strategy of plan.curve) {
    opts.log?.(`sim: scaling curve, ${strategy} @${plan.sizes.join('/')}`);
    curve.push(...(await childRun<CurvePoint[]>(['curve', '--strategy', strategy], plan)));
  }
  opts.log?.(`sim: all strategies, ${plan.requestsAll.toLocaleString('en-US')} requests each`);
  const all = await childRun<SpeedPoint & { strategies: number }>(['all'], plan);

  const growth = growthCheck(curve);
  const targets = simTargets(mm1, growth, plan, mm1Runs);
  const lc1000 = curve.find((p) => p.strategy === 'least-connections' && p.backends === 1000);
  const rows: SpeedPoint[] = [mm1.bare, mm1.engine, ...(lc1000 ? [lc1000] : []), all];
  const ratio = mm1Ratio(mm1);
  const ratioWall = wallNsPerRequest(mm1.engine) / wallNsPerRequest(mm1.bare);
  const basis = basisOf(mm1.engine);
  const table = [
    `Homogeneous workload (exponential 1 ms, 1 worker per backend, Poisson arrivals at 80 % load, ${plan.requests.toLocaleString('en-US')} requests;`,
    `all strategies: ${plan.requestsAll.toLocaleString('en-US')} requests each). Best of ${plan.rounds.mm1} interleaved rounds for the bare loop and`,
    `the engine (${plan.rounds.curve} for the curve, ${plan.rounds.all} for all strategies) after a warm-up run, each measurement in its own node process;`,
    `the bare-loop comparison in ${mm1Runs.length} processes, the one with the median ratio shown (engine ÷ bare: ${mm1Runs.map((r) => fmtRatio(mm1Ratio(r))).join(', ')}).`,
    basis === 'wall'
      ? 'Rates and ns/request use wall time (no schedstat on this platform).'
      : 'Rates and ns/request use the main thread\'s CPU time ("thread", Linux schedstat: leaves out waiting for a core on a shared\nmachine); wall = elapsed; cpu = process CPU time, all threads including GC helpers.',
    `Bare loop: mean response ${mm1.bareMeanMs.toFixed(3)} ms (M/M/1 theory 5.000); engine p2c p99 ${mm1.engineP99Ms.toFixed(3)} ms.`,
    '',
    renderThroughputTable(rows, mm1.bare),
    '',
    `Scaling, same per-backend load: ns per simulated request beside the strategy's own pick cost, ns per acquire+release`,
    `measured in the same process, best of ${plan.rounds.curve + 1} rounds: "pick @80%" with leases held on 80 % of equal-weight backends`,
    `(the simulator's state; judged), "pick wl" with the pick benchmark's workload (a lease on every backend, weights 1–4)${opts.pick?.length ? ',' : '.'}`,
    ...(opts.pick?.length ? ['"pick §" the pick section\'s median (its own process, tinybench).'] : []),
    `Δ = change from ${plan.sizes[0]} backends; allowed Δ sim = ${GROWTH_FACTOR} × max(0, Δ pick) + ${SLACK_FIXED_NS} ns + ${SLACK_PER_DOUBLING_NS} ns × log2(N/${plan.sizes[0]}).`,
    `A curve point whose run would exceed ${(plan.budgetMs / 1000).toFixed(1)} s runs fewer requests (at least 10 per backend), timed twice without a warm-up run.`,
    '',
    renderCurveTable(curve, growth, opts.pick),
  ].join('\n');
  return { plan, requests: plan.requests, ratio, ratioWall, basis, mm1, mm1Runs, all, curve, growth, table, targets };
}
