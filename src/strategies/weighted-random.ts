/**
 * Weighted random: each eligible backend is chosen with probability about weight / Σ weight, in
 * three flavors (docs/strategies.md#weighted-random):
 *
 * - `nginx` (default): nginx 1.31.4 `random` (src/http/modules/ngx_http_upstream_random_module.c:
 *   `ngx_http_upstream_peek_random_peer` draws a point in the cumulative `range` table and
 *   binary-searches it; `ngx_http_upstream_get_random_peer` redraws while the peer is not usable).
 *   Drawing over the eligible list with `view.weight` gives the same distribution in one draw. The
 *   cumulative array is cached and rebuilt (O(n)) only when `view.version` changes; a pick is one
 *   draw and an O(log n) binary search.
 * - `haproxy`: HAProxy 3.4.0 `balance random(1)`, `get_server_rnd` (src/backend.c) with one draw:
 *   `chash_get_server_hash` of a random 32-bit value in the consistent-hash tree
 *   (support/haproxy-chash.ts), so a server's chance is the share of the 32-bit circle closest to
 *   its 16 × weight nodes: proportional to weight on average, not exactly. O(log nodes).
 * - `aws`: an Application Load Balancer target group with `weighted_random` and, with
 *   `anomalyMitigation: true` (`load_balancing.algorithm.anomaly_mitigation on`), Automatic Target
 *   Weights. AWS documents the behaviour, not the algorithm: detection runs on target groups with
 *   at least three healthy targets and compares each target's share of 5xx and connection errors
 *   with the other targets'; mitigation lowers an anomalous target's traffic step by step until it
 *   recovers or its traffic is negligible, then raises it gradually. lbsim's assumptions (in
 *   docs/strategies.md#weighted-random): every 10 s of simulated time, a target with ≥ 20 attempts
 *   whose error ratio is ≥ 5 % and more than twice the pooled ratio of the others is anomalous;
 *   an anomalous target's weight factor halves per round down to 1/64, a normal one's doubles back
 *   to 1; at most half of the targets are mitigated at once (the worst first). Without mitigation
 *   it is uniform random over the healthy targets (weights as given).
 *
 * No flavor allocates per pick.
 */
import { z } from 'zod';
import type { Rng } from '../core/rng.js';
import type { Strategy, StrategyDef, StrategyEnv } from '../core/strategy.js';
import type { BackendSpec } from '../core/backend.js';
import type { PickView } from '../core/view.js';
import { flavorOption, onlyWithFlavor, type FlavorTable } from './support/flavor.js';
import { HaproxyChash } from './support/haproxy-chash.js';

/** The flavors of `weighted-random`, default first. */
export const WEIGHTED_RANDOM_FLAVORS = ['nginx', 'haproxy', 'aws'] as const;
type WrFlavor = (typeof WEIGHTED_RANDOM_FLAVORS)[number];

const flavors: FlavorTable<WrFlavor> = {
  list: WEIGHTED_RANDOM_FLAVORS,
  default: 'nginx',
  differs: {
    nginx: 'random: one point in the cumulative weights (probability exactly weight/Σweight)',
    haproxy: 'random(1): a random point on the consistent-hash tree (probability ≈ weight share of the circle)',
    aws: 'ALB weighted_random; anomalyMitigation: Automatic Target Weights cut anomalous targets (assumed rule)',
  },
};

const schema = z
  .object({
    /** Whose rule: nginx (default), haproxy, aws. */
    flavor: flavorOption('weighted-random', WEIGHTED_RANDOM_FLAVORS),
    /** ALB `load_balancing.algorithm.anomaly_mitigation` (flavor aws; default false). */
    anomalyMitigation: z.boolean().optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    onlyWithFlavor(ctx, 'anomalyMitigation', o.anomalyMitigation, o.flavor ?? flavors.default, ['aws']);
  });

/** Options of `weighted-random`. */
export type WeightedRandomOptions = z.infer<typeof schema>;

