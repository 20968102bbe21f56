/**
 * The balancer's settings: ONE zod schema for the mechanisms the core `Balancer` runs around
 * its strategy, and their normalized form (canonical names, durations in ms, suffix `Ms`).
 *
 *   passive         nginx `max_fails` / `fail_timeout` (on by default: 1 failure, 10 s)
 *   outlier         Envoy outlier detection, consecutive 5xx (off by default)
 *   panicThreshold  Envoy `healthy_panic_threshold`, percent (0 = no panic mode)
 *   slowStart       Envoy `slow_start_config` (nginx Plus `slow_start=` is its linear case)
 *   rateLimit       nginx `limit_req` leaky bucket, per key
 *   connLimit       nginx `limit_conn`, concurrent requests per key
 *   queue           HAProxy `maxqueue` / `timeout queue`: waiting when every backend is at maxConn
 *   healthCheck     active checks; the Balancer keeps the rise/fall state, the driver probes
 *   failover        how backends with a priority > 0 are used: nginx `backup`, HAProxy `backup` /
 *                   `option allbackups`, Envoy priorities (`tiers.ts`); absent = Envoy's
 *   zones           Envoy zone-aware routing or locality-weighted balancing over the backends'
 *                   zones (`common_lb_config.zone_aware_lb_config` / `locality_weighted_lb_config`,
 *                   `zones.ts`); absent = off
 *
 * A scenario's `balancer:` section (`src/scenario/schema.ts`) and the proxy config
 * (`src/proxy/config.ts`) both spread {@link balancerSettingsShape} into their own schema, so the
 * keys, the validation and the error messages are the same in both files; only the defaults may
 * differ, and a consumer states its differences as a whole {@link BalancerDefaults} object.
 * `build.ts` turns the normalized settings into the Balancer's options.
 *
 * Pure (zod only): no Node APIs, nothing from outside `src/core`.
 */
import { z } from 'zod';
import type { LimitKey } from './admission.js';
import { duration } from '../duration.js';
import { OUTLIER_DEFAULTS } from '../health/outlier.js';
import { PANIC_DEFAULT_PERCENT } from '../health/panic.js';
import { PASSIVE_DEFAULTS } from '../health/passive.js';
import { ACTIVE_DEFAULTS } from '../health/active.js';
import { SLOW_START_DEFAULTS } from '../health/slow-start.js';
import { RATE_LIMIT_DEFAULTS } from '../limits/leaky-bucket.js';
import { FAILOVER_DEFAULT_MODE, type FailoverMode } from './tiers.js';
import { OVERPROVISIONING_DEFAULT_PERCENT } from './priority-load.js';
import { ZONE_ROUTINGS, ZONE_DEFAULTS, type ZoneSettings } from './zone-settings.js';

export type { LimitKey, ZoneSettings };

/** nginx `max_fails` / `fail_timeout`. */
export interface PassiveSettings {
  maxFails: number;
  failTimeoutMs: number;
}

/** Envoy outlier detection on consecutive 5xx. */
export interface OutlierSettings {
  consecutive5xx: number;
  baseEjectionMs: number;
  maxEjectionMs: number;
  maxEjectionPercent: number;
}

/** Envoy slow start. */
export interface SlowStartSettings {
  windowMs: number;
  minWeightPercent: number;
  aggression: number;
}

/** nginx `limit_req`: `rate` per second, `burst`, `nodelay` / `delay`, tracked per `key`. */
export interface RateLimitSettings {
  rate: number;
  burst: number;
  nodelay: boolean;
  delay: number;
  key: LimitKey;
}

/** nginx `limit_conn`: at most `perKey` requests in flight per `key`. */
export interface ConnLimitSettings {
  perKey: number;
  key: LimitKey;
}

/** HAProxy `maxqueue` / `timeout queue` (0 = wait without a limit). */
export interface QueueSettings {
  maxQueue: number;
  timeoutMs: number;
}

/** Active health checks: probe period and timeout (the driver's), rise and fall (the Balancer's). */
export interface ActiveCheckSettings {
  /** Time between probes of one backend (ms). */
  intervalMs: number;
  /** A probe not answered within this is failed (ms). */
  timeoutMs: number;
  /** Consecutive passes that bring a down backend up. */
  rise: number;
  /** Consecutive failures that take an up backend down. */
  fall: number;
}

