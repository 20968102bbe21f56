/**
 * Simulator speed (the simulator-speed section of `npm run bench`): simulated requests per second and events per second of the real
 * engine (`src/sim` through the real Balancer), measured through its public entry points
 * (`simulateRun`, `runScenario`) on the homogeneous workload (`sim-workload.ts`), beside the bare
 * M/M/1 loop (`mm1.ts`) as the ceiling. Three measurements, each meant for its own fresh process
 * (so one strategy's JIT state does not leak into another's figures):
 *
 *   mm1     the bare loop and the engine (p2c, 10 backends), interleaved round by round;
 *   curve   one strategy at each backend count (same per-backend load): ns per simulated request,
 *           beside the strategy's own pick cost at that size measured in the same process, both
 *           in the state the simulator presents (`loaded-pick.ts`: 80 % of the backends busy,
 *           random release order) and with the pick benchmark's workload (`pick-workload.ts`),
 *           interleaved round by round;
 *   all     `runScenario` over every registered strategy at 10 backends: total requests per second.
 *
 * Method: one untimed warm-up run, then `rounds` timed rounds; the best round is kept (noise on a
 * shared machine only ever adds time) as wall time, process CPU time and the main thread's CPU
 * time (`timing.ts`, Linux schedstat: leaves out the time spent waiting for a core while other
 * processes ran). Figures per request use the main thread's CPU time where available, else wall.
 * Rounds run back to back (no forced GC: see `timing.ts`). A simulated run's time includes
 * building the balancer and summarizing (sorting every latency, percentiles, time series): what a
 * user waits for.
 *
 * Usage: `node dist/bench/sim.js [--quick] [--requests N]` prints the section;
 * `--child mm1|all|curve <strategy> ...` (internal) prints one measurement as JSON.
 */
import { strategyNames } from '../src/strategies/index.js';
import { runScenario, simulateRun } from '../src/sim/run.js';
import { bareMM1 } from './mm1.js';
import { LoadedPickWorkload } from './loaded-pick.js';
import { PickWorkload } from './pick-workload.js';
import { homogeneous } from './sim-workload.js';
import { isMain } from './proc.js';
import { bestMs, fresh, timeRound, type Timing } from './timing.js';

/** One throughput measurement: a run of `requests` requests and `events` events in the best time. */
export interface SpeedPoint extends Timing {
  /** What ran, e.g. `bare M/M/1 loop`, `p2c @10`. */
  label: string;
  /** Strategy (`null` for the bare loop, `all` for every strategy). */
  strategy: string | null;
  backends: number;
  /** Requests simulated per run (over every strategy for `all`). */
  requests: number;
  /** Events processed per run. */
  events: number;
}

/** The `mm1` measurement: the bare loop and the engine on the same traffic, interleaved. */
export interface Mm1Result {
  bare: SpeedPoint;
  engine: SpeedPoint;
  /** Mean response of the bare loop, ms (M/M/1 at 80 %: 5 ms). */
  bareMeanMs: number;
  /** Engine p99, ms (a sanity figure). */
  engineP99Ms: number;
}

/** One point of the scaling curve. */
export interface CurvePoint extends SpeedPoint {
  /** ns per simulated request (best round; main-thread CPU time when measured, else wall: `bestMs`). */
  nsPerRequest: number;
  /**
   * The strategy's pick cost at this size: ns per acquire+release (best round), same process, with
   * the pick benchmark's workload (weights 1–4, a lease held on every backend).
   */
  pickNs: number;
  /** The same at the simulator's load (`loaded-pick.ts`: weight 1, leases on 80 % of the backends). */
  pickLoadedNs: number;
  /** Operations per timed pick round. */
  pickOps: number;
}

/** Options of the curve measurement. */
export interface CurveOptions {
  sizes: readonly number[];
  /** Requests per run at most. */
  requests: number;
  rounds: number;
  /**
   * Wall budget of one run, ms: a point whose estimated run time (sim ns/request at the smallest
   * size + the pick cost's growth) exceeds it runs fewer requests, but at least 10 per backend,
   * without a separate warm-up run and with at most 2 timed rounds.
   */
  budgetMs: number;
}

