/**
 * Consistent hashing, in three flavors that follow their sources exactly
 * (docs/strategies.md#consistent-hash):
 *
 * - `nginx` (default): nginx 1.31.4 `hash $key consistent`, `ngx_http_upstream_init_chash_peer`
 *   and `ngx_http_upstream_get_chash_peer` (src/http/modules/ngx_http_upstream_hash_module.c), on
 *   the ketama ring (support/ketama-ring.ts: 160 points per unit of configured weight, each server
 *   hashed by its address as the config writes it). A request goes to the owner of the first point
 *   ≥ crc32(key), wrapping. If that backend is not eligible the walk moves to the next point
 *   (`hp->hash++`); after 21 points missed (`++hp->tries > 20`) nginx gives up the ring and uses
 *   round robin (`ngx_http_upstream_get_round_robin_peer`, smooth WRR: support/smooth-wrr.ts). An
 *   empty key (`hp->key.len == 0`) and an upstream of a single server go to round robin directly.
 * - `haproxy`: HAProxy 3.4.0 `hash-type consistent` (src/lb_chash.c `chash_get_server_hash`) on
 *   HAProxy's own tree (support/haproxy-chash.ts: 16 nodes per unit of weight keyed
 *   `full_hash(puid × 4096 + j)`; the closer of the nodes around the key's hash wins). The key is
 *   hashed by `gen_hash` (src/backend.c) with `hashFunction` (sdbm, HAProxy's default; djb2, wt6,
 *   crc32) and `full_hash` on top with `avalanche`. An empty key falls back to round robin over the
 *   tree (`chash_get_next_server`: the next node after the last one used).
 * - `envoy`: Envoy 1.36 `RING_HASH` with `hash_function: XX_HASH` (its default):
 *   `RingHashLoadBalancer::Ring::Ring` and `Ring::chooseHost`
 *   (source/extensions/load_balancing_policies/ring_hash/ring_hash_lb.cc) on support/envoy-ring.ts
 *   (xxHash64 of `ADDRESS "_" j`, or `HOSTNAME "_" j` with `useHostnameForHashing`,
 *   `minimumRingSize` 1024 to `maximumRingSize` 8M entries spread by normalised weight). The ring
 *   is built over the host set the balancer hands over (`PickView.members`: the healthy backends of
 *   the tier, or all of them in panic) and built again when that set changes, as Envoy's
 *   `ThreadAwareLoadBalancerBase::refresh` does (support/host-set.ts). The request hash is
 *   xxHash64 (seed 0) of the key (`hashKey`, else `clientAddr`: Envoy's header and `source_ip`
 *   hash policies hash the text with `HashUtil::xxHash64`), or a random 64-bit value when there
 *   is none (`LoadBalancerImpl::chooseHost`, support/envoy-hash.ts); the first entry ≥ it wins,
 *   wrapping. Backends of the set that this pick may not use (a retry's exclusions, `maxConn`)
 *   are walked past.
 *
 * Adding a backend moves about 1/(n+1) of the keys, all to the new one; removing one (or making it
 * ineligible) moves only the keys it held. Cost: O(log points) per pick (one hash of the key, a
 * binary search), no allocation.
 */
import { z } from 'zod';
import type { BackendSpec } from '../core/backend.js';
import type { Strategy, StrategyDef } from '../core/strategy.js';
import type { PickView, RequestInfo } from '../core/view.js';
import { flavorOption, onlyWithFlavor, type FlavorTable } from './support/flavor.js';
import { HAPROXY_HASH_FUNCTIONS, HaproxyChash, haproxyKeyHash, type HaproxyHashFunction } from './support/haproxy-chash.js';
import type { Rng } from '../core/rng.js';
import { ENVOY_MAX_RING_SIZE, ENVOY_MIN_RING_SIZE, EnvoyRing } from './support/envoy-ring.js';
import { envoyHashPolicyOption, envoyRequestHash, useHostnameOption, type EnvoyHashPolicy } from './support/envoy-hash.js';
import { HostSet } from './support/host-set.js';
import { KetamaRing } from './support/ketama-ring.js';
import { SmoothWrr } from './support/smooth-wrr.js';

