/**
 * The host set a hashing table is built over, and when to rebuild it: Envoy builds its RING_HASH
 * ring and MAGLEV table over the hosts of the host set it is handed — the healthy hosts, or all
 * hosts in panic, per priority — and builds them again whenever that set changes
 * (`ThreadAwareLoadBalancerBase::initialize` registers `refresh` as the priority set's update
 * callback; `refresh` and `normalizeWeights` in
 * source/extensions/load_balancing_policies/common/thread_aware_lb_impl.cc).
 *
 * lbsim's balancer publishes that set as `PickView.members` with a `membersVersion` that changes
 * whenever the set may have changed (docs/strategies.md#consistent-hash). {@link HostSet.changed}
 * compares the published set with the one the table was built for only when that version moved,
 * so a pick costs one number comparison and a rebuild happens only when the membership really
 * changed. No allocation except when the backend list grows.
 */
import type { PickView } from '../../core/view.js';

/** Tracks the host set a table was built for. */
export class HostSet {
  /** 1 per backend in the set the table was built for. */
  mask = new Uint8Array(0);
  /** Number of backends in {@link mask}. */
  count = 0;
  private version = Number.NaN;
  private stale = true;

  /** Forces the next {@link changed} to report a change (the backend list itself changed). */
  invalidate(): void {
    this.stale = true;
    this.version = Number.NaN;
  }

  /**
   * True when `view.members` differs from the set last seen (or after {@link invalidate}); the
   * set is then taken over as the current one and the caller rebuilds its table over it.
   */
  changed(view: PickView): boolean {
    if (view.membersVersion === this.version && !this.stale) return false;
    this.version = view.membersVersion;
    const n = view.size;
    const members = view.members;
    let differs = this.stale || this.mask.length !== n;
    if (this.mask.length !== n) this.mask = new Uint8Array(n);
    const mask = this.mask;
    let c = 0;
    for (let i = 0; i < n; i++) {
      const m = members[i] === 1 ? 1 : 0;
      if (mask[i] !== m) {
        mask[i] = m;
        differs = true;
      }
      c += m;
    }
    this.count = c;
    this.stale = false;
    return differs;
  }
}
