/**
 * The proxy-neutral model `lbsim import` and `lbsim export` translate through: one upstream (nginx),
 * backend (HAProxy) or cluster (Envoy) as servers, a strategy with options, a hash key and the
 * balancer mechanisms in the normalized units of a scenario's `balancer` section (ms, r/s).
 *
 * Importers (nginx/import.ts, haproxy/import.ts, envoy/import.ts) produce an {@link LbConfig};
 * scenario-writer.ts turns it into a scenario file. Exporters read a scenario back into an
 * {@link LbConfig} (plan.ts) and print it in a proxy's syntax. Round-trip tests compare these
 * objects. Mapping table: MAPPING.md.
 */
import type { FailoverSettings, ZoneSettings } from '../core/balancer/settings.js';
import type { BalancerSettings, ProxyTarget } from '../scenario/types.js';

/** The proxy formats lbsim reads and writes. */
export type ProxyFormat = 'nginx' | 'haproxy' | 'envoy';

/** Every format, for flags and messages. */
export const PROXY_FORMATS: readonly ProxyFormat[] = ['nginx', 'haproxy', 'envoy'];

/** What `lbsim import` reads: the proxy formats, and an AWS ALB target group (attributes + targets JSON). */
export type ImportFormat = ProxyFormat | 'aws';

/** Every import format, for flags and messages. */
export const IMPORT_FORMATS: readonly ImportFormat[] = ['nginx', 'haproxy', 'envoy', 'aws'];

/** One upstream server as the proxy names it. */
export interface LbServer {
  /** Name used for the scenario's backend group (HAProxy's server name, else derived from the address). */
  name: string;
  /** Address as written: `host:port`, `host`, `[v6]:port` or `unix:/path`. */
  address: string;
  /** Configured weight (≥ 1). */
  weight: number;
  /** Concurrency cap (nginx `max_conns`, HAProxy `maxconn`); 0 = none. */
  maxConn: number;
  /**
   * `active` (priority 0) and `backup` (a failover tier, priority ≥ 1: nginx/HAProxy `backup`,
   * Envoy `priority`) servers are simulated; `down` ones are kept for export only.
   */
  role: 'active' | 'backup' | 'down';
  /** Failover tier of a `backup` server when it is not 1 (Envoy priorities 2, 3, …). */
  priority?: number;
  /** Zone (Envoy `locality.zone`), when known. */
  zone?: string;
  /** Host name (Envoy endpoint `hostname`), when known: hashed with `use_hostname_for_hashing`. */
  hostname?: string;
  /**
   * Envoy `health_status` other than healthy, kept for export: `UNHEALTHY`, `TIMEOUT` and
   * `DRAINING` servers are `down` (not simulated); a `DEGRADED` one is simulated as a degraded backend
   * (`backends[].degraded`).
   */
  health?: EnvoyHealthStatus;
}

/** Envoy endpoint health statuses lbsim carries (`envoy.config.core.v3.HealthStatus`). */
export type EnvoyHealthStatus = 'UNHEALTHY' | 'TIMEOUT' | 'DRAINING' | 'DEGRADED';

/** A server's Envoy priority: its tier, or for a `down` server the priority it was listed at. */
export function levelOfServer(s: LbServer): number {
  return s.role === 'down' ? (s.priority ?? 0) : tierOfServer(s);
}

/** A server's failover tier: 0 for active (and down) servers, else its priority (default 1). */
export function tierOfServer(s: LbServer): number {
  return s.role === 'backup' ? (s.priority ?? 1) : 0;
}

/**
 * What a hashing strategy hashes, proxy-neutral: the client address, the whole request URI (with
 * query), the path alone, a header, a cookie, a query parameter, or a raw expression in one format.
 */
export type HashKey =
  | { kind: 'client' }
  | { kind: 'uri' }
  | { kind: 'path' }
  | { kind: 'header'; name: string }
  | { kind: 'cookie'; name: string }
  | { kind: 'param'; name: string }
  | { kind: 'raw'; format: ProxyFormat; expr: string };

/** An active health check (HAProxy `check inter rise fall`, Envoy `health_checks`); not simulated. */
export interface LbHealthCheck {
  intervalMs: number;
  timeoutMs: number;
  /** Successes to mark a server up (HAProxy `rise`, Envoy `healthy_threshold`). */
  rise: number;
  /** Failures to mark it down (HAProxy `fall`, Envoy `unhealthy_threshold`). */
  fall: number;
  /** HTTP path probed; absent = a TCP connect check. */
  path?: string;
}

