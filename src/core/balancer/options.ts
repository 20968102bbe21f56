/**
 * Options of a {@link Balancer}: the backends, the strategy, the driver's clock, timers and
 * randomness, and every optional mechanism with its source (nginx passive health, rate and
 * connection limits; Envoy outlier detection, panic threshold and slow start; HAProxy-style active
 * checks and queue). Defaults are applied by the balancer's constructor.
 */
import type { BackendSpec } from '../backend.js';
import type { Clock, Timers } from '../clock.js';
import type { ActiveOptions } from '../health/active.js';
import type { OutlierOptions } from '../health/outlier.js';
import type { PassiveOptions } from '../health/passive.js';
import type { SlowStartOptions } from '../health/slow-start.js';
import type { RateLimitOptions } from '../limits/leaky-bucket.js';
import type { Rng } from '../rng.js';
import type { StrategyDef } from '../strategy.js';
import type { LimitKey } from './admission.js';
import type { Balancer } from './balancer.js';
import type { FailoverOptions } from './tiers.js';
import type { ZoneSettings } from './zone-settings.js';

/** Options of a {@link Balancer}. Every mechanism is optional; defaults follow nginx/Envoy. */
export interface BalancerOptions {
  /** Initial backends (positions become their indices). */
  backends: readonly BackendSpec[];
  /** The strategy definition (from the registry) and its already-validated options. */
  strategy: StrategyDef<any>;
  strategyOptions?: unknown;
  /** Looks up other strategies by name, for wrappers such as `sticky` (the registry's `findStrategy`). */
  resolveStrategy?: (name: string) => StrategyDef<any> | undefined;
  /** The driver's clock. */
  clock: Clock;
  /** The driver's timers; needed only for the balancer queue timeout. */
  timers?: Timers;
  /** Randomness; the strategy receives `rng.fork('strategy')`. */
  rng: Rng;
  /** Passive health (nginx max_fails/fail_timeout). Default on with nginx defaults; `false` disables. */
  passive?: (Partial<PassiveOptions> & { count5xx?: boolean }) | false;
  /** Outlier ejection (Envoy consecutive 5xx). Default off. */
  outlier?: Partial<OutlierOptions> | false;
  /** Active health-check state (rise/fall), fed through {@link Balancer.reportProbe}. Default off. */
  active?: Partial<ActiveOptions> | false;
  /** Panic threshold in percent (Envoy default 50); 0 disables. */
  panicThreshold?: number;
  /** Slow start after join or recovery (Envoy). Default off. */
  slowStart?: Partial<SlowStartOptions> | false;
  /** Leaky-bucket rate limit applied by {@link Balancer.admit}. Default off. */
  rateLimit?: (RateLimitOptions & { key?: LimitKey }) | false;
  /** Concurrent requests per key (nginx limit_conn). Default off. */
  connLimit?: { perKey: number; key?: LimitKey } | false;
  /** Balancer queue for requests when every eligible backend is at maxConn (HAProxy). Default off. */
  queue?: { maxQueue: number; timeoutMs: number } | false;
  /**
   * How backends with a priority > 0 are used (`tiers.ts`): nginx `backup`, HAProxy `backup` /
   * `option allbackups`, or Envoy priorities. Default Envoy's; `false` ignores priorities.
   */
  failover?: FailoverOptions | false;
  /**
   * Envoy's locality mechanisms over the backends' `zone`s (`zones.ts`, docs/zones.md): zone-aware
   * routing or locality-weighted balancing. Default off; a balancer without it draws no extra
   * random numbers and builds no zone layer.
   */
  zones?: ZoneSettings | false;
  /** The zone of this balancer instance (Envoy's local locality, the node's `locality.zone`). */
  localZone?: string;
  /**
   * The local cluster's distribution over zones: how many balancer instances (Envoy's local
   * cluster hosts) sit in each zone, as counts or fractions. Zone-aware routing compares it with
   * the upstream backends' distribution (`calculateLocalityPercentages`).
   */
  localZoneShares?: Readonly<Record<string, number>>;
}
