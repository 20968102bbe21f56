/**
 * The scenario file's schema (zod): keys, types, ranges and defaults, as written in a YAML or JSON
 * file. `normalize.ts` turns the validated value into the normalized `Scenario` (`types.ts`);
 * `document.ts` reads files. The `balancer` section extends the core's balancer-settings schema.
 *
 * Failures, health and elasticity (all optional; absent keys leave the normalized scenario as it
 * was, so older results stay byte-identical). Durations take units (`500ms`, `30s`); times `at`
 * are absolute simulated times (0 = start of the warm-up), like `clients.schedule`.
 *
 *   faults:                          # a list; each applies to `backends` (ids or group names)
 *     - { kind: crash,  backends: web-0, at: 20s, duration: 10s }   # refused; in-flight reset
 *     - { kind: hang,   backends: [web-1], mtbf: 20s, mttr: 3s }     # accepted, never answered
 *     - { kind: slow,   backends: slow, at: 10s, duration: 60s, factor: 5 }
 *     - { kind: errors, backends: web-2, fraction: 0.5, status: 500, latency: 0.1 }
 *     - { kind: pause,  backends: web, every: 5s, length: 300ms }  # stop-the-world, random phase
 *     - { kind: flap,   backends: web-3, up: 4s, down: 2s }        # down (refusing) first
 *   `at` defaults to 0 and `duration` to "until the end of the measured window"; `mtbf`/`mttr`
 *   (crash, hang) draw exponential up/down times inside that span from the fault's own stream.
 *   backends[i].cache: { size: 1000, hitFactor: 0.1 }   # LRU of hash keys; a hit costs 0.1 × service
 *   balancer.healthCheck: { interval: 2s, timeout: 1s, rise: 2, fall: 3, cost: 0.1ms } | false
 *   balancer.retryBudget: 0.2 | { ratio: 0.2, burst: 10 }     # retries ≤ ratio × requests
 *   balancer.hedge: { delay: 20ms }                           # second copy after the delay
 *   balancers: 4 | { count: 4, spread: round-robin | random } # independent balancer instances
 *
 * Zones (docs/zone-network.md; all optional, absent = no zones, results unchanged):
 *   clients.zones: { a: 0.5, b: 0.3, c: 0.2 }   # client zone shares (sum 1), drawn per request
 *   balancers: { zones: { a: 2, b: 1 }, spread } # balancers per zone (default one per client zone);
 *                                               # a request goes to a balancer of its client's zone
 *   network: { sameZone: 0ms, crossZone: 1ms, latency: { a: { b: 2ms } }, crossZoneBytes: 8KB, pricePerGB: 0.01 }
 *     # round-trip latency client zone → backend zone added to each attempt (half each way);
 *     # crossZoneBytes (request + response) × pricePerGB (USD) prices every cross-zone attempt
 *   faults[].backends: { zone: b } | { priority: 1 }   # every backend of a zone or tier
 *   autoscale: { group: web, min: 2, max: 10, target: 0.6, window: 10s, interval: 1s,
 *                cooldown: 10s, provisioningDelay: 5s, tolerance: 0.1 }
 *
 * Decision keys (read by `src/decide`, never by the simulator):
 *   slo: { p99: 300ms, p999: 1s, availability: 99.9 }    # any of them
 *   baseline: round-robin      # the strategy (label or registry name) you run today
 *   proxy: nginx               # nginx | nginx-plus | haproxy | envoy: what the recommendation may pick
 *   clients.load: 0.7          # instead of clients.rate: rate = load × the fleet's capacity
 */
import { z } from 'zod';
import { BALANCER_DEFAULTS, balancerSettingsShape } from '../core/balancer/settings.js';
import { bytes } from '../input/bytes.js';
import { duration } from '../input/units.js';
import { importedSchema } from './imported.js';
import type { ProxyTarget } from './types.js';

/** Every proxy a recommendation can be limited to (`proxy:` in the file, `--proxy` on the CLI). */
export const PROXY_TARGETS: readonly ProxyTarget[] = ['nginx', 'nginx-plus', 'haproxy', 'envoy'];

const posNum = z.number().positive();
const nonNegNum = z.number().nonnegative();
const posInt = z.number().int().positive();
const nonNegInt = z.number().int().nonnegative();

