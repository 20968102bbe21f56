/**
 * Backend ids: the one rule that names the backends of a scenario. A backend of an unnamed group is
 * `b` followed by its position in the whole fleet (`b0`, `b1`, …). In a group named `web`, backend
 * `k` (from 0) is `web-k`; a group of one is named by its name alone (`web`; an imported server
 * keeps its name), unless it is the autoscaled group, whose members come and go and keep the
 * numbered form (`web-0`, `web-1`, …). The simulator, `lbsim live`, fault targets and the config
 * exporters all name backends through here, so results, faults and exports agree.
 */

/**
 * The id of one backend.
 * @param name its group's name (null = unnamed)
 * @param k its index within the group
 * @param index its position in the whole fleet
 * @param alone whether its group has exactly one member and is not autoscaled
 */
export function backendId(name: string | null, k: number, index: number, alone = false): string {
  if (!name) return `b${index}`;
  return alone ? name : `${name}-${k}`;
}

/**
 * Every backend's id in scenario order, with the index of its group and its index `k` within it.
 * @param scaled index of the autoscaled group, if any (its ids stay numbered)
 */
export function backendIds(groups: readonly { name: string | null; count: number }[], scaled = -1): { id: string; group: number; k: number }[] {
  const out: { id: string; group: number; k: number }[] = [];
  groups.forEach((g, gi) => {
    const alone = g.count === 1 && gi !== scaled;
    for (let k = 0; k < g.count; k++) out.push({ id: backendId(g.name, k, out.length, alone), group: gi, k });
  });
  return out;
}
