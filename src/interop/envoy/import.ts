/**
 * Envoy → lbsim: one cluster (`envoy.config.cluster.v3.Cluster`, YAML or JSON read with the `yaml`
 * package), from `static_resources.clusters`, a top-level `clusters` list, CDS `resources`, or a
 * bare cluster. Fields follow the Envoy API reference: `lb_policy` with `least_request_lb_config`,
 * `ring_hash_lb_config`, `maglev_lb_config`, `round_robin_lb_config` (or the same policies as
 * `load_balancing_policy` extensions), `load_assignment` endpoints with `load_balancing_weight`,
 * `priority` and `health_status`, localities (`locality.zone`, `load_balancing_weight`),
 * `health_checks`, `outlier_detection` and `common_lb_config` (`healthy_panic_threshold`,
 * `zone_aware_lb_config`, `locality_weighted_lb_config`,
 * `consistent_hashing_lb_config.hash_balance_factor`); slow start from
 * `slow_start_config`. Durations are protobuf JSON (`"30s"`, `"0.5s"`). Errors and warnings carry
 * the line of the field. The mapping table is in ../MAPPING.md. Cluster fields lbsim does not
 * model (`transport_socket`, `circuit_breakers`, `dns_lookup_family`, outlier fields it does not
 * read, …) and an endpoint's (`metadata`, …) are kept with their values (`LbConfig.passthrough`
 * `fields` by dotted path in the cluster, `endpoints` per server) for an Envoy export to merge back.
 */
import { isIP } from 'node:net';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { formatPath, InputError } from '../../input/errors.js';
import { DEFAULT_LIMITS, type InputLimits } from '../../input/limits.js';
import { readInputFile } from '../../input/read.js';
import { MAX_YAML_ALIASES, yamlResourceError } from '../../scenario/parse-document.js';
import { isPrime } from '../../strategies/maglev.js';
import { ENVOY_MAX_RING_SIZE, ENVOY_MIN_RING_SIZE } from '../../strategies/support/envoy-ring.js';
import { baseConfig, groupName, withDefaults } from '../common.js';
import { parseEnvoyDuration } from '../durations.js';
import type { EnvoyHealthStatus, ImportResult, InteropWarning, LbConfig, LbServer } from '../types.js';
import { ZONE_DEFAULTS, type ZoneSettings } from '../../core/balancer/zone-settings.js';

/**
 * `zone_aware_lb_config` / `locality_weighted_lb_config` of `obj` (a `common_lb_config` or a
 * `locality_lb_config`) as lbsim `zones` settings, with the localities' weights; undefined when the
 * cluster has neither and no locality weight. Envoy prefers `locality_weighted_lb_config` when both
 * are set (`localityLbConfigFromCommonLbConfig`).
 */
