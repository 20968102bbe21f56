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

/**
 * The strategy part of a balancer's environment: the registered definition of `name`, its options
 * and the registry lookup (for wrappers such as `sticky`). Throws on an unknown name.
 */
export function strategyOf(name: string, options?: unknown): Pick<BalancerOptions, 'strategy' | 'strategyOptions' | 'resolveStrategy'> {
  const def = findStrategy(name);
  if (!def) throw new Error(`unknown strategy "${name}" (known: ${strategyNames().join(', ')})`);
  return { strategy: def, strategyOptions: options, resolveStrategy: findStrategy };
}

/** Creates a {@link Balancer} for registered strategy `opts.strategy`; throws on an unknown name. */
export function createBalancer(opts: NamedBalancerOptions): Balancer {
  return new Balancer({ ...opts, ...strategyOf(opts.strategy, opts.strategyOptions) });
}