/** The bare M/M/1 loop and the engine (p2c, 10 backends, 80 %) on about `requests` requests each, interleaved. */
export function measureMm1(requests: number, rounds: number): Mm1Result {
  const scenario = homogeneous(10, requests, ['p2c']);
  const choice = scenario.strategies[0]!;
  const runBare = () => bareMM1(requests, 0.8, 1, 1);
  const runEngine = () => simulateRun(scenario, choice, scenario.seed);
  const b0 = runBare();
  const e0 = runEngine();
  const tb = fresh();
  const te = fresh();
  for (let r = 0; r < rounds; r++) {
    timeRound(tb, runBare);
    timeRound(te, runEngine);
  }
  return {
    bare: { label: 'bare M/M/1 loop', strategy: null, backends: 1, requests: b0.requests, events: b0.events, ...tb },
    engine: { label: 'p2c @10', strategy: 'p2c', backends: 10, requests: e0.counters.arrivals, events: e0.counters.events, ...te },
    bareMeanMs: b0.meanMs,
    engineP99Ms: e0.summary.latency.p99,
  };
}

/**
 * ns per acquire+release of a pick workload: `rounds` rounds of about 20 ms each, the best one (on
 * the same time basis as the simulation: `bestMs`).
 */
function pickRounds(w: { run(k: number): void }, rounds: number): { ns: number; ops: number } {
  w.run(2000); // warm
  const e = fresh();
  timeRound(e, () => w.run(2000));
  const est = Math.max(1, (bestMs(e) * 1e6) / 2000);
  const ops = Math.min(2_000_000, Math.max(2000, Math.round(20e6 / est)));
  const t = fresh();
  for (let r = 0; r < rounds; r++) timeRound(t, () => w.run(ops));
  return { ns: (bestMs(t) * 1e6) / ops, ops };
}

/**
 * The scaling curve of one strategy: at each size, the simulator's ns per request and the pick
 * cost, both measured here, interleaved round by round (one pick round, then one simulation round).
 */
export function measureCurve(strategy: string, opts: CurveOptions): CurvePoint[] {
  const out: CurvePoint[] = [];
  for (const size of opts.sizes) {
    const w = new PickWorkload(strategy, size);
    const wl = new LoadedPickWorkload(strategy, size);
    const first = pickRounds(w, 1); // warm-up and the ops per round
    let pickLoadedNs = pickRounds(wl, 1).ns;
    let requests = opts.requests;
    let long = false; // over budget: fewer requests, and the timed runs are long enough to need no warm-up run
    const base = out[0];
    if (base) {
      const estNs = base.nsPerRequest + Math.max(0, first.ns - base.pickNs, pickLoadedNs - base.pickLoadedNs);
      const fit = Math.floor((opts.budgetMs * 1e6) / estNs);
      if (fit < opts.requests) {
        long = true;
        requests = Math.min(opts.requests, Math.max(10 * size, fit));
      }
    }
    const scenario = homogeneous(size, requests, [strategy]);
    const choice = scenario.strategies[0]!;
    const runSim = () => simulateRun(scenario, choice, scenario.seed);
    // Warm-up run (the engine's code is already warm from the smaller sizes of this process; this
    // sizes the heap). Counters are deterministic: the same in every run.
    let o = long ? undefined : runSim();
    const t = fresh();
    let pickNs = first.ns;
    for (let r = 0; r < (long ? Math.min(2, opts.rounds) : opts.rounds); r++) {
      pickNs = Math.min(pickNs, pickRounds(w, 1).ns);
      pickLoadedNs = Math.min(pickLoadedNs, pickRounds(wl, 1).ns);
      o = timeRound(t, runSim);
    }
    if (!o) throw new Error(`${strategy}@${size}: no simulation run`);
    const left = w.close() + wl.close();
    if (left !== 0) throw new Error(`${strategy}@${size}: ${left} leases outstanding after the pick rounds`);
    out.push({
      label: `${strategy} @${size}`,
      strategy,
      backends: size,
      requests: o.counters.arrivals,
      events: o.counters.events,
      ...t,
      nsPerRequest: (bestMs(t) * 1e6) / o.counters.arrivals,
      pickNs,
      pickLoadedNs,
      pickOps: first.ops,
    });
  }
  return out;
}

