/**
 * Writes an imported {@link LbConfig} as an lbsim scenario file (YAML with comments) that
 * `lbsim validate` accepts: one backend group per active server (named after the server, so weights
 * and `maxConn` stay per server), the balancer section mapped from the config, the imported strategy
 * first in `strategies` followed by a few alternatives to compare, and a placeholder workload
 * (Poisson arrivals at half the placeholder capacity, exponential 10 ms service) for the user to
 * replace — or, with access logs (`--log`), the workload fitted from them (logs/write.ts), each value
 * commented with where it came from and how well it fits. Backup servers (nginx/HAProxy `backup`,
 * Envoy priorities) become groups with a `priority` and `balancer.failover` names whose semantics
 * apply; zones are kept on the groups. Each simulated server's address goes into its group's
 * `address` (hash strategies hash it as the proxy does); what the scenario has no field for (down
 * servers, the hash key, health checks, an address the schema cannot hold, the proxy's own
 * directives) goes into the scenario's `imported:` section (src/scenario/imported.ts, notes.ts) so
 * that `lbsim export` can write it back, with a fingerprint of a placeholder workload (every run
 * warns while it is unchanged); the description stays a sentence for people. `baseline` names the
 * imported strategy (every other is compared with it) and `proxy` the proxy it came from
 * (recommendations stay within what that proxy runs). Every warning is repeated in the header.
 */
import { basename } from 'node:path';
import { Document, isMap, isScalar, isSeq, type Node, type Scalar, type YAMLMap } from 'yaml';
import { NGINX_NO_BACKUP } from '../core/balancer/tier-checks.js';
import { nonDefaultOptions, withDefaults } from './common.js';
import { scenarioDuration } from './durations.js';
import { describeHashKey } from './hash-key.js';
import { ADDRESS_RE, parseScenario, workloadFingerprint } from '../scenario/index.js';
import { importedSection } from './notes.js';
import { formatWarning, tierOfServer, type ImportResult, type LbConfig } from './types.js';
import { backendValues, clientsValue, descriptionLines, faultValues, headerLines, observedValue, type LogSection } from './logs/write.js';

/** Placeholder workers per backend (concurrent requests one server handles). */
export const PLACEHOLDER_WORKERS = 4;
/** Placeholder mean service time, ms. */
export const PLACEHOLDER_SERVICE_MS = 10;

const HASHING = ['consistent-hash', 'maglev', 'rendezvous', 'bounded-load', 'ip-hash'];

/** A strategy entry of the written scenario: a registry name, or a labelled variant with options. */
type StrategyEntry = string | { name: string; label: string; options: Record<string, unknown> };

/**
 * The ALB's own algorithms, to compare with the imported one: each target-group algorithm as the
 * flavor that simulates it.
 */
const AWS_ALTERNATIVES: { name: string; label: string; options: Record<string, unknown> }[] = [
  { name: 'round-robin', label: 'round-robin', options: {} },
  { name: 'least-connections', label: 'least-outstanding-requests', options: { flavor: 'aws' } },
  { name: 'weighted-random', label: 'weighted-random-atw', options: { flavor: 'aws', anomalyMitigation: true } },
];

/** Strategies worth comparing with the imported one (imported one excluded). */
export function alternativesFor(config: LbConfig, format?: ImportResult['format']): StrategyEntry[] {
  const name = config.strategy.name;
  const inner = name === 'sticky' ? String(config.strategy.options.inner) : name;
  if (format === 'aws') {
    const imported = JSON.stringify(config.strategy.options);
    return AWS_ALTERNATIVES.filter((a) => !(a.name === name && JSON.stringify(withDefaults(a.name, a.options)) === imported)).map((a) =>
      Object.keys(a.options).length === 0 ? a.name : a,
    );
  }
  const pool = HASHING.includes(inner)
    ? ['consistent-hash', 'maglev', 'rendezvous', 'bounded-load']
    : ['weighted-round-robin', 'least-connections', 'p2c', 'peak-ewma'];
  // nginx refuses backup servers with hash, ip_hash and random (src/core/balancer/tier-checks.ts).
  const nginxTiers = config.failover?.mode === 'nginx' && config.servers.some((s) => s.role === 'backup');
  return pool.filter((s) => s !== name && !(nginxTiers && NGINX_NO_BACKUP[s] !== undefined));
}

const KIND_WORD: Record<string, string> = { upstream: 'upstream', backend: 'backend', listen: 'listen section', cluster: 'cluster' };

