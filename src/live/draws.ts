/**
 * The simulator's workload draws, for the load generator: a thin adapter over
 * {@link Workload} (`src/sim/model/workload.ts`) on the run's seed, so the live run sends exactly the
 * requests the simulator simulates — the same arrival times (open loop), service demands, network
 * legs, hash keys, sessions and client addresses, in the same order (common random numbers). This
 * is the only live module that touches the workload's per-request API.
 */
import { Rng } from '../core/rng.js';
import type { ArrivalProcess } from '../sim/model/arrivals.js';
import type { Scenario } from '../scenario/types.js';
import { RequestTable } from '../sim/engine/tables.js';
import { Workload, WorkloadModel } from '../sim/model/workload.js';

/** One run's request draws; call {@link next} per request, then read its fields. */
export class LiveDraws {
  /** The open-loop arrival process, or null for the closed loop. */
  readonly arrivals: ArrivalProcess | null;
  /** Demands per request (one per distinct service distribution). */
  readonly services: number;
  /** True when the scenario has no network latency. */
  readonly netZero: boolean;
  private readonly wl: Workload;
  private readonly row: RequestTable;
  private n = -1;

  constructor(sc: Scenario) {
    this.wl = new Workload(new WorkloadModel(sc), new Rng(sc.seed));
    this.arrivals = this.wl.arrivals;
    this.services = this.wl.serviceCount;
    this.netZero = this.wl.netZero;
    this.row = new RequestTable(this.services, 1, 1);
  }

  /** Draws the next request (arrival number n = 0, 1, 2, …). */
  next(): void {
    this.n++;
    this.wl.drawRequest(0, this.row);
  }

  /** The current request's demands, comma-separated (ms). */
  demandList(): string {
    const d = this.row.demand;
    let s = String(d[0]);
    for (let j = 1; j < this.services; j++) s += `,${d[j]}`;
    return s;
  }

  /** Network legs of the current request, `to,back` (ms). */
  netList(): string {
    return `${this.row.netTo[0]},${this.row.netBack[0]}`;
  }

  /** Hash key of the current request. */
  key(): string {
    return this.wl.keyOf(this.n);
  }

  /** Session key of the current request. */
  session(): string {
    return this.wl.sessionOf(this.n);
  }

  /** Client address of the current request (the simulator's `10.a.b.c`). */
  client(): string {
    return this.wl.clientOf(this.n);
  }

  /** A think time (closed loop). */
  think(): number {
    return this.wl.think();
  }
}
