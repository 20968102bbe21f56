/**
 * Least connections: the eligible backend with the fewest requests in flight per unit of weight,
 * in four flavors that follow their sources exactly (docs/strategies.md#least-connections).
 *
 * - `nginx` (default): nginx 1.31.4 `ngx_http_upstream_get_least_conn_peer`
 *   (src/http/modules/ngx_http_upstream_least_conn_module.c). The least `active / weight`, compared
 *   by cross-multiplication against the best so far; when several tie, smooth weighted round robin
 *   runs among the tied ones from the first of them: `current += effective_weight`,
 *   `total += effective_weight`, `effective_weight++` while below the weight, the largest `current`
 *   wins (strictly larger replaces), and the winner's `current -= total`. With option `maxFails`
 *   (nginx `max_fails`; imports set it from the servers' `max_fails`) a failed attempt lowers the
 *   peer's `effective_weight` by `weight / max_fails` (integer division, floored at 0:
 *   `ngx_http_upstream_free_round_robin_peer_locked`, src/http/ngx_http_upstream_round_robin.c);
 *   without it failures leave the effective weights alone, as nginx does with `max_fails=0`, and
 *   scenarios written before flavors keep their results. O(n), two passes.
 * - `haproxy`: HAProxy 3.4.0 `balance leastconn` (src/lb_fwlc.c). Servers sit in a tree keyed by
 *   `fwlc_get_key`: `inflight ? (inflight + 1) × SRV_EWGHT_MAX / eweight : 0` (integer division;
 *   SRV_EWGHT_MAX = 4096, eweight = 16 × weight), so every idle server comes first whatever its
 *   weight, and among loaded ones the next request is counted. Each key holds `FWLC_LISTS_NB` = 4
 *   FIFO lists; a server re-queued after its load changed (`fwlc_srv_reposition`, on every pick and
 *   release) is appended to a random one; `fwlc_get_next_server` starts at a random list of the
 *   smallest key and takes the head of the first non-empty one. O(n).
 * - `envoy`: Envoy 1.36 `LEAST_REQUEST` with `selection_method: FULL_SCAN`
 *   (support/envoy-least-request.ts): equal weights → the least active, ties at random; unequal
 *   weights → EDF over `weight / (active + 1)^active_request_bias` (option `activeRequestBias`,
 *   default 1). O(n) / O(log n).
 * - `aws`: an Application Load Balancer target group with `least_outstanding_requests`: the target
 *   with the fewest in-progress requests. AWS does not publish the tie rule; lbsim breaks ties
 *   uniformly at random and ignores weights (target-group targets have none). O(n).
 *
 * `active` is the balancer's in-flight count per backend: requests sent and not yet finished,
 * served or waiting in the backend (HAProxy `served + queueslength`, Envoy `rq_active`).
 * No allocation per pick in any flavor.
 */
import { z } from 'zod';
import type { BackendSpec } from '../core/backend.js';
import type { Rng } from '../core/rng.js';
import type { Strategy, StrategyDef, StrategyEnv } from '../core/strategy.js';
import type { PickView } from '../core/view.js';
import { EnvoyLeastRequest } from './support/envoy-least-request.js';
import { flavorOption, onlyWithFlavor, type FlavorTable } from './support/flavor.js';

/** The flavors of `least-connections`, default first. */
export const LEAST_CONNECTIONS_FLAVORS = ['nginx', 'haproxy', 'envoy', 'aws'] as const;
type LcFlavor = (typeof LEAST_CONNECTIONS_FLAVORS)[number];

const flavors: FlavorTable<LcFlavor> = {
  list: LEAST_CONNECTIONS_FLAVORS,
  default: 'nginx',
  differs: {
    nginx: 'least active/weight; ties by smooth WRR over effective weights (lowered by failures when maxFails is set)',
    haproxy: 'key (active+1)·4096/eweight, idle servers first whatever their weight; ties from 4 random FIFO lists',
    envoy: 'LEAST_REQUEST FULL_SCAN: least active, ties at random; unequal weights → EDF over weight/(active+1)^bias',
    aws: 'ALB least_outstanding_requests: least active, weights ignored, ties at random (AWS tie rule unpublished)',
  },
};