const distBase = {
  constant: z.object({ dist: z.literal('constant'), value: duration() }).strict(),
  exponential: z.object({ dist: z.literal('exponential'), mean: duration({ positive: true }) }).strict(),
  uniform: z.object({ dist: z.literal('uniform'), min: duration(), max: duration({ positive: true }) }).strict(),
  lognormal: z
    .object({
      dist: z.literal('lognormal'),
      median: duration({ positive: true }).optional(),
      p99: duration({ positive: true }).optional(),
      mu: z.number().optional(),
      sigma: posNum.optional(),
    })
    .strict(),
  pareto: z
    .object({
      dist: z.literal('pareto'),
      scale: duration({ positive: true }).optional(),
      mean: duration({ positive: true }).optional(),
      shape: posNum,
    })
    .strict(),
  gamma: z
    .object({
      dist: z.literal('gamma'),
      shape: posNum,
      scale: duration({ positive: true }).optional(),
      mean: duration({ positive: true }).optional(),
    })
    .strict(),
  empirical: z
    .object({
      dist: z.literal('empirical'),
      // numbers are in `unit` (default ms); strings carry their own unit (normalize.ts converts)
      samples: z.array(z.union([z.number().nonnegative(), z.string()])).min(1).optional(),
      file: z.string().min(1).optional(),
      unit: z.enum(['s', 'ms', 'us']).optional(),
    })
    .strict(),
};

type RawDist = z.input<typeof distBase.constant> | Record<string, unknown>;

/** A distribution as written in a file (validated, not yet normalized). */
export const distSchema: z.ZodType<RawDist> = z.lazy(() =>
  z.discriminatedUnion('dist', [
    distBase.constant,
    distBase.exponential,
    distBase.uniform,
    distBase.lognormal,
    distBase.pareto,
    distBase.gamma,
    distBase.empirical,
    z
      .object({
        dist: z.literal('mixture'),
        parts: z.array(z.object({ weight: posNum, of: distSchema }).strict()).min(1),
      })
      .strict(),
  ]),
) as unknown as z.ZodType<RawDist>;

const population = z.union([
  posInt.transform((count) => ({ count, popularity: 'uniform' as const, exponent: 1 })),
  z
    .object({
      count: posInt,
      popularity: z.enum(['uniform', 'zipf']).default('uniform'),
      exponent: posNum.default(1),
    })
    .strict(),
]);

/** A zone (locality) name, as `backends[].zone` takes it. */
const zoneName = z.string().regex(/^[A-Za-z0-9_.-]+$/, 'expected a zone name of letters, digits, "-", "_" or "."');

const clientsSchema = z
  .object({
    arrival: z.enum(['poisson', 'constant', 'bursty', 'schedule', 'closed', 'trace']).default('poisson'),
    rate: posNum.optional(),
    burstRate: posNum.optional(),
    on: duration({ positive: true }).optional(),
    off: duration({ positive: true }).optional(),
    schedule: z
      .array(z.object({ at: duration(), rate: nonNegNum, ramp: z.boolean().default(false) }).strict())
      .min(1)
      .optional(),
    load: posNum.optional(),
    users: posInt.optional(),
    think: distSchema.optional(),
    // trace replay (src/sim/model/trace.ts)
    file: z.string().min(1).optional(),
    format: z.string().min(1).optional(),
    speed: posNum.optional(),
    loop: z.boolean().optional(),
    attributes: z.array(z.enum(['key', 'client', 'session', 'class'])).optional(),
    addresses: population.default({ count: 1000, popularity: 'uniform', exponent: 1 }),
    keys: population.default({ count: 10000, popularity: 'uniform', exponent: 1 }),
    sessions: population.default({ count: 1000, popularity: 'uniform', exponent: 1 }),
    classes: z
      .array(z.object({ name: z.string().min(1), share: posNum, serviceFactor: posNum.default(1) }).strict())
      .min(1)
      .optional(),
    // client zones: each request's zone is drawn with these shares (src/sim/features/zones.ts)
    zones: z.record(zoneName, z.number().gt(0).max(1)).optional(),
  })
  .strict();

/**
 * A server address as a proxy config writes it: `host:port`, `host`, `[v6]:port`, `[v6]` or
 * `unix:/path` (what nginx hashes for `hash … consistent`, HAProxy and Envoy list as endpoints).
 */
export const ADDRESS_RE = /^(?:unix:\S+|\[[0-9A-Fa-f:.]+\](?::(\d{1,5}))?|[A-Za-z0-9._-]+(?::(\d{1,5}))?)$/;

