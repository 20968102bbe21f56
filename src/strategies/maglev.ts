/**
 * Maglev hashing: a lookup table of prime size M filled from per-backend permutations, in two
 * flavors that differ only in their hash functions (`paper`, the default, and `envoy`).
 *
 * Reference: Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load Balancer"
 * (NSDI 2016) §3.4, pseudocode listing 1; Envoy MAGLEV with weights
 * (`OriginalMaglevTable::constructImplementationInternals`,
 * source/extensions/load_balancing_policies/maglev/maglev_lb.cc); docs/strategies.md#maglev.
 *
 * Build (on rebuild, over all backends, configured weights): backends are ordered by their hashed
 * name, the `address` when the scenario gives one (Envoy hashes and sorts by the host's address),
 * else the id; each gets `offset = h0(name) mod M`, `skip = h1(name) mod (M−1) + 1`, `next = 0`
 * and a normalised weight `w = weight / Σweight`. Rounds `iteration = 1, 2, …` visit the backends in
 * order; a backend takes a turn only if `iteration × w ≥ target`, and then `target += max w`, so a
 * backend of weight max takes every round and one of a third of it every third round (Envoy's
 * weighted Maglev). A turn claims the first free slot of `(offset + skip × next) mod M`, advancing
 * `next`. Weights 1:2 in M = 65537 give exactly 21,846 and 43,691 entries (Envoy's arithmetic in
 * doubles, reproduced). The hashes h0, h1 (of the name) and the key hash h are the flavor's:
 *
 * - `paper` (default): MurmurHash3 x86_32 with seeds 0 and 1 for h0 and h1, seed 2 for the key.
 *   Tables differ from Envoy's slot by slot but not in their counts. It stays the default so that
 *   scenarios written before the `envoy` flavor keep their results.
 * - `envoy`: Envoy's `HashUtil::xxHash64` as `MaglevTable::constructMaglevTableInternal` uses it:
 *   `offset = xxHash64(name, seed 0) mod M`, `skip = xxHash64(name, seed 1) mod (M − 1) + 1`; the
 *   key hash is xxHash64 (seed 0) of the key text, as Envoy's header and `source_ip` hash policies
 *   compute it, and `OriginalMaglevTable::chooseHost` reads `table[hash mod M]` (64-bit remainder
 *   on 32-bit halves, support/xxhash64.ts `mod64`). The table is Envoy's slot for slot. As Envoy
 *   (`ThreadAwareLoadBalancerBase::refresh`), the table is built over the host set the balancer
 *   hands over (`PickView.members`: the healthy backends of the tier, or all in panic) and built
 *   again when that set changes (support/host-set.ts); `useHostnameForHashing` hashes and sorts
 *   the backends' `hostname` (`HashingLoadBalancer::hashKey`); a request without a hash uses a
 *   random 64-bit value (`LoadBalancerImpl::chooseHost`, support/envoy-hash.ts).
 *
 * Lookup: `table[h(key) mod M]` (key = `hashKey`, else `clientAddr`). If that backend is
 * ineligible, the following entries `+1, +2, …` (wrapping) are probed and the first eligible owner
 * wins: neighbouring entries belong to effectively random backends, so an ineligible backend's keys
 * spread over the others while every other key stays put. `paper` keeps one table over all
 * backends and probes past unhealthy ones this way; `envoy` probes only past the backends of its
 * host set that a pick may not use (a retry's exclusions, `maxConn`). Bounded by M probes; none
 * eligible gives -1.
 * Cost: O(1) per pick (one key hash, one load), no allocation. `tableSize` must be prime.
 */
import { z } from 'zod';
import type { BackendSpec } from '../core/backend.js';
import { murmur3 } from '../core/hash.js';
import type { Strategy, StrategyDef } from '../core/strategy.js';
import type { PickView, RequestInfo } from '../core/view.js';
import type { Rng } from '../core/rng.js';
import { requestKey } from './consistent-hash.js';
import { envoyHashPolicyOption, envoyRequestHash, useHostnameOption, type EnvoyHashPolicy } from './support/envoy-hash.js';
import { envoyHostKey } from './support/envoy-ring.js';
import { flavorOption, onlyWithFlavor, type FlavorTable } from './support/flavor.js';
import { HostSet } from './support/host-set.js';
import { mod64, xxHash64Into } from './support/xxhash64.js';