/**
 * Every registered strategy at 10 backends, about `requests` requests each, through `runScenario`
 * (the `lbsim run` path: results aggregated into the results file). The warm-up runs each strategy
 * once through `simulateRun` on the same seed to count requests and events (deterministic).
 */
export function measureAll(requests: number, rounds: number): SpeedPoint & { strategies: number } {
  const scenario = homogeneous(10, requests, 'all');
  let total = 0;
  let events = 0;
  for (const c of scenario.strategies) {
    const o = simulateRun(scenario, c, scenario.seed);
    total += o.counters.arrivals;
    events += o.counters.events;
  }
  let n = 0;
  const t = fresh();
  for (let r = 0; r < rounds; r++) timeRound(t, () => (n = runScenario(scenario).results.length));
  if (n !== strategyNames().length) throw new Error(`runScenario ran ${n} strategies, the registry has ${strategyNames().length}`);
  return { label: `all ${n} strategies @10`, strategy: 'all', backends: 10, requests: total, events, strategies: n, ...t };
}

/** Sizes, request counts and rounds of a run of the section (full or quick). */
export interface SimPlan {
  quick: boolean;
  /** Requests of the mm1 comparison, and at most per curve point. */
  requests: number;
  /** Requests per strategy of the all-strategies run. */
  requestsAll: number;
  sizes: readonly number[];
  /** Strategies of the scaling curve (round-robin: the O(1) floor). */
  curve: readonly string[];
  rounds: { mm1: number; curve: number; all: number };
  /** Wall budget of one curve run, ms (see {@link CurveOptions.budgetMs}). */
  budgetMs: number;
}

/** The plan: full = 1M requests, 10 → 10,000 backends; quick = 200k, 10 → 1,000. */
export function simPlan(quick: boolean, requests?: number): SimPlan {
  const r = requests ?? (quick ? 200_000 : 1_000_000);
  return {
    quick,
    requests: r,
    requestsAll: Math.max(1000, Math.round(r / (quick ? 8 : 5))),
    sizes: quick ? [10, 100, 1000] : [10, 100, 1000, 10_000],
    curve: ['p2c', 'least-connections', 'round-robin'],
    rounds: quick ? { mm1: 5, curve: 3, all: 3 } : { mm1: 7, curve: 3, all: 3 },
    budgetMs: quick ? 400 : 4000,
  };
}

function arg(argv: readonly string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** The child entry: one measurement, printed as one JSON line. */
function child(argv: readonly string[]): unknown {
  const what = arg(argv, '--child');
  const plan = simPlan(argv.includes('--quick'), arg(argv, '--requests') === undefined ? undefined : Number(arg(argv, '--requests')));
  switch (what) {
    case 'mm1':
      return measureMm1(plan.requests, plan.rounds.mm1);
    case 'all':
      return measureAll(plan.requestsAll, plan.rounds.all);
    case 'curve': {
      const strategy = arg(argv, '--strategy');
      if (!strategy) throw new Error('--child curve needs --strategy NAME');
      return measureCurve(strategy, { sizes: plan.sizes, requests: plan.requests, rounds: plan.rounds.curve, budgetMs: plan.budgetMs });
    }
    default:
      throw new Error(`--child: expected mm1, all or curve, got ${String(what)}`);
  }
}

async function main(argv: readonly string[]): Promise<void> {
  if (argv.includes('--child')) {
    process.stdout.write(`${JSON.stringify(child(argv))}\n`);
    return;
  }
  // The section itself (children, tables, targets) lives in sim-section.ts, loaded lazily so a
  // child never loads the orchestration code.
  const { runSimSpeed } = await import('./sim-section.js');
  const requests = arg(argv, '--requests');
  const s = await runSimSpeed({
    quick: argv.includes('--quick'),
    ...(requests === undefined ? {} : { requests: Number(requests) }),
    log: (m) => process.stderr.write(`${m}\n`),
  });
  process.stdout.write(`${s.table}\n`);
}

if (isMain(import.meta.url)) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.stack ?? e.message : String(e));
    process.exitCode = 1;
  });
}
