/**
 * Consistent hashing with bounded loads: a hash ring where a backend takes a request only while
 * its load is within its share of c × (in flight + 1); otherwise the search goes on. Three flavors
 * that follow their sources exactly (docs/strategies.md#bounded-load):
 *
 * - `paper` (default): Mirrokni, Thorup & Zadimoghaddam, "Consistent Hashing with Bounded Loads"
 *   (SODA 2018, arXiv:1608.01350), on the `consistent-hash` ketama ring (support/ketama-ring.ts).
 *   With balance factor c (`factor`, default 1.25), T = `view.totalActive` and n eligible backends,
 *   each may hold `cap = ceil(c × (T + 1) / n)` (the request being placed is counted); the walk
 *   from the key's point takes the first eligible backend with `active < cap`. With unequal
 *   configured weights `cap_i = ceil(c × (T + 1) × w_i / W)`, W the eligible weight sum. Since
 *   n × cap ≥ c(T + 1) > T such a backend exists; the walk is bounded by the ring's length and
 *   falls back to the least active eligible backend.
 * - `haproxy`: HAProxy 3.4.0 `hash-type consistent` + `hash-balance-factor`,
 *   `chash_server_is_eligible` and `chash_get_server_hash` (src/lb_chash.c), on HAProxy's own tree
 *   (support/haproxy-chash.ts; key hashed with `hashFunction`, default sdbm, and `avalanche`).
 *   `tot_slots = ((served + 1) × factor% + 99) / 100` (integer), shared out by position and
 *   weight: `slots = eweight × (tot_slots / tot_weight)` plus
 *   `((cumulative + eweight) × rem) / tot_weight − (cumulative × rem) / tot_weight`
 *   (rem = tot_slots mod tot_weight, integer divisions, eweight = 16 × weight, cumulative = the
 *   eweights of the usable servers declared before it), at least 1; a server is eligible while
 *   `served < slots`. The slots sum to exactly `tot_slots`, so some servers get one fewer than the
 *   paper's cap. From the closest node the walk goes forward until an eligible server, giving up
 *   after wrapping twice (`++loop > 1`: the last server seen is returned).
 * - `envoy`: Envoy 1.36 `hash_balance_factor`,
 *   `ThreadAwareLoadBalancerBase::BoundedLoadHashingLoadBalancer::chooseHost` and
 *   `hostOverloadFactor` (source/extensions/load_balancing_policies/common/thread_aware_lb_impl.cc),
 *   wrapping the table of the configured policy (`table`): Envoy's RING_HASH ring
 *   (support/envoy-ring.ts, the default) or MAGLEV table (`buildMaglevTable` flavor envoy), built
 *   over the host set (`PickView.members`) and rebuilt when it changes (support/host-set.ts), as
 *   `createLoadBalancer` builds both per `refresh`. The first choice is that table's answer for the
 *   request's 64-bit hash (xxHash64 of the key, else the client address, else random:
 *   support/envoy-hash.ts). With `w_i` the configured weight normalised over the host set,
 *   `total_slots = ((active + 1) × factor% + 99) / 100` (active: the cluster's requests in flight)
 *   and `slots = max(ceil(total_slots × w_i), 1)`; a host is overloaded only when
 *   `active_i > slots` (so Envoy lets a host reach its slots, one more than the paper). An
 *   overloaded first choice starts the probe of the host set in its order (`normalized_host_weights_`):
 *   a Fisher–Yates shuffle driven by `std::mt19937` seeded with the hash (its low 32 bits,
 *   support/mt19937.ts; `uniform_int(k)` = rejection of `random() / (2^32 / k)`), skipping the
 *   first choice, taking the first host with `active / slots ≤ 1`, else the least overloaded
 *   (strictly less replaces; the first choice when none is less).
 *
 * `factor` is the balance factor as a ratio (1.25); HAProxy and Envoy take an integer percentage,
 * so the `haproxy` and `envoy` flavors use `round(100 × factor)`. Cost: O(log n) per pick plus the
 * walk past full backends (the `envoy` probe is O(n) when the first choice is overloaded). No
 * allocation per pick.
 */
