/**
 * Backend ids: the one rule that names the backends of a scenario. Backend `k` (from 0) of a
 * group named `web` is `web-k`; a backend of an unnamed group is `b` followed by its position in
 * the whole fleet (`b0`, `b1`, …). The simulator, `lbsim live`, fault targets and the config
 * exporters all name backends through here, so results, faults and exports agree.
 */

/**
 * The id of one backend.
 * @param name its group's name (null = unnamed)
 * @param k its index within the group
 * @param index its position in the whole fleet
 */
export function backendId(name: string | null, k: number, index: number): string {
  return name ? `${name}-${k}` : `b${index}`;
}

/** Every backend's id in scenario order, with the index of its group. */
export function backendIds(groups: readonly { name: string | null; count: number }[]): { id: string; group: number }[] {
  const out: { id: string; group: number }[] = [];
  groups.forEach((g, gi) => {
    for (let k = 0; k < g.count; k++) out.push({ id: backendId(g.name, k, out.length), group: gi });
  });
  return out;
}
