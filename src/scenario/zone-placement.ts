/**
 * Zones in a scenario, across keys: client zone shares (`clients.zones`), where the balancer
 * instances sit (`balancers.zones`, or one per client zone), and the zone network (`network`).
 * Part of normalization (`normalize.ts`); every problem names its field. See docs/zone-network.md.
 */
import type { InputProblem } from '../input/errors.js';
import type { RawScenario } from './schema.js';
import type { BackendGroup, Scenario, ZoneNetwork } from './types.js';

/** How far client zone shares may be from summing to 1 (rounding in a hand-written file). */
const SHARE_TOLERANCE = 1e-9;

/** The zones the backend groups have, in order of first appearance. */
export function zonesOf(groups: readonly BackendGroup[]): string[] {
  const out: string[] = [];
  for (const g of groups) if (g.zone !== undefined && !out.includes(g.zone)) out.push(g.zone);
  return out;
}

/**
 * Sets `scenario.clients.zones`, `scenario.balancers` and `scenario.network` from the file:
 * without client zones the `balancers` section is copied as it always was (and `network` and
 * `balancers.zones` are refused); with them, every backend needs a zone, the shares must sum to 1,
 * every client zone needs a balancer, and the network names only known zones.
 */
export function normPlacement(raw: RawScenario, scenario: Scenario, problems: InputProblem[]): void {
  const rb = raw.balancers as { count?: number; spread: 'round-robin' | 'random'; zones?: Record<string, number> } | undefined;
  const cz = raw.clients.zones;
  if (cz === undefined) {
    if (rb?.zones !== undefined) problems.push({ path: 'balancers.zones', message: 'places balancers in zones, which needs client zones (clients.zones: { a: 0.5, b: 0.5 })' });
    if (raw.network !== undefined) problems.push({ path: 'network', message: 'the zone network needs client zones (clients.zones: { a: 0.5, b: 0.5 })' });
    if (rb !== undefined) {
      if (rb.count === undefined) problems.push({ path: 'balancers.count', message: 'is required (the number of balancer instances)' });
      scenario.balancers = { count: rb.count ?? 1, spread: rb.spread };
    }
    return;
  }
  const names = Object.keys(cz);
  if (names.length === 0) {
    problems.push({ path: 'clients.zones', message: 'expected at least one zone with its share, e.g. { a: 0.5, b: 0.5 }' });
    return;
  }
  const sum = names.reduce((s, z) => s + cz[z]!, 0);
  if (Math.abs(sum - 1) > SHARE_TOLERANCE) {
    problems.push({ path: 'clients.zones', message: `the zone shares sum to ${+sum.toFixed(12)}; expected 1 (each is the fraction of requests from that zone)` });
  }
  scenario.clients.zones = names.map((zone) => ({ zone, share: cz[zone]! }));
  scenario.backends.forEach((g, k) => {
    if (g.zone === undefined) problems.push({ path: `backends[${k}].zone`, message: 'is required when clients have zones (the zone network needs every backend’s zone)' });
  });

  // balancers: per zone, default one per client zone
  let placed: { zone: string; count: number }[];
  if (rb?.zones !== undefined) {
    placed = Object.entries(rb.zones).map(([zone, count]) => ({ zone, count }));
    for (const p of placed) {
      if (!names.includes(p.zone)) problems.push({ path: `balancers.zones.${p.zone}`, message: `no client is in zone "${p.zone}"; client zones are ${names.join(', ')}` });
    }
    for (const zone of names) {
      if (!placed.some((p) => p.zone === zone)) problems.push({ path: 'balancers.zones', message: `no balancer in client zone "${zone}": its requests would have none to go to` });
    }
    const total = placed.reduce((s, p) => s + p.count, 0);
    if (rb.count !== undefined && rb.count !== total) problems.push({ path: 'balancers.count', message: `is ${rb.count} but balancers.zones places ${total}; give one of them` });
  } else {
    if (rb?.count !== undefined) {
      problems.push({ path: 'balancers.count', message: 'with client zones, place the balancers by zone instead: balancers: { zones: { a: 2, b: 1 } } (default one per client zone)' });
    }
    placed = names.map((zone) => ({ zone, count: 1 }));
  }
  scenario.balancers = { count: placed.reduce((s, p) => s + p.count, 0), spread: rb?.spread ?? 'round-robin', zones: placed };

  // the zone network
  const known = new Set([...zonesOf(scenario.backends), ...names]);
  const n = raw.network;
  const net: ZoneNetwork = {
    sameZoneMs: n?.sameZone ?? 0,
    crossZoneMs: n?.crossZone ?? 1,
    latencyMs: {},
    crossZoneBytes: n?.crossZoneBytes ?? 0,
    pricePerGB: n?.pricePerGB ?? 0.01,
  };
  for (const [a, row] of Object.entries(n?.latency ?? {})) {
    if (!known.has(a)) problems.push({ path: `network.latency.${a}`, message: `no backend or client has zone "${a}"; zones are ${[...known].join(', ')}` });
    for (const [b, ms] of Object.entries(row)) {
      if (!known.has(b)) problems.push({ path: `network.latency.${a}.${b}`, message: `no backend or client has zone "${b}"; zones are ${[...known].join(', ')}` });
      const back = n?.latency?.[b]?.[a];
      if (back !== undefined && back !== ms && a < b) {
        problems.push({ path: `network.latency.${a}.${b}`, message: `${ms} ms here but network.latency.${b}.${a} is ${back} ms; the latency is a round trip, the same both ways` });
      }
      (net.latencyMs[a] ??= {})[b] = ms;
    }
  }
  scenario.network = net;
}

/**
 * The round trip (ms) between zones `a` and `b` on `net`: a per-pair value (either order), else
 * `sameZoneMs` or `crossZoneMs`.
 */
export function zoneRoundTrip(net: ZoneNetwork, a: string, b: string): number {
  const v = net.latencyMs[a]?.[b] ?? net.latencyMs[b]?.[a];
  if (v !== undefined) return v;
  return a === b ? net.sameZoneMs : net.crossZoneMs;
}
