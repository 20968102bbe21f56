/**
 * Scenario → {@link LbConfig} for `lbsim export`: the chosen strategy (by label or registry name),
 * one server per simulated backend (a group with `priority` ≥ 1 gives backup servers, its `zone`
 * their zone), the balancer section with `failover`, and what an import kept in the description
 * (down servers, hash key, health check; notes.ts; backup servers kept there by older imports
 * still come back). Addresses come from the backends' `address` (or, in files written before that
 * field, from the description); backends without one get `127.0.0.1:8001`, `:8002`, … in backend
 * order. Reads a scenario file or a
 * results file (whose `scenario` is the normalized scenario).
 */
import { dirname, resolve } from 'node:path';
import { InputError } from '../input/errors.js';
import { readInputFile } from '../input/read.js';
import { backendIds, parseDocument, parseScenario } from '../scenario/index.js';
import type { Scenario } from '../scenario/types.js';
import { didYouMean, foldName, resolveStrategyName } from '../strategies/aliases.js';
import { strategyNames } from '../strategies/registry.js';
import { BALANCER_DEFAULTS } from '../core/balancer/settings.js';
import { withDefaults } from './common.js';
import { notesOf } from './notes.js';
import type { LbConfig, LbServer } from './types.js';

/** First port of the placeholder addresses given to backends without one. */
export const DEFAULT_BASE_PORT = 8001;

/** Reads a scenario file, or the scenario inside a results file. @throws InputError */
export function loadScenarioOrResults(file: string): Scenario {
  const text = readInputFile(file);
  const doc = parseDocument(text, file) as Record<string, unknown>;
  if (typeof doc.schema === 'string' && doc.schema.startsWith('lbsim/results')) {
    const s = doc.scenario as Partial<Scenario> | undefined;
    const ok =
      s !== undefined &&
      typeof s === 'object' &&
      Array.isArray(s.backends) &&
      Array.isArray(s.strategies) &&
      s.balancer !== undefined &&
      typeof s.balancer === 'object';
    if (!ok) throw new InputError(file, [{ path: 'scenario', message: 'the results file has no usable scenario (expected backends, balancer and strategies)' }]);
    return { description: '', name: 'lbsim', ...s } as Scenario;
  }
  return parseScenario(doc, file, dirname(resolve(file)));
}

/** An nginx/HAProxy/Envoy-safe section name from the scenario name. */
export function sectionName(name: string): string {
  const n = name.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/^_+|_+$/g, '');
  return n === '' ? 'lbsim_backend' : n;
}

/**
 * The config to export for one strategy of a scenario.
 * @param ref a strategy label or registry name from the scenario (any registry name is accepted too)
 * @throws InputError when `ref` names no strategy
 */
export function scenarioToConfig(scenario: Scenario, ref: string, file: string): LbConfig {
  // a label of the scenario (exact, then in any spelling), else a registry name or a proxy's name for it
  const alias = resolveStrategyName(ref);
  const choice =
    scenario.strategies.find((s) => s.label === ref) ??
    scenario.strategies.find((s) => foldName(s.label) === foldName(ref)) ??
    (alias ? (scenario.strategies.find((s) => s.name === alias.name) ?? { name: alias.name, label: ref, options: alias.options ?? {} }) : undefined);
  if (!choice) {
    const labels = scenario.strategies.map((s) => s.label);
    throw new InputError('--strategy', [
      { path: '', message: `"${ref}" is neither a strategy of ${file} (${labels.join(', ')}) nor a registered strategy (${strategyNames().join(', ')})${didYouMean(ref, labels)}` },
    ]);
  }
  const notes = notesOf(scenario);
  const servers: LbServer[] = [];
  const used = new Set<string>();
  let index = 0;
  const ids = backendIds(scenario.backends, scenario.autoscale?.group);
  for (const g of scenario.backends) {
    const kept = g.addresses ?? (g.name !== null ? notes.addresses.get(g.name) : undefined);
    for (let k = 0; k < g.count; k++) {
      // the simulator's ids (a one-server group is named by its name: an imported server comes back unchanged)
      const id = ids[index]!.id;
      used.add(id);
      const tier = g.priority ?? 0;
      servers.push({
        name: id,
        address: kept?.[k] ?? `127.0.0.1:${DEFAULT_BASE_PORT + index}`,
        weight: g.weight,
        maxConn: g.maxConn,
        role: tier > 0 ? 'backup' : 'active',
        ...(tier > 1 ? { priority: tier } : {}),
        ...(g.zone !== undefined ? { zone: g.zone } : {}),
        ...(g.hostnames?.[k] !== undefined ? { hostname: g.hostnames[k] } : {}),
        // `degraded` on the group; the `degraded` note is what earlier imports wrote.
        ...(g.degraded === true || notes.degraded?.includes(id) ? { health: 'DEGRADED' as const } : {}),
      });
      index++;
    }
  }
  for (const { position, ...s } of notes.extraServers) {
    if (used.has(s.name)) continue;
    servers.splice(position !== undefined && position <= servers.length ? position : servers.length, 0, s);
  }
  const b = scenario.balancer;
  const config: LbConfig = {
    name: sectionName(scenario.name),
    servers,
    strategy: { name: choice.name, options: withDefaults(choice.name, choice.options) },
    passive: b.passive,
    outlier: b.outlier,
    panicThreshold: b.panicThreshold,
    slowStart: b.slowStart,
    rateLimit: b.rateLimit,
    connLimit: b.connLimit,
    queue: b.queue,
    retries: b.retries,
    timeoutMs: b.timeoutMs,
  };
  if (b.retryOn !== undefined) config.retryOn = b.retryOn;
  const tiered = servers.some((s) => s.role === 'backup');
  if (b.failover !== undefined && b.failover !== false && tiered) config.failover = b.failover;
  else if (b.failover === undefined && tiered) config.failover = { ...BALANCER_DEFAULTS.failover };
  if (b.zones !== undefined && b.zones !== false) config.zones = b.zones;
  if (notes.hashKey) config.hashKey = notes.hashKey;
  if (notes.healthCheck) config.healthCheck = notes.healthCheck;
  const d = scenario.imported?.directives;
  if (scenario.imported && scenario.imported.format !== 'aws' && d && (d.section || d.location || d.servers || d.fields || d.endpoints)) {
    config.passthrough = {
      format: scenario.imported.format,
      ...(d.section ? { section: [...d.section] } : {}),
      ...(d.location ? { location: [...d.location] } : {}),
      ...(d.servers ? { servers: structuredClone(d.servers) } : {}),
      ...(d.fields ? { fields: structuredClone(d.fields) } : {}),
      ...(d.endpoints ? { endpoints: structuredClone(d.endpoints) } : {}),
    };
  }
  return config;
}
