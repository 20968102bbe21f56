/**
 * The pick benchmark's workload: one {@link Balancer} on a {@link ManualClock}, driven through its
 * public `acquire` / `release` exactly as the simulator and the proxy drive it.
 *
 * Every operation is one acquire plus one release: a fixed ring of leases is held open (one per
 * backend), each operation acquires a new lease and releases the oldest, so load-aware strategies
 * always see uneven in-flight counts. Requests come from precomputed arrays with varying hash keys,
 * client addresses and session keys (a bounded set of sessions, so sticky bindings are reused).
 * Releases pass no latency, as the simulator does: the balancer measures acquire → release on its
 * clock (the hold time of the lease ring), so latency-aware strategies see real EWMA updates. Time
 * advances 50 µs per operation.
 *
 * The clock is a manual clock over a one-element Float64Array rather than the core's `ManualClock`:
 * calling `ManualClock.set(t)` with a fractional `t` boxes a heap number per call (16 B measured), an
 * allocation of the harness, not of the balancer. Everything else the loop allocates is the
 * balancer's.
 */
import type { Balancer } from '../src/core/balancer/index.js';
import { backends } from '../src/core/backend.js';
import type { Clock } from '../src/core/clock.js';
import { Rng } from '../src/core/rng.js';
import type { RequestInfo } from '../src/core/view.js';
import { createBalancer } from '../src/strategies/index.js';

/** Distinct precomputed requests (a power of two: index with a mask). */
export const REQUESTS = 4096;
const SESSIONS = 1024;
const STEP_MS = 0.05;

/** A clock moved by hand whose time lives in a typed array, so advancing it allocates nothing. */
export class CellClock implements Clock {
  /** `cell[0]` is the current time in ms. */
  readonly cell = new Float64Array(1);

  now(): number {
    return this.cell[0]!;
  }
}

/**
 * The benchmark's request mix: {@link REQUESTS} precomputed requests from stream `bench-requests`
 * of `seed`, with varying client addresses and hash keys and a bounded set of sessions (index them
 * with `& (REQUESTS - 1)`).
 */
export function requestMix(seed: number): RequestInfo[] {
  const mix = new Rng(seed).fork('bench-requests');
  const reqs: RequestInfo[] = [];
  for (let k = 0; k < REQUESTS; k++) {
    const a = mix.nextU32();
    reqs.push({
      clientAddr: `10.${(a >>> 16) & 255}.${(a >>> 8) & 255}.${a & 255}`,
      hashKey: `/item/${mix.nextU32().toString(36)}`,
      sessionKey: `s${mix.int(SESSIONS)}`,
      attempt: 1,
    });
  }
  return reqs;
}

/** A ready-to-run pick workload for one strategy at one pool size. */
export class PickWorkload {
  /** Registry name of the strategy. */
  readonly strategy: string;
  /** Number of backends. */
  readonly size: number;
  private readonly balancer: Balancer;
  private readonly clock = new CellClock();
  private readonly reqs: RequestInfo[];
  private readonly held: Float64Array;
  private cursor = 0;
  private heldPos = 0;

  /**
   * @param strategy registry name
   * @param size number of backends (weights 1–4, so weighted strategies have work to do)
   * @param seed root seed for the balancer and the request mix
   * @param options the strategy's options (default: its defaults), e.g. `{ flavor: 'haproxy' }`
   */
  constructor(strategy: string, size: number, seed = 1, options: Record<string, unknown> = {}) {
    this.strategy = strategy;
    this.size = size;
    const weights: number[] = [];
    for (let i = 0; i < size; i++) weights.push(1 + (i % 4));
    this.balancer = createBalancer({ strategy, strategyOptions: options, backends: backends(size, weights), clock: this.clock, rng: new Rng(seed) });
    this.reqs = requestMix(seed);
    this.held = new Float64Array(Math.max(8, size));
    for (let k = 0; k < this.held.length; k++) this.held[k] = this.acquireNext();
  }

  private acquireNext(): number {
    const req = this.reqs[this.cursor & (REQUESTS - 1)]!;
    this.cursor++;
    const h = this.balancer.acquire(req);
    if (h < 0) throw new Error(`${this.strategy}: acquire refused (${h})`);
    return h;
  }

  /** Performs `k` operations (acquire one lease, release the oldest held one). */
  run(k: number): void {
    const held = this.held;
    const b = this.balancer;
    const time = this.clock.cell;
    for (let j = 0; j < k; j++) {
      time[0] = time[0]! + STEP_MS;
      const h = this.acquireNext();
      const pos = this.heldPos;
      // Like the simulator, pass no latency: the balancer measures acquire → release on its clock.
      b.release(held[pos]!, 200);
      held[pos] = h;
      this.heldPos = pos + 1 === held.length ? 0 : pos + 1;
    }
  }

  /** Releases every held lease; afterwards the balancer has no lease outstanding. */
  close(): number {
    for (let k = 0; k < this.held.length; k++) this.balancer.release(this.held[k]!, 200);
    return this.balancer.leasesOutstanding;
  }
}