/** The flavors of `consistent-hash`, default first. */
export const CONSISTENT_HASH_FLAVORS = ['nginx', 'haproxy', 'envoy'] as const;
type ChFlavor = (typeof CONSISTENT_HASH_FLAVORS)[number];

const flavors: FlavorTable<ChFlavor> = {
  list: CONSISTENT_HASH_FLAVORS,
  default: 'nginx',
  differs: {
    nginx: 'ketama ring (crc32 of host\\0port, 160 points/weight); 21 points missed or empty key → round robin',
    haproxy: 'HAProxy chash tree (16 nodes/weight, full_hash of server id); sdbm key; closest node; empty key → round robin',
    envoy: 'Envoy RING_HASH over the healthy hosts (rebuilt on change): xxHash64 of address_j (or hostname_j), 1024 to 8M entries by weight; xxHash64 key, else client address, else random',
  },
};

const schema = z
  .object({
    /** Whose rule: nginx (default), haproxy, envoy. */
    flavor: flavorOption('consistent-hash', CONSISTENT_HASH_FLAVORS),
    /** HAProxy `hash-type consistent <function>` (flavor haproxy; default sdbm). */
    hashFunction: z.enum(HAPROXY_HASH_FUNCTIONS as [HaproxyHashFunction, ...HaproxyHashFunction[]]).optional(),
    /** HAProxy `hash-type consistent … avalanche` (flavor haproxy; default false). */
    avalanche: z.boolean().optional(),
    /** Envoy `minimum_ring_size` (flavor envoy; default 1024). */
    minimumRingSize: z.number().int().min(1).max(ENVOY_MAX_RING_SIZE).optional(),
    /** Envoy `maximum_ring_size` (flavor envoy; default 8,388,608). */
    maximumRingSize: z.number().int().min(1).max(ENVOY_MAX_RING_SIZE).optional(),
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
    onlyWithFlavor(ctx, 'minimumRingSize', o.minimumRingSize, f, ['envoy']);
    onlyWithFlavor(ctx, 'maximumRingSize', o.maximumRingSize, f, ['envoy']);
    onlyWithFlavor(ctx, 'useHostnameForHashing', o.useHostnameForHashing, f, ['envoy']);
    onlyWithFlavor(ctx, 'hashPolicy', o.hashPolicy, f, ['envoy']);
    const min = o.minimumRingSize ?? ENVOY_MIN_RING_SIZE;
    const max = o.maximumRingSize ?? ENVOY_MAX_RING_SIZE;
    if (min > max) {
      ctx.addIssue({ code: 'custom', path: ['minimumRingSize'], message: `minimumRingSize (${min}) > maximumRingSize (${max})` });
    }
  });

/** Options of `consistent-hash`. */
export type ConsistentHashOptions = z.infer<typeof schema>;

/** The request's hash key for the hashing strategies other than nginx's: `hashKey`, or `clientAddr` when it is empty. */
export function requestKey(req: Readonly<RequestInfo>): string {
  return req.hashKey !== '' ? req.hashKey : req.clientAddr;
}

/** nginx: points missed before the walk gives up for round robin (`hp->tries > 20`). */
export const NGINX_CHASH_TRIES = 20;

/** nginx `hash $key consistent`. */
class NginxConsistentHash implements Strategy {
  private readonly ring = new KetamaRing();
  private readonly rr = new SmoothWrr(1);
  private single = true;

  pick(view: PickView, req: Readonly<RequestInfo>): number {
    const ring = this.ring;
    const n = ring.length;
    if (view.count === 0 || n === 0) return -1;
    const key = req.hashKey;
    if (this.single || key === '') return this.rr.pick(view);
    const owners = ring.owners;
    const eligible = view.eligible;
    let pos = ring.findKey(key);
    for (let tries = 0; ; ) {
      const i = owners[pos]!;
      if (eligible[i] === 1) return i;
      if (++pos === n) pos = 0;
      if (++tries > NGINX_CHASH_TRIES) return this.rr.pick(view);
    }
  }

  rebuild(specs: readonly BackendSpec[]): void {
    this.ring.build(specs);
    this.rr.rebuild(specs);
    this.single = specs.length < 2;
  }
}