function localityConfig(r: Reader, obj: Obj, path: Path, weights: Record<string, number>, anyZone: boolean): ZoneSettings | undefined {
  const hasWeights = Object.keys(weights).length > 0;
  const za = r.obj(obj, 'zone_aware_lb_config', path);
  const lw = r.obj(obj, 'locality_weighted_lb_config', path);
  if (!za && !lw && !hasWeights) return undefined;
  const zs: ZoneSettings = { ...ZONE_DEFAULTS, routing: lw ? (hasWeights ? 'locality-weighted' : 'none') : za && anyZone ? 'zone-aware' : 'none' };
  if (za) {
    const zp = [...path, 'zone_aware_lb_config'];
    // routing_enabled is a Percent ({ value }), min_cluster_size a UInt64Value: both read with or without the wrapper.
    zs.routingEnabled = Math.round(r.num(za, 'routing_enabled', zp, (n) => n >= 0 && n <= 100, 'a percentage from 0 to 100') ?? 100);
    zs.minClusterSize = r.num(za, 'min_cluster_size', zp, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer') ?? 6;
    zs.failTrafficOnPanic = za.fail_traffic_on_panic === true;
    zs.forceLocalityDirectRouting = za.force_locality_direct_routing === true;
    r.rest(za, ['routing_enabled', 'min_cluster_size', 'fail_traffic_on_panic', 'force_locality_direct_routing'], zp);
    if (lw) r.warn(zp, 'has no effect with locality_weighted_lb_config (Envoy uses locality weights)');
    else if (!anyZone) r.warn(zp, 'no endpoint has a locality.zone: Envoy cannot route by zone (routing none)');
    else r.warn(zp, 'zone-aware routing needs the local cluster (cluster_manager.local_cluster_name): the simulator takes it from where its balancers are (clients zones)');
  }
  if (lw) r.rest(lw, [], [...path, 'locality_weighted_lb_config']);
  if (hasWeights) zs.localityWeights = { ...weights };
  if (lw && !hasWeights) r.warn([...path, 'locality_weighted_lb_config'], 'no locality has a load_balancing_weight: Envoy builds no locality schedule and balances over all hosts (routing none)');
  if (!lw && hasWeights) r.warn(path, 'locality load_balancing_weight without locality_weighted_lb_config: Envoy does not use the weights; kept for export');
  return zs;
}

/** A host name lbsim scenarios keep (`backends[].hostname`). */
const HOSTNAME_RE = /^[A-Za-z0-9_.-]{1,253}$/;

/** Options of {@link importEnvoy}. */
export interface EnvoyImportOptions {
  /** Name of the cluster (required when the file has several). */
  upstream?: string;
  /** Input limits (file size; nginx nesting depth); the defaults when absent. */
  limits?: Readonly<InputLimits>;
}

/** `lb_policy` values lbsim maps. */
export const LB_POLICIES = ['ROUND_ROBIN', 'LEAST_REQUEST', 'RING_HASH', 'RANDOM', 'MAGLEV', 'CLUSTER_PROVIDED', 'LOAD_BALANCING_POLICY_CONFIG'];

const EXTENSION_POLICIES: Record<string, string> = {
  'envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin': 'ROUND_ROBIN',
  'envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest': 'LEAST_REQUEST',
  'envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash': 'RING_HASH',
  'envoy.extensions.load_balancing_policies.maglev.v3.Maglev': 'MAGLEV',
  'envoy.extensions.load_balancing_policies.random.v3.Random': 'RANDOM',
};

type Path = (string | number)[];
type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

class Reader {
  readonly warnings: InteropWarning[] = [];
  /** The chosen cluster's path: unmodelled fields under it (outside load_assignment) are kept. */
  cluster: Path | undefined;
  /** Kept cluster fields by dotted path from the cluster. */
  readonly kept: Record<string, unknown> = {};
  constructor(
    readonly file: string,
    readonly doc: Document,
    readonly lines: LineCounter,
  ) {}

  line(path: Path): number | undefined {
    for (let k = path.length; k >= 0; k--) {
      const node = this.doc.getIn(path.slice(0, k), true) as { range?: [number, number, number] } | undefined;
      if (node && node.range) return this.lines.linePos(node.range[0]).line;
    }
    return undefined;
  }

  fail(path: Path, message: string): never {
    const line = this.line(path);
    throw new InputError(this.file, [{ path: `${line !== undefined ? `line ${line}: ` : ''}${formatPath(path)}`, message }]);
  }

  warn(path: Path, message: string): void {
    const line = this.line(path);
    this.warnings.push({ file: this.file, ...(line !== undefined ? { line } : {}), directive: formatPath(path), message });
  }

  /** A wrapper value (`5` or `{value: 5}`) as a number, or undefined when absent. */
  num(obj: Obj, key: string, path: Path, check: (n: number) => boolean, expected: string): number | undefined {
    let v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (isObj(v) && 'value' in v) v = v.value;
    const n = typeof v === 'string' && /^\d+(\.\d+)?$/.test(v) ? Number(v) : v;
    if (typeof n !== 'number' || !check(n)) this.fail([...path, key], `expected ${expected}, got ${JSON.stringify(obj[key])}`);
    return n;
  }

  duration(obj: Obj, key: string, path: Path): number | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    const ms = parseEnvoyDuration(v);
    if (!Number.isFinite(ms)) this.fail([...path, key], `expected a duration such as "30s" or "0.5s", got ${JSON.stringify(v)}`);
    return ms;
  }

  obj(obj: Obj, key: string, path: Path): Obj | undefined {
    const v = obj[key];
    if (v === undefined || v === null) return undefined;
    if (!isObj(v)) this.fail([...path, key], `expected a mapping, got ${Array.isArray(v) ? 'a list' : JSON.stringify(v)}`);
    return v;
  }

  list(obj: Obj, key: string, path: Path): unknown[] {
    const v = obj[key];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.fail([...path, key], 'expected a list');
    return v;
  }

  /**
   * The dotted path from the cluster of a field kept for export, or undefined for one that is not
   * (outside the cluster, or in load_assignment, which the export rebuilds: endpoints are kept per
   * server instead).
   */
  keptPath(path: Path): string | undefined {
    const at = this.cluster;
    if (at === undefined || path.length <= at.length || at.some((p, k) => path[k] !== p) || path[at.length] === 'load_assignment') return undefined;
    return path.slice(at.length).join('.');
  }

  /** Warns about every key of `obj` not in `known`, keeping it for export where it can be. */
  rest(obj: Obj, known: string[], path: Path, message = 'not modelled by lbsim'): void {
    for (const k of Object.keys(obj)) if (!known.includes(k)) this.unmodelled(obj, k, path, message);
  }

  /** Warns about the field `k` of `obj`, keeping its value for export where it can be. */
  unmodelled(obj: Obj, k: string, path: Path, message: string): void {
    const kp = this.keptPath([...path, k]);
    if (kp !== undefined) this.kept[kp] = obj[k];
    this.warn([...path, k], kp !== undefined ? `${message}; kept for export` : message);
  }
}

