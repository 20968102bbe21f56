/**
 * lbsim → Envoy: one cluster (`envoy.config.cluster.v3.Cluster`) as YAML, to paste under
 * `static_resources.clusters`: `lb_policy` with `least_request_lb_config` (`choice_count`,
 * `active_request_bias`, `slow_start_config`), `round_robin_lb_config`, `maglev_lb_config`, or for
 * least-connections the `least_request` extension with `selection_method: FULL_SCAN`, and
 * `common_lb_config` (`healthy_panic_threshold`, `consistent_hashing_lb_config.hash_balance_factor`),
 * `load_assignment` (priority 0 for simulated servers, priority 1 for backup servers,
 * `health_status: UNHEALTHY` for down ones, `load_balancing_weight`), `outlier_detection` and
 * `health_checks`. Route-level settings (hash policy, retries, timeout) and HTTP filters (rate
 * limits) are not part of a cluster: they get a warning and, where useful, a commented sketch.
 * The mapping table is in MAPPING.md.
 */
import { isIP } from 'node:net';
import { Document } from 'yaml';
import { equalWeights, flavorMismatch, tierWarnings } from '../common.js';
import { envoyDuration } from '../durations.js';
import { describeHashKey, hashKeyToEnvoy } from '../hash-key.js';
import { retryOnToEnvoy } from '../retry-on.js';
import { levelOfServer, type ExportResult, type ExportWarning, type LbConfig, type LbServer } from '../types.js';

type Obj = Record<string, unknown>;

function splitAddress(address: string): { host: string; port: number } | { pipe: string } {
  if (address.startsWith('unix:')) return { pipe: address.slice(5) };
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(address);
  if (v6) return { host: v6[1]!, port: v6[2] ? Number(v6[2]) : 80 };
  const m = /^(.*):(\d+)$/.exec(address);
  if (m) return { host: m[1]!, port: Number(m[2]) };
  return { host: address, port: 80 };
}

/**
 * One `lb_endpoints` entry. A DNS cluster names a host after its DNS address when the endpoint has
 * no `hostname` (`DnsClusterImpl::ResolveTarget`), so that hostname is left implicit there.
 */
function endpoint(s: LbServer, dns: boolean): Obj {
  const a = splitAddress(s.address);
  const implicit = dns && !('pipe' in a) && s.hostname === a.host;
  const ep: Obj = {
    endpoint: {
      address: 'pipe' in a ? { pipe: { path: a.pipe } } : { socket_address: { address: a.host, port_value: a.port } },
      ...(s.hostname !== undefined && !implicit ? { hostname: s.hostname } : {}),
    },
  };
  if (s.weight !== 1) ep.load_balancing_weight = s.weight;
  if (s.health !== undefined) ep.health_status = s.health;
  else if (s.role === 'down') ep.health_status = 'UNHEALTHY';
  return ep;
}

/** `active_request_bias` when the options set it (flavor envoy), as a RuntimeDouble. */
function activeRequestBias(options: Obj): Obj {
  const b = options.activeRequestBias;
  return typeof b === 'number' ? { active_request_bias: { default_value: b, runtime_key: 'upstream.lbsim.active_request_bias' } } : {};
}

/**
 * The flavor-envoy hashing options in Envoy's terms: `useHostnameForHashing` →
 * `common_lb_config.consistent_hashing_lb_config.use_hostname_for_hashing`; `hashPolicy: none` is
 * a route without a hash policy (warned: it is not a cluster setting).
 */
function envoyHashing(options: Obj, common: Obj, warn: (m: string) => void): void {
  if (options.useHostnameForHashing === true) {
    common.consistent_hashing_lb_config = { ...((common.consistent_hashing_lb_config as Obj | undefined) ?? {}), use_hostname_for_hashing: true };
  }
  if (options.hashPolicy === 'none') warn('the simulated route has no hash_policy (Envoy then hashes a random value per request); leave hash_policy off the route for the same behaviour');
}