/** Failover between tiers of backends (their `priority`): see `tiers.ts` and docs/tiers.md. */
export interface FailoverSettings {
  /** Whose semantics: nginx `backup`, HAProxy `backup`, Envoy priority levels. */
  mode: FailoverMode;
  /** HAProxy `option allbackups`: every usable backup, not only the first (mode haproxy). */
  allBackups: boolean;
  /** Envoy `overprovisioning_factor` as a factor, 1.4 = Envoy's 140 (mode envoy). */
  overprovisioningFactor: number;
}

/** The normalized balancer settings; `false` = the mechanism is off. */
export interface BalancerSettings {
  passive: PassiveSettings | false;
  outlier: OutlierSettings | false;
  /** Percent of healthy backends below which the balancer uses all of them (0 = never). */
  panicThreshold: number;
  slowStart: SlowStartSettings | false;
  rateLimit: RateLimitSettings | false;
  connLimit: ConnLimitSettings | false;
  queue: QueueSettings | false;
  /** Active health checks; absent or false = none. */
  healthCheck?: ActiveCheckSettings | false;
  /** Failover between priority tiers; absent = Envoy's defaults, false = priorities ignored. */
  failover?: FailoverSettings | false;
  /** Zone-aware routing or locality-weighted balancing (`zones.ts`); absent or false = off. */
  zones?: ZoneSettings | false;
}

/**
 * Every default of the schema, normalized. `passive` is on unless the file says `false`; the other
 * sections are off unless present, and then take these values for the keys they leave out.
 */
export interface BalancerDefaults {
  passive: PassiveSettings;
  outlier: OutlierSettings;
  panicThreshold: number;
  slowStart: Omit<SlowStartSettings, 'windowMs'>;
  rateLimit: Omit<RateLimitSettings, 'rate'>;
  connLimit: Omit<ConnLimitSettings, 'perKey'>;
  queue: Omit<QueueSettings, 'maxQueue'>;
  healthCheck: ActiveCheckSettings;
  failover: FailoverSettings;
  zones: Omit<ZoneSettings, 'localityWeights'>;
}

/**
 * The defaults of a scenario's `balancer` section: the core's own (nginx for passive health and
 * the limits, Envoy for outlier detection, panic mode and slow start, HAProxy `inter 2s rise 2
 * fall 3` for active checks, with a 1 s probe timeout).
 */
export const BALANCER_DEFAULTS: Readonly<BalancerDefaults> = Object.freeze({
  passive: { ...PASSIVE_DEFAULTS },
  outlier: {
    consecutive5xx: OUTLIER_DEFAULTS.consecutive5xx,
    baseEjectionMs: OUTLIER_DEFAULTS.baseEjectionMs,
    maxEjectionMs: OUTLIER_DEFAULTS.maxEjectionMs,
    maxEjectionPercent: OUTLIER_DEFAULTS.maxEjectionPercent,
  },
  panicThreshold: PANIC_DEFAULT_PERCENT,
  slowStart: { minWeightPercent: SLOW_START_DEFAULTS.minWeightPercent, aggression: SLOW_START_DEFAULTS.aggression },
  rateLimit: { burst: RATE_LIMIT_DEFAULTS.burst, nodelay: RATE_LIMIT_DEFAULTS.nodelay, delay: RATE_LIMIT_DEFAULTS.delay, key: 'global' as LimitKey },
  connLimit: { key: 'client' as LimitKey },
  queue: { timeoutMs: 0 },
  healthCheck: { intervalMs: 2_000, timeoutMs: 1_000, rise: ACTIVE_DEFAULTS.rise, fall: ACTIVE_DEFAULTS.fall },
  failover: { mode: FAILOVER_DEFAULT_MODE, allBackups: false, overprovisioningFactor: OVERPROVISIONING_DEFAULT_PERCENT / 100 },
  zones: { ...ZONE_DEFAULTS },
});

const posInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();
const posNum = z.number().positive();
const percent = z.number().min(0).max(100);
const limitKey = z.enum(['global', 'client', 'session', 'hash']);
/** A zone (locality) name, as `backends[].zone` takes it. */
const zoneName = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a zone name of letters, digits, "-", "_" or "."');

