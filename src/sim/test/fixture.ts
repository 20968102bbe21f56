/**
 * Test fixture: a complete normalized {@link Scenario} with small defaults (one backend, Poisson
 * arrivals, exponential service, no balancer mechanisms), so simulator tests state only what they
 * vary. Not the scenario loader: that is `src/scenario/` (`document.ts`, `normalize.ts`).
 */
import { balancerSettingsSchema } from '../../core/balancer/settings.js';
import type { BackendGroup, BalancerSettings, Clients, Scenario, StrategyChoice } from '../../scenario/types.js';

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