/** Every cluster in the document with its path. */
function findClusters(root: unknown): { cluster: Obj; path: Path }[] {
  const out: { cluster: Obj; path: Path }[] = [];
  const addList = (list: unknown, path: Path) => {
    if (Array.isArray(list)) list.forEach((c, k) => isObj(c) && out.push({ cluster: c, path: [...path, k] }));
  };
  if (Array.isArray(root)) addList(root, []);
  else if (isObj(root)) {
    if (isObj(root.static_resources)) addList(root.static_resources.clusters, ['static_resources', 'clusters']);
    addList(root.clusters, ['clusters']);
    if (Array.isArray(root.resources)) {
      root.resources.forEach((c, k) => {
        if (isObj(c) && (String(c['@type'] ?? '').endsWith('.Cluster') || 'lb_policy' in c || 'load_assignment' in c)) out.push({ cluster: c, path: ['resources', k] });
      });
    }
    if (out.length === 0 && typeof root.name === 'string' && ('lb_policy' in root || 'load_assignment' in root || 'type' in root)) out.push({ cluster: root, path: [] });
  }
  return out;
}

function socketAddress(r: Reader, endpoint: Obj, path: Path): string {
  const addr = r.obj(endpoint, 'address', path);
  if (!addr) r.fail(path, 'expected endpoint.address.socket_address');
  const sa = r.obj(addr, 'socket_address', [...path, 'address']);
  if (sa) {
    const host = sa.address;
    if (typeof host !== 'string' || host === '') r.fail([...path, 'address', 'socket_address', 'address'], 'expected a host or IP address');
    const port = sa.port_value ?? sa.named_port;
    if (port === undefined) r.fail([...path, 'address', 'socket_address'], 'expected port_value');
    return `${host.includes(':') ? `[${host}]` : host}:${String(port)}`;
  }
  const pipe = r.obj(addr, 'pipe', [...path, 'address']);
  if (pipe && typeof pipe.path === 'string') return `unix:${pipe.path}`;
  return r.fail([...path, 'address'], 'expected socket_address {address, port_value} or pipe {path}');
}

/**
 * Imports one cluster of an Envoy config as an {@link LbConfig}.
 * @throws InputError with the file, line and field path of a bad value, or an ambiguous cluster
 */