/** The flavors of `maglev`, default first. */
export const MAGLEV_FLAVORS = ['paper', 'envoy'] as const;
type MaglevFlavor = (typeof MAGLEV_FLAVORS)[number];

const flavors: FlavorTable<MaglevFlavor> = {
  list: MAGLEV_FLAVORS,
  default: 'paper',
  differs: {
    paper: 'offset/skip and key hashed with MurmurHash3 x86_32 (seeds 0, 1; key seed 2): Envoy\'s entry counts, other slots',
    envoy: 'Envoy MAGLEV over the healthy hosts (rebuilt on change): offset/skip = xxHash64 of the address or hostname (seeds 0, 1), key xxHash64 mod M, no key → random',
  },
};

/** True when `n` is a prime (trial division; n up to a few million). */
export function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2) return false;
  if (n % 2 === 0) return n === 2;
  for (let d = 3; d * d <= n; d += 2) if (n % d === 0) return false;
  return true;
}

const schema = z
  .object({
    /** Whose hashes: paper (default, MurmurHash3), envoy (xxHash64). */
    flavor: flavorOption('maglev', MAGLEV_FLAVORS),
    /** Lookup table size M: a prime (Envoy default 65537, at most 5,000,011). */
    tableSize: z
      .number()
      .int()
      .min(3)
      .max(5000011)
      .default(65537)
      .refine(isPrime, { message: 'tableSize must be a prime number' }),
    /** Envoy `consistent_hashing_lb_config.use_hostname_for_hashing` (flavor envoy): hash the backends' `hostname`. */
    useHostnameForHashing: useHostnameOption,
    /** Envoy's route hash policy (flavor envoy): `request` (default: the key, else the client address) or `none` (a random hash). */
    hashPolicy: envoyHashPolicyOption,
  })
  .strict()
  .superRefine((o, ctx) => {
    const f = o.flavor ?? flavors.default;
    onlyWithFlavor(ctx, 'useHostnameForHashing', o.useHostnameForHashing, f, ['envoy']);
    onlyWithFlavor(ctx, 'hashPolicy', o.hashPolicy, f, ['envoy']);
  });

/** Options of `maglev`. */
export type MaglevOptions = z.infer<typeof schema>;

/** Seed of the key hash (distinct from the offset/skip seeds 0 and 1). */
const KEY_SEED = 2;

/** What a backend is hashed and ordered by: its address when known (Envoy hashes the host's address), else its id. */
export function hashName(spec: BackendSpec): string {
  return spec.address ?? spec.id;
}

/**
 * Builds the weighted Maglev table: entry → backend index in `specs` (every entry filled when
 * `specs` is non-empty), with the offset/skip hashes of `flavor`; over the backends with
 * `members[i] === 1` only when `members` is given (Envoy's host set), hashing their `hostname`
 * when `useHostname`. Allocates; called on rebuild only.
 */
export function buildMaglevTable(
  specs: readonly BackendSpec[],
  tableSize: number,
  flavor: MaglevFlavor = 'paper',
  members?: ArrayLike<number>,
  useHostname = false,
): Int32Array<ArrayBuffer> {
  const m = tableSize;
  const table = new Int32Array(m).fill(-1);
  const name = (s: BackendSpec): string => (useHostname ? envoyHostKey(s, true) : hashName(s));
  const order: number[] = [];
  for (let i = 0; i < specs.length; i++) if (members === undefined || members[i] === 1) order.push(i);
  const n = order.length;
  if (n === 0) return table;
  order.sort((a, b) => {
    const x = name(specs[a]!);
    const y = name(specs[b]!);
    return x < y ? -1 : x > y ? 1 : a - b;
  });
  let sum = 0;
  for (const i of order) sum += specs[i]!.weight;
  const w = new Float64Array(n);
  const slot = new Float64Array(n);
  const skip = new Float64Array(n);
  const target = new Float64Array(n);
  let maxW = 0;
  const h = new Uint32Array(2);
  for (let k = 0; k < n; k++) {
    const spec = specs[order[k]!]!;
    w[k] = (spec.weight * 1.0) / sum;
    if (w[k]! > maxW) maxW = w[k]!;
    const key = name(spec);
    if (flavor === 'envoy') {
      xxHash64Into(key, 0, h);
      slot[k] = mod64(h[0]!, h[1]!, m);
      xxHash64Into(key, 1, h);
      skip[k] = mod64(h[0]!, h[1]!, m - 1) + 1;
    } else {
      slot[k] = murmur3(key, 0) % m;
      skip[k] = (murmur3(key, 1) % (m - 1)) + 1;
    }
  }
  let filled = 0;
  for (let iteration = 1; filled < m; iteration++) {
    for (let k = 0; k < n && filled < m; k++) {
      if (iteration * w[k]! < target[k]!) continue;
      target[k] = target[k]! + maxW;
      let c = slot[k]!;
      const s = skip[k]!;
      while (table[c] !== -1) {
        c += s;
        if (c >= m) c -= m;
      }
      table[c] = order[k]!;
      c += s;
      if (c >= m) c -= m;
      slot[k] = c;
      filled++;
    }
  }
  return table;
}

