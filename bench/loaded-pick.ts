/**
 * Pick cost in the state the simulator presents: the homogeneous workload's balancer at 80 % load.
 * Like the pick benchmark's workload (`pick-workload.ts`: one {@link Balancer} on a clock in a typed
 * array, acquire + release through its public API, precomputed requests with varying keys), but
 * with every weight 1 (the homogeneous scenario's) and leases held open on 80 % of the backends
 * instead of on all of them, released in random order: each operation acquires one lease and
 * releases a held one chosen at random (positions precomputed from the seeded Rng), as completions
 * arrive in the simulator, so about a fifth of the backends sit idle and which ones changes
 * unpredictably. For a load-aware O(n) strategy both matter: with a fifth idle the idle ones tie
 * and nginx's tie-break (smooth WRR among the tied) walks them in a second pass, and a random
 * pattern defeats the branch predictor that oldest-first release (a fixed rotation) lets learn
 * the scan (least-connections at 100 backends: about 1.15 µs random vs 0.58 µs oldest-first).
 */
import type { Balancer } from '../src/core/balancer/index.js';
import { backends } from '../src/core/backend.js';
import { Rng } from '../src/core/rng.js';
import type { RequestInfo } from '../src/core/view.js';
import { createBalancer } from '../src/strategies/index.js';
import { CellClock, requestMix, REQUESTS } from './pick-workload.js';

const POSITIONS = 1 << 16; // precomputed random release positions (power of two)
const STEP_MS = 0.05;

/** A pick workload with `busy` × size leases held open on equal-weight backends. */
export class LoadedPickWorkload {
  private readonly balancer: Balancer;
  private readonly clock = new CellClock();
  private readonly reqs: RequestInfo[];
  private readonly held: Float64Array;
  private readonly positions = new Int32Array(POSITIONS);
  private cursor = 0;
  private posCursor = 0;

  /**
   * @param strategy registry name
   * @param size number of backends (weight 1 each)
   * @param busy fraction of the backends with a lease held open (the load)
   * @param seed root seed for the balancer and the request mix
   */
  constructor(
    readonly strategy: string,
    readonly size: number,
    busy = 0.8,
    seed = 1,
  ) {
    this.balancer = createBalancer({ strategy, backends: backends(size), clock: this.clock, rng: new Rng(seed) });
    this.reqs = requestMix(seed);
    this.held = new Float64Array(Math.max(1, Math.round(busy * size)));
    for (let k = 0; k < this.held.length; k++) this.held[k] = this.acquireNext();
    const pick = new Rng(seed).fork('bench-release-order');
    for (let k = 0; k < POSITIONS; k++) this.positions[k] = pick.int(this.held.length);
  }

  private acquireNext(): number {
    const req = this.reqs[this.cursor & (REQUESTS - 1)]!;
    this.cursor++;
    const h = this.balancer.acquire(req);
    if (h < 0) throw new Error(`${this.strategy}: acquire refused (${h})`);
    return h;
  }

  /** Performs `k` operations (acquire one lease, release a held one chosen at random). */
  run(k: number): void {
    const held = this.held;
    const positions = this.positions;
    const b = this.balancer;
    const time = this.clock.cell;
    for (let j = 0; j < k; j++) {
      time[0] = time[0]! + STEP_MS;
      const h = this.acquireNext();
      const pos = positions[this.posCursor++ & (POSITIONS - 1)]!;
      b.release(held[pos]!, 200);
      held[pos] = h;
    }
  }

  /** Requests in flight per backend (a copy; not for the timed loop). */
  activeCounts(): number[] {
    return Array.from({ length: this.size }, (_, i) => this.balancer.activeOf(i));
  }

  /** Releases every held lease; returns the leases still outstanding (0 when all is well). */
  close(): number {
    for (let k = 0; k < this.held.length; k++) this.balancer.release(this.held[k]!, 200);
    return this.balancer.leasesOutstanding;
  }
}
