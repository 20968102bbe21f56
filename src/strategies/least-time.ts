/**
 * Least time: the eligible backend with the least estimated time to finish its work,
 * `avg_response_time × (1 + active)` per unit of weight.
 *
 * Reference: nginx 1.31.4 `least_time` (src/http/modules/ngx_http_upstream_least_time_module.c:
 * `ngx_http_upstream_get_least_time_peer`, `ngx_http_upstream_least_time_eta`;
 * docs/strategies.md#least-time). The average is the balancer's least-time signal
 * (core/load/least-time.ts: EWMA with α = 0.05, the first sample replacing the initial value),
 * subscribed through `env.load.leastTime({ alpha, defaultMs })`. As in nginx's `eta`:
 *   - rt = the average; if rt > `capMs` (5000) it is clamped there ("equally bad, fall back to least
 *     conns"); otherwise it is rounded UP into `bucketMs` (20 ms) clusters, `rt += 20 − rt mod 20`,
 *     "to allow round-robin for peers with close response times";
 *   - eta = rt × (1 + active); the winner has the least `eta / weight` (compared by
 *     cross-multiplication, as nginx does);
 *   - ties: smooth weighted round robin among the tied backends only.
 * Weights count, but shares are not proportional to them: idle, equally fast backends all go to
 * the heaviest (least eta/weight) until load evens the eta — so the registry marks it unweighted.
 * `bucketMs: 0` disables the clustering (cost = avg × (1 + active) exactly). `defaultMs` defaults to
 * 0, nginx's value for a peer with no response yet (after bucketing it reads as 20 ms).
 * Not modelled: nginx halves a peer's time once per `fail_timeout` of idleness (that needs the
 * health module's `checked` stamp) and the optional `inflight` estimate.
 * Cost: O(n) per pick (nginx scans every peer), no allocation.
 */
import { z } from 'zod';
import type { BackendSpec } from '../core/backend.js';
import type { LatencySignal, Strategy, StrategyDef, StrategyEnv } from '../core/strategy.js';
import type { PickView } from '../core/view.js';
import { pickMinCostPerWeight } from './support/min-cost.js';

const schema = z
  .object({
    /** EWMA weight of a new response time, in (0, 1] (nginx: 0.05). */
    alpha: z.number().gt(0).max(1).default(0.05),
    /** Average assumed before a backend's first response, ms (nginx: 0). */
    defaultMs: z.number().min(0).default(0),
    /** Width of the clusters response times are rounded up into, ms; 0 = no clustering (nginx: 20). */
    bucketMs: z.number().min(0).default(20),
    /** Response times above this count as this much, ms (nginx: 5000). */
    capMs: z.number().positive().default(5000),
  })
  .strict();

/** Options of `least-time`. */
export type LeastTimeStrategyOptions = z.infer<typeof schema>;

/** nginx's clustered response time: clamp to `capMs`, else round up into `bucketMs` steps. */
export function leastTimeRt(avg: number, bucketMs: number, capMs: number): number {
  if (avg > capMs) return capMs;
  if (bucketMs > 0) return (Math.floor(avg / bucketMs) + 1) * bucketMs; // = avg + b − (avg mod b), without fmod
  return avg;
}

class LeastTime implements Strategy {
  /** Smooth-WRR `current_weight` per index, used among tied backends. */
  private current = new Float64Array(0);

  constructor(
    private readonly rt: LatencySignal,
    private readonly bucketMs: number,
    private readonly capMs: number,
  ) {}

  /** Scratch: every backend's expected time `rt × (1 + active)` for the current pick. */
  private etas = new Float64Array(0);

  /** Fills `etas` for all backends (one signal call, no per-backend boxing). */
  private fillEtas(view: PickView): Float64Array {
    if (this.etas.length < view.size) this.etas = new Float64Array(view.size);
    const e = this.etas;
    this.rt.valuesAt(e, view.now);
    const bucket = this.bucketMs;
    const cap = this.capMs;
    const active = view.active;
    const list = view.list;
    for (let k = 0; k < view.count; k++) {
      const i = list[k]!;
      e[i] = leastTimeRt(e[i]!, bucket, cap) * (1 + active[i]!);
    }
    return e;
  }

  pick(view: PickView): number {
    if (view.count === 0) return -1;
    if (view.size > this.current.length) this.current = new Float64Array(view.size);
    // nginx least_time: lowest expected time per weight, ties by smooth WRR (as least_conn).
    return pickMinCostPerWeight(view, this.fillEtas(view), this.current);
  }

  rebuild(specs: readonly BackendSpec[]): void {
    this.current = new Float64Array(specs.length);
  }
}

/** `least-time`: nginx least_time (average response time × (1 + in flight) per weight). */
export const strategy: StrategyDef<LeastTimeStrategyOptions> = {
  name: 'least-time',
  description: 'nginx least_time: least EWMA response time × (1 + in flight) per weight, ties round robin',
  reference: 'nginx least_time (ngx_http_upstream_least_time_module.c, 1.31)',
  options: schema,
  weighted: false,
  spreads: true,
  cost: 'O(n)',
  create(opts: LeastTimeStrategyOptions, env: StrategyEnv): Strategy {
    const rt = env.load.leastTime({ alpha: opts.alpha, defaultMs: opts.defaultMs });
    return new LeastTime(rt, opts.bucketMs, opts.capMs);
  },
};
