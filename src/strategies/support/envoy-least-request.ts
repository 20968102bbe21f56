/**
 * Envoy's `LEAST_REQUEST` load balancer, shared by `p2c` (flavor `envoy`, `N_CHOICES`) and
 * `least-connections` (flavor `envoy`, `FULL_SCAN`).
 *
 * Reference: Envoy 1.36 `LeastRequestLoadBalancer` (source/extensions/load_balancing_policies/
 * least_request/least_request_lb.cc) on `EdfLoadBalancerBase` (…/common/load_balancer_impl.cc);
 * docs/strategies.md#least-connections and #p2c.
 * - `EdfLoadBalancerBase::refresh`: when every host's weight is equal (and none is in slow start),
 *   or there is at most one host, no schedule is built and picks are unweighted; otherwise an EDF
 *   schedule (edf.ts) is built with `createWithPicks(hosts, hostWeight, seed_)`, `seed_` one random
 *   number drawn when the balancer is created.
 * - unweighted, `unweightedHostPickNChoices`: `choice_count` independent draws (with replacement)
 *   of `hosts[random % n]`; a draw replaces the candidate only with strictly fewer active requests,
 *   so ties keep the earlier draw. `unweightedHostPickFullScan`: the least active host over all,
 *   ties broken by reservoir sampling (the k-th tied host replaces the candidate with probability
 *   1/k).
 * - weighted, `chooseHostOnce` → `pickAndAdd(hostWeight)`, with `hostWeight` =
 *   `weight / (active + 1)^active_request_bias` (bias 1: a division; 0: the weight alone), times the
 *   slow-start factor. The weight is computed when a host is re-added after its pick, so it lags.
 *
 * lbsim mapping: hosts are the view's eligible backends in index order; `weight` is the effective
 * weight (configured × slow start × re-weight), so Envoy's slow-start factor is already in it and
 * "weights differ" includes a backend in slow start; `active` is the balancer's in-flight count
 * (Envoy `rq_active`; pending requests are not counted, Envoy's default). The unweighted/weighted
 * decision is taken per view version. Departures (one schedule kept across health changes, see
 * edf.ts) are listed in docs/strategies.md.
 * Cost: unweighted O(choice_count) or O(n) for the full scan; weighted O(log n). No allocation.
 */
import type { Rng } from '../../core/rng.js';
import { pow } from '../../core/math.js';
import type { PickView } from '../../core/view.js';
import { EdfScheduler } from './edf.js';

/** Envoy `LeastRequest.selection_method`. */
export type SelectionMethod = 'n-choices' | 'full-scan';

/** Options of Envoy's least-request balancer in lbsim's terms. */
export interface EnvoyLeastRequestOptions {
  /** `choice_count` (N_CHOICES only), ≥ 2 in lbsim (Envoy default 2). */
  choiceCount: number;
  /** `active_request_bias` (≥ 0; Envoy default 1.0). */
  activeRequestBias: number;
  /** `selection_method` for equal weights. */
  selectionMethod: SelectionMethod;
}

/** Envoy's LEAST_REQUEST pick over a {@link PickView}. */
export class EnvoyLeastRequest {
  private readonly edf = new EdfScheduler();
  /** The view of the pick in progress (read by {@link weightOf}). */
  private view: PickView | null = null;
  /** View version {@link weighted} was decided for (NaN: none). */
  private modeVersion = Number.NaN;
  /** True when the eligible weights differ (the EDF path). */
  private weighted = false;
  /** True when the EDF schedule must be (re)built before its next use. */
  private stale = true;
  /** Envoy `seed_`: picks emulated when a schedule is built. */
  private readonly seed: number;
  /** `hostWeight` for the EDF scheduler, bound once (no closure per pick). */
  private readonly weightOf: (i: number) => number;

  constructor(
    private readonly rng: Rng,
    private readonly opts: EnvoyLeastRequestOptions,
  ) {
    this.seed = rng.nextU32();
    const bias = opts.activeRequestBias;
    this.weightOf = (i: number): number => {
      const v = this.view!;
      const w = v.weight[i]!;
      if (bias === 1) return w / (v.active[i]! + 1);
      if (bias === 0) return w;
      return w / pow(v.active[i]! + 1, bias);
    };
  }

  /** The backend list changed (membership or configured weights): rebuild the schedule on next use. */
  reset(): void {
    this.stale = true;
    this.modeVersion = Number.NaN;
  }

  /** Envoy `chooseHostOnce` over the eligible backends; -1 when none is eligible. */
  pick(view: PickView): number {
    const count = view.count;
    if (count === 0) return -1;
    if (view.version !== this.modeVersion) this.decide(view);
    if (!this.weighted) {
      return this.opts.selectionMethod === 'full-scan' ? this.fullScan(view) : this.nChoices(view);
    }
    this.view = view;
    const i = this.edf.pickFrom(view, this.weightOf, this.seed, this.stale);
    this.stale = false;
    this.view = null;
    return i;
  }

  /** Envoy `refresh`: EDF when there are two or more hosts and their weights differ. */
  private decide(view: PickView): void {
    this.modeVersion = view.version;
    const list = view.list;
    const weight = view.weight;
    let differ = false;
    const w0 = weight[list[0]!]!;
    for (let k = 1; k < view.count; k++) {
      if (weight[list[k]!] !== w0) {
        differ = true;
        break;
      }
    }
    if (differ && !this.weighted) this.stale = true;
    this.weighted = differ;
  }

  /** `unweightedHostPickNChoices`: independent draws; a strictly smaller count replaces the candidate. */
  private nChoices(view: PickView): number {
    const list = view.list;
    const active = view.active;
    const count = view.count;
    const rng = this.rng;
    let best = list[rng.int(count)]!;
    for (let j = 1; j < this.opts.choiceCount; j++) {
      const i = list[rng.int(count)]!;
      if (active[i]! < active[best]!) best = i;
    }
    return best;
  }

  /** `unweightedHostPickFullScan`: the least active; ties by reservoir sampling. */
  private fullScan(view: PickView): number {
    const list = view.list;
    const active = view.active;
    const rng = this.rng;
    let best = list[0]!;
    let tied = 1;
    for (let k = 1; k < view.count; k++) {
      const i = list[k]!;
      const a = active[i]!;
      const b = active[best]!;
      if (a < b) {
        best = i;
        tied = 1;
      } else if (a === b) {
        tied++;
        if (rng.int(tied) === 0) best = i;
      }
    }
    return best;
  }
}