import { z } from 'zod';
import type { BackendSpec } from '../core/backend.js';
import type { Rng } from '../core/rng.js';
import type { Strategy, StrategyDef } from '../core/strategy.js';
import type { PickView, RequestInfo } from '../core/view.js';
import { requestKey } from './consistent-hash.js';
import { buildMaglevTable, isPrime } from './maglev.js';
import { envoyHashPolicyOption, envoyRequestHash, useHostnameOption, type EnvoyHashPolicy } from './support/envoy-hash.js';
import { ENVOY_MAX_RING_SIZE, ENVOY_MIN_RING_SIZE, EnvoyRing } from './support/envoy-ring.js';
import { flavorOption, onlyWithFlavor, type FlavorTable } from './support/flavor.js';
import { HostSet } from './support/host-set.js';
import { mod64 } from './support/xxhash64.js';
import { BE_WEIGHT_SCALE, HAPROXY_HASH_FUNCTIONS, HaproxyChash, haproxyKeyHash, type HaproxyHashFunction } from './support/haproxy-chash.js';
import { KetamaRing } from './support/ketama-ring.js';
import { Mt19937 } from './support/mt19937.js';

/** The flavors of `bounded-load`, default first. */
export const BOUNDED_LOAD_FLAVORS = ['paper', 'haproxy', 'envoy'] as const;
type BlFlavor = (typeof BOUNDED_LOAD_FLAVORS)[number];

const flavors: FlavorTable<BlFlavor> = {
  list: BOUNDED_LOAD_FLAVORS,
  default: 'paper',
  differs: {
    paper: 'every backend may hold ceil(c·(T+1)/n) (by weight share); walk the ketama ring to the first below it',
    haproxy: 'ceil(c·(T+1)) slots shared out by position and weight (some get one fewer); HAProxy chash tree (sdbm key)',
    envoy: "Envoy's RING_HASH (or MAGLEV) over the healthy hosts; slots ceil(total·w) and a host may reach them; overload → mt19937 shuffle probe",
  },
};

const schema = z
  .object({
    /** Whose rule: paper (default), haproxy, envoy. */
    flavor: flavorOption('bounded-load', BOUNDED_LOAD_FLAVORS),
    /** Balance factor c ≥ 1: a backend may hold about c times the average load. */
    factor: z.number().min(1).default(1.25),
    /** HAProxy `hash-type consistent <function>` (flavor haproxy; default sdbm). */
    hashFunction: z.enum(HAPROXY_HASH_FUNCTIONS as [HaproxyHashFunction, ...HaproxyHashFunction[]]).optional(),
    /** HAProxy `hash-type consistent … avalanche` (flavor haproxy; default false). */
    avalanche: z.boolean().optional(),
    /** The Envoy policy whose table gives the first choice (flavor envoy): `ring-hash` (RING_HASH, default) or `maglev` (MAGLEV). */
    table: z.enum(['ring-hash', 'maglev']).optional(),
    /** Envoy `minimum_ring_size` (flavor envoy, table ring-hash; default 1024). */
    minimumRingSize: z.number().int().min(1).max(ENVOY_MAX_RING_SIZE).optional(),
    /** Envoy `maximum_ring_size` (flavor envoy, table ring-hash; default 8,388,608). */
    maximumRingSize: z.number().int().min(1).max(ENVOY_MAX_RING_SIZE).optional(),
    /** Envoy Maglev `table_size` (flavor envoy, table maglev; a prime, default 65537). */
    tableSize: z.number().int().min(3).max(5000011).refine(isPrime, { message: 'tableSize must be a prime number' }).optional(),
    /** Envoy `consistent_hashing_lb_config.use_hostname_for_hashing` (flavor envoy): hash the backends' `hostname`. */
    useHostnameForHashing: useHostnameOption,
    /** Envoy's route hash policy (flavor envoy): `request` (default: the key, else the client address) or `none` (a random hash). */
    hashPolicy: envoyHashPolicyOption,
  })
  .strict()
  .superRefine((o, ctx) => {
    const f = o.flavor ?? flavors.default;
    onlyWithFlavor(ctx, 'hashFunction', o.hashFunction, f, ['haproxy']);
    onlyWithFlavor(ctx, 'avalanche', o.avalanche, f, ['haproxy']);
    for (const k of ['table', 'minimumRingSize', 'maximumRingSize', 'tableSize', 'useHostnameForHashing', 'hashPolicy'] as const) {
      onlyWithFlavor(ctx, k, o[k], f, ['envoy']);
    }
    const table = o.table ?? 'ring-hash';
    if (table === 'maglev') {
      for (const k of ['minimumRingSize', 'maximumRingSize'] as const) {
        if (o[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: 'applies to table ring-hash only (the table here is maglev)' });
      }
    } else if (o.tableSize !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['tableSize'], message: 'applies to table maglev only (the table here is ring-hash)' });
    }
    const min = o.minimumRingSize ?? ENVOY_MIN_RING_SIZE;
    const max = o.maximumRingSize ?? ENVOY_MAX_RING_SIZE;
    if (min > max) ctx.addIssue({ code: 'custom', path: ['minimumRingSize'], message: `minimumRingSize (${min}) > maximumRingSize (${max})` });
  });

