/**
 * Power of d choices (P2C for d = 2): sample d backends, send to the least loaded, in four flavors
 * that follow their sources exactly (docs/strategies.md#p2c).
 *
 * - `paper` (default): Mitzenmacher, "The Power of Two Choices in Randomized Load Balancing" (IEEE
 *   TPDS 12(10), 2001). d candidates (`draws`, default 2) drawn uniformly, DISTINCT by default
 *   (a partial Fisher–Yates shuffle over a persistent permutation, support/sampling.ts: O(d), no
 *   allocation) or independent with `replacement: true`; the least `active / weight`
 *   (cross-multiplied) wins, a tie keeps the first drawn. When `count ≤ d` distinct sampling
 *   considers every eligible backend, in random order.
 * - `nginx`: nginx 1.31.4 `random two least_conn`, `ngx_http_upstream_get_random2_peer`
 *   (src/http/modules/ngx_http_upstream_random_module.c). Each draw is
 *   `ngx_http_upstream_peek_random_peer`: a point in the configured weights of ALL peers (the
 *   `ranges` table), binary-searched; a draw is rejected when the peer is the first candidate, was
 *   tried, or is down, failed or at `max_conns` (here: not eligible). The second accepted candidate
 *   is compared with the first: the first stays only when the second is busier per weight
 *   (`conns_second × w_first > conns_first × w_second`), so the SECOND wins ties. After 21 draws
 *   without a usable pair (`++tries > 20`; the first candidate's draw counts too), or with fewer
 *   than two peers, nginx falls back to round robin (`ngx_http_upstream_get_round_robin_peer`,
 *   smooth WRR: support/smooth-wrr.ts). Exactly two draws (`draws` must be 2). O(log n) per draw.
 * - `haproxy`: HAProxy 3.4.0 `balance random(<draws>)`, `get_server_rnd` (src/backend.c). Each of
 *   `draws` draws is `chash_get_server_hash` of a random 32-bit value in the consistent-hash tree
 *   (support/haproxy-chash.ts: 16 × weight nodes per server, the closest node wins), so draws are
 *   independent and weighted by the servers' arcs; the same server twice is simply chosen. Each new
 *   draw is compared with the best so far by `served × eweight` cross-multiplied (the previous
 *   stays when the new one is busier); on equal load the one with the lower request rate per
 *   weight stays (the previous only when strictly lower), rate = `read_freq_ctr_period_estimate`
 *   of the server's sessions per second (freq_ctr.c: the current second's count plus the previous
 *   second's pro rata). O(draws · log nodes).
 * - `envoy`: Envoy 1.36 `LEAST_REQUEST` with `N_CHOICES` (support/envoy-least-request.ts):
 *   `choice_count` = `draws` independent uniform draws, a strictly smaller active count replaces
 *   the candidate (ties keep the earlier); with unequal weights, EDF over
 *   `weight / (active + 1)^active_request_bias` (option `activeRequestBias`, default 1).
 *
 * No flavor allocates per pick.
 */
import { z } from 'zod';
import type { Rng } from '../core/rng.js';
import type { Strategy, StrategyDef, StrategyEnv } from '../core/strategy.js';
import type { PickView } from '../core/view.js';
import type { BackendSpec } from '../core/backend.js';
import { EnvoyLeastRequest } from './support/envoy-least-request.js';
import { flavorOption, onlyWithFlavor, type FlavorTable } from './support/flavor.js';
import { BE_WEIGHT_SCALE, HaproxyChash } from './support/haproxy-chash.js';
import { capOption, MAX_DRAWS } from './support/work-cap.js';
import { DistinctSampler } from './support/sampling.js';
import { SmoothWrr } from './support/smooth-wrr.js';

/** The flavors of `p2c`, default first. */
export const P2C_FLAVORS = ['paper', 'nginx', 'haproxy', 'envoy'] as const;
type P2cFlavor = (typeof P2C_FLAVORS)[number];

const flavors: FlavorTable<P2cFlavor> = {
  list: P2C_FLAVORS,
  default: 'paper',
  differs: {
    paper: 'd uniform draws, distinct (or with replacement); least active/weight; a tie keeps the first',
    nginx: 'random two: 2 distinct draws weighted by configured weight; a tie keeps the second; 20 rejected draws → round robin',
    haproxy: 'random(N): N draws from the consistent-hash tree (weighted, with replacement); ties by lower request rate',
    envoy: 'LEAST_REQUEST N_CHOICES: choice_count uniform draws with replacement; unequal weights → EDF over weight/(active+1)^bias',
  },
};

