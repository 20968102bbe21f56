/**
 * Helpers shared by the importers and exporters: backend group names from server names or
 * addresses, strategy options with their defaults, and small lookups.
 */
import { flavorFor, flavorOf } from '../strategies/proxies.js';
import { findStrategy } from '../strategies/registry.js';
import { tierOfServer, type ExportWarning, type LbConfig, type LbServer, type Passthrough, type ProxyFormat } from './types.js';

/**
 * A scenario group name (`[A-Za-z0-9_.-]+`) for a server, unique among `used` (which it extends):
 * `10.0.0.1:8080` → `10.0.0.1_8080`, `unix:/run/app.sock` → `unix_run_app.sock`.
 */
export function groupName(raw: string, used: Set<string>): string {
  let base = raw
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (base === '') base = 'server';
  let name = base;
  for (let k = 2; used.has(name); k++) name = `${base}-${k}`;
  used.add(name);
  return name;
}

/** The strategy's options with defaults filled in by its schema (throws on invalid options: a bug). */
export function withDefaults(name: string, options: Record<string, unknown> = {}): Record<string, unknown> {
  const def = findStrategy(name);
  if (!def) throw new Error(`interop: unknown strategy ${name}`);
  return def.options.parse(options) as Record<string, unknown>;
}

/** The options that differ from the strategy's defaults (what a scenario file needs to say). */
export function nonDefaultOptions(name: string, options: Record<string, unknown>): Record<string, unknown> {
  const defaults = withDefaults(name);
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (JSON.stringify(v) !== JSON.stringify(defaults[k])) out[k] = v;
  }
  return out;
}

/** The most frequent value (by JSON) and whether all values agree; undefined for an empty list. */
export function mostCommon<T>(values: readonly T[]): { value: T; uniform: boolean } | undefined {
  if (values.length === 0) return undefined;
  const counts = new Map<string, { value: T; n: number }>();
  for (const v of values) {
    const key = JSON.stringify(v);
    const c = counts.get(key);
    if (c) c.n++;
    else counts.set(key, { value: v, n: 1 });
  }
  let best: { value: T; n: number } | undefined;
  for (const c of counts.values()) if (!best || c.n > best.n) best = c;
  return { value: best!.value, uniform: counts.size === 1 };
}

/** True when every active server has the same weight. */
export function equalWeights(servers: readonly LbServer[]): boolean {
  const active = servers.filter((s) => s.role === 'active');
  return active.every((s) => s.weight === active[0]!.weight);
}

/** The balancer settings of a config with nothing configured, for a given proxy's defaults. */
export function baseConfig(name: string): LbConfig {
  return {
    name,
    servers: [],
    strategy: { name: 'weighted-round-robin', options: withDefaults('weighted-round-robin') },
    passive: false,
    outlier: false,
    panicThreshold: 0,
    slowStart: false,
    rateLimit: false,
    connLimit: false,
    queue: false,
    retries: 0,
    timeoutMs: 0,
  };
}

/**
 * Warnings for failover tiers and zones a proxy expresses only in part: another proxy's failover
 * semantics (nginx `backup` is per request, HAProxy's follows server state and uses the first
 * backup only unless `option allbackups`, Envoy's is a priority load by health), tiers beyond the
 * one backup tier nginx and HAProxy have, and zones where the proxy has none.
 */
export function tierWarnings(config: LbConfig, format: ProxyFormat): ExportWarning[] {
  const out: ExportWarning[] = [];
  const backups = config.servers.filter((s) => s.role === 'backup');
  const f = config.failover;
  if (backups.length > 0 && f !== undefined && f.mode !== format) {
    out.push({ feature: 'balancer.failover', message: `the scenario simulates ${f.mode} failover; ${format} fails over its own way (docs/tiers.md)` });
  }
  if (format !== 'envoy' && backups.some((s) => tierOfServer(s) > 1)) {
    out.push({ feature: 'backends priority', message: `${format} has one backup tier; servers of priority 2 and above are written as backup servers` });
  }
  if (format !== 'envoy' && config.servers.some((s) => s.zone !== undefined)) {
    out.push({ feature: 'backends zone', message: `${format} has no zones or localities; the zones are not written` });
  }
  if (format !== 'envoy' && config.servers.some((s) => s.role !== 'down' && s.health === 'DEGRADED')) {
    out.push({ feature: 'backends degraded', message: `${format} has no degraded servers (an Envoy health status, docs/tiers.md); they are written as ordinary servers` });
  }
  const z = config.zones;
  if (format !== 'envoy' && z !== undefined && z.routing !== 'none') {
    out.push({ feature: 'balancer.zones', message: `${format} has no ${z.routing} balancing (an Envoy feature, docs/zones.md); not written` });
  }
  return out;
}

/**
 * The warning an exporter gives when the scenario simulates a flavor of `name` that is not the
 * target proxy's (docs/strategies.md, src/strategies/proxies.ts); undefined when they agree or the
 * strategy has no flavor for that proxy.
 */
export function flavorMismatch(name: string, options: Readonly<Record<string, unknown>>, format: ProxyFormat): string | undefined {
  const simulated = flavorOf(name, options);
  const target = flavorFor(name, format);
  if (simulated === undefined || target === undefined || simulated === target) return undefined;
  const differs = findStrategy(name)!.flavors!.differs;
  return `the scenario simulates ${name} flavor ${simulated} (${differs[simulated]}); ${format} runs flavor ${target} (${differs[target]}): simulate flavor ${target} to predict this ${format}`;
}

/** Every kept item of a passthrough as one readable string each (for warnings). */
export function passthroughItems(p: Passthrough): string[] {
  const out: string[] = [...(p.section ?? []), ...(p.location ?? [])];
  for (const [name, params] of Object.entries(p.servers ?? {})) if (params.length > 0) out.push(`server ${name}: ${params.join(' ')}`);
  for (const [path, v] of Object.entries(p.fields ?? {})) out.push(`${path}: ${JSON.stringify(v)}`);
  for (const [name, f] of Object.entries(p.endpoints ?? {})) for (const [path, v] of Object.entries(f)) out.push(`endpoint ${name} ${path}: ${JSON.stringify(v)}`);
  return out;
}

/**
 * The config's passthrough when it came from `format` (an export to the same proxy writes it
 * back); otherwise undefined, with a warning naming every kept line the export leaves out (an
 * HAProxy line never goes into an nginx config).
 */
export function passthroughFor(config: LbConfig, format: ProxyFormat, warnings: ExportWarning[]): Passthrough | undefined {
  const p = config.passthrough;
  if (p === undefined) return undefined;
  if (p.format === format) return p;
  const items = passthroughItems(p);
  if (items.length > 0) {
    warnings.push({ feature: 'imported directives', message: `the ${p.format} config's ${items.length} ${p.format === 'envoy' ? 'field(s)' : 'line(s)'} lbsim does not model are ${p.format}-only and left out of this ${format} export: ${items.join('; ')}` });
  }
  return undefined;
}
