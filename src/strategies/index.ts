/**
 * Public entry of the strategies: the registry and a convenience constructor of a {@link Balancer}
 * by strategy name, with options validated against the strategy's schema.
 */
import { Balancer, type BalancerOptions } from '../core/balancer/index.js';
import { findStrategy, strategyNames, STRATEGIES } from './registry.js';

export { findStrategy, strategyNames, STRATEGIES };

/** Balancer options naming the strategy instead of passing its definition. */
export type NamedBalancerOptions = Omit<BalancerOptions, 'strategy' | 'resolveStrategy'> & {
  /** Registry name of the strategy. */
  strategy: string;
};

/** Creates a {@link Balancer} for registered strategy `opts.strategy`; throws on an unknown name. */
export function createBalancer(opts: NamedBalancerOptions): Balancer {
  const def = findStrategy(opts.strategy);
  if (!def) throw new Error(`unknown strategy "${opts.strategy}" (known: ${strategyNames().join(', ')})`);
  return new Balancer({ ...opts, strategy: def, resolveStrategy: findStrategy });
}
