/**
 * What a live run can act out of a scenario's zones. A live run is one proxy on loopback: every
 * client request goes through it, and loopback has no zones. Locality-weighted balancing needs only
 * the backends' zones and runs as it would in Envoy; zone-aware routing needs the proxy's own zone
 * and the local cluster's spread over zones (docs/zones.md), which one proxy serving every client
 * does not have, so it is refused with the two ways out; client zones, balancers per zone and the
 * zone network (cross-zone latency and cost, docs/zone-network.md) are simulated only, and said so.
 */
import { InputError } from '../input/errors.js';
import type { Scenario } from '../scenario/index.js';

/**
 * Checks `sc` for a live run.
 * @param file the scenario file, for the error
 * @returns warnings for what the live run leaves out (empty when nothing)
 * @throws InputError naming `balancer.zones.routing` when the scenario asks for zone-aware routing
 */
export function liveZoneCheck(sc: Scenario, file: string): string[] {
  const z = sc.balancer.zones;
  if (z && z.routing === 'zone-aware') {
    throw new InputError(file, [
      {
        path: 'balancer.zones.routing',
        message:
          'zone-aware routing needs the proxy\'s own zone and balancers spread over the clients\' zones; a live run is one proxy on loopback serving every client. ' +
          'Simulate it (lbsim run), or run live with --set balancer.zones.routing=none (or locality-weighted)',
      },
    ]);
  }
  const warnings: string[] = [];
  if (sc.clients.zones !== undefined || sc.network !== undefined || sc.balancers?.zones !== undefined) {
    warnings.push('client zones, balancers per zone and the zone network (cross-zone latency and cost) are simulated only: the live run sends every request through one proxy on loopback');
  }
  return warnings;
}