const schema = z
  .object({
    /** Whose rule: paper (default), nginx, haproxy, envoy. */
    flavor: flavorOption('p2c', P2C_FLAVORS),
    /** Number of candidates d (≥ 2); nginx draws exactly two. */
    draws: z.number().int().min(2).default(2),
    /** Sample with replacement instead of distinct candidates (flavor paper). */
    replacement: z.boolean().default(false),
    /** Envoy `active_request_bias` (flavor envoy; default 1). */
    activeRequestBias: z.number().min(0).optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    const f = o.flavor ?? flavors.default;
    capOption(ctx, 'draws', o.draws, MAX_DRAWS, 'each pick makes one draw per candidate');
    if (o.replacement) onlyWithFlavor(ctx, 'replacement', true, f, ['paper']);
    onlyWithFlavor(ctx, 'activeRequestBias', o.activeRequestBias, f, ['envoy']);
    if (f === 'nginx' && o.draws !== 2) ctx.addIssue({ code: 'custom', path: ['draws'], message: 'nginx `random two` draws exactly 2 (flavor nginx)' });
  });

/** Options of `p2c`. */
export type P2cOptions = z.infer<typeof schema>;


class PowerOfChoices implements Strategy {
  private readonly sampler = new DistinctSampler();

  constructor(
    private readonly rng: Rng,
    private readonly draws: number,
    private readonly replacement: boolean,
  ) {}

  pick(view: PickView): number {
    const count = view.count;
    if (count === 0) return -1;
    const list = view.list;
    const active = view.active;
    const weight = view.weight;
    let best = -1;
    if (this.replacement) {
      for (let j = 0; j < this.draws; j++) {
        const i = list[this.rng.int(count)]!;
        if (best < 0 || active[i]! * weight[best]! < active[best]! * weight[i]!) best = i;
      }
      return best;
    }
    if (this.draws === 2 && count >= 2) {
      this.sampler.pair(count, this.rng);
      const pos = this.sampler.pos;
      const i = list[pos[0]!]!;
      const j = list[pos[1]!]!;
      return active[j]! * weight[i]! < active[i]! * weight[j]! ? j : i;
    }
    const m = this.sampler.sample(count, this.draws, this.rng);
    const pos = this.sampler.pos;
    for (let j = 0; j < m; j++) {
      const i = list[pos[j]!]!;
      if (best < 0 || active[i]! * weight[best]! < active[best]! * weight[i]!) best = i;
    }
    return best;
  }
}


/** nginx `random two least_conn` (`ngx_http_upstream_get_random2_peer`). */
class NginxRandomTwo implements Strategy {
  /** nginx `ranges`: cumulative configured weight per peer (all peers, declaration order). */
  private range = new Float64Array(0);
  private total = 0;
  private n = 0;
  /** `ngx_http_upstream_get_round_robin_peer`, the fallback. */
  private readonly rr = new SmoothWrr(1);

  constructor(private readonly rng: Rng) {}

  /** `ngx_http_upstream_peek_random_peer`: the peer whose range holds a point drawn in [0, total). */
  private peek(): number {
    const x = this.rng.int(this.total);
    const range = this.range;
    let i = 0;
    let j = this.n;
    while (j - i > 1) {
      const k = (i + j) >>> 1;
      if (x < range[k - 1]!) j = k;
      else i = k;
    }
    return i;
  }

  pick(view: PickView): number {
    if (view.count === 0) return -1;
    if (this.n < 2) return this.rr.pick(view);
    const eligible = view.eligible;
    const active = view.active;
    const weight = view.weight;
    let prev = -1;
    for (let tries = 0; ; ) {
      const i = this.peek();
      if (i !== prev && eligible[i] === 1) {
        if (prev >= 0) return active[i]! * weight[prev]! > active[prev]! * weight[i]! ? prev : i;
        prev = i;
      }
      if (++tries > 20) return this.rr.pick(view);
    }
  }

  rebuild(specs: readonly BackendSpec[]): void {
    const n = specs.length;
    this.range = new Float64Array(n);
    let t = 0;
    for (let i = 0; i < n; i++) {
      t += specs[i]!.weight;
      this.range[i] = t;
    }
    this.total = t;
    this.n = n;
    this.rr.rebuild(specs);
  }
}

/** HAProxy freq_ctr period for `sess_per_sec`, ms. */
const RATE_PERIOD_MS = 1000;

/** HAProxy `balance random(<draws>)` (`get_server_rnd`). */
class HaproxyRandom implements Strategy {
  private readonly tree = new HaproxyChash();
  /** Per server freq_ctr of sessions: `curr_tick`, `curr_ctr`, `prev_ctr`. */
  private tick = new Float64Array(0);
  private curr = new Float64Array(0);
  private prev = new Float64Array(0);