const schema = z
  .object({
    /** Whose rule: nginx (default), haproxy, envoy, aws. */
    flavor: flavorOption('least-connections', LEAST_CONNECTIONS_FLAVORS),
    /** nginx `max_fails`: a failure lowers the effective weight by `weight / maxFails` (flavor nginx; unset: failures lower nothing, as `max_fails=0`). */
    maxFails: z.number().int().min(1).optional(),
    /** Envoy `active_request_bias` (flavor envoy; default 1). */
    activeRequestBias: z.number().min(0).optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    const f = o.flavor ?? flavors.default;
    onlyWithFlavor(ctx, 'maxFails', o.maxFails, f, ['nginx']);
    onlyWithFlavor(ctx, 'activeRequestBias', o.activeRequestBias, f, ['envoy']);
  });

/** Options of `least-connections`. */
export type LeastConnectionsOptions = z.infer<typeof schema>;

/** Grows a per-backend array to `size`, keeping existing (stable) indices. */
function grow(a: Float64Array<ArrayBuffer>, size: number): Float64Array<ArrayBuffer> {
  if (size <= a.length) return a;
  const b = new Float64Array(size);
  b.set(a);
  return b;
}

/** nginx `least_conn`. */
class NginxLeastConn implements Strategy {
  /** nginx `current_weight` per index. */
  private current = new Float64Array(0);
  /** `weight − effective_weight` per index (≥ 0). */
  private deficit = new Float64Array(0);
  /** Configured weight per index (`peer->weight`, what a failure subtracts from). */
  private configured = new Float64Array(0);

  /** @param maxFails nginx `max_fails`; 0 = failures do not lower the effective weight. */
  constructor(private readonly maxFails: number) {}

  pick(view: PickView): number {
    const count = view.count;
    if (count === 0) return -1;
    if (view.size > this.current.length) this.resize(view.size);
    const list = view.list;
    const weight = view.weight;
    const active = view.active;
    let best = list[0]!;
    let firstPos = 0;
    let many = false;
    for (let k = 1; k < count; k++) {
      const i = list[k]!;
      const lhs = active[i]! * weight[best]!;
      const rhs = active[best]! * weight[i]!;
      if (lhs < rhs) {
        best = i;
        firstPos = k;
        many = false;
      } else if (lhs === rhs) {
        many = true;
      }
    }
    if (!many) return best;
    // Smooth WRR among the peers tied with `best`, from `best` on (nginx compares each with the
    // first best, whose load per weight is the minimum).
    const cur = this.current;
    const def = this.deficit;
    const ab = active[best]!;
    const wb = weight[best]!;
    let total = 0;
    let win = -1;
    let winCur = 0;
    for (let k = firstPos; k < count; k++) {
      const i = list[k]!;
      if (active[i]! * wb !== ab * weight[i]!) continue;
      const w = weight[i]!;
      const d = def[i]!;
      const eff = d < w ? w - d : 0;
      const c = cur[i]! + eff;
      cur[i] = c;
      total += eff;
      if (d > 0) def[i] = d > 1 ? d - 1 : 0;
      if (win < 0 || c > winCur) {
        win = i;
        winCur = c;
      }
    }
    cur[win] = winCur - total;
    return win;
  }

  rebuild(specs: readonly BackendSpec[]): void {
    this.resize(specs.length);
    for (let i = 0; i < specs.length; i++) this.configured[i] = specs[i]!.weight;
  }

  released(i: number, failed: boolean): void {
    if (!failed || this.maxFails === 0 || i >= this.deficit.length) return;
    const w = this.configured[i]!;
    const d = this.deficit[i]! + Math.floor(w / this.maxFails);
    this.deficit[i] = d < w ? d : w;
  }

  private resize(size: number): void {
    this.current = grow(this.current, size);
    this.deficit = grow(this.deficit, size);
    this.configured = grow(this.configured, size);
  }
}

/** HAProxy `SRV_EWGHT_MAX` (256 × 16). */
const SRV_EWGHT_MAX = 4096;
/** HAProxy `BE_WEIGHT_SCALE`. */
const BE_WEIGHT_SCALE = 16;
/** HAProxy `FWLC_LISTS_NB`. */
const LISTS = 4;

/** HAProxy `fwlc_get_key`: 0 when idle, else `floor((inflight + 1) × 4096 / eweight)`. */
export function fwlcKey(inflight: number, weight: number): number {
  if (inflight === 0) return 0;
  let ew = Math.floor(weight * BE_WEIGHT_SCALE);
  if (ew < 1) ew = 1;
  return Math.floor(((inflight + 1) * SRV_EWGHT_MAX) / ew);
}

/** HAProxy `leastconn` (fwlc). */
class HaproxyLeastConn implements Strategy {
  /** The list (0…3) each server was last appended to. */
  private list = new Uint8Array(0);
  /** When each server was last appended (FIFO order within a list). */
  private stamp = new Float64Array(0);
  private seq = 0;
  /** Scratch: per list, the earliest tied server and its stamp. */
  private readonly headIdx = new Int32Array(LISTS);
  private readonly headStamp = new Float64Array(LISTS);