/**
 * The backend in table slot `c`, or, when it is not eligible (down, excluded by this request's
 * retry, at maxConn), the next eligible one walking the table forward and wrapping; -1 when none.
 */
function firstEligible(table: Int32Array, c: number, eligible: ArrayLike<number>): number {
  const m = table.length;
  for (let t = 0; t < m; t++) {
    const i = table[c]!;
    if (i >= 0 && eligible[i] === 1) return i;
    if (++c === m) c = 0;
  }
  return -1;
}

/** Flavor `paper`: one table over all backends, MurmurHash3. */
class Maglev implements Strategy {
  private table = new Int32Array(0);

  constructor(private readonly tableSize: number) {}

  /** The key's table entry: `h(key) mod M`. */
  private entry(key: string, m: number): number {
    return murmur3(key, KEY_SEED) % m;
  }

  pick(view: PickView, req: Readonly<RequestInfo>): number {
    const m = this.table.length;
    if (view.count === 0 || m === 0) return -1;
    return firstEligible(this.table, this.entry(requestKey(req), m), view.eligible);
  }

  rebuild(specs: readonly BackendSpec[]): void {
    this.table = specs.length === 0 ? new Int32Array(0) : buildMaglevTable(specs, this.tableSize, 'paper');
  }
}

/** Flavor `envoy`: Envoy's `OriginalMaglevTable` over the host set, rebuilt when it changes. */
class EnvoyMaglev implements Strategy {
  private table = new Int32Array(0);
  private readonly hosts = new HostSet();
  private specs: readonly BackendSpec[] = [];
  /** The request hash (hi, lo), reused. */
  private readonly h = new Uint32Array(2);

  constructor(
    private readonly tableSize: number,
    private readonly useHostname: boolean,
    private readonly policy: EnvoyHashPolicy,
    private readonly rng: Rng,
  ) {}

  pick(view: PickView, req: Readonly<RequestInfo>): number {
    if (view.count === 0) return -1;
    if (this.hosts.changed(view)) {
      this.table = this.hosts.count === 0 ? new Int32Array(0) : buildMaglevTable(this.specs, this.tableSize, 'envoy', this.hosts.mask, this.useHostname);
    }
    const m = this.table.length;
    if (m === 0) return -1;
    const h = this.h;
    envoyRequestHash(req, this.policy, this.rng, h);
    // `| 0`: the halves as signed 32-bit integers, small integers to V8, so the call boxes nothing (support/xxhash64.ts)
    return firstEligible(this.table, mod64(h[0]! | 0, h[1]! | 0, m), view.eligible);
  }

  rebuild(specs: readonly BackendSpec[]): void {
    this.specs = specs;
    this.hosts.invalidate();
  }
}

/** `maglev`: Maglev lookup table with Envoy's weighted fill; MurmurHash3 (`paper`) or Envoy's xxHash64 (`envoy`). */
export const strategy: StrategyDef<MaglevOptions> = {
  name: 'maglev',
  description: 'Maglev lookup table (prime size, offset/skip permutations, weighted fill turns)',
  reference: 'Eisenbud et al. NSDI 2016 §3.4; Envoy MAGLEV (maglev_lb.cc)',
  options: schema,
  weighted: true,
  spreads: false,
  cost: 'O(1)',
  flavors,
  create(opts: MaglevOptions, env): Strategy {
    if ((opts.flavor ?? flavors.default) === 'envoy') {
      return new EnvoyMaglev(opts.tableSize, opts.useHostnameForHashing ?? false, opts.hashPolicy ?? 'request', env.rng);
    }
    return new Maglev(opts.tableSize);
  },
};