  constructor(
    private readonly rng: Rng,
    private readonly draws: number,
  ) {}

  pick(view: PickView): number {
    if (view.count === 0) return -1;
    const tree = this.tree;
    const owners = tree.owners;
    const eligible = view.eligible;
    const active = view.active;
    const weight = view.weight;
    const now = Math.floor(view.now);
    let curr = -1;
    for (let d = 0; d < this.draws; d++) {
      const prev = curr;
      const pos = tree.closest(this.rng.nextU32(), eligible);
      if (pos < 0) return -1;
      curr = owners[pos]!;
      if (prev >= 0 && prev !== curr) {
        const ec = eweight(weight[curr]!);
        const ep = eweight(weight[prev]!);
        const wcurr = active[curr]! * ep;
        const wprev = active[prev]! * ec;
        if (wcurr > wprev) curr = prev;
        else if (wcurr === wprev && this.rate(prev, now) * ec < this.rate(curr, now) * ep) curr = prev;
      }
    }
    this.countSession(curr, now);
    return curr;
  }

  /** `read_freq_ctr_period_estimate(sess_per_sec, 1 s)`: events per second over the sliding second. */
  private rate(i: number, now: number): number {
    let remain = this.tick[i]! + RATE_PERIOD_MS - now;
    let past = this.prev[i]!;
    let cur = this.curr[i]!;
    if (remain < 0) {
      remain += RATE_PERIOD_MS;
      past = remain >= 0 ? cur : 0;
      cur = 0;
    }
    if (cur === 0 && past <= 1) return past;
    return Math.floor((past * remain + cur * RATE_PERIOD_MS) / RATE_PERIOD_MS);
  }

  /** `update_freq_ctr_period(sess_per_sec, 1 s, 1)`: one more session on server `i`. */
  private countSession(i: number, now: number): void {
    if (now - this.tick[i]! < RATE_PERIOD_MS) {
      this.curr[i]!++;
      return;
    }
    this.prev[i] = this.curr[i]!;
    this.curr[i] = 1;
    let t = this.tick[i]! + RATE_PERIOD_MS;
    if (now - t >= RATE_PERIOD_MS) {
      this.prev[i] = 0;
      t = now;
    }
    this.tick[i] = t;
  }

  rebuild(specs: readonly BackendSpec[]): void {
    this.tree.build(specs);
    const n = specs.length;
    if (n > this.tick.length) {
      const grow = (a: Float64Array) => {
        const b = new Float64Array(n);
        b.set(a);
        return b;
      };
      this.tick = grow(this.tick);
      this.curr = grow(this.curr);
      this.prev = grow(this.prev);
    }
  }
}

/** HAProxy `cur_eweight` of an effective weight: 16 × weight, at least 1. */
function eweight(w: number): number {
  const e = Math.floor(w * BE_WEIGHT_SCALE);
  return e < 1 ? 1 : e;
}

/** Envoy `LEAST_REQUEST` with `N_CHOICES`. */
class EnvoyNChoices implements Strategy {
  private readonly lr: EnvoyLeastRequest;

  constructor(rng: Rng, draws: number, bias: number) {
    this.lr = new EnvoyLeastRequest(rng, { choiceCount: draws, activeRequestBias: bias, selectionMethod: 'n-choices' });
  }

  pick(view: PickView): number {
    return this.lr.pick(view);
  }

  rebuild(): void {
    this.lr.reset();
  }
}

/** `p2c`: power of d choices over active/weight. */
export const strategy: StrategyDef<P2cOptions> = {
  name: 'p2c',
  description: 'Power of d choices: sample d backends, pick the fewest active per weight (paper, nginx, HAProxy or Envoy draws)',
  reference: 'Mitzenmacher 2001; nginx random two least_conn; HAProxy random(2); Envoy LEAST_REQUEST',
  options: schema,
  weighted: false,
  spreads: true,
  cost: 'O(1)',
  flavors,
  create(opts: P2cOptions, env: StrategyEnv): Strategy {
    switch (opts.flavor ?? flavors.default) {
      case 'nginx':
        return new NginxRandomTwo(env.rng);
      case 'haproxy':
        return new HaproxyRandom(env.rng, opts.draws);
      case 'envoy':
        return new EnvoyNChoices(env.rng, opts.draws, opts.activeRequestBias ?? 1);
      default:
        return new PowerOfChoices(env.rng, opts.draws, opts.replacement);
    }
  },
};