  constructor(private readonly rng: Rng) {}

  pick(view: PickView): number {
    const count = view.count;
    if (count === 0) return -1;
    if (view.size > this.stamp.length) this.resize(view.size);
    const list = view.list;
    const weight = view.weight;
    const active = view.active;
    const lists = this.list;
    const stamps = this.stamp;
    const headIdx = this.headIdx;
    const headStamp = this.headStamp;
    headIdx.fill(-1);
    let minKey = Infinity;
    for (let k = 0; k < count; k++) {
      const i = list[k]!;
      const key = fwlcKey(active[i]!, weight[i]!);
      if (key > minKey) continue;
      if (key < minKey) {
        minKey = key;
        headIdx.fill(-1);
      }
      const l = lists[i]!;
      const s = stamps[i]!;
      if (headIdx[l]! < 0 || s < headStamp[l]!) {
        headIdx[l] = i;
        headStamp[l] = s;
      }
    }
    const orig = this.rng.int(LISTS);
    let chosen = -1;
    for (let j = 0; j < LISTS; j++) {
      const h = headIdx[(orig + j) & (LISTS - 1)]!;
      if (h >= 0) {
        chosen = h;
        break;
      }
    }
    this.requeue(chosen);
    return chosen;
  }

  rebuild(specs: readonly BackendSpec[]): void {
    const old = this.stamp.length;
    this.resize(specs.length);
    // fwlc_init_server_tree queues the servers in declaration order; new ones are queued on arrival.
    for (let i = old; i < specs.length; i++) this.requeue(i);
  }

  released(i: number): void {
    if (i < this.stamp.length) this.requeue(i);
  }

  /** `fwlc_srv_reposition`: the server's key changed; append it to a random list of its new key. */
  private requeue(i: number): void {
    this.list[i] = this.rng.int(LISTS);
    this.stamp[i] = this.seq++;
  }

  private resize(size: number): void {
    if (size <= this.stamp.length) return;
    const l = new Uint8Array(size);
    l.set(this.list);
    this.list = l;
    this.stamp = grow(this.stamp, size);
  }
}

/** Envoy `LEAST_REQUEST` with `FULL_SCAN`. */
class EnvoyLeastConn implements Strategy {
  private readonly lr: EnvoyLeastRequest;

  constructor(rng: Rng, bias: number) {
    this.lr = new EnvoyLeastRequest(rng, { choiceCount: 2, activeRequestBias: bias, selectionMethod: 'full-scan' });
  }

  pick(view: PickView): number {
    return this.lr.pick(view);
  }

  rebuild(): void {
    this.lr.reset();
  }
}

/** ALB `least_outstanding_requests`: least active, ties uniformly at random, weights ignored. */
class AwsLeastOutstanding implements Strategy {
  constructor(private readonly rng: Rng) {}

  pick(view: PickView): number {
    const count = view.count;
    if (count === 0) return -1;
    const list = view.list;
    const active = view.active;
    let best = list[0]!;
    let tied = 1;
    for (let k = 1; k < count; k++) {
      const i = list[k]!;
      const a = active[i]!;
      const b = active[best]!;
      if (a < b) {
        best = i;
        tied = 1;
      } else if (a === b && this.rng.int(++tied) === 0) {
        best = i;
      }
    }
    return best;
  }
}

/** `least-connections`: fewest active per weight, by nginx, HAProxy, Envoy or AWS rules. */
export const strategy: StrategyDef<LeastConnectionsOptions> = {
  name: 'least-connections',
  description: 'Fewest requests in flight per unit of weight (nginx, HAProxy, Envoy or ALB tie and weight rules)',
  reference: 'nginx least_conn, HAProxy leastconn, Envoy LEAST_REQUEST FULL_SCAN, ALB least_outstanding_requests',
  options: schema,
  weighted: true,
  spreads: true,
  cost: 'O(n)',
  flavors,
  create(opts: LeastConnectionsOptions, env: StrategyEnv): Strategy {
    switch (opts.flavor ?? flavors.default) {
      case 'haproxy':
        return new HaproxyLeastConn(env.rng);
      case 'envoy':
        return new EnvoyLeastConn(env.rng, opts.activeRequestBias ?? 1);
      case 'aws':
        return new AwsLeastOutstanding(env.rng);
      default:
        return new NginxLeastConn(opts.maxFails ?? 0);
    }
  },
};