/** Writes the config as an Envoy cluster (YAML). */
export function exportEnvoy(config: LbConfig, header: string[] = []): ExportResult {
  const warnings: ExportWarning[] = [];
  const warnFor = (feature: string) => (message: string) => warnings.push({ feature, message });
  let name = config.strategy.name;
  let options = config.strategy.options;
  if (name === 'sticky') {
    warnFor('strategy sticky')('session stickiness in Envoy is an HTTP filter (stateful_session) or a cookie hash_policy on the route, not a cluster setting; the inner strategy is written');
    name = String(options.inner ?? 'round-robin');
    options = (options.innerOptions as Obj | undefined) ?? {};
  }
  const warn = warnFor(`strategy ${name}`);
  const mismatch = flavorMismatch(name, options, 'envoy');
  if (mismatch) warn(mismatch);
  let policy = 'ROUND_ROBIN';
  let policyConfig: Obj | undefined;
  const common: Obj = {};
  let hashing = false;
  switch (name) {
    case 'round-robin':
      if (!equalWeights(config.servers)) warn('Envoy ROUND_ROBIN honours weights, lbsim round-robin ignores them: set equal weights (or export weighted-round-robin) for the same behaviour');
      break;
    case 'weighted-round-robin':
      break;
    case 'random':
      policy = 'RANDOM';
      break;
    case 'weighted-random':
      policy = 'RANDOM';
      if (!equalWeights(config.servers)) warn('Envoy RANDOM ignores weights; lbsim weighted-random honours them (nearest: ROUND_ROBIN, which is weighted)');
      break;
    case 'least-connections':
      policy = 'LEAST_REQUEST';
      policyConfig = { selection_method: 'FULL_SCAN', ...activeRequestBias(options) };
      break;
    case 'p2c':
      policy = 'LEAST_REQUEST';
      policyConfig = { ...(options.draws !== 2 ? { choice_count: options.draws } : {}), ...activeRequestBias(options) };
      break;
    case 'peak-ewma':
    case 'least-time':
    case 'prequal':
    case 'jiq':
      policy = 'LEAST_REQUEST';
      policyConfig = { choice_count: 2 };
      warn(`Envoy has no ${name} balancer in its core policies; nearest: LEAST_REQUEST with choice_count 2`);
      break;
    case 'ip-hash':
      policy = 'RING_HASH';
      hashing = true;
      warn('Envoy has no ip_hash; nearest: RING_HASH with a source_ip hash_policy on the route');
      break;
    case 'consistent-hash':
      policy = 'RING_HASH';
      hashing = true;
      if (options.flavor === 'envoy') {
        // The simulated ring is Envoy's (docs/strategies.md#consistent-hash, flavor envoy).
        const sizes: Obj = {};
        if (options.minimumRingSize !== undefined) sizes.minimum_ring_size = options.minimumRingSize;
        if (options.maximumRingSize !== undefined) sizes.maximum_ring_size = options.maximumRingSize;
        if (Object.keys(sizes).length > 0) policyConfig = sizes;
        envoyHashing(options, common, warn);
      }
      break;
    case 'rendezvous':
      policy = 'RING_HASH';
      hashing = true;
      warn('Envoy has no rendezvous hashing; nearest: RING_HASH');
      break;
    case 'maglev':
      policy = 'MAGLEV';
      hashing = true;
      if (options.tableSize !== 65537) policyConfig = { table_size: options.tableSize };
      if (options.flavor === 'envoy') envoyHashing(options, common, warn);
      break;
    case 'bounded-load': {
      // BoundedLoadHashingLoadBalancer wraps the RING_HASH ring or the MAGLEV table (flavor envoy: `table`).
      const maglev = options.flavor === 'envoy' && options.table === 'maglev';
      policy = maglev ? 'MAGLEV' : 'RING_HASH';
      hashing = true;
      common.consistent_hashing_lb_config = { hash_balance_factor: Math.max(100, Math.round(Number(options.factor) * 100)) };
      if (options.flavor === 'envoy') {
        const cfg: Obj = {};
        if (maglev && options.tableSize !== undefined) cfg.table_size = options.tableSize;
        if (!maglev && options.minimumRingSize !== undefined) cfg.minimum_ring_size = options.minimumRingSize;
        if (!maglev && options.maximumRingSize !== undefined) cfg.maximum_ring_size = options.maximumRingSize;
        if (Object.keys(cfg).length > 0) policyConfig = cfg;
        envoyHashing(options, common, warn);
      }
      break;
    }
    case 'first':
      warn('Envoy has no "first" balancer; ROUND_ROBIN is written');
      break;
    default:
      warn(`no Envoy equivalent for ${name}; ROUND_ROBIN is written`);
  }
  if (config.slowStart !== false) {
    const ss: Obj = { slow_start_window: envoyDuration(config.slowStart.windowMs) };
    if (config.slowStart.aggression !== 1) ss.aggression = { default_value: config.slowStart.aggression, runtime_key: 'upstream.lbsim.slow_start_aggression' };
    if (config.slowStart.minWeightPercent !== 10) ss.min_weight_percent = { value: config.slowStart.minWeightPercent };
    if (policy === 'ROUND_ROBIN' || policy === 'LEAST_REQUEST') policyConfig = { ...(policyConfig ?? {}), slow_start_config: ss };
    else warnFor('balancer.slowStart')(`Envoy slow start exists for ROUND_ROBIN and LEAST_REQUEST only, not ${policy}`);
  }
  if (config.panicThreshold !== 50) common.healthy_panic_threshold = { value: config.panicThreshold };
  const z = config.zones;
  if (z !== undefined && z.routing === 'locality-weighted') common.locality_weighted_lb_config = {};
  else if (z !== undefined && z.routing === 'zone-aware') {
    // Envoy's defaults (routing_enabled 100, min_cluster_size 6, the flags false) are left out.
    const za: Obj = {};
    if (z.routingEnabled !== 100) za.routing_enabled = { value: z.routingEnabled };
    if (z.minClusterSize !== 6) za.min_cluster_size = z.minClusterSize;
    if (z.failTrafficOnPanic) za.fail_traffic_on_panic = true;
    if (z.forceLocalityDirectRouting) za.force_locality_direct_routing = true;
    common.zone_aware_lb_config = za;
    warnFor('balancer.zones')('zone-aware routing needs cluster_manager.local_cluster_name (the cluster of the Envoys themselves, with their localities) in the bootstrap');
  }

  const cluster: Obj = {
    name: config.name,
    type: config.servers.every((s) => {
      const a = splitAddress(s.address);
      return 'pipe' in a || isIP(a.host) !== 0;
    })
      ? 'STATIC'
      : 'STRICT_DNS',
    lb_policy: policy,
  };
  const cfgKey: Record<string, string> = { LEAST_REQUEST: 'least_request_lb_config', ROUND_ROBIN: 'round_robin_lb_config', MAGLEV: 'maglev_lb_config', RING_HASH: 'ring_hash_lb_config' };
  if (policyConfig && 'selection_method' in policyConfig) {
    // selection_method exists only in the extension's LeastRequest proto, not in the cluster's
    // legacy least_request_lb_config: write the policy as a load_balancing_policy extension.
    delete cluster.lb_policy;
    cluster.load_balancing_policy = {
      policies: [
        {
          typed_extension_config: {
            name: 'envoy.load_balancing_policies.least_request',
            typed_config: { '@type': 'type.googleapis.com/envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest', ...policyConfig },
          },
        },
      ],
    };
  } else if (policyConfig && cfgKey[policy]) cluster[cfgKey[policy]!] = policyConfig;
  if (Object.keys(common).length > 0) cluster.common_lb_config = common;
  warnings.push(...tierWarnings(config, 'envoy'));
  // One LocalityLbEndpoints per (priority, zone), in order of first appearance within a priority.
  const groups = new Map<string, { priority: number; zone: string | undefined; servers: LbServer[] }>();
  const top = Math.max(0, ...config.servers.map(levelOfServer));
  for (let p = 0; p <= top; p++) {
    for (const s of config.servers) {
      if (levelOfServer(s) !== p) continue;
      const key = `${p}\0${s.zone ?? ''}`;
      if (!groups.has(key)) groups.set(key, { priority: p, zone: s.zone, servers: [] });
      groups.get(key)!.servers.push(s);
    }
  }
  const weights = config.zones?.localityWeights;
  const localities: Obj[] = [...groups.values()].map((g) => ({
    ...(g.zone !== undefined ? { locality: { zone: g.zone } } : {}),
    ...(g.priority > 0 ? { priority: g.priority } : {}),
    ...(g.zone !== undefined && weights?.[g.zone] !== undefined ? { load_balancing_weight: weights[g.zone] } : {}),
    lb_endpoints: g.servers.map((s) => endpoint(s, cluster.type === 'STRICT_DNS')),
  }));
  cluster.load_assignment = { cluster_name: config.name, endpoints: localities };
  const opf = config.failover?.overprovisioningFactor;
  if (opf !== undefined && Math.round(opf * 100) !== 140) {
    (cluster.load_assignment as Obj).policy = { overprovisioning_factor: Math.round(opf * 100) };
  }
  if (config.outlier !== false) {
    const o = config.outlier;
    cluster.outlier_detection = {
      consecutive_5xx: o.consecutive5xx,
      base_ejection_time: envoyDuration(o.baseEjectionMs),
      max_ejection_time: envoyDuration(o.maxEjectionMs),
      max_ejection_percent: o.maxEjectionPercent,
    };
  }
  const h = config.healthCheck;
  if (h) {
    cluster.health_checks = [
      {
        timeout: envoyDuration(h.timeoutMs),
        interval: envoyDuration(h.intervalMs),
        healthy_threshold: h.rise,
        unhealthy_threshold: h.fall,
        ...(h.path !== undefined ? { http_health_check: { path: h.path } } : { tcp_health_check: {} }),
      },
    ];
  }

  if (config.servers.some((s) => s.maxConn > 0)) {
    warnFor('backends maxConn')('Envoy has no per-host connection cap (circuit_breakers are per cluster); maxConn is not written');
  }
  if (config.passive !== false) warnFor('balancer.passive')('Envoy has no nginx-style max_fails/fail_timeout; nearest: outlier_detection (consecutive_5xx)');
  if (config.queue !== false) warnFor('balancer.queue')('Envoy has no balancer queue with a timeout; nearest: circuit_breakers.thresholds.max_pending_requests');
  if (config.rateLimit !== false) warnFor('balancer.rateLimit')('rate limiting in Envoy is the local_ratelimit HTTP filter (token bucket) on the listener, not a cluster setting');
  if (config.connLimit !== false) warnFor('balancer.connLimit')('Envoy has no per-client concurrency limit in a cluster; not written');
  const tail: string[] = [];
  if (config.retries > 0 || config.timeoutMs > 0) {
    warnFor('balancer.retries/timeout')("retries and the per-attempt timeout belong to the route (retry_policy, timeout); see the comment at the end");
    tail.push(' On the route that sends to this cluster:');
    if (config.timeoutMs > 0) tail.push(`   timeout: ${envoyDuration(config.timeoutMs)}`);
    if (config.retries > 0) {
      const r = retryOnToEnvoy(config.retryOn ?? ['connect', 'reset', 'timeout', '5xx']);
      if (config.retryOn !== undefined) for (const m of r.lost) warnFor('balancer.retryOn')(m);
      tail.push('   retry_policy:', `     retry_on: ${r.retryOn.join(',')}`);
      if (r.codes.length > 0) tail.push(`     retriable_status_codes: [${r.codes.join(', ')}]`);
      tail.push(`     num_retries: ${config.retries}`, '     retry_host_predicate: [{ name: envoy.retry_host_predicates.previous_hosts }]');
    }
  }
  if (hashing) {
    const hp = config.hashKey ? hashKeyToEnvoy(config.hashKey) : null;
    if (!hp) {
      warnFor('hash key')(
        config.hashKey ? `Envoy has no hash_policy for ${describeHashKey(config.hashKey)}` : 'no hash key recorded; add a hash_policy to the route (Envoy hashes nothing without one)',
      );
    }
    else {
      tail.push(` Hash key (${describeHashKey(config.hashKey!)}) on the route:`, `   hash_policy: [${JSON.stringify(hp).replace(/"/g, '')}]`);
    }
  }
  const doc = new Document(cluster);
  doc.commentBefore = [...header.map((x) => ` ${x}`), ' Paste under static_resources.clusters (or serve it over CDS).'].join('\n');
  if (tail.length > 0) doc.comment = tail.join('\n');
  return { format: 'envoy', text: doc.toString({ lineWidth: 0 }), warnings };
}