/** Options of `bounded-load`. */
export type BoundedLoadOptions = z.infer<typeof schema>;

/** The per-backend cap for equal weights: `ceil(c × (totalActive + 1) / count)`. */
export function boundedLoadCap(factor: number, totalActive: number, count: number): number {
  return Math.ceil((factor * (totalActive + 1)) / count);
}

/** HAProxy and Envoy total slots: `((active + 1) × percent + 99) / 100`, integer. */
export function totalSlots(totalActive: number, percent: number): number {
  return Math.floor(((totalActive + 1) * percent + 99) / 100);
}

/**
 * HAProxy `chash_server_is_eligible`'s slot count for a server with effective weight `eweight`
 * whose usable predecessors weigh `cumulative`, out of `totWeight`, for `totSlots` slots.
 */
export function haproxySlots(totSlots: number, eweight: number, cumulative: number, totWeight: number): number {
  const perWeight = Math.floor(totSlots / totWeight);
  const rem = totSlots % totWeight;
  let slots = eweight * perWeight;
  slots += Math.floor(((cumulative + eweight) * rem) / totWeight) - Math.floor((cumulative * rem) / totWeight);
  return slots === 0 ? 1 : slots;
}

/** The paper's rule on the ketama ring. */
class PaperBoundedLoad implements Strategy {
  private readonly ring = new KetamaRing();
  /** True when every configured weight is equal (cap without weights). */
  private uniform = true;
  /** Σ effective weight of the eligible backends at {@link totalVersion}. */
  private weightTotal = 0;
  /** View version {@link weightTotal} was summed for (NaN: none). */
  private totalVersion = Number.NaN;

  constructor(private readonly factor: number) {}

  pick(view: PickView, req: Readonly<RequestInfo>): number {
    const ring = this.ring;
    const n = ring.length;
    const count = view.count;
    if (count === 0 || n === 0) return -1;
    const eligible = view.eligible;
    const active = view.active;
    const weight = view.weight;
    const slots = this.factor * (view.totalActive + 1);
    let cap = Math.ceil(slots / count);
    let perWeight = 0;
    if (!this.uniform) {
      if (view.version !== this.totalVersion) this.sumWeights(view);
      perWeight = slots / this.weightTotal;
    }
    const owners = ring.owners;
    let pos = ring.findKey(requestKey(req));
    for (let t = 0; t < n; t++) {
      const i = owners[pos]!;
      if (eligible[i] === 1) {
        if (perWeight > 0) cap = Math.ceil(perWeight * weight[i]!);
        if (active[i]! < cap) return i;
      }
      if (++pos === n) pos = 0;
    }
    // Unreachable while every backend owns ring points; keep a safe answer anyway.
    let best = view.list[0]!;
    for (let k = 1; k < count; k++) {
      const i = view.list[k]!;
      if (active[i]! < active[best]!) best = i;
    }
    return best;
  }

  /** Sums the eligible backends' effective weights for the view's version. */
  private sumWeights(view: PickView): void {
    let total = 0;
    for (let k = 0; k < view.count; k++) total += view.weight[view.list[k]!]!;
    this.weightTotal = total;
    this.totalVersion = view.version;
  }

  rebuild(specs: readonly BackendSpec[]): void {
    this.ring.build(specs);
    this.uniform = specs.every((s) => s.weight === specs[0]!.weight);
    this.totalVersion = Number.NaN;
  }
}

/** HAProxy `cur_eweight` of an effective weight: 16 × weight, at least 1. */
function eweight(w: number): number {
  const e = Math.floor(w * BE_WEIGHT_SCALE);
  return e < 1 ? 1 : e;
}

/** HAProxy `hash-balance-factor` on HAProxy's chash tree. */
class HaproxyBoundedLoad implements Strategy {
  private readonly tree = new HaproxyChash();
  /** `cumulative_weight` per backend (eweights of the eligible backends before it). */
  private cumulative = new Float64Array(0);
  /** `tot_weight`: Σ eweight over the eligible backends. */
  private totWeight = 0;
  private cumVersion = Number.NaN;