/** The balancer mechanisms carried between proxies (a scenario's `balancer` section, normalized). */
export type LbMechanisms = Pick<
  BalancerSettings,
  'passive' | 'outlier' | 'panicThreshold' | 'slowStart' | 'rateLimit' | 'connLimit' | 'queue' | 'retries' | 'retryOn' | 'timeoutMs'
>;

/** One proxy's load-balancing configuration in lbsim's terms. */
export interface LbConfig extends LbMechanisms {
  /** Upstream / backend / cluster name. */
  name: string;
  servers: LbServer[];
  /** Registry name and options (defaults filled in by the strategy's schema). */
  strategy: { name: string; options: Record<string, unknown> };
  /** What the hashing strategy hashes, when the config says. */
  hashKey?: HashKey;
  healthCheck?: LbHealthCheck;
  /**
   * The proxy's own lines lbsim does not model (nginx `keepalive 32`, `zone app 64k` in the
   * upstream; `proxy_http_version 1.1` beside `proxy_pass`; HAProxy `http-request …`,
   * `stick-table …` in the backend; Envoy `transport_socket`, `circuit_breakers` in the cluster),
   * verbatim, so an export to the same format gives them back (another format's export names them
   * in a warning instead).
   */
  passthrough?: Passthrough;
  /** How backup / priority servers are used, when the config has any (nginx, HAProxy or Envoy semantics). */
  failover?: FailoverSettings;
  /** Envoy locality balancing (zone-aware routing, locality weights), when the config has it. */
  zones?: ZoneSettings;
}

/** What {@link LbConfig.passthrough} keeps; which parts a format uses is said per field. */
export interface Passthrough {
  format: ProxyFormat;
  /** nginx: the upstream block's lines; HAProxy: the backend / listen section's lines. */
  section?: string[];
  /** nginx: the lines beside `proxy_pass` in its location. */
  location?: string[];
  /**
   * Per server name. nginx: the parameters written in place of those lbsim derives for every
   * server (`max_fails=… fail_timeout=…` of a server whose failure accounting differs from the one
   * setting lbsim applies; an empty list for a server that had none). HAProxy: the server line's
   * keywords lbsim does not model (`send-proxy`, `ssl`, `verify none`, …), appended to those lbsim
   * writes.
   */
  servers?: Record<string, string[]>;
  /**
   * Envoy: cluster fields lbsim does not model, by their dotted path in the cluster
   * (`transport_socket`, `outlier_detection.interval`), with their values as the config had them.
   */
  fields?: Record<string, unknown>;
  /**
   * Envoy: per server name, the fields of its `lb_endpoints` entry lbsim does not model
   * (`metadata`, `endpoint.health_check_config`), by dotted path in that entry.
   */
  endpoints?: Record<string, Record<string, unknown>>;
}

/** A directive lbsim cannot model or maps only approximately. */
export interface InteropWarning {
  /** File the directive is in. */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  /** The directive, option or field (e.g. `keepalive`, `lb_policy`). */
  directive: string;
  message: string;
}

/** What an importer returns. */
export interface ImportResult {
  format: ImportFormat;
  /** The file that was imported. */
  file: string;
  /** `upstream`, `backend`, `listen`, `cluster` or `target-group`. */
  kind: string;
  /**
   * The proxy the config runs on (nginx Plus when it uses a Plus-only method or directive); absent for
   * an AWS target group and for access logs read without a config (recommendations then are not limited).
   */
  proxy?: ProxyTarget;
  config: LbConfig;
  /** Where each mapped setting came from (`balancer.passive` → `max_fails=3 fail_timeout=30s`). */
  origins: Record<string, string>;
  warnings: InteropWarning[];
}

/** Formats a warning as `file:line: directive: message`. */
export function formatWarning(w: InteropWarning): string {
  return `${w.file}${w.line !== undefined ? `:${w.line}` : ''}: ${w.directive}: ${w.message}`;
}

/** Something a proxy cannot express exactly, and the nearest equivalent written instead. */
export interface ExportWarning {
  /** The lbsim feature (`strategy peak-ewma`, `balancer.outlier`, `server 3 weight`). */
  feature: string;
  message: string;
}

/** What an exporter returns: the config fragment and its warnings. */
export interface ExportResult {
  format: ProxyFormat;
  text: string;
  warnings: ExportWarning[];
}
