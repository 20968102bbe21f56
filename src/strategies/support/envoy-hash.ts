/**
 * The 64-bit request hash Envoy's hashing load balancers look up, and the options the `envoy`
 * flavors of `consistent-hash`, `maglev` and `bounded-load` share.
 *
 * Reference: `ThreadAwareLoadBalancerBase::LoadBalancerImpl::chooseHost`
 * (source/extensions/load_balancing_policies/common/thread_aware_lb_impl.cc): the route's hash
 * policy generates the hash (`hash_policy_->generateHash`, or the context's `computeHashKey`); when
 * there is none — no hash policy, or a policy that produced no hash (a header the request lacks) —
 * the hash is `random_.random()`, "effectively the random LB". The header and `source_ip` policies
 * hash their text with `HashUtil::xxHash64` (seed 0, source/common/common/hash.h).
 *
 * lbsim: with `hashPolicy: request` (the default) the text is the request's `hashKey`, else its
 * `clientAddr` (lbsim's drivers leave the key empty to mean "hash the client", Envoy's
 * `source_ip`); a request with neither has no hash. With `hashPolicy: none` (a route without a
 * hash policy) no request has a hash. No hash → a uniform 64-bit value from the strategy's own
 * random stream (two 32-bit draws, high half first). docs/strategies.md#consistent-hash.
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.js';
import type { RequestInfo } from '../../core/view.js';
import { xxHash64Into } from './xxhash64.js';

/** Where an `envoy` flavor's request hash comes from: `request` (the key, else the client address) or `none` (always random). */
export const ENVOY_HASH_POLICIES = ['request', 'none'] as const;

/** A value of the `hashPolicy` option. */
export type EnvoyHashPolicy = (typeof ENVOY_HASH_POLICIES)[number];

/** The `hashPolicy` option (flavor envoy only; absent = `request`). */
export const envoyHashPolicyOption = z.enum(ENVOY_HASH_POLICIES).optional();

/** The `useHostnameForHashing` option: Envoy `consistent_hashing_lb_config.use_hostname_for_hashing` (flavor envoy only). */
export const useHostnameOption = z.boolean().optional();

/**
 * Writes the request's 64-bit hash as (hi, lo) into `out`: xxHash64 of `hashKey` (else
 * `clientAddr`), or, when there is no hash (`policy` none, or both empty), two draws of `rng`.
 * Returns true when the hash is random. Allocates nothing.
 */
export function envoyRequestHash(req: Readonly<RequestInfo>, policy: EnvoyHashPolicy, rng: Rng, out: Uint32Array): boolean {
  if (policy === 'request') {
    const key = req.hashKey !== '' ? req.hashKey : req.clientAddr;
    if (key !== '') {
      xxHash64Into(key, 0, out);
      return false;
    }
  }
  out[0] = rng.nextU32();
  out[1] = rng.nextU32();
  return true;
}