  constructor(
    private readonly percent: number,
    private readonly fn: HaproxyHashFunction,
    private readonly avalanche: boolean,
  ) {}

  pick(view: PickView, req: Readonly<RequestInfo>): number {
    if (view.count === 0) return -1;
    if (view.version !== this.cumVersion) this.recount(view);
    const tree = this.tree;
    const owners = tree.owners;
    const eligible = view.eligible;
    let pos = tree.closest(haproxyKeyHash(requestKey(req), this.fn, this.avalanche), eligible);
    if (pos < 0) return -1;
    const totSlots = totalSlots(view.totalActive, this.percent);
    const active = view.active;
    const weight = view.weight;
    const cumulative = this.cumulative;
    const tot = this.totWeight;
    let loop = 0;
    for (;;) {
      const i = owners[pos]!;
      if (active[i]! < haproxySlots(totSlots, eweight(weight[i]!), cumulative[i]!, tot)) return i;
      const next = tree.nextEligible(pos, eligible);
      // `eb32_next` past the last node wraps to the first; HAProxy gives up on the second wrap.
      if (next <= pos && ++loop > 1) return i;
      pos = next;
    }
  }

  /** `recount_servers`: cumulative eweights in declaration order over the usable servers. */
  private recount(view: PickView): void {
    if (this.cumulative.length < view.size) this.cumulative = new Float64Array(view.size);
    let t = 0;
    for (let k = 0; k < view.count; k++) {
      const i = view.list[k]!;
      this.cumulative[i] = t;
      t += eweight(view.weight[i]!);
    }
    this.totWeight = t;
    this.cumVersion = view.version;
  }

  rebuild(specs: readonly BackendSpec[]): void {
    this.tree.build(specs);
    this.cumVersion = Number.NaN;
  }
}

/** The Envoy table a bounded-load `envoy` instance wraps. */
interface EnvoyTableOptions {
  table: 'ring-hash' | 'maglev';
  minRingSize: number;
  maxRingSize: number;
  tableSize: number;
  useHostname: boolean;
  policy: EnvoyHashPolicy;
}

/** Envoy `BoundedLoadHashingLoadBalancer` over Envoy's RING_HASH ring or MAGLEV table. */
class EnvoyBoundedLoad implements Strategy {
  private readonly hosts = new HostSet();
  private specs: readonly BackendSpec[] = [];
  private readonly ring: EnvoyRing;
  private table = new Int32Array(0);
  private readonly mt = new Mt19937();
  /** The host set in its order (`normalized_host_weights_`): backend indices, ascending. */
  private order = new Int32Array(0);
  /** Normalised configured weight per backend index (0 outside the host set). */
  private normWeight = new Float64Array(0);
  /** Scratch `host_index` permutation for the probe. */
  private perm = new Int32Array(0);
  /** The request hash (hi, lo), reused. */
  private readonly h = new Uint32Array(2);

  constructor(
    private readonly percent: number,
    private readonly opts: EnvoyTableOptions,
    private readonly rng: Rng,
  ) {
    this.ring = new EnvoyRing(opts.minRingSize, opts.maxRingSize);
  }

  /**
   * The slots of `hostOverloadFactor` = active / slots: max(ceil(total_slots × w), 1). The caller
   * divides: an integer returned from a call V8 does not inline is a small integer, a fraction a
   * heap number allocated per call.
   */
  private slotsOf(i: number, total: number): number {
    const slots = Math.ceil(total * this.normWeight[i]!);
    return slots < 1 ? 1 : slots;
  }

  /** Rebuilds the table, the host order and the normalised weights over the host set. */
  private build(): void {
    const specs = this.specs;
    const mask = this.hosts.mask;
    const n = specs.length;
    if (this.normWeight.length < n) this.normWeight = new Float64Array(n);
    if (this.order.length < n) {
      this.order = new Int32Array(n);
      this.perm = new Int32Array(n);
    }
    let sum = 0;
    let c = 0;
    for (let i = 0; i < n; i++) {
      if (mask[i] === 1) {
        sum += specs[i]!.weight;
        this.order[c++] = i;
      }
    }
    for (let i = 0; i < n; i++) this.normWeight[i] = mask[i] === 1 ? (specs[i]!.weight * 1.0) / sum : 0;
    const o = this.opts;
    if (o.table === 'maglev') this.table = c === 0 ? new Int32Array(0) : buildMaglevTable(specs, o.tableSize, 'envoy', mask, o.useHostname);
    else this.ring.build(specs, mask, o.useHostname);
  }

