/**
 * Least connections: the eligible backend with the fewest requests in flight per unit of weight.
 *
 * Reference: nginx `least_conn` (ngx_http_upstream_get_least_conn_peer) and HAProxy `leastconn`
 * (docs/strategies.md#least-connections). `active/weight` is compared by cross-multiplication
 * (`a.active × b.weight < b.active × a.weight`), so no division. As in nginx, when several
 * backends tie for the minimum, smooth weighted round robin runs among the tied ones only
 * (`current += weight`, largest `current` wins, winner `current -= total`), so equal loads rotate
 * instead of all landing on the lowest index. Cost: O(n) per pick (two passes), no allocation.
 */
import { z } from 'zod';
import type { BackendSpec } from '../core/backend.js';
import type { Strategy, StrategyDef } from '../core/strategy.js';
import type { PickView } from '../core/view.js';
import { pickMinCostPerWeight } from './support/min-cost.js';

const schema = z.object({}).strict();

/** Options of `least-connections` (none). */
export type LeastConnectionsOptions = z.infer<typeof schema>;

class LeastConnections implements Strategy {
  /** Smooth-WRR `current_weight` per index, used among tied backends. */
  private current = new Float64Array(0);

  pick(view: PickView): number {
    if (view.size > this.current.length) this.resize(view.size);
    return pickMinCostPerWeight(view, view.active, this.current);
  }

  rebuild(specs: readonly BackendSpec[]): void {
    this.resize(specs.length);
  }

  /** Resizes the tie-break state, keeping it for existing (stable) indices. */
  private resize(size: number): void {
    if (size === this.current.length) return;
    const cur = new Float64Array(size);
    cur.set(this.current.subarray(0, Math.min(size, this.current.length)));
    this.current = cur;
  }
}

/** `least-connections`: fewest active per weight, ties by smooth WRR. */
export const strategy: StrategyDef<LeastConnectionsOptions> = {
  name: 'least-connections',
  description: 'Fewest requests in flight per unit of weight; ties broken by smooth weighted round robin',
  reference: 'nginx least_conn, HAProxy leastconn',
  options: schema,
  weighted: true,
  spreads: true,
  cost: 'O(n)',
  create(): Strategy {
    return new LeastConnections();
  },
};