export function importEnvoy(file: string, opts: EnvoyImportOptions = {}): ImportResult {
  const text = readInputFile(file, (opts.limits ?? DEFAULT_LIMITS).fileBytes);
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, logLevel: 'error' });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    const pos = e.linePos?.[0];
    throw new InputError(file, [{ path: pos ? `line ${pos.line}` : '', message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') }]);
  }
  const r: Reader = new Reader(file, doc, lines);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_YAML_ALIASES });
  } catch (e) {
    const why = yamlResourceError(e);
    if (why) throw new InputError(file, [{ path: '', message: why }]);
    throw e;
  }
  const clusters = findClusters(value);
  if (clusters.length === 0) throw new InputError(file, [{ path: '', message: 'no cluster found (expected static_resources.clusters, clusters, CDS resources or a bare cluster)' }]);
  const names = clusters.map((c) => String(c.cluster.name ?? '(unnamed)'));
  let chosen: { cluster: Obj; path: Path };
  if (opts.upstream !== undefined) {
    const hit = clusters.find((c) => c.cluster.name === opts.upstream);
    if (!hit) throw new InputError(file, [{ path: '--upstream', message: `no cluster "${opts.upstream}"; the file has: ${names.join(', ')}` }]);
    chosen = hit;
  } else {
    if (clusters.length > 1) throw new InputError(file, [{ path: '', message: `several clusters (${names.join(', ')}): choose one with --upstream NAME` }]);
    chosen = clusters[0]!;
  }
  const c = chosen.cluster;
  const at = chosen.path;
  r.cluster = at;
  /** Per server, its lb_endpoints entry's fields lbsim does not model (dotted path → value). */
  const endpointKept: Record<string, Record<string, unknown>> = {};
  const name = typeof c.name === 'string' && c.name !== '' ? c.name : 'cluster';
  const config: LbConfig = baseConfig(name);
  const origins: Record<string, string> = {};

  // Endpoints.
  const used = new Set<string>();
  const servers: LbServer[] = [];
  const la = r.obj(c, 'load_assignment', at);
  if (!la) r.fail(at, 'expected load_assignment with endpoints (EDS clusters have no static endpoints to import)');
  const laPath = [...at, 'load_assignment'];
  r.rest(la, ['cluster_name', 'endpoints', 'policy'], laPath);
  const pol = r.obj(la, 'policy', laPath);
  let opf: number | undefined;
  if (pol) {
    const pp = [...laPath, 'policy'];
    // ClusterLoadAssignment.Policy.overprovisioning_factor: percent, default 140.
    opf = r.num(pol, 'overprovisioning_factor', pp, (n) => Number.isInteger(n) && n >= 1, 'a percentage: an integer ≥ 1 (140 = 1.4)');
    r.rest(pol, ['overprovisioning_factor'], pp);
  }
  // DNS clusters name each host after its endpoint's hostname, else its DNS address
  // (`DnsClusterImpl::ResolveTarget`): what `use_hostname_for_hashing` hashes there.
  const dnsCluster = c.type === 'STRICT_DNS' || c.type === 'LOGICAL_DNS';
  const dnsNames = new Map<LbServer, string>();
  const hostnamePaths = new Map<LbServer, Path>();
  // LocalityLbEndpoints.load_balancing_weight per zone (PriorityStateManager::updateClusterPrioritySet
  // keeps one weight per locality and priority; lbsim one per zone).
  const localityWeights: Record<string, number> = {};
  r.list(la, 'endpoints', laPath).forEach((loc, i) => {
    const lp = [...laPath, 'endpoints', i];
    if (!isObj(loc)) r.fail(lp, 'expected a mapping');
    const priority = r.num(loc, 'priority', lp, (n) => Number.isInteger(n) && n >= 0, 'a non-negative integer') ?? 0;
    r.rest(loc, ['locality', 'lb_endpoints', 'priority', 'load_balancing_weight'], lp);
    const locality = r.obj(loc, 'locality', lp);
    const zone = locality && typeof locality.zone === 'string' && locality.zone !== '' ? locality.zone : undefined;
    if (locality) r.rest(locality, ['zone'], [...lp, 'locality'], 'region and sub_zone are not modelled (the zone is kept)');
    const lw = r.num(loc, 'load_balancing_weight', lp, (n) => Number.isInteger(n) && n >= 1, 'a weight: an integer ≥ 1');
    if (lw !== undefined) {
      if (zone === undefined) r.warn([...lp, 'load_balancing_weight'], 'a locality weight without locality.zone cannot be simulated (lbsim weighs zones); dropped');
      else if (localityWeights[zone] !== undefined && localityWeights[zone] !== lw) {
        r.warn([...lp, 'load_balancing_weight'], `zone ${zone} already has weight ${localityWeights[zone]} at another priority; lbsim keeps one weight per zone (the first)`);
      } else localityWeights[zone] = lw;
    }
    r.list(loc, 'lb_endpoints', lp).forEach((ep, j) => {
      const ep0 = [...lp, 'lb_endpoints', j];
      if (!isObj(ep)) r.fail(ep0, 'expected a mapping');
      const endpoint = r.obj(ep, 'endpoint', ep0);
      if (!endpoint) r.fail(ep0, 'expected endpoint');
      const address = socketAddress(r, endpoint, [...ep0, 'endpoint']);
      const own: Record<string, unknown> = {};
      const keepOwn = (obj: Obj, known: string[], prefix: string, p: Path, silent: string[] = []) => {
        for (const k of Object.keys(obj)) {
          if (known.includes(k)) continue;
          own[`${prefix}${k}`] = obj[k];
          if (!silent.includes(k)) r.warn([...p, k], 'not modelled by lbsim; kept for export');
        }
      };
      keepOwn(endpoint, ['address', 'hostname'], 'endpoint.', [...ep0, 'endpoint'], ['health_check_config']);
      const weight = r.num(ep, 'load_balancing_weight', ep0, (n) => Number.isInteger(n) && n >= 1, 'a weight: an integer ≥ 1') ?? 1;
      const status = typeof ep.health_status === 'string' ? ep.health_status : 'UNKNOWN';
      let role: LbServer['role'] = 'active';
      let health: EnvoyHealthStatus | undefined;
      if (status === 'UNHEALTHY' || status === 'TIMEOUT') {
        role = 'down';
        health = status;
        r.warn(
          [...ep0, 'health_status'],
          `endpoint ${address} is ${status}: Envoy counts it among the hosts of its priority and locality (availability, panic) but never picks it outside panic; lbsim leaves it out of the simulation and writes it back`,
        );
      } else if (status === 'DRAINING') {
        // Envoy excludes draining hosts from balancing and from the host counts (excluded hosts).
        role = 'down';
        health = status;
        r.warn([...ep0, 'health_status'], `endpoint ${address} is DRAINING: excluded from balancing and host counts, as Envoy does; written back`);
      } else if (priority > 0) role = 'backup'; // simulated: Envoy priority levels (balancer.failover.mode envoy)
      if (status === 'DEGRADED') {
        // Simulated as Envoy does: the host source `DegradedHosts` of its priority, used for the
        // degraded share of the priority load (`LoadBalancerBase::choosePriority`); docs/tiers.md.
        health = status;
      } else if (!['UNKNOWN', 'HEALTHY', 'UNHEALTHY', 'TIMEOUT', 'DRAINING'].includes(status)) {
        r.warn([...ep0, 'health_status'], `unknown health_status ${JSON.stringify(status)}: simulated as healthy`);
      }
      keepOwn(ep, ['endpoint', 'load_balancing_weight', 'health_status'], '', ep0, ['metadata']);
      const named = typeof endpoint.hostname === 'string' && endpoint.hostname !== '' ? endpoint.hostname : undefined;
      const label = named ?? address;
      const name = groupName(label, used);
      const level = role === 'down' ? (priority > 0 ? { priority } : {}) : priority > 1 ? { priority } : {};
      const hpath = [...ep0, 'endpoint', 'hostname'];
      let hostname = named;
      if (named !== undefined && !HOSTNAME_RE.test(named)) {
        r.warn(hpath, `hostname ${JSON.stringify(named)} is not a plain host name (letters, digits, "-", "_", "."); not kept`);
        hostname = undefined;
      }
      const server: LbServer = {
        name,
        address,
        weight,
        maxConn: 0,
        role,
        ...level,
        ...(zone !== undefined ? { zone } : {}),
        ...(health !== undefined ? { health } : {}),
        ...(hostname !== undefined ? { hostname } : {}),
      };
      hostnamePaths.set(server, hpath);
      if (Object.keys(own).length > 0) endpointKept[name] = own;
      const dns = /^([A-Za-z0-9_.-]+):\d+$/.exec(address);
      if (dnsCluster && dns && isIP(dns[1]!) === 0) dnsNames.set(server, dns[1]!);
      servers.push(server);
    });
  });
  // Priorities in use, as tiers 1, 2, … without gaps: an empty Envoy level has health 0 and no
  // hosts, so it never gets load, and leaving it out changes no priority load.
  const levels = [...new Set(servers.filter((s) => s.role === 'backup').map((s) => s.priority ?? 1))].sort((a, b) => a - b);
  if (levels.some((p, k) => p !== k + 1)) {
    r.warn(laPath, `priorities ${levels.join(', ')} renumbered 1…${levels.length} (empty levels get no load in Envoy)`);
    for (const s of servers) if (s.role === 'backup') {
      const t = levels.indexOf(s.priority ?? 1) + 1;
      if (t > 1) s.priority = t;
      else delete s.priority;
    }
  }
  if (levels.length > 0 || opf !== undefined) {
    config.failover = { mode: 'envoy', allBackups: false, overprovisioningFactor: (opf ?? 140) / 100 };
    origins['balancer.failover'] = `priority levels${opf !== undefined ? `, overprovisioning_factor ${opf}` : ' (overprovisioning factor 140, the default)'}`;
  }
  if (servers.filter((s) => s.role === 'active').length === 0) r.fail(laPath, 'no active endpoint (priority 0, not unhealthy)');
  config.servers = servers;

  // Policy.
  let policy = typeof c.lb_policy === 'string' ? c.lb_policy : 'ROUND_ROBIN';
  if (c.lb_policy !== undefined && (typeof c.lb_policy !== 'string' || !LB_POLICIES.includes(c.lb_policy))) {
    r.fail([...at, 'lb_policy'], `unknown lb_policy ${JSON.stringify(c.lb_policy)}; expected one of ${LB_POLICIES.join(', ')}`);
  }
  let pcfg: Obj = {};
  let pPath: Path = at;
  const lbp = r.obj(c, 'load_balancing_policy', at);
  if (lbp) {
    const policies = r.list(lbp, 'policies', [...at, 'load_balancing_policy']);
    const p0 = [...at, 'load_balancing_policy', 'policies', 0, 'typed_extension_config', 'typed_config'];
    const tc = (policies[0] as Obj | undefined)?.typed_extension_config as Obj | undefined;
    const typed = isObj(tc?.typed_config) ? (tc.typed_config as Obj) : undefined;
    const type = String(typed?.['@type'] ?? '').replace(/^type\.googleapis\.com\//, '');
    const mapped = EXTENSION_POLICIES[type];
    if (!typed || !mapped) r.fail(p0, `unsupported load balancing policy ${JSON.stringify(type)}; expected one of ${Object.keys(EXTENSION_POLICIES).join(', ')}`);
    if (policies.length > 1) r.warn([...at, 'load_balancing_policy', 'policies', 1], 'only the first policy is used');
    policy = mapped;
    pcfg = typed;
    pPath = p0;
  }
  const cfgKey: Record<string, string> = {
    LEAST_REQUEST: 'least_request_lb_config',
    RING_HASH: 'ring_hash_lb_config',
    MAGLEV: 'maglev_lb_config',
    ROUND_ROBIN: 'round_robin_lb_config',
  };
  if (!lbp && cfgKey[policy]) {
    const key = cfgKey[policy]!;
    pcfg = r.obj(c, key, at) ?? {};
    pPath = [...at, key];
  }
  for (const k of Object.values(cfgKey)) {
    if (c[k] !== undefined && k !== cfgKey[policy]) r.warn([...at, k], `has no effect with lb_policy ${policy}`);
  }
  const common = r.obj(c, 'common_lb_config', at) ?? {};
  const cPath = [...at, 'common_lb_config'];
  const chc = r.obj(common, 'consistent_hashing_lb_config', cPath) ?? (isObj(pcfg.consistent_hashing_lb_config) ? (pcfg.consistent_hashing_lb_config as Obj) : {});
  const chPath = common.consistent_hashing_lb_config !== undefined ? [...cPath, 'consistent_hashing_lb_config'] : [...pPath, 'consistent_hashing_lb_config'];
  // The RingHash extension also has the deprecated top-level fields, read when it has no
  // consistent_hashing_lb_config (RingHashLoadBalancer's constructor).
  const legacyRing = policy === 'RING_HASH' && lbp !== undefined && !isObj(pcfg.consistent_hashing_lb_config) && common.consistent_hashing_lb_config === undefined;
  const factor =
    (legacyRing ? r.num(pcfg, 'hash_balance_factor', pPath, (n) => Number.isInteger(n) && n >= 100, 'an integer ≥ 100') : undefined) ??
    r.num(chc, 'hash_balance_factor', chPath, (n) => Number.isInteger(n) && n >= 100, 'an integer ≥ 100') ??
    0;
  const hostFlag = legacyRing && pcfg.use_hostname_for_hashing !== undefined ? { v: pcfg.use_hostname_for_hashing, at: [...pPath, 'use_hostname_for_hashing'] } : { v: chc.use_hostname_for_hashing, at: [...chPath, 'use_hostname_for_hashing'] };
  if (hostFlag.v !== undefined && typeof hostFlag.v !== 'boolean') r.fail(hostFlag.at, `expected true or false, got ${JSON.stringify(hostFlag.v)}`);
  const useHostname = hostFlag.v === true;
  r.rest(chc, ['hash_balance_factor', 'use_hostname_for_hashing'], chPath);

  let strategy = 'weighted-round-robin';
  let options: Record<string, unknown> = {};
  const known: string[] = ['@type', 'slow_start_config', 'locality_lb_config'];
  switch (policy) {
    case 'ROUND_ROBIN':
      strategy = 'weighted-round-robin';
      options = { flavor: 'envoy' };
      origins.strategy = 'lb_policy ROUND_ROBIN';
      break;
    case 'LEAST_REQUEST': {
      const draws = r.num(pcfg, 'choice_count', pPath, (n) => Number.isInteger(n) && n >= 1, 'an integer ≥ 1') ?? 2;
      known.push('choice_count', 'active_request_bias', 'selection_method', 'enable_full_scan');
      const bias = pcfg.active_request_bias;
      let b: number | undefined;
      if (bias !== undefined) {
        const v = isObj(bias) ? bias.default_value : bias;
        if (typeof v !== 'number' || !(v >= 0)) r.fail([...pPath, 'active_request_bias'], `expected a RuntimeDouble with default_value ≥ 0, got ${JSON.stringify(bias)}`);
        b = v;
      }
      const method = pcfg.selection_method ?? 'N_CHOICES';
      if (method !== 'N_CHOICES' && method !== 'FULL_SCAN') r.fail([...pPath, 'selection_method'], `expected N_CHOICES or FULL_SCAN, got ${JSON.stringify(method)}`);
      const full = method === 'FULL_SCAN' || (isObj(pcfg.enable_full_scan) ? pcfg.enable_full_scan.value === true : pcfg.enable_full_scan === true);
      if (full) {
        strategy = 'least-connections';
        options = { flavor: 'envoy', ...(b !== undefined ? { activeRequestBias: b } : {}) };
        origins.strategy = 'lb_policy LEAST_REQUEST, selection_method FULL_SCAN';
      } else {
        if (draws < 2) {
          r.warn([...pPath, 'choice_count'], 'choice_count 1 is one random host per request; lbsim p2c needs 2 draws or more (2 is used)');
        }
        strategy = 'p2c';
        options = { flavor: 'envoy', draws: Math.max(2, draws), ...(b !== undefined ? { activeRequestBias: b } : {}) };
        origins.strategy = `lb_policy LEAST_REQUEST, choice_count ${draws}${b !== undefined ? `, active_request_bias ${b}` : ''}`;
      }
      break;
    }
    case 'RING_HASH': {
      known.push('minimum_ring_size', 'maximum_ring_size', 'hash_function', 'use_hostname_for_hashing', 'hash_balance_factor', 'consistent_hashing_lb_config');
      const size = (k: string) => r.num(pcfg, k, pPath, (n) => Number.isInteger(n) && n >= 1 && n <= ENVOY_MAX_RING_SIZE, `an integer from 1 to ${ENVOY_MAX_RING_SIZE}`);
      const minimumRingSize = size('minimum_ring_size');
      const maximumRingSize = size('maximum_ring_size');
      if ((minimumRingSize ?? ENVOY_MIN_RING_SIZE) > (maximumRingSize ?? ENVOY_MAX_RING_SIZE)) {
        r.fail([...pPath, 'minimum_ring_size'], `minimum_ring_size (${minimumRingSize ?? ENVOY_MIN_RING_SIZE}) > maximum_ring_size (${maximumRingSize ?? ENVOY_MAX_RING_SIZE})`);
      }
      const fn = pcfg.hash_function ?? 'XX_HASH';
      if (fn !== 'XX_HASH' && fn !== 'MURMUR_HASH_2') r.fail([...pPath, 'hash_function'], `expected XX_HASH or MURMUR_HASH_2, got ${JSON.stringify(fn)}`);
      // bounded-load flavor envoy wraps the same ring (BoundedLoadHashingLoadBalancer).
      strategy = factor > 0 ? 'bounded-load' : 'consistent-hash';
      options = {
        flavor: 'envoy',
        ...(factor > 0 ? { factor: factor / 100 } : {}),
        ...(minimumRingSize !== undefined ? { minimumRingSize } : {}),
        ...(maximumRingSize !== undefined ? { maximumRingSize } : {}),
      };
      if (fn === 'MURMUR_HASH_2') r.warn([...pPath, 'hash_function'], 'MURMUR_HASH_2 is not modelled: lbsim builds the ring with XX_HASH (xxHash64, the default)');
      origins.strategy = `lb_policy RING_HASH${factor > 0 ? `, hash_balance_factor ${factor}` : ''}`;
      break;
    }
    case 'MAGLEV': {
      known.push('table_size', 'consistent_hashing_lb_config');
      const tableSize = r.num(pcfg, 'table_size', pPath, (n) => Number.isInteger(n) && n >= 3 && n <= 5000011 && isPrime(n), 'a prime table size up to 5000011') ?? 65537;
      if (factor > 0) {
        // bounded-load flavor envoy wraps the same Maglev table (BoundedLoadHashingLoadBalancer).
        strategy = 'bounded-load';
        options = { flavor: 'envoy', factor: factor / 100, table: 'maglev', ...(tableSize !== 65537 ? { tableSize } : {}) };
      } else {
        strategy = 'maglev';
        options = { flavor: 'envoy', tableSize };
      }
      origins.strategy = `lb_policy MAGLEV, table_size ${tableSize}${factor > 0 ? `, hash_balance_factor ${factor}` : ''}`;
      break;
    }
    case 'RANDOM':
      strategy = 'random';
      origins.strategy = 'lb_policy RANDOM';
      break;
    case 'CLUSTER_PROVIDED':
      r.warn([...at, 'lb_policy'], 'CLUSTER_PROVIDED (the cluster type balances) cannot be modelled; weighted-round-robin is used');
      origins.strategy = 'lb_policy CLUSTER_PROVIDED (not modelled)';
      break;
    case 'LOAD_BALANCING_POLICY_CONFIG':
      r.fail([...at, 'load_balancing_policy'], 'lb_policy LOAD_BALANCING_POLICY_CONFIG needs load_balancing_policy');
  }
  if (factor > 0 && strategy !== 'bounded-load') r.warn(chPath, `hash_balance_factor applies to RING_HASH and MAGLEV only; ignored with ${policy}`);
  if (useHostname) {
    if (strategy !== 'consistent-hash' && strategy !== 'maglev' && strategy !== 'bounded-load') {
      r.warn(hostFlag.at, `use_hostname_for_hashing applies to RING_HASH and MAGLEV only; ignored with ${policy}`);
    } else {
      options.useHostnameForHashing = true;
      for (const s of servers) {
        if (s.role === 'down' || s.hostname !== undefined) continue;
        const dns = dnsNames.get(s);
        if (dns !== undefined) s.hostname = dns;
        else r.fail(hostnamePaths.get(s)!, `use_hostname_for_hashing hashes each endpoint's hostname, and endpoint ${s.address} has none`);
      }
    }
  }
  if (lbp || cfgKey[policy]) r.rest(pcfg, known, pPath);
  config.strategy = { name: strategy, options: withDefaults(strategy, options) };
  if (['consistent-hash', 'maglev', 'bounded-load'].includes(strategy)) {
    r.warn([...at, 'lb_policy'], "the hash key comes from the route's hash_policy, not the cluster; lbsim hashes clients.keys");
  }

  // Slow start (round robin and least request).
  const ss = r.obj(pcfg, 'slow_start_config', pPath);
  if (ss) {
    const sp = [...pPath, 'slow_start_config'];
    const windowMs = r.duration(ss, 'slow_start_window', sp);
    if (windowMs === undefined || windowMs <= 0) r.fail(sp, 'expected slow_start_window (a positive duration)');
    const agg = r.obj(ss, 'aggression', sp);
    const aggression = agg ? r.num(agg, 'default_value', [...sp, 'aggression'], (n) => n > 0, 'a positive number') ?? 1 : 1;
    const minWeightPercent = r.num(ss, 'min_weight_percent', sp, (n) => n >= 0 && n <= 100, 'a percentage') ?? 10;
    r.rest(ss, ['slow_start_window', 'aggression', 'min_weight_percent'], sp);
    config.slowStart = { windowMs, minWeightPercent, aggression };
    origins['balancer.slowStart'] = 'slow_start_config';
  }

  // common_lb_config.
  const panic = r.num(common, 'healthy_panic_threshold', cPath, (n) => n >= 0 && n <= 100, 'a percentage from 0 to 100');
  config.panicThreshold = panic ?? 50;
  origins['balancer.panicThreshold'] = panic === undefined ? 'Envoy default healthy_panic_threshold 50%' : 'common_lb_config.healthy_panic_threshold';
  r.rest(common, ['healthy_panic_threshold', 'consistent_hashing_lb_config', 'zone_aware_lb_config', 'locality_weighted_lb_config'], cPath);
  // Locality config: the cluster's common_lb_config, or a policy extension's locality_lb_config
  // (LoadBalancerConfigHelper::localityLbConfigFromCommonLbConfig maps the first to the second).
  const llc = isObj(pcfg.locality_lb_config) ? (pcfg.locality_lb_config as Obj) : undefined;
  const [zsrc, zPath] = llc ? [llc, [...pPath, 'locality_lb_config']] : [common, cPath];
  const simulatedZones = new Set(servers.filter((x) => x.role !== 'down' && x.zone !== undefined).map((x) => x.zone!));
  for (const z of Object.keys(localityWeights)) {
    if (!simulatedZones.has(z)) {
      r.warn(laPath, `zone ${z} has a locality weight but no simulated endpoint (all down or draining); its weight is dropped`);
      delete localityWeights[z];
    }
  }
  const zones = localityConfig(r, zsrc, zPath, localityWeights, simulatedZones.size > 0);
  if (zones) {
    config.zones = zones;
    origins['balancer.zones'] =
      zones.routing === 'locality-weighted'
        ? 'locality_weighted_lb_config with the localities\' load_balancing_weight'
        : zones.routing === 'zone-aware'
          ? 'zone_aware_lb_config'
          : 'locality load_balancing_weight (unused by Envoy without locality_weighted_lb_config)';
  }

  // Outlier detection.
  const od = r.obj(c, 'outlier_detection', at);
  if (od) {
    const op = [...at, 'outlier_detection'];
    config.outlier = {
      consecutive5xx: r.num(od, 'consecutive_5xx', op, (n) => Number.isInteger(n) && n >= 1, 'an integer ≥ 1') ?? 5,
      baseEjectionMs: r.duration(od, 'base_ejection_time', op) ?? 30_000,
      maxEjectionMs: r.duration(od, 'max_ejection_time', op) ?? 300_000,
      maxEjectionPercent: r.num(od, 'max_ejection_percent', op, (n) => n >= 0 && n <= 100, 'a percentage') ?? 10,
    };
    r.rest(od, ['consecutive_5xx', 'base_ejection_time', 'max_ejection_time', 'max_ejection_percent'], op);
    origins['balancer.outlier'] = 'outlier_detection';
  }
  origins['balancer.passive'] = "Envoy has no nginx-style passive health (outlier detection is Envoy's)";
  origins['balancer.retries'] = "Envoy retries are the route's retry_policy, not the cluster's";

  // Health checks.
  const hcs = r.list(c, 'health_checks', at);
  if (hcs.length > 0) {
    const hp = [...at, 'health_checks', 0];
    const hc = hcs[0];
    if (!isObj(hc)) r.fail(hp, 'expected a mapping');
    const intervalMs = r.duration(hc, 'interval', hp);
    const timeoutMs = r.duration(hc, 'timeout', hp);
    if (intervalMs === undefined || timeoutMs === undefined) r.fail(hp, 'expected interval and timeout');
    const rise = r.num(hc, 'healthy_threshold', hp, (n) => Number.isInteger(n) && n >= 1, 'an integer ≥ 1') ?? 1;
    const fall = r.num(hc, 'unhealthy_threshold', hp, (n) => Number.isInteger(n) && n >= 1, 'an integer ≥ 1') ?? 1;
    const http = r.obj(hc, 'http_health_check', hp);
    config.healthCheck = { intervalMs, timeoutMs, rise, fall, ...(http ? { path: typeof http.path === 'string' ? http.path : '/' } : {}) };
    r.warn(hp, 'active health checks are not simulated (lbsim servers fail only through the scenario); kept for export');
    r.rest(hc, ['interval', 'timeout', 'healthy_threshold', 'unhealthy_threshold', 'http_health_check', 'tcp_health_check'], hp);
    if (http) r.rest(http, ['path', 'host'], [...hp, 'http_health_check']);
    if (hcs.length > 1) r.warn([...at, 'health_checks', 1], 'only the first health check is kept');
  }

  const handled = [
    'name', 'type', 'lb_policy', 'load_assignment', 'load_balancing_policy', 'least_request_lb_config', 'ring_hash_lb_config',
    'maglev_lb_config', 'round_robin_lb_config', 'common_lb_config', 'outlier_detection', 'health_checks', '@type',
  ];
  for (const k of Object.keys(c)) {
    if (handled.includes(k)) continue;
    if (k === 'connect_timeout') r.unmodelled(c, k, at, 'not modelled (lbsim has no connection setup phase)');
    else if (k === 'circuit_breakers') r.unmodelled(c, k, at, 'circuit breaker thresholds are not modelled (lbsim limits are connLimit, queue and maxConn)');
    else if (k === 'dns_lookup_family' || k === 'dns_refresh_rate') r.unmodelled(c, k, at, 'service discovery is not simulated');
    else r.unmodelled(c, k, at, 'not modelled by lbsim');
  }
  if (Object.keys(r.kept).length > 0 || Object.keys(endpointKept).length > 0) {
    config.passthrough = {
      format: 'envoy',
      ...(Object.keys(r.kept).length > 0 ? { fields: r.kept } : {}),
      ...(Object.keys(endpointKept).length > 0 ? { endpoints: endpointKept } : {}),
    };
  }
  r.warnings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  const out: ImportResult = { format: 'envoy', file, kind: 'cluster', proxy: 'envoy', config, origins, warnings: r.warnings };
  return out;
}
