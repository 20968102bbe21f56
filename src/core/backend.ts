/**
 * Backend descriptors: immutable facts about a backend (who it is, where, how much it weighs).
 * Live state (in-flight, health, EWMA, slow-start stage) is never hung on these objects: the
 * balancer keeps it in arrays indexed by backend position (pingora's `Backend` vs its health map).
 */

/** An immutable backend descriptor. */
export interface BackendSpec {
  /** Stable identifier, unique within a balancer (e.g. `"b3"` or `"127.0.0.1:9001"`). */
  readonly id: string;
  /** Host name or IP used by hash strategies (`"host\0port"` ketama points) and the proxy. */
  readonly host: string;
  /** TCP port (0 where it has no meaning, e.g. in the simulator). */
  readonly port: number;
  /**
   * The server as the proxy's config writes it (`10.0.0.1:8080`, `app.internal:80`, `[::1]:80`,
   * `unix:/run/app.sock`), when known. Hash strategies hash it exactly as the proxy does (nginx's
   * ketama points hash this text), so an imported upstream keeps its production key → server map.
   */
  readonly address?: string;
  /**
   * The server's host name (Envoy's endpoint `hostname`), when known: Envoy's ring hash and
   * Maglev hash it instead of the address with `use_hostname_for_hashing`.
   */
  readonly hostname?: string;
  /** Configured weight, a positive integer (nginx `weight=`, default 1). */
  readonly weight: number;
  /** Maximum concurrent requests from this balancer; 0 = unlimited (nginx `max_conns`, HAProxy `maxconn`). */
  readonly maxConn: number;
  /** Optional zone / locality label. */
  readonly zone?: string;
  /**
   * Failover tier: 0 (or absent) = primary, 1 = backup (nginx/HAProxy `backup`), higher = later
   * Envoy priority levels. See `balancer/tiers.ts`.
   */
  readonly priority?: number;
  /**
   * Envoy `health_status: DEGRADED`: available, but used only for its level's degraded share of
   * the priority load (`LoadBalancerBase::choosePriority`). Envoy failover mode only. See
   * `balancer/tiers.ts`.
   */
  readonly degraded?: boolean;
  /** Free-form labels. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** Fields a caller may leave out when describing a backend. */
export interface BackendInit {
  id: string;
  host?: string;
  port?: number;
  address?: string;
  hostname?: string;
  weight?: number;
  maxConn?: number;
  zone?: string;
  priority?: number;
  degraded?: boolean;
  labels?: Record<string, string>;
}

/** Builds a frozen {@link BackendSpec}, filling defaults (host = id, port 0, weight 1, maxConn 0). */
export function backend(init: BackendInit): BackendSpec {
  const weight = init.weight ?? 1;
  if (!(Number.isInteger(weight) && weight >= 1)) {
    throw new RangeError(`backend ${init.id}: weight must be a positive integer, got ${weight}`);
  }
  const maxConn = init.maxConn ?? 0;
  if (!(Number.isInteger(maxConn) && maxConn >= 0)) {
    throw new RangeError(`backend ${init.id}: maxConn must be a non-negative integer, got ${maxConn}`);
  }
  const priority = init.priority ?? 0;
  if (!(Number.isInteger(priority) && priority >= 0 && priority <= 127)) {
    throw new RangeError(`backend ${init.id}: priority must be an integer 0…127, got ${priority}`);
  }
  const spec: BackendSpec = {
    id: init.id,
    host: init.host ?? init.id,
    port: init.port ?? 0,
    ...(init.address !== undefined ? { address: init.address } : {}),
    ...(init.hostname !== undefined ? { hostname: init.hostname } : {}),
    weight,
    maxConn,
    ...(init.zone !== undefined ? { zone: init.zone } : {}),
    ...(priority > 0 ? { priority } : {}),
    ...(init.degraded === true ? { degraded: true } : {}),
    ...(init.labels !== undefined ? { labels: Object.freeze({ ...init.labels }) } : {}),
  };
  return Object.freeze(spec);
}

/** `n` simulator-style backends `b0…b{n-1}` with the given weights (default 1 each). */
export function backends(n: number, weights?: readonly number[]): BackendSpec[] {
  const out: BackendSpec[] = [];
  for (let i = 0; i < n; i++) out.push(backend({ id: `b${i}`, weight: weights?.[i] ?? 1 }));
  return out;
}
