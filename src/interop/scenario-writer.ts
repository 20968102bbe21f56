/**
 * Writes an imported {@link LbConfig} as an lbsim scenario file (YAML with comments) that
 * `lbsim validate` accepts: one backend group per active server (named after the server, so weights
 * and `maxConn` stay per server), the balancer section mapped from the config, the imported strategy
 * first in `strategies` followed by a few alternatives to compare, and a placeholder workload
 * (Poisson arrivals at half the placeholder capacity, exponential 10 ms service) for the user to
 * replace. Addresses, backup/down servers, the hash key and health checks go into the description
 * (notes.ts) so that `lbsim export` can write them back. `baseline` names the imported strategy (every
 * other is compared with it) and `proxy` the proxy it came from (recommendations stay within what
 * that proxy runs). Every warning is repeated in the header.
 */
import { basename } from 'node:path';
import { Document, isMap, isScalar, type Node, type Scalar, type YAMLMap } from 'yaml';
import { nonDefaultOptions } from './common.js';
import { scenarioDuration } from './durations.js';
import { describeHashKey } from './hash-key.js';
import { formatNotes } from './notes.js';
import { formatWarning, type ImportResult, type LbConfig } from './types.js';

/** Placeholder workers per backend (concurrent requests one server handles). */
export const PLACEHOLDER_WORKERS = 4;
/** Placeholder mean service time, ms. */
export const PLACEHOLDER_SERVICE_MS = 10;

const HASHING = ['consistent-hash', 'maglev', 'rendezvous', 'bounded-load', 'ip-hash'];

/** Strategies worth comparing with the imported one (registry names, imported one excluded). */
export function alternativesFor(config: LbConfig): string[] {
  const name = config.strategy.name;
  const inner = name === 'sticky' ? String(config.strategy.options.inner) : name;
  const pool = HASHING.includes(inner)
    ? ['consistent-hash', 'maglev', 'rendezvous', 'bounded-load']
    : ['weighted-round-robin', 'least-connections', 'p2c', 'peak-ewma'];
  return pool.filter((s) => s !== name);
}

const KIND_WORD: Record<string, string> = { upstream: 'upstream', backend: 'backend', listen: 'listen section', cluster: 'cluster' };

function describeServers(config: LbConfig): string {
  const fmt = (s: LbConfig['servers'][number]) =>
    `${s.address}${s.weight !== 1 ? ` weight ${s.weight}` : ''}${s.maxConn > 0 ? ` maxConn ${s.maxConn}` : ''}`;
  const active = config.servers.filter((s) => s.role === 'active');
  const backup = config.servers.filter((s) => s.role === 'backup');
  const down = config.servers.filter((s) => s.role === 'down');
  let text = `Servers: ${active.map(fmt).join(', ')}.`;
  if (backup.length > 0) text += ` Backup (not simulated): ${backup.map(fmt).join(', ')}.`;
  if (down.length > 0) text += ` Down (not simulated): ${down.map(fmt).join(', ')}.`;
  return text;
}

/** The scenario document (YAML text) for an import. */
export function writeScenario(result: ImportResult): string {
  const { config } = result;
  const active = config.servers.filter((s) => s.role === 'active');
  const capacity = active.length * PLACEHOLDER_WORKERS * (1000 / PLACEHOLDER_SERVICE_MS);
  const rate = Math.max(1, Math.round(capacity / 2));
  const source = `${result.format} ${KIND_WORD[result.kind] ?? result.kind} "${config.name}" in ${basename(result.file)}`;

  const description = [
    `Imported by \`lbsim import\` from ${source}; the workload is a placeholder.`,
    describeServers(config),
    ...(config.hashKey ? [`Hash key: ${describeHashKey(config.hashKey)} (lbsim hashes clients.keys; shape that population like your keys).`] : []),
    ...formatNotes({
      addresses: new Map(active.map((s) => [s.name, [s.address]])),
      extraServers: config.servers.flatMap((s, position) => (s.role !== 'active' ? [{ ...s, position }] : [])),
      ...(config.hashKey ? { hashKey: config.hashKey } : {}),
      ...(config.healthCheck ? { healthCheck: config.healthCheck } : {}),
    }),
  ].join('\n');

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
  balancer.retries = config.retries;
  if (config.timeoutMs > 0) balancer.timeout = scenarioDuration(config.timeoutMs);

  const opts = nonDefaultOptions(config.strategy.name, config.strategy.options);
  const imported = Object.keys(opts).length > 0 ? { name: config.strategy.name, options: opts } : config.strategy.name;

  const doc = new Document({
    name: config.name,
    description,
    duration: '60s',
    clients: { arrival: 'poisson', rate },
    backends: active.map((s) => {
      const g: Record<string, unknown> = { name: s.name, weight: s.weight };
      if (s.maxConn > 0) g.maxConn = s.maxConn;
      g.workers = PLACEHOLDER_WORKERS;
      g.service = { dist: 'exponential', mean: `${PLACEHOLDER_SERVICE_MS}ms` };
      return g;
    }),
    balancer,
    strategies: [imported, ...alternativesFor(config)],
    baseline: config.strategy.name,
    proxy: result.proxy,
  });

  const header = [
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
  (doc.getIn(['clients', 'rate'], true) as Scalar).comment = ' placeholder: fill in your traffic (requests per second)';
  active.forEach((_, k) => {
    const svc = doc.getIn(['backends', k, 'service'], true) as YAMLMap;
    svc.flow = true;
    if (k === 0) {
      svc.comment = ' placeholder: your service time';
      (doc.getIn(['backends', k, 'workers'], true) as Scalar).comment = ' placeholder: requests one server serves at once';
    }
  });
  const bal = doc.get('balancer', true) as YAMLMap;
  for (const pair of bal.items) {
    const key = String((pair.key as Scalar).value);
    const value = pair.value as Node;
    if (isMap(value)) value.flow = true;
    const origin = result.origins[`balancer.${key}`];
    if (origin && (isMap(value) || isScalar(value))) value.comment = ` ${origin}`;
  }
  const first = doc.getIn(['strategies', 0], true) as Node;
  if (isMap(first)) {
    first.flow = true;
    const o = first.get('options', true);
    if (isMap(o)) o.flow = true;
  }
  first.comment = ` imported: ${result.origins.strategy ?? config.strategy.name}${result.origins.hashKey ? `; key ${result.origins.hashKey}` : ''}`;
  (doc.get('baseline', true) as Scalar).comment = ' the strategy the config runs today: every other is compared with it';
  (doc.get('proxy', true) as Scalar).comment = ` recommend only what ${result.proxy === 'nginx-plus' ? 'nginx Plus' : result.proxy} can run (nginx | nginx-plus | haproxy | envoy; remove for any)`;
  return doc.toString({ lineWidth: 0 });
}