/** A rate: a number per second, or a string `10r/s` / `600r/m` (nginx `limit_req_zone rate=`). */
const rate = z.union([z.number(), z.string()]).transform((v, ctx) => {
  let r = Number.NaN;
  if (typeof v === 'number') r = v;
  else {
    const m = /^\s*(\d+(?:\.\d+)?)\s*r\/(s|m)\s*$/.exec(v);
    if (m) r = Number(m[1]) / (m[2] === 'm' ? 60 : 1);
  }
  if (!(r > 0 && Number.isFinite(r))) {
    ctx.addIssue({ code: 'custom', message: `expected a positive rate per second (a number, or "10r/s", "600r/m"), got ${JSON.stringify(v)}` });
    return z.NEVER;
  }
  return r;
});

/**
 * Every schema made by {@link section}, with its mapping (the zod object) and the keys it suffixes
 * with `Ms`: the JSON Schema of a scenario (`src/scenario/json-schema.ts`) writes a section as
 * "false, or this mapping", which the hand-made parse below hides from zod's conversion.
 */
export const sectionSchemas = z.registry<{ fields: unknown; durations: readonly string[] }>();

/**
 * An optional mechanism section: `false` (off) or a mapping of `fields`, normalized by appending
 * `Ms` to the names of its `durations` (`failTimeout` → `failTimeoutMs`; key order kept). Parsed by
 * hand rather than as a zod union so that errors point into the mapping (`rateLimit.key: expected
 * one of …`) instead of saying that the whole section matches none of the accepted forms.
 * @typeParam N the normalized section
 */
export function section<N>(fields: z.ZodRawShape, durations: readonly string[]): z.ZodType<N | false, unknown> {
  const obj = z.object(fields).strict();
  const schema = z.unknown().transform((v, ctx): N | false => {
    if (v === false) return false;
    const r = obj.safeParse(v, { reportInput: true });
    if (r.success) {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(r.data)) out[durations.includes(k) ? `${k}Ms` : k] = x;
      return out as N;
    }
    for (const i of r.error.issues) {
      // A missing key has no input; the transform's context would report the whole mapping instead.
      if (i.input === undefined) {
        ctx.addIssue({ code: 'custom', path: i.path, message: i.code === 'invalid_type' ? `is required (${i.expected})` : 'is required' });
      } else ctx.addIssue(i as z.core.$ZodRawIssue);
    }
    return z.NEVER;
  }) as unknown as z.ZodType<N | false, unknown>;
  sectionSchemas.add(schema, { fields: obj, durations });
  return schema;
}

/** Keys a consumer adds to a section (the proxy's `rateLimit.status`, a scenario's `healthCheck.cost`). */
export interface SectionExtras {
  rateLimit?: z.ZodRawShape;
  healthCheck?: z.ZodRawShape;
  /** Which of the added `healthCheck` keys are durations (normalized with the `Ms` suffix). */
  healthCheckDurations?: readonly string[];
}

/**
 * The balancer settings as zod fields, to spread into a file's schema (`z.object({...shape, …})`).
 * Each field parses the file form and yields the normalized one ({@link BalancerSettings}).
 * `healthCheck` is optional (absent stays absent); `extras` adds consumer keys at a section's end.
 * @typeParam RX what `extras.rateLimit` adds to the normalized rate limit
 * @typeParam HX what `extras.healthCheck` adds to the normalized health check
 */