const address = z.string().refine(
  (v) => {
    const m = ADDRESS_RE.exec(v);
    if (!m) return false;
    const port = m[1] ?? m[2];
    return port === undefined || (Number(port) >= 1 && Number(port) <= 65535);
  },
  { error: (iss) => `expected a server address (host:port, host, [v6]:port or unix:/path), got ${JSON.stringify(iss.input)}` },
);

/** A host name (Envoy's endpoint `hostname`): DNS-style letters, digits, `-`, `_` and `.`. */
const hostname = z
  .string()
  .regex(/^[A-Za-z0-9_.-]{1,253}$/, 'expected a host name of letters, digits, "-", "_" or "." (at most 253)');

const backendSchema = z
  .object({
    count: posInt.default(1),
    name: z
      .string()
      .regex(/^[A-Za-z0-9_.-]+$/, 'expected a name of letters, digits, "-", "_" or "."')
      .optional(),
    weight: posInt.default(1),
    workers: posInt.default(1),
    discipline: z.enum(['fifo', 'ps']).default('fifo'),
    queueLimit: nonNegInt.nullable().default(null),
    speed: posNum.default(1),
    service: distSchema,
    maxConn: nonNegInt.default(0),
    priority: nonNegInt.max(127).optional(),
    degraded: z.boolean().optional(),
    zone: zoneName.optional(),
    cache: z
      .object({ size: posInt, hitFactor: z.number().min(0).max(1).default(0.1) })
      .strict()
      .optional(),
    /** The servers' addresses as the proxy writes them (one, or a list of `count`): hash strategies hash them as the proxy does. */
    address: z.union([address, z.array(address).min(1)]).optional(),
    /** The servers' host names (Envoy endpoint `hostname`; one, or a list of `count`): hashed instead of the address with `useHostnameForHashing`. */
    hostname: z.union([hostname, z.array(hostname).min(1)]).optional(),
  })
  .strict();

/** What a fault names: a backend id, a group name, every backend of a zone, or every backend of a tier. */
const faultTarget = z.union([
  z.string().min(1),
  z.object({ zone: zoneName }).strict(),
  z.object({ priority: nonNegInt.max(127) }).strict(),
]);

const faultSchema = z
  .object({
    kind: z.enum(['crash', 'hang', 'slow', 'errors', 'pause', 'flap']),
    backends: z.union([faultTarget, z.array(faultTarget).min(1)]),
    at: duration().default(0),
    duration: duration({ positive: true }).optional(),
    mtbf: duration({ positive: true }).optional(),
    mttr: duration({ positive: true }).optional(),
    factor: posNum.optional(),
    fraction: z.number().gt(0).max(1).optional(),
    status: z.number().int().min(500).max(599).optional(),
    latency: nonNegNum.optional(),
    every: duration({ positive: true }).optional(),
    length: duration({ positive: true }).optional(),
    up: duration({ positive: true }).optional(),
    down: duration({ positive: true }).optional(),
  })
  .strict();

/** Keys each fault kind accepts beyond kind, backends, at and duration. */
export const FAULT_KEYS: Record<string, { need: string[]; allow: string[] }> = {
  crash: { need: [], allow: ['mtbf', 'mttr'] },
  hang: { need: [], allow: ['mtbf', 'mttr'] },
  slow: { need: ['factor'], allow: [] },
  errors: { need: [], allow: ['fraction', 'status', 'latency'] },
  pause: { need: ['every', 'length'], allow: [] },
  flap: { need: ['up', 'down'], allow: [] },
};
export const FAULT_EXTRA = ['mtbf', 'mttr', 'factor', 'fraction', 'status', 'latency', 'every', 'length', 'up', 'down'];

const autoscaleSchema = z
  .object({
    group: z.string().min(1).optional(),
    min: posInt,
    max: posInt,
    target: z.number().gt(0).max(1),
    window: duration({ positive: true }).default(10_000),
    interval: duration({ positive: true }).default(1_000),
    cooldown: duration().default(10_000),
    provisioningDelay: duration().default(0),
    tolerance: z.number().min(0).max(1).default(0.1),
  })
  .strict();

/**
 * The `balancer` section: the core's balancer settings (`src/core/balancer/settings.ts`, with
 * `healthCheck.cost`, the work a probe costs its backend) and what only the simulator models.
 */
