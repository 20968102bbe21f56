/**
 * What a strategy sees for one pick: a read-only view of the eligible backends, their effective
 * weights and their load, at one instant. The balancer owns and refreshes it; strategies never keep
 * it, never write it, and never compute health or load themselves (pingora keeps selection apart
 * from health in the same way).
 *
 * The view is one long-lived object over typed arrays so that a pick allocates nothing.
 */
import type { BackendSpec } from './backend.js';

/** Read-only view of the backends for one pick. Indices are positions in {@link PickView.specs}. */
export interface PickView {
  /** Number of backend slots (indices `0 … size-1`), eligible or not. */
  readonly size: number;
  /** Descriptors by index. */
  readonly specs: readonly BackendSpec[];
  /** Indices of the backends eligible for this pick, ascending; only the first `count` are valid. */
  readonly list: ArrayLike<number>;
  /** Number of eligible backends. */
  readonly count: number;
  /** 1 if backend `i` is eligible for this pick, else 0 (healthy or panic, not draining, not excluded, below maxConn). */
  readonly eligible: ArrayLike<number>;
  /** Effective weight per index (configured weight × slow-start ramp, or a runtime re-weight); > 0 when eligible. */
  readonly weight: ArrayLike<number>;
  /** Requests in flight from this balancer per index. */
  readonly active: ArrayLike<number>;
  /** Sum of `active` over all backends. */
  readonly totalActive: number;
  /** Time of the pick in ms (the driver's clock). */
  readonly now: number;
  /**
   * Changes whenever `list`, `count`, `eligible` or `weight` may have changed since the previous
   * pick (health, drain, re-weight, slow start, a retry's exclusions, maxConn filtering); equal
   * versions guarantee equal contents, so a strategy may cache what it derives from them.
   */
  readonly version: number;
  /**
   * The host set this pick's list was drawn from: 1 for backends eligible before the pick's own
   * filters (a retry's exclusions, backends at `maxConn`), i.e. the healthy members of the tier in
   * use, or all its members in panic. Envoy builds its hashing tables over exactly this set
   * (`ThreadAwareLoadBalancerBase::refresh`); `eligible` is always a subset of it.
   */
  readonly members: ArrayLike<number>;
  /**
   * Changes whenever `members` may have changed (health, panic, drain, membership, re-weights);
   * unlike `version` it does not change with a pick's own filters or a slow-start ramp, so a
   * strategy may rebuild what it derives from `members` only when the host set changed.
   */
  readonly membersVersion: number;
}

/** The request attributes a strategy may use. Drivers reuse one object; strategies must not keep it. */
export interface RequestInfo {
  /** Client address (ip-hash). Empty string when unknown. */
  clientAddr: string;
  /** Hash key (consistent-hash, maglev, rendezvous, bounded-load). Empty → strategies fall back to clientAddr. */
  hashKey: string;
  /** Session key (sticky). Empty = no session. */
  sessionKey: string;
  /** Attempt number, 1 for the first try; retries exclude backends already tried. */
  attempt: number;
}

/** A fresh {@link RequestInfo} with empty attributes and attempt 1. */
export function requestInfo(init: Partial<RequestInfo> = {}): RequestInfo {
  return { clientAddr: '', hashKey: '', sessionKey: '', attempt: 1, ...init };
}
