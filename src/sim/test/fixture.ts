/**
 * Test fixture: a complete normalized {@link Scenario} with small defaults (one backend, Poisson
 * arrivals, exponential service, no balancer mechanisms), so simulator tests state only what they
 * vary. Not the scenario loader: that is `src/scenario/` (`document.ts`, `normalize.ts`).
 */
import { balancerSettingsSchema } from '../../core/balancer/settings.js';
import type { FailoverSettings } from '../../core/balancer/settings.js';
import type { BackendGroup, BalancerSettings, Clients, Fault, Scenario, StrategyChoice } from '../../scenario/types.js';
import { WorkloadModel } from '../model/workload.js';
import { FullSimulation } from '../engine/full.js';

/** Partial overrides for {@link testScenario}; nested sections merge one level deep. */
export interface ScenarioPatch extends Partial<Omit<Scenario, 'clients' | 'balancer' | 'backends'>> {
  clients?: Partial<Clients>;
  balancer?: Partial<BalancerSettings>;
  backends?: Partial<BackendGroup>[];
}

/** A strategy choice by name (label = name, no options). */
export function choice(name: string, options: Record<string, unknown> = {}, label = name): StrategyChoice {
  return { name, label, options };
}

/** A normalized scenario for tests; see the module header. */
export function testScenario(patch: ScenarioPatch = {}): Scenario {
  const group: BackendGroup = {
    name: null,
    count: 1,
    weight: 1,
    workers: 1,
    discipline: 'fifo',
    queueLimit: null,
    speed: 1,
    service: { dist: 'exponential', mean: 1 },
    maxConn: 0,
  };
  const clients: Clients = {
    process: { arrival: 'poisson', rate: 500 },
    addresses: { count: 100, popularity: 'uniform', exponent: 1 },
    keys: { count: 100, popularity: 'uniform', exponent: 1 },
    sessions: { count: 100, popularity: 'uniform', exponent: 1 },
    classes: [],
    ...patch.clients,
  };
  // the core's defaults, passive health off (no active checks: the parsed type allows them)
  const { healthCheck: _none, ...settings } = balancerSettingsSchema.parse({ passive: false });
  const balancer: BalancerSettings = {
    ...settings,
    retries: 0,
    timeoutMs: 0,
    network: { dist: 'constant', value: 0 },
    overheadMs: 0,
    ...patch.balancer,
  };
  const { clients: _c, balancer: _b, backends: groups, ...rest } = patch;
  return {
    name: 'test',
    description: '',
    seed: 1,
    durationMs: 10_000,
    warmupMs: 1_000,
    replications: 1,
    intervalMs: 1_000,
    strategies: [choice('round-robin')],
    ...rest,
    clients,
    balancer,
    backends: (groups ?? [{}]).map((g) => ({ ...group, ...g })),
  };
}

/** A crash of `backends` at `atMs`, lasting `durationMs` (null: to the end of the run). */
export function crashFault(backends: string[], atMs: number, durationMs: number | null): Fault {
  return { kind: 'crash', backends, atMs, durationMs, mtbfMs: null, mttrMs: null };
}

/**
 * The topology tests' scaffold: four backends `<first>-*` and four `<second>-*` (2 workers,
 * exponential 1 ms each), the second group carrying `marks` (`priority: 1`, `degraded: true`);
 * Poisson 1000/s, 10 s measured after 1 s; active checks every 100 ms (rise = fall = 1), no
 * passive health, no panic mode; `failover` and `faults` as given.
 */
export function twoGroupScenario(names: readonly [string, string], marks: Partial<BackendGroup>, failover: FailoverSettings, faults: Fault[]): Scenario {
  const service = { dist: 'exponential', mean: 1 } as const;
  return testScenario({
    durationMs: 10_000,
    warmupMs: 1_000,
    intervalMs: 1_000,
    clients: { process: { arrival: 'poisson', rate: 1000 } },
    backends: [
      { name: names[0], count: 4, workers: 2, service },
      { name: names[1], count: 4, workers: 2, service, ...marks },
    ],
    balancer: {
      passive: false,
      panicThreshold: 0,
      failover,
      healthCheck: { intervalMs: 100, timeoutMs: 50, rise: 1, fall: 1, costMs: 0 },
    },
    faults,
  });
}

/**
 * Runs `sc` once on the full engine (first seed) with `strategy`; `share(prefix)` sums the measured
 * shares of the backends whose id starts with `prefix`.
 */
export function runFull(sc: Scenario, strategy = 'least-connections') {
  const sim = new FullSimulation(new WorkloadModel(sc), choice(strategy), 1);
  const out = sim.run();
  const share = (prefix: string): number => out.summary.backends.filter((b) => b.id.startsWith(prefix)).reduce((a, b) => a + b.share, 0);
  return { sim, out, share };
}