/** ATW assumptions (docs/strategies.md#weighted-random): evaluation period, ms. */
export const ATW_INTERVAL_MS = 10_000;
/** ATW assumption: attempts a target needs in a period to be judged. */
export const ATW_MIN_ATTEMPTS = 20;
/** ATW assumption: lowest error ratio that can be anomalous. */
export const ATW_MIN_ERROR_RATIO = 0.05;
/** ATW assumption: how many times the others' pooled error ratio makes a target anomalous. */
export const ATW_FACTOR = 2;
/** ATW assumption: the lowest weight factor (traffic "negligible"). */
export const ATW_FLOOR = 1 / 64;
/** ATW: detection needs at least this many healthy targets (AWS documentation). */
export const ATW_MIN_TARGETS = 3;

/** nginx `random` (one draw over the eligible list, effective weights). */
class WeightedRandom implements Strategy {
  /** Eligible list (indices) the cumulative array was built from. */
  private cachedList = new Int32Array(0);
  /** Cumulative weights by list position: cum[k] = Σ weight of list[0..k]. */
  private cum = new Float64Array(0);
  /** `view.version` the table was built for (NaN: none). */
  private cachedVersion = Number.NaN;

  constructor(private readonly rng: Rng) {}

  private build(view: PickView): void {
    const count = view.count;
    if (this.cum.length < count) {
      this.cachedList = new Int32Array(view.size);
      this.cum = new Float64Array(view.size);
    }
    let total = 0;
    for (let k = 0; k < count; k++) {
      const i = view.list[k]!;
      const w = view.weight[i]!;
      this.cachedList[k] = i;
      total += w > 0 ? w : 0;
      this.cum[k] = total;
    }
    this.cachedVersion = view.version;
  }

  pick(view: PickView): number {
    const count = view.count;
    if (count === 0) return -1;
    if (view.version !== this.cachedVersion) this.build(view);
    const cum = this.cum;
    const total = cum[count - 1]!;
    if (!(total > 0)) return this.cachedList[this.rng.int(count)]!;
    const r = this.rng.next() * total;
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return this.cachedList[lo]!;
  }

  rebuild(): void {
    this.cachedVersion = Number.NaN;
  }
}

/** HAProxy `balance random(1)`: a random point on the consistent-hash tree. */
class HaproxyRandomOne implements Strategy {
  private readonly tree = new HaproxyChash();

  constructor(private readonly rng: Rng) {}

  pick(view: PickView): number {
    if (view.count === 0) return -1;
    const pos = this.tree.closest(this.rng.nextU32(), view.eligible);
    return pos < 0 ? -1 : this.tree.owners[pos]!;
  }

  rebuild(specs: readonly BackendSpec[]): void {
    this.tree.build(specs);
  }
}

/** ALB `weighted_random`, optionally with Automatic Target Weights (the assumed rule above). */
class AwsWeightedRandom implements Strategy {
  private cachedList = new Int32Array(0);
  private cum = new Float64Array(0);
  private cachedVersion = Number.NaN;
  /** ATW weight factor per backend (1 = unmitigated). */
  private factor = new Float64Array(0);
  /** Attempts and failures per backend in the current period. */
  private attempts = new Float64Array(0);
  private failures = new Float64Array(0);
  /** Scratch: error ratio per backend at evaluation. */
  private ratio = new Float64Array(0);
  /** End of the current period (NaN until the first pick). */
  private periodEnd = Number.NaN;
  private dirty = false;

  constructor(
    private readonly rng: Rng,
    private readonly mitigate: boolean,
  ) {}