function describeServers(config: LbConfig): string {
  const fmt = (s: LbConfig['servers'][number]) =>
    `${s.address}${s.weight !== 1 ? ` weight ${s.weight}` : ''}${s.maxConn > 0 ? ` maxConn ${s.maxConn}` : ''}`;
  const active = config.servers.filter((s) => s.role === 'active');
  const backup = config.servers.filter((s) => s.role === 'backup');
  const down = config.servers.filter((s) => s.role === 'down');
  let text = `Servers: ${active.map(fmt).join(', ')}.`;
  if (backup.length > 0) text += ` Backup (failover tier): ${backup.map((s) => `${fmt(s)}${tierOfServer(s) !== 1 ? ` priority ${tierOfServer(s)}` : ''}`).join(', ')}.`;
  if (down.length > 0) text += ` Down (not simulated): ${down.map(fmt).join(', ')}.`;
  return text;
}

/** Warm-up of a scenario fitted from a log of this span (ms): 10 % of it, at most 10 s. */
export function logWarmupMs(spanMs: number): number {
  return Math.round(Math.min(10_000, spanMs * 0.1));
}

/**
 * The scenario document (YAML text) for an import.
 * @param result the config import (for a log-only import: a config built from the log's servers, `kind` "log")
 * @param log the access-log fit, when logs were given
 */