const balancerSchema = z
  .object({
    ...balancerSettingsShape<unknown, { costMs: number }>(BALANCER_DEFAULTS, {
      healthCheck: { cost: duration().default(0.1) },
      healthCheckDurations: ['cost'],
    }),
    retries: nonNegInt.default(0),
    retryOn: z.array(z.union([z.enum(['connect', 'reset', 'timeout', '5xx']), z.number().int().min(400).max(599)])).optional(),
    timeout: duration().default(0),
    network: distSchema.optional(),
    overhead: duration().default(0),
    retryBudget: z
      .union([
        z.number().gt(0).max(1),
        z.object({ ratio: z.number().gt(0).max(1), burst: nonNegNum.default(10) }).strict(),
      ])
      .optional(),
    hedge: z.union([z.literal(false), z.object({ delay: duration({ positive: true }) }).strict()]).optional(),
  })
  .strict();

const strategyItem = z.union([
  z.string().min(1),
  z
    .object({
      name: z.string().min(1),
      label: z.string().min(1).optional(),
      options: z.record(z.string(), z.unknown()).default({}),
    })
    .strict(),
]);

/**
 * Service-level objectives: `slo: { p99: 300ms, p999: 1s, availability: 99.9 }`, any of them
 * (latency percentiles of completed requests; availability in percent of measured requests).
 */
const sloSchema = z
  .object({
    p99: duration({ positive: true }).optional(),
    p999: duration({ positive: true }).optional(),
    availability: z.number().gt(0).max(100).optional(),
  })
  .strict()
  .refine((s) => s.p99 !== undefined || s.p999 !== undefined || s.availability !== undefined, {
    message: 'expected at least one objective: p99, p999 or availability (e.g. { p99: 300ms })',
  });

/**
 * The zone network (`network:`): round-trip latency between a client's zone and a backend's zone,
 * added to every attempt on top of `balancer.network`, and the bytes a cross-zone request moves
 * with their price. Defaults: same zone 0 ms, cross zone 1 ms, no per-pair overrides, 0 bytes, so
 * no cost until the request size is given; 0.01 USD per GB (see docs/zone-network.md).
 */
const networkSchema = z
  .object({
    sameZone: duration().default(0),
    crossZone: duration().default(1),
    latency: z.record(zoneName, z.record(zoneName, duration())).optional(),
    crossZoneBytes: bytes().default(0),
    pricePerGB: nonNegNum.default(0.01),
  })
  .strict();

/** A whole scenario file. */
export const scenarioSchema = z
  .object({
    name: z.string().min(1).default('scenario'),
    description: z.string().default(''),
    seed: z.number().int().nonnegative().default(1),
    duration: duration({ positive: true }).default(60_000),
    warmup: duration().optional(),
    replications: posInt.max(1000).default(1),
    interval: duration({ positive: true }).optional(),
    clients: clientsSchema,
    backends: z.array(backendSchema).min(1),
    balancer: balancerSchema.default(balancerSchema.parse({})),
    strategies: z.union([z.literal('all'), z.array(strategyItem).min(1)]).default('all'),
    faults: z.array(faultSchema).optional(),
    autoscale: autoscaleSchema.optional(),
    /** What `lbsim import` kept for `lbsim export` (src/scenario/imported.ts). */
    imported: importedSchema.optional(),
    balancers: z
      .union([
        posInt.transform((count) => ({ count, spread: 'round-robin' as const })),
        z
          .object({
            count: posInt.optional(),
            spread: z.enum(['round-robin', 'random']).default('round-robin'),
            zones: z.record(zoneName, posInt).optional(),
          })
          .strict(),
      ])
      .optional(),
    network: networkSchema.optional(),
    // written by `lbsim import --log`: what the access log showed (src/interop/logs/check.ts)
    observed: z
      .object({
        source: z.string().min(1),
        what: z.string().default('response time at the proxy'),
        p50: duration(),
        p90: duration(),
        p99: duration(),
        shares: z.record(z.string(), z.number().min(0).max(1)).default({}),
        strategy: z.string().optional(),
        verdict: z.string().optional(),
      })
      .strict()
      .optional(),
    slo: sloSchema.optional(),
    baseline: z.string().min(1).optional(),
    proxy: z.enum(PROXY_TARGETS as unknown as [ProxyTarget, ...ProxyTarget[]]).optional(),
  })
  .strict();

/** The raw (validated) scenario as written, before normalization. */
export type RawScenario = z.output<typeof scenarioSchema>;
