/**
 * The one builder: normalized balancer settings (`settings.ts`) + what a driver hands in (backends,
 * strategy, clock, timers, randomness) → the `BalancerOptions` and the `Balancer`. The simulator
 * (`src/sim/engine/lean.ts`) and the proxy (`src/proxy/generation.ts`) both build through here, so
 * a scenario and a proxy config with the same settings give balancers with the same options.
 */
import { Balancer, type BalancerOptions } from './balancer.js';
import type { BalancerSettings } from './settings.js';

/** What the driver supplies: everything in {@link BalancerOptions} that is not a setting. */
export type BalancerEnv = Pick<
  BalancerOptions,
  'backends' | 'strategy' | 'strategyOptions' | 'resolveStrategy' | 'clock' | 'timers' | 'rng' | 'localZone' | 'localZoneShares'
>;

/**
 * The core's options for `s` on `env`. The normalized sections are the core's option shapes and
 * pass through as they are; the rate limit is copied field by field so that what a file adds for
 * its driver (the proxy's `rateLimit.status`) stays out; active checks give the core rise and fall.
 */
export function balancerOptions(s: BalancerSettings, env: BalancerEnv): BalancerOptions {
  const { rateLimit: r, healthCheck: hc } = s;
  return {
    ...env,
    passive: s.passive,
    outlier: s.outlier,
    active: hc ? { rise: hc.rise, fall: hc.fall } : false,
    panicThreshold: s.panicThreshold,
    slowStart: s.slowStart,
    rateLimit: r && { rate: r.rate, burst: r.burst, nodelay: r.nodelay, delay: r.delay, key: r.key },
    connLimit: s.connLimit,
    queue: s.queue,
    ...(s.failover !== undefined ? { failover: s.failover } : {}),
    ...(s.zones !== undefined ? { zones: s.zones } : {}),
  };
}

/** A {@link Balancer} configured by `s` on `env`. */
export function buildBalancer(s: BalancerSettings, env: BalancerEnv): Balancer {
  return new Balancer(balancerOptions(s, env));
}