export function writeScenario(result: ImportResult, log?: LogSection): string {
  const { config } = result;
  const active = config.servers.filter((s) => s.role === 'active');
  const simulated = config.servers.filter((s) => s.role !== 'down');
  const capacity = active.length * PLACEHOLDER_WORKERS * (1000 / PLACEHOLDER_SERVICE_MS);
  const rate = Math.max(1, Math.round(capacity / 2));
  const source =
    result.kind === 'log'
      ? `the access log ${basename(result.file)} (no proxy config: servers from the log, strategy ${config.strategy.name})`
      : `${result.format} ${KIND_WORD[result.kind] ?? result.kind} "${config.name}" in ${basename(result.file)}`;
  const warmupMs = log ? logWarmupMs(log.model.spanMs) : 0;
  const fitted = log ? clientsValue(log, warmupMs) : undefined;
  const perServer = log ? backendValues(log) : undefined;

  const description = [
    log ? `Imported by \`lbsim import\` from ${source}.` : `Imported by \`lbsim import\` from ${source}; the workload is a placeholder.`,
    ...(log ? descriptionLines(log) : []),
    describeServers(config),
    ...(config.hashKey ? [`Hash key: ${describeHashKey(config.hashKey)} (lbsim hashes clients.keys; shape that population like your keys).`] : []),
  ].join('\n');
  const kept = importedSection({
    // Active and backup servers' addresses go into the backends' `address` (hash strategies hash
    // them); one that the scenario schema cannot hold is kept here for export.
    addresses: new Map(simulated.filter((s) => !ADDRESS_RE.test(s.address)).map((s) => [s.name, [s.address]])),
    extraServers: config.servers.flatMap((s, position) => (s.role === 'down' ? [{ ...s, position }] : [])),
    ...(config.hashKey ? { hashKey: config.hashKey } : {}),
    ...(config.healthCheck ? { healthCheck: config.healthCheck } : {}),
  });

  const balancer: Record<string, unknown> = {
    passive: config.passive === false ? false : { maxFails: config.passive.maxFails, failTimeout: scenarioDuration(config.passive.failTimeoutMs) },
  };
  if (config.outlier !== false) {
    balancer.outlier = {
      consecutive5xx: config.outlier.consecutive5xx,
      baseEjection: scenarioDuration(config.outlier.baseEjectionMs),
      maxEjection: scenarioDuration(config.outlier.maxEjectionMs),
      maxEjectionPercent: config.outlier.maxEjectionPercent,
    };
  }
  balancer.panicThreshold = config.panicThreshold;
  if (config.slowStart !== false) {
    balancer.slowStart = {
      window: scenarioDuration(config.slowStart.windowMs),
      minWeightPercent: config.slowStart.minWeightPercent,
      aggression: config.slowStart.aggression,
    };
  }
  if (config.rateLimit !== false) balancer.rateLimit = { ...config.rateLimit };
  if (config.connLimit !== false) balancer.connLimit = { ...config.connLimit };
  if (config.queue !== false) balancer.queue = { maxQueue: config.queue.maxQueue, timeout: scenarioDuration(config.queue.timeoutMs) };
  if (config.failover !== undefined) {
    const f = config.failover;
    balancer.failover = {
      mode: f.mode,
      ...(f.mode === 'haproxy' ? { allBackups: f.allBackups } : {}),
      ...(f.mode === 'envoy' ? { overprovisioningFactor: f.overprovisioningFactor } : {}),
    };
  }
  if (config.zones !== undefined) {
    const z = config.zones;
    balancer.zones = {
      routing: z.routing,
      ...(z.routing === 'zone-aware' || z.minClusterSize !== 6 ? { minClusterSize: z.minClusterSize } : {}),
      ...(z.routingEnabled !== 100 ? { routingEnabled: z.routingEnabled } : {}),
      ...(z.failTrafficOnPanic ? { failTrafficOnPanic: true } : {}),
      ...(z.forceLocalityDirectRouting ? { forceLocalityDirectRouting: true } : {}),
      ...(z.localityWeights !== undefined ? { localityWeights: { ...z.localityWeights } } : {}),
    };
  }
  balancer.retries = config.retries;
  if (config.retryOn !== undefined && config.retries > 0) balancer.retryOn = [...config.retryOn];
  if (config.timeoutMs > 0) balancer.timeout = scenarioDuration(config.timeoutMs);

  const opts = nonDefaultOptions(config.strategy.name, config.strategy.options);
  const imported = Object.keys(opts).length > 0 ? { name: config.strategy.name, options: opts } : config.strategy.name;

  const faults = log ? faultValues(log) : [];
  const doc = new Document({
    name: config.name,
    description,
    ...(log ? { duration: scenarioDuration(Math.ceil(log.model.spanMs / 1000) * 1000), warmup: scenarioDuration(warmupMs) } : { duration: '60s' }),
    clients: fitted ? fitted.clients : { arrival: 'poisson', rate },
    backends: simulated.map((s) => {
      const g: Record<string, unknown> = { name: s.name, weight: s.weight };
      if (ADDRESS_RE.test(s.address)) g.address = s.address;
      if (s.hostname !== undefined) g.hostname = s.hostname;
      if (s.maxConn > 0) g.maxConn = s.maxConn;
      if (tierOfServer(s) > 0) g.priority = tierOfServer(s);
      if (s.zone !== undefined) g.zone = s.zone;
      if (s.health === 'DEGRADED') g.degraded = true;
      const fit = perServer?.get(s.name);
      if (fit) Object.assign(g, fit.fields);
      else {
        g.workers = PLACEHOLDER_WORKERS;
        g.service = { dist: 'exponential', mean: `${PLACEHOLDER_SERVICE_MS}ms` };
      }
      return g;
    }),
    balancer,
    strategies: [imported, ...alternativesFor(config, result.format)],
    baseline: config.strategy.name,
    ...(result.proxy !== undefined ? { proxy: result.proxy } : {}),
    ...(faults.length > 0 ? { faults: faults.map((f) => f.value) } : {}),
    ...(log ? { observed: observedValue(log) } : {}),
    // a log-only import has no config to give back: the section only when something is kept
    ...(result.kind !== 'log' || Object.keys(kept).length > 0
      ? {
          imported: {
            format: result.format,
            file: basename(result.file),
            section: `${result.kind} ${config.name}`,
            ...kept,
            ...(config.passthrough
              ? {
                  directives: {
                    ...(config.passthrough.section ? { section: config.passthrough.section } : {}),
                    ...(config.passthrough.location ? { location: config.passthrough.location } : {}),
                    ...(config.passthrough.servers ? { servers: config.passthrough.servers } : {}),
                    ...(config.passthrough.fields ? { fields: config.passthrough.fields } : {}),
                    ...(config.passthrough.endpoints ? { endpoints: config.passthrough.endpoints } : {}),
                  },
                }
              : {}),
          },
        }
      : {}),
  });
  // the placeholder's fingerprint, from the scenario as lbsim reads it (runs warn while it matches);
  // a workload fitted from access logs is no placeholder
  if (!log) {
    const placeholder = workloadFingerprint(parseScenario(doc.toJS(), basename(result.file)));
    (doc.get('imported', true) as YAMLMap).set('placeholder', placeholder);
  }

  const header = log
    ? [
        ` lbsim scenario imported from ${source} by \`lbsim import\`.`,
        ...(result.kind === 'log' ? [] : [' The balancing part (servers, weights, strategy, health, limits) comes from the config.']),
        ...headerLines(log),
      ]
    : [
        ` lbsim scenario imported from ${source} by \`lbsim import\`.`,
        ' The balancing part (servers, weights, strategy, health, limits) comes from the config; the',
        ' workload is a PLACEHOLDER: fill in your traffic (clients) and your servers\' workers and',
        ' service times, then `lbsim run` this file. `lbsim export` writes the chosen strategy back.',
      ];
  if (result.warnings.length > 0) {
    header.push('', ' Not modelled or approximated (also printed as warnings):');
    for (const w of result.warnings) header.push(`   - ${formatWarning(w)}`);
  }
  doc.commentBefore = header.join('\n');

  const desc = doc.get('description', true) as Scalar;
  desc.type = 'BLOCK_LITERAL';
  if (fitted) {
    const clients = doc.get('clients', true) as YAMLMap;
    for (const pair of clients.items) {
      const key = String((pair.key as Scalar).value);
      const value = pair.value as Node;
      if (isMap(value)) value.flow = true;
      if (isSeq(value)) {
        value.flow = true;
        for (const item of value.items) if (isMap(item)) item.flow = true;
      }
      const c = fitted.comments[key];
      if (c !== undefined) (isScalar(value) || isMap(value) || isSeq(value) ? value : (pair.key as Node)).comment = c;
    }
  } else (doc.getIn(['clients', 'rate'], true) as Scalar).comment = ' placeholder: fill in your traffic (requests per second)';
  simulated.forEach((s, k) => {
    const svc = doc.getIn(['backends', k, 'service'], true) as Node;
    if (isMap(svc)) svc.flow = true;
    const fit = perServer?.get(s.name);
    if (fit) {
      for (const key of ['workers', 'speed', 'service'] as const) {
        const node = doc.getIn(['backends', k, key], true) as Node;
        if (isMap(node)) {
          node.flow = true;
          for (const pair of node.items) {
            const v = pair.value as Node;
            if (isSeq(v) || isMap(v)) v.flow = true;
            if (isSeq(v)) for (const it of v.items) if (isMap(it)) it.flow = true;
          }
        }
        node.comment = fit.comments[key];
      }
    } else if (k === 0) {
      if (isMap(svc)) svc.comment = ' placeholder: your service time';
      (doc.getIn(['backends', k, 'workers'], true) as Scalar).comment = ' placeholder: requests one server serves at once';
    }
  });
  if (log) {
    const obs = doc.get('observed', true) as YAMLMap;
    obs.commentBefore = ' what the log showed (successful requests), for lbsim run and the report to compare with';
    const shares = obs.get('shares', true);
    if (isMap(shares)) shares.flow = true;
  }
  faults.forEach((f, k) => {
    const node = doc.getIn(['faults', k], true) as Node;
    if (isMap(node)) node.flow = true;
    node.comment = f.comment;
  });
  const bal = doc.get('balancer', true) as YAMLMap;
  for (const pair of bal.items) {
    const key = String((pair.key as Scalar).value);
    const value = pair.value as Node;
    if (isMap(value)) value.flow = true;
    const origin = result.origins[`balancer.${key}`];
    if (origin && (isMap(value) || isScalar(value))) value.comment = ` ${origin}`;
  }
  for (const item of (doc.get('strategies', true) as { items: Node[] }).items.slice(1)) {
    if (isMap(item)) {
      item.flow = true;
      const o = item.get('options', true);
      if (isMap(o)) o.flow = true;
    }
  }
  const first = doc.getIn(['strategies', 0], true) as Node;
  if (isMap(first)) {
    first.flow = true;
    const o = first.get('options', true);
    if (isMap(o)) o.flow = true;
  }
  first.comment = ` imported: ${result.origins.strategy ?? config.strategy.name}${result.origins.hashKey ? `; key ${result.origins.hashKey}` : ''}`;
  (doc.get('baseline', true) as Scalar).comment = ' the strategy the config runs today: every other is compared with it';
  const proxyNode = doc.get('proxy', true) as Scalar | undefined;
  if (proxyNode) proxyNode.comment = ` recommend only what ${result.proxy === 'nginx-plus' ? 'nginx Plus' : result.proxy} can run (nginx | nginx-plus | haproxy | envoy; remove for any)`;
  return doc.toString({ lineWidth: 0 });
}