  pick(view: PickView): number {
    const count = view.count;
    if (count === 0) return -1;
    if (this.mitigate) {
      if (!(view.now < this.periodEnd)) this.evaluate(view);
    }
    if (this.dirty || view.version !== this.cachedVersion) this.build(view);
    const cum = this.cum;
    const total = cum[count - 1]!;
    if (!(total > 0)) return this.cachedList[this.rng.int(count)]!;
    const r = this.rng.next() * total;
    let lo = 0;
    let hi = count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cum[mid]! > r) hi = mid;
      else lo = mid + 1;
    }
    return this.cachedList[lo]!;
  }

  released(i: number, failed: boolean): void {
    if (i >= this.attempts.length) return;
    this.attempts[i]!++;
    if (failed) this.failures[i]!++;
  }

  rebuild(specs: readonly BackendSpec[]): void {
    const n = specs.length;
    if (n > this.factor.length) {
      const f = new Float64Array(n).fill(1);
      f.set(this.factor);
      this.factor = f;
      const a = new Float64Array(n);
      a.set(this.attempts);
      this.attempts = a;
      const e = new Float64Array(n);
      e.set(this.failures);
      this.failures = e;
      this.ratio = new Float64Array(n);
    }
    this.cachedVersion = Number.NaN;
  }

  private build(view: PickView): void {
    const count = view.count;
    if (this.cum.length < count) {
      this.cachedList = new Int32Array(view.size);
      this.cum = new Float64Array(view.size);
    }
    let total = 0;
    for (let k = 0; k < count; k++) {
      const i = view.list[k]!;
      const w = view.weight[i]! * (i < this.factor.length ? this.factor[i]! : 1);
      this.cachedList[k] = i;
      total += w > 0 ? w : 0;
      this.cum[k] = total;
    }
    this.cachedVersion = view.version;
    this.dirty = false;
  }

  /** One ATW round over the period that just ended; then a new period starts. */
  private evaluate(view: PickView): void {
    const first = Number.isNaN(this.periodEnd);
    this.periodEnd = (first ? view.now : this.periodEnd) + ATW_INTERVAL_MS;
    while (this.periodEnd <= view.now) this.periodEnd += ATW_INTERVAL_MS;
    if (first) return;
    const list = view.list;
    const count = view.count;
    const att = this.attempts;
    const fail = this.failures;
    const ratio = this.ratio;
    const factor = this.factor;
    let totAtt = 0;
    let totFail = 0;
    for (let k = 0; k < count; k++) {
      const i = list[k]!;
      totAtt += att[i]!;
      totFail += fail[i]!;
    }
    let anomalous = 0;
    for (let k = 0; k < count; k++) {
      const i = list[k]!;
      ratio[i] = -1;
      if (count < ATW_MIN_TARGETS || att[i]! < ATW_MIN_ATTEMPTS) continue;
      const r = fail[i]! / att[i]!;
      const othersAtt = totAtt - att[i]!;
      const others = othersAtt > 0 ? (totFail - fail[i]!) / othersAtt : 0;
      if (r >= ATW_MIN_ERROR_RATIO && r > ATW_FACTOR * others) {
        ratio[i] = r;
        anomalous++;
      }
    }
    // At most half of the targets are mitigated: keep the worst ones.
    const cap = Math.floor(count / 2);
    while (anomalous > cap) {
      let least = -1;
      for (let k = 0; k < count; k++) {
        const i = list[k]!;
        if (ratio[i]! >= 0 && (least < 0 || ratio[i]! < ratio[least]!)) least = i;
      }
      ratio[least] = -1;
      anomalous--;
    }
    for (let k = 0; k < count; k++) {
      const i = list[k]!;
      const f = factor[i]!;
      const next = ratio[i]! >= 0 ? Math.max(ATW_FLOOR, f / 2) : Math.min(1, f * 2);
      if (next !== f) {
        factor[i] = next;
        this.dirty = true;
      }
    }
    att.fill(0);
    fail.fill(0);
  }
}

/** `weighted-random`: random choice with probability ∝ weight (nginx, HAProxy or AWS rule). */
export const strategy: StrategyDef<WeightedRandomOptions> = {
  name: 'weighted-random',
  description: 'Random choice with probability proportional to weight (nginx, HAProxy random(1) or ALB weighted_random)',
  reference: 'nginx random (ngx_http_upstream_random_module); HAProxy random(1); ALB weighted_random',
  options: schema,
  weighted: true,
  spreads: true,
  cost: 'O(log n)',
  flavors,
  create(opts: WeightedRandomOptions, env: StrategyEnv): Strategy {
    switch (opts.flavor ?? flavors.default) {
      case 'haproxy':
        return new HaproxyRandomOne(env.rng);
      case 'aws':
        return new AwsWeightedRandom(env.rng, opts.anomalyMitigation ?? false);
      default:
        return new WeightedRandom(env.rng);
    }
  },
};