/** HAProxy `hash-type consistent`. */
class HaproxyConsistentHash implements Strategy {
  private readonly tree = new HaproxyChash();
  /** `lbprm.chash.last`: the node the round-robin fallback used last (-1: none). */
  private last = -1;

  constructor(
    private readonly fn: HaproxyHashFunction,
    private readonly avalanche: boolean,
  ) {}

  pick(view: PickView, req: Readonly<RequestInfo>): number {
    const tree = this.tree;
    if (view.count === 0 || tree.length === 0) return -1;
    const key = req.hashKey;
    if (key === '') {
      const pos = tree.nextEligible(this.last < 0 ? tree.length - 1 : this.last, view.eligible);
      if (pos < 0) return -1;
      this.last = pos;
      return tree.owners[pos]!;
    }
    const pos = tree.closest(haproxyKeyHash(key, this.fn, this.avalanche), view.eligible);
    return pos < 0 ? -1 : tree.owners[pos]!;
  }

  rebuild(specs: readonly BackendSpec[]): void {
    this.tree.build(specs);
    this.last = -1;
  }
}

/** Envoy `RING_HASH` with xxHash64, over the host set (rebuilt when it changes). */
class EnvoyConsistentHash implements Strategy {
  private readonly ring: EnvoyRing;
  private readonly hosts = new HostSet();
  private specs: readonly BackendSpec[] = [];
  /** The request hash (hi, lo), reused. */
  private readonly h = new Uint32Array(2);

  constructor(
    minRingSize: number,
    maxRingSize: number,
    private readonly useHostname: boolean,
    private readonly policy: EnvoyHashPolicy,
    private readonly rng: Rng,
  ) {
    this.ring = new EnvoyRing(minRingSize, maxRingSize);
  }

  pick(view: PickView, req: Readonly<RequestInfo>): number {
    if (view.count === 0) return -1;
    const ring = this.ring;
    if (this.hosts.changed(view)) ring.build(this.specs, this.hosts.mask, this.useHostname);
    const n = ring.length;
    if (n === 0) return -1;
    const h = this.h;
    envoyRequestHash(req, this.policy, this.rng, h);
    // `| 0`: the halves as signed 32-bit integers, small integers to V8, so the call boxes nothing (support/xxhash64.ts)
    let pos = ring.find(h[0]! | 0, h[1]! | 0);
    const owners = ring.owners;
    const eligible = view.eligible;
    for (let t = 0; t < n; t++) {
      const i = owners[pos]!;
      if (eligible[i] === 1) return i;
      if (++pos === n) pos = 0;
    }
    return -1;
  }

  rebuild(specs: readonly BackendSpec[]): void {
    this.specs = specs;
    this.hosts.invalidate();
  }
}

/** `consistent-hash`: nginx `hash $key consistent`, HAProxy `hash-type consistent` or Envoy `RING_HASH`. */
export const strategy: StrategyDef<ConsistentHashOptions> = {
  name: 'consistent-hash',
  description: 'Consistent hashing: nginx ketama ring (default), HAProxy chash tree or Envoy RING_HASH; the key\'s point, skipping ineligible',
  reference: 'nginx hash $key consistent (ngx_http_upstream_hash_module.c), pingora-ketama; HAProxy hash-type consistent; Envoy RING_HASH (ring_hash_lb.cc)',
  options: schema,
  weighted: true,
  spreads: false,
  cost: 'O(log n)',
  flavors,
  create(opts: ConsistentHashOptions, env): Strategy {
    const flavor = opts.flavor ?? flavors.default;
    if (flavor === 'haproxy') return new HaproxyConsistentHash(opts.hashFunction ?? 'sdbm', opts.avalanche ?? false);
    if (flavor === 'envoy') {
      return new EnvoyConsistentHash(
        opts.minimumRingSize ?? ENVOY_MIN_RING_SIZE,
        opts.maximumRingSize ?? ENVOY_MAX_RING_SIZE,
        opts.useHostnameForHashing ?? false,
        opts.hashPolicy ?? 'request',
        env.rng,
      );
    }
    return new NginxConsistentHash();
  },
};
