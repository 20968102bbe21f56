/**
 * Active health checks in simulated time: each balancer probes each backend every `interval`
 * (HAProxy `check inter`, Envoy `interval`), starting from a random phase, as REAL requests: a probe
 * crosses the network (drawn from its own stream), is refused by a crashed backend, otherwise is a
 * job that occupies a worker for `cost` work units and waits in the same FIFO queue as requests
 * (so an overloaded backend can fail its checks, as real ones do), and fails if not answered
 * within `timeout`. The results feed the balancer's rise/fall state machine
 * (`Balancer.reportProbe`, HAProxy `rise`/`fall`). Probes are not subject to `errors` faults: a
 * health endpoint usually stays green while the application fails, which is why outlier detection
 * exists.
 *
 * Probes live in the engine's attempt table with states `ATT_PROBE` / `ATT_PROBE_OVER` (`codes.ts`); the
 * engine routes their events here (four consecutive event kinds from `firstKind`).
 */
import type { Rng } from '../../core/rng.js';
import type { BackendFarm } from '../model/backend-model.js';
import type { EventQueue } from '../engine/event-queue.js';
import type { FaultRuntime } from './faults.js';
import type { HealthCheckSettings } from '../../scenario/types.js';
import type { SimClock } from '../engine/sim-clock.js';
import type { AttemptTable } from '../engine/tables.js';
import type { Workload } from '../model/workload.js';
import { ATT_PROBE, ATT_PROBE_OVER, FAIL_CONNECT, FAIL_NONE } from '../engine/codes.js';

/** What the prober needs from the engine. */
export interface ProbeContext {
  /** The virtual clock. */
  readonly clock: SimClock;
  /** The engine's event queue. */
  readonly q: EventQueue;
  /** The attempt table (probes are attempts in state `ATT_PROBE`). */
  readonly att: AttemptTable;
  /** The backends (in tracked mode). */
  readonly farm: BackendFarm;
  /** Fault state (a crashed backend refuses probes), or null. */
  readonly faults: FaultRuntime | null;
  /** The workload (network draws). */
  readonly wl: Workload;
  /** 1 for backends taken out (autoscaling): their probes stop. */
  readonly removed: readonly number[];
  /** A probe result for backend `b` from balancer `k`. */
  report(k: number, b: number, ok: boolean): void;
}

/** Sends and follows health probes; see the module header. */
export class HealthProber {
  private readonly evSend: number;
  private readonly evAt: number;
  private readonly evBack: number;
  private readonly evTimeout: number;

  /**
   * @param hc the checks' settings
   * @param K number of balancers (each probes every backend)
   * @param rng the probes' own stream (phases, network)
   * @param ctx the engine's state
   * @param firstKind first of the four event kinds the prober uses
   */
  constructor(
    private readonly hc: HealthCheckSettings,
    private readonly K: number,
    private readonly rng: Rng,
    private readonly ctx: ProbeContext,
    firstKind: number,
  ) {
    this.evSend = firstKind;
    this.evAt = firstKind + 1;
    this.evBack = firstKind + 2;
    this.evTimeout = firstKind + 3;
  }

  /** Starts the probes of backend `b` by every balancer, each at a random phase after `from`. */
  start(b: number, from: number): void {
    for (let k = 0; k < this.K; k++) this.ctx.q.push(from + this.rng.next() * this.hc.intervalMs, this.evSend, b * this.K + k);
  }

  /** Handles one of the prober's events; returns false if `kind` is not one of them. */
  onEvent(kind: number, payload: number, seq: number): boolean {
    if (kind === this.evSend) this.send(payload);
    else if (kind === this.evAt) this.atBackend(payload);
    else if (kind === this.evBack) this.back(payload);
    else if (kind === this.evTimeout) this.timeout(payload, seq);
    else return false;
    return true;
  }

  /** Probe attempt `a` left its backend (answered, refused, or reset): its answer heads back. */
  leave(a: number): void {
    const att = this.ctx.att;
    if (att.state[a] !== ATT_PROBE) {
      att.release(a);
      return;
    }
    const net = this.ctx.wl.sampleNet(this.rng);
    if (net > 0) this.ctx.q.push(this.ctx.clock.t + net, this.evBack, a);
    else this.back(a);
  }

  private send(slot: number): void {
    const { q, att, clock } = this.ctx;
    const b = Math.floor(slot / this.K);
    if (this.ctx.removed[b] === 1) return;
    const now = clock.t;
    q.push(now + this.hc.intervalMs, this.evSend, slot);
    const a = att.alloc();
    att.req[a] = slot;
    att.backend[a] = b;
    att.lbi[a] = slot % this.K;
    att.state[a] = ATT_PROBE;
    att.work[a] = this.hc.costMs;
    att.status[a] = 0;
    att.err[a] = FAIL_NONE;
    att.first[a] = 0;
    att.timerSeq[a] = q.push(now + this.hc.timeoutMs, this.evTimeout, a);
    const net = this.ctx.wl.sampleNet(this.rng);
    if (net > 0) q.push(now + net, this.evAt, a);
    else this.atBackend(a);
  }

  private atBackend(a: number): void {
    const { att, faults, farm } = this.ctx;
    if (att.state[a] !== ATT_PROBE) {
      att.release(a); // timed out on the way: it never reaches the backend
      return;
    }
    const b = att.backend[a]!;
    if (faults !== null && faults.down[b]! > 0) {
      att.err[a] = FAIL_CONNECT;
      this.leave(a);
      return;
    }
    att.status[a] = 200;
    if (!farm.arriveTracked(b, a)) {
      att.status[a] = 503;
      this.leave(a);
    }
  }

  private back(a: number): void {
    const att = this.ctx.att;
    if (att.state[a] !== ATT_PROBE) {
      att.release(a);
      return;
    }
    const ok = att.err[a] === FAIL_NONE && att.status[a]! > 0 && att.status[a]! < 500;
    const k = att.lbi[a]!;
    const b = att.backend[a]!;
    att.release(a);
    this.ctx.report(k, b, ok);
  }

  private timeout(a: number, seq: number): void {
    const att = this.ctx.att;
    if (att.timerSeq[a] !== seq || att.state[a] !== ATT_PROBE) return;
    att.state[a] = ATT_PROBE_OVER;
    att.timerSeq[a] = -1;
    this.ctx.report(att.lbi[a]!, att.backend[a]!, false);
  }
}