export function balancerSettingsShape<RX = unknown, HX = unknown>(d: Readonly<BalancerDefaults> = BALANCER_DEFAULTS, extras: SectionExtras = {}) {
  return {
    passive: section<PassiveSettings>(
      { maxFails: nonNegInt.default(d.passive.maxFails), failTimeout: duration().default(d.passive.failTimeoutMs) },
      ['failTimeout'],
    ).default({ ...d.passive }),
    outlier: section<OutlierSettings>(
      {
        consecutive5xx: posInt.default(d.outlier.consecutive5xx),
        baseEjection: duration().default(d.outlier.baseEjectionMs),
        maxEjection: duration().default(d.outlier.maxEjectionMs),
        maxEjectionPercent: percent.default(d.outlier.maxEjectionPercent),
      },
      ['baseEjection', 'maxEjection'],
    ).default(false),
    panicThreshold: percent.default(d.panicThreshold),
    slowStart: section<SlowStartSettings>(
      {
        window: duration({ positive: true }),
        minWeightPercent: percent.default(d.slowStart.minWeightPercent),
        aggression: posNum.default(d.slowStart.aggression),
      },
      ['window'],
    ).default(false),
    rateLimit: section<RateLimitSettings & RX>(
      {
        rate,
        burst: nonNegInt.default(d.rateLimit.burst),
        nodelay: z.boolean().default(d.rateLimit.nodelay),
        delay: nonNegInt.default(d.rateLimit.delay),
        key: limitKey.default(d.rateLimit.key),
        ...extras.rateLimit,
      },
      [],
    ).default(false),
    connLimit: section<ConnLimitSettings>({ perKey: posInt, key: limitKey.default(d.connLimit.key) }, []).default(false),
    queue: section<QueueSettings>({ maxQueue: posInt, timeout: duration().default(d.queue.timeoutMs) }, ['timeout']).default(false),
    healthCheck: section<ActiveCheckSettings & HX>(
      {
        interval: duration({ positive: true }).default(d.healthCheck.intervalMs),
        timeout: duration({ positive: true }).default(d.healthCheck.timeoutMs),
        rise: posInt.default(d.healthCheck.rise),
        fall: posInt.default(d.healthCheck.fall),
        ...extras.healthCheck,
      },
      ['interval', 'timeout', ...(extras.healthCheckDurations ?? [])],
    ).optional(),
    failover: section<FailoverSettings>(
      {
        mode: z.enum(['nginx', 'haproxy', 'envoy']).default(d.failover.mode),
        allBackups: z.boolean().default(d.failover.allBackups),
        overprovisioningFactor: z.number().min(0.01).max(100).default(d.failover.overprovisioningFactor),
      },
      [],
    ).optional(),
    zones: section<ZoneSettings>(
      {
        routing: z.enum(ZONE_ROUTINGS).default(d.zones.routing),
        minClusterSize: nonNegInt.default(d.zones.minClusterSize),
        routingEnabled: percent.default(d.zones.routingEnabled),
        failTrafficOnPanic: z.boolean().default(d.zones.failTrafficOnPanic),
        forceLocalityDirectRouting: z.boolean().default(d.zones.forceLocalityDirectRouting),
        localityWeights: z.record(zoneName, posInt.max(0xffffffff)).optional(),
      },
      [],
    ).optional(),
  };
}

/** The balancer settings alone, as a schema (what `balancer:` would be with nothing around it). */
export const balancerSettingsSchema = z.object(balancerSettingsShape()).strict();

/** Keys of {@link BalancerSettings}, in their canonical order. */
export const BALANCER_SETTING_KEYS = Object.freeze(Object.keys(balancerSettingsShape()) as (keyof BalancerSettings)[]);

/**
 * The file form of normalized settings (durations as ms numbers under their file names), for a
 * driver that hands settings to another process through a config file (`lbsim live` → `lbsim
 * proxy`); parsing it with the same defaults gives `s` back. `healthCheck` is written only when on.
 */
export function settingsDocument(s: BalancerSettings): Record<string, unknown> {
  const file = (v: object | false): unknown => {
    if (v === false) return false;
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k.endsWith('Ms') ? k.slice(0, -2) : k] = x;
    return out;
  };
  const doc: Record<string, unknown> = {};
  for (const k of BALANCER_SETTING_KEYS) {
    const v = s[k];
    if (v === undefined || (k === 'healthCheck' && v === false)) continue;
    doc[k] = typeof v === 'object' || v === false ? file(v) : v;
  }
  return doc;
}

/** Only the balancer settings of a larger normalized section (a scenario's `balancer`, a proxy config). */
export function pickBalancerSettings(s: BalancerSettings): BalancerSettings {
  const out: Record<string, unknown> = {};
  for (const k of BALANCER_SETTING_KEYS) if (s[k] !== undefined) out[k] = s[k];
  return out as unknown as BalancerSettings;
}
