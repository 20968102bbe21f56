/**
 * Strategy names as people type them: the registry's kebab-case names in any case and with `_`,
 * spaces or nothing between words (`ROUND_ROBIN`, `least_connections`, `PeakEwma`), and the names
 * the proxies give their algorithms (nginx `least_conn`, `ip_hash`, `hash … consistent`,
 * `random two least_conn`; HAProxy `leastconn`, `roundrobin`, `static-rr`, `source`, `random(2)`;
 * Envoy `LEAST_REQUEST`, `RING_HASH`, `MAGLEV`, `RANDOM`; AWS ALB `least_outstanding_requests`),
 * mapped to the registry entry that simulates them (the mapping the importers use, see
 * `src/interop/MAPPING.md`). Used by `--strategies` and `export --strategy`; scenario files keep
 * the registry names (an unknown one gets the same "did you mean" suggestion).
 */
import { STRATEGIES } from './registry.js';

/** What a typed name resolves to: a registry name, with options where the alias implies them. */
export interface ResolvedName {
  name: string;
  options?: Record<string, unknown>;
}

/**
 * Proxies' names for the algorithms (folded by {@link foldName}) → the registry entry. Registry
 * names themselves need no entry: they match after folding.
 */
const ALIASES: Record<string, ResolvedName> = {
  // least connections: nginx least_conn, HAProxy leastconn, AWS least_outstanding_requests
  leastconn: { name: 'least-connections' },
  leastconns: { name: 'least-connections' },
  leastconnection: { name: 'least-connections' },
  leastoutstandingrequests: { name: 'least-connections' },
  // power of two choices: nginx "random two [least_conn]", HAProxy random(2), Envoy LEAST_REQUEST
  randomtwo: { name: 'p2c' },
  randomtwoleastconn: { name: 'p2c' },
  random2: { name: 'p2c' },
  poweroftwo: { name: 'p2c' },
  poweroftwochoices: { name: 'p2c' },
  twochoices: { name: 'p2c' },
  leastrequest: { name: 'p2c', options: { replacement: true } },
  // weighted round robin: nginx's default, HAProxy static-rr
  wrr: { name: 'weighted-round-robin' },
  smoothwrr: { name: 'weighted-round-robin' },
  staticrr: { name: 'weighted-round-robin' },
  // random: HAProxy random(1) is weighted
  random1: { name: 'weighted-random' },
  // hashing: nginx hash … consistent, Envoy RING_HASH, HAProxy balance source
  ringhash: { name: 'consistent-hash' },
  ketama: { name: 'consistent-hash' },
  chash: { name: 'consistent-hash' },
  hash: { name: 'consistent-hash' },
  hashconsistent: { name: 'consistent-hash' },
  source: { name: 'ip-hash' },
  hrw: { name: 'rendezvous' },
  highestrandomweight: { name: 'rendezvous' },
  hashbalancefactor: { name: 'bounded-load' },
  consistenthashingwithboundedloads: { name: 'bounded-load' },
  // others
  ewma: { name: 'peak-ewma' },
  joinidlequeue: { name: 'jiq' },
  stickysessions: { name: 'sticky' },
};

/** Folds a typed name for matching: lower case, only letters and digits (`LEAST_REQUEST` → `leastrequest`). */
export function foldName(typed: string): string {
  return typed.toLowerCase().replace(/[^a-z0-9]/g, '');
}

const BY_FOLDED = new Map<string, ResolvedName>([
  ...Object.entries(ALIASES),
  ...STRATEGIES.map((s) => [foldName(s.name), { name: s.name }] as [string, ResolvedName]),
]);

/** The registry entry a typed name means (registry name in any spelling, or a proxy's name), or undefined. */
export function resolveStrategyName(typed: string): ResolvedName | undefined {
  const hit = BY_FOLDED.get(foldName(typed));
  return hit && { name: hit.name, ...(hit.options ? { options: { ...hit.options } } : {}) };
}

/** Every alias (folded form) and the registry name it maps to, for `lbsim list`. */
export function aliasesOf(name: string): string[] {
  return Object.entries(ALIASES)
    .filter(([, r]) => r.name === name)
    .map(([a]) => a);
}

/** Levenshtein edit distance (insertions, deletions, substitutions), two-row dynamic programme. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The name nearest to `typed` among the registry names, the aliases' targets and `extra` (a
 * scenario's labels), or undefined when nothing is close (more than a third of the letters differ).
 */
export function suggestStrategy(typed: string, extra: readonly string[] = []): string | undefined {
  const t = foldName(typed);
  if (t === '') return undefined;
  const candidates: [string, string][] = [
    ...STRATEGIES.map((s) => [foldName(s.name), s.name] as [string, string]),
    ...Object.entries(ALIASES).map(([a, r]) => [a, r.name] as [string, string]),
    ...extra.map((l) => [foldName(l), l] as [string, string]),
  ];
  let best: { d: number; name: string } | undefined;
  for (const [folded, name] of candidates) {
    // a typed prefix of a long name ("least" → least-connections) counts as close
    const d = folded.startsWith(t) && t.length >= 4 ? 1 : editDistance(t, folded);
    if (!best || d < best.d) best = { d, name };
  }
  return best && best.d <= Math.max(2, Math.floor(t.length / 3)) ? best.name : undefined;
}

/** `; did you mean X?` for an unknown name, or an empty string. */
export function didYouMean(typed: string, extra: readonly string[] = []): string {
  const s = suggestStrategy(typed, extra);
  return s ? `; did you mean ${s}?` : '';
}
