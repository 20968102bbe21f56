/**
 * The `imported:` section of a scenario written by `lbsim import`: what the proxy config said that
 * the simulation does not use but `lbsim export` writes back, kept out of the human description.
 *
 * ```yaml
 * imported:
 *   format: nginx                      # the proxy (or aws: ALB target group) the config came from
 *   file: nginx.conf
 *   section: upstream backend
 *   placeholder: 9c1f03ab              # fingerprint of the placeholder workload (see below)
 *   servers:                           # servers lbsim does not simulate (down)
 *     - { name: old, address: 10.0.0.8:80, role: down, weight: 1, maxConn: 0, position: 3 }
 *   addresses: { web1: [10.0.0.1:80] } # each simulated group's server addresses, in order
 *   hashKey: header x-user-id
 *   healthCheck: { interval: 2s, timeout: 1s, rise: 2, fall: 3, path: /health }
 *   directives:                        # the proxy's own lines lbsim does not model, verbatim
 *     section: ['keepalive 32', 'zone backend 64k']   # HAProxy: the backend's lines
 *     location: ['proxy_http_version 1.1', 'proxy_set_header Connection ""']
 *     servers: { spare: [] }           # own parameters (nginx max_fails / fail_timeout ≠ balancer.passive)
 *     fields: { transport_socket: {…} } # Envoy: cluster fields by dotted path, values as written
 *     endpoints: { web1: { metadata: {…} } }  # Envoy: an lb_endpoints entry's fields, per server
 *     retry: [invalid_header]
 * ```
 *
 * `placeholder` is a fingerprint (FNV-1a) of the workload lbsim import wrote: the clients and each
 * backend group's count, workers, speed, discipline, queue limit and service. While the scenario's
 * workload still matches it, every run warns that the results describe a placeholder.
 */
import { z } from 'zod';
import { duration } from '../input/units.js';
import type { Scenario } from './types.js';

/** The section as written (zod). */
export const importedSchema = z
  .object({
    format: z.enum(['nginx', 'haproxy', 'envoy', 'aws']),
    file: z.string().optional(),
    section: z.string().optional(),
    placeholder: z.string().regex(/^[0-9a-f]{8}$/, 'expected the 8-hex-digit fingerprint lbsim import wrote').optional(),
    servers: z
      .array(
        z
          .object({
            name: z.string().min(1),
            address: z.string().min(1),
            role: z.enum(['backup', 'down']),
            weight: z.number().int().positive().default(1),
            maxConn: z.number().int().nonnegative().default(0),
            position: z.number().int().nonnegative().optional(),
            priority: z.number().int().positive().optional(),
            zone: z.string().min(1).optional(),
            health: z.enum(['UNHEALTHY', 'TIMEOUT', 'DRAINING', 'DEGRADED']).optional(),
          })
          .strict(),
      )
      .optional(),
    addresses: z.record(z.string(), z.array(z.string().min(1)).min(1)).optional(),
    degraded: z.array(z.string().min(1)).optional(),
    hashKey: z.string().min(1).optional(),
    healthCheck: z
      .object({
        interval: duration({ positive: true }),
        timeout: duration({ positive: true }),
        rise: z.number().int().positive(),
        fall: z.number().int().positive(),
        path: z.string().optional(),
      })
      .strict()
      .optional(),
    directives: z
      .object({
        section: z.array(z.string()).optional(),
        location: z.array(z.string()).optional(),
        servers: z.record(z.string(), z.array(z.string())).optional(),
        fields: z.record(z.string(), z.unknown()).optional(),
        endpoints: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
        retry: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** The section as written and validated. */
export type RawImported = z.output<typeof importedSchema>;

/** The normalized section (durations in ms). */
export interface ImportedInfo {
  format: 'nginx' | 'haproxy' | 'envoy' | 'aws';
  file?: string;
  section?: string;
  placeholder?: string;
  servers?: {
    name: string;
    address: string;
    role: 'backup' | 'down';
    weight: number;
    maxConn: number;
    position?: number;
    priority?: number;
    zone?: string;
    health?: 'UNHEALTHY' | 'TIMEOUT' | 'DRAINING' | 'DEGRADED';
  }[];
  addresses?: Record<string, string[]>;
  /** Groups Envoy lists as `DEGRADED`, from imports before `backends[].degraded` (simulated as healthy; written back). */
  degraded?: string[];
  hashKey?: string;
  healthCheck?: { intervalMs: number; timeoutMs: number; rise: number; fall: number; path?: string };
  directives?: {
    section?: string[];
    location?: string[];
    servers?: Record<string, string[]>;
    fields?: Record<string, unknown>;
    endpoints?: Record<string, Record<string, unknown>>;
    retry?: string[];
  };
}

/** Normalizes the written section. */
export function normImported(raw: RawImported): ImportedInfo {
  const { healthCheck, ...rest } = raw;
  return {
    ...rest,
    ...(healthCheck
      ? {
          healthCheck: {
            intervalMs: healthCheck.interval,
            timeoutMs: healthCheck.timeout,
            rise: healthCheck.rise,
            fall: healthCheck.fall,
            ...(healthCheck.path !== undefined ? { path: healthCheck.path } : {}),
          },
        }
      : {}),
  };
}

/** FNV-1a (32-bit) of a string, as 8 hex digits. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/** The fingerprint of a normalized scenario's workload (clients and backend capacity; see the module header). */
export function workloadFingerprint(s: Pick<Scenario, 'clients' | 'backends'>): string {
  const backends = s.backends.map((g) => [g.count, g.workers, g.speed, g.discipline, g.queueLimit, g.service]);
  return fnv1a(JSON.stringify([s.clients, backends]));
}

/** Whether `s` was imported and its workload is still the placeholder lbsim import wrote. */
export function placeholderWorkloadUntouched(s: Pick<Scenario, 'clients' | 'backends'> & { imported?: ImportedInfo }): boolean {
  const p = s.imported?.placeholder;
  return p !== undefined && p === workloadFingerprint(s);
}