  /** The wrapped table's first choice for hash (hi, lo) among the backends this pick may use; -1 if none. */
  private firstChoice(view: PickView, hi: number, lo: number): number {
    const eligible = view.eligible;
    if (this.opts.table === 'maglev') {
      const table = this.table;
      const m = table.length;
      if (m === 0) return -1;
      let c = mod64(hi, lo, m);
      for (let t = 0; t < m; t++) {
        const i = table[c]!;
        if (i >= 0 && eligible[i] === 1) return i;
        if (++c === m) c = 0;
      }
      return -1;
    }
    const ring = this.ring;
    const n = ring.length;
    if (n === 0) return -1;
    let pos = ring.find(hi, lo);
    const owners = ring.owners;
    for (let t = 0; t < n; t++) {
      const i = owners[pos]!;
      if (eligible[i] === 1) return i;
      if (++pos === n) pos = 0;
    }
    return -1;
  }

  pick(view: PickView, req: Readonly<RequestInfo>): number {
    if (view.count === 0) return -1;
    if (this.hosts.changed(view)) this.build();
    const h = this.h;
    envoyRequestHash(req, this.opts.policy, this.rng, h);
    // `| 0`: the halves as signed 32-bit integers, small integers to V8, so the call boxes nothing (support/xxhash64.ts)
    const host = this.firstChoice(view, h[0]! | 0, h[1]! | 0);
    if (host < 0) return -1;
    const total = totalSlots(view.totalActive, this.percent);
    let least = view.active[host]! / this.slotsOf(host, total); // hostOverloadFactor
    if (least <= 1) return host;
    // The probe: a Fisher–Yates shuffle of the host set seeded by the hash; the first host within its slots.
    const mt = this.mt;
    mt.seed(h[1]! | 0);
    const count = this.hosts.count;
    const perm = this.perm;
    for (let k = 0; k < count; k++) perm[k] = k;
    const order = this.order;
    const eligible = view.eligible;
    let best = host;
    for (let k = 0; k < count; k++) {
      const span = count - k;
      const bucket = Math.floor(4294967296 / span);
      let x = span;
      while (x >= span) x = Math.floor((mt.nextBits() >>> 0) / bucket); // nextBits: no boxed return (mt19937.ts)
      const j = k + x;
      const tmp = perm[k]!;
      perm[k] = perm[j]!;
      perm[j] = tmp;
      const alt = order[perm[k]!]!;
      // lbsim: a host of the set that this pick may not use (a retry's exclusion, maxConn) is passed.
      if (alt === host || eligible[alt] !== 1) continue;
      const f = view.active[alt]! / this.slotsOf(alt, total);
      if (f <= 1) return alt;
      if (least > f) {
        best = alt;
        least = f;
      }
    }
    return best;
  }

  rebuild(specs: readonly BackendSpec[]): void {
    this.specs = specs;
    this.hosts.invalidate();
  }
}

/** `bounded-load`: consistent hashing with bounded loads (paper, HAProxy or Envoy rule). */
export const strategy: StrategyDef<BoundedLoadOptions> = {
  name: 'bounded-load',
  description: 'Consistent hashing where a backend over its share of c·(in-flight+1) is skipped (paper, HAProxy or Envoy slots)',
  reference: 'Mirrokni, Thorup & Zadimoghaddam 2018; HAProxy hash-balance-factor; Envoy hash_balance_factor',
  options: schema,
  weighted: true,
  spreads: false,
  cost: 'O(log n)',
  flavors,
  create(opts: BoundedLoadOptions, env): Strategy {
    const percent = Math.round(opts.factor * 100);
    switch (opts.flavor ?? flavors.default) {
      case 'haproxy':
        return new HaproxyBoundedLoad(percent, opts.hashFunction ?? 'sdbm', opts.avalanche ?? false);
      case 'envoy':
        return new EnvoyBoundedLoad(
          percent,
          {
            table: opts.table ?? 'ring-hash',
            minRingSize: opts.minimumRingSize ?? ENVOY_MIN_RING_SIZE,
            maxRingSize: opts.maximumRingSize ?? ENVOY_MAX_RING_SIZE,
            tableSize: opts.tableSize ?? 65537,
            useHostname: opts.useHostnameForHashing ?? false,
            policy: opts.hashPolicy ?? 'request',
          },
          env.rng,
        );
      default:
        return new PaperBoundedLoad(opts.factor);
    }
  },
};
