/**
 * The checks on `zones` that span several fields, shared by a scenario (`backends[].zone`,
 * `balancer.zones`) and the proxy config (`backends[].zone`, `zones`, `zone`, `localZoneShares`),
 * so both files refuse the same things with the same words:
 *
 * - `routing: zone-aware` or `locality-weighted` with no backend in a zone (nothing to route by);
 * - `routing: locality-weighted` without `localityWeights` (Envoy would then not weight localities
 *   at all: `LocalityWrr::rebuildLocalityScheduler` builds no schedule without weights);
 * - a `localityWeights` entry for a zone no backend has (a typo: it would weigh nothing).
 *
 * Paths are relative to the section (`routing`, `localityWeights.eu-west-1c`); the caller prefixes
 * them (`balancer.zones.`, `zones.`).
 */
import type { ZoneSettings } from './zone-settings.js';

/** A problem found by {@link zoneProblems}: the field path inside the `zones` section and why. */
export interface ZoneProblem {
  path: string;
  message: string;
}

/** Problems with `zones` given the backends' zones (one entry per backend or group; undefined = none). */
export function zoneProblems(backendZones: readonly (string | undefined)[], zones: ZoneSettings | false | undefined): ZoneProblem[] {
  if (!zones || zones.routing === 'none') return [];
  const known = [...new Set(backendZones.filter((z): z is string => z !== undefined))].sort();
  const out: ZoneProblem[] = [];
  if (known.length === 0) {
    out.push({ path: 'routing', message: `routing ${zones.routing} needs backends with a zone; no backend has one` });
  }
  if (zones.routing === 'locality-weighted' && zones.localityWeights === undefined) {
    out.push({ path: 'localityWeights', message: 'is required with routing locality-weighted (a weight per zone, as Envoy load_balancing_weight)' });
  }
  for (const z of Object.keys(zones.localityWeights ?? {})) {
    if (!known.includes(z)) {
      out.push({ path: `localityWeights.${z}`, message: `no backend has zone "${z}"${known.length > 0 ? ` (zones: ${known.join(', ')})` : ''}` });
    }
  }
  return out;
}
