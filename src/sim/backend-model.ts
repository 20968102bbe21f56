/**
 * Simulated backend servers: queueing stations (Kleinrock, "Queueing Systems", vol. 1, 1975).
 *
 * Each backend has `workers` servers and a `speed` (work units per ms; a job of demand w takes
 * w / speed ms alone on a worker), and one of two disciplines:
 * - `fifo` (M/G/c): a job starts on a free worker, otherwise waits in a FIFO ring buffer; a job's
 *   completion is one event whose payload is the job.
 * - `ps` (processor sharing over c workers): each of the k jobs present progresses at rate
 *   `speed · min(1, c/k)`. Implemented exactly with virtual time (the GPS/WFQ construction of
 *   Parekh & Gallager 1993): V advances at `speed · min(1, c/k)` per ms, a job arriving at V
 *   finishes when V reaches `V + w`; jobs finish in order of these tags (a per-backend min-heap), and
 *   the next completion is rescheduled on every arrival and departure; superseded completion events
 *   are recognised by their sequence number and ignored (lazy cancellation).
 * `queueLimit` bounds the jobs waiting beyond the workers (for `ps`: jobs present beyond c); an
 * arrival past it is refused and the engine answers it with 503.
 *
 * Busy workers and waiting jobs are integrated over time (areas) for utilization and mean queue:
 * `ps` counts `min(k, c)` busy and `max(0, k − c)` waiting, so both disciplines report comparable
 * figures. All state is in typed arrays indexed by backend; nothing allocates per job. The time is
 * read from the shared {@link SimClock} and a job's work from the engine's table, so the hot calls
 * take only small integers.
 */
import { EventQueue } from './event-queue.js';
import type { SimClock } from './sim-clock.js';

/** Where the farm reads a job's work (units): the engine's attempt table. */
export interface JobWork {
  /** Work units of job j at index j. */
  readonly work: Float64Array;
}

/** Per-backend configuration of a {@link BackendFarm}. */
export interface BackendConfig {
  /** Concurrent servers. */
  workers: number;
  /** Work units per ms per worker. */
  speed: number;
  /** FIFO over the workers, or processor sharing. */
  discipline: 'fifo' | 'ps';
  /** Jobs allowed to wait beyond the workers; null = unbounded. */
  queueLimit: number | null;
}

/** All simulated backends of one run. */
export class BackendFarm {
  /** Number of backends. */
  readonly n: number;
  /** Integral of busy workers over time (worker·ms), flushed by {@link flush}. */
  readonly busyArea: Float64Array;
  /** Integral of waiting jobs over time (job·ms), flushed by {@link flush}. */
  readonly queueArea: Float64Array;
  /** Workers per backend. */
  readonly workers: Int32Array;

  private readonly speed: Float64Array;
  private readonly ps: Uint8Array;
  private readonly limit: Float64Array; // Infinity = unbounded
  private readonly busy: Int32Array; // FIFO: jobs in service; PS: jobs present (k)
  private readonly lastT: Float64Array;
  // FIFO waiting rings (job ids)
  private ringJob: Int32Array[];
  private readonly head: Int32Array;
  private readonly len: Int32Array;
  // PS virtual time
  private readonly vtime: Float64Array;
  private readonly vLast: Float64Array;
  private readonly psJobs: (EventQueue | null)[];
  private readonly psSeq: Float64Array;

  /**
   * @param configs one entry per backend
   * @param clock the virtual clock (read, never set)
   * @param jobs where each job's work is found
   * @param events the engine's event queue (completions are scheduled on it)
   * @param fifoDoneKind event kind for a FIFO completion (payload: job)
   * @param psDoneKind event kind for a PS completion (payload: backend)
   */
  constructor(
    configs: readonly BackendConfig[],
    private readonly clock: SimClock,
    private readonly jobs: JobWork,
    private readonly events: EventQueue,
    private readonly fifoDoneKind: number,
    private readonly psDoneKind: number,
  ) {
    const n = configs.length;
    this.n = n;
    this.workers = Int32Array.from(configs.map((c) => c.workers));
    this.speed = Float64Array.from(configs.map((c) => c.speed));
    this.ps = Uint8Array.from(configs.map((c) => (c.discipline === 'ps' ? 1 : 0)));
    this.limit = Float64Array.from(configs.map((c) => (c.queueLimit === null ? Infinity : c.queueLimit)));
    this.busy = new Int32Array(n);
    this.lastT = new Float64Array(n);
    this.busyArea = new Float64Array(n);
    this.queueArea = new Float64Array(n);
    this.ringJob = configs.map(() => new Int32Array(16));
    this.head = new Int32Array(n);
    this.len = new Int32Array(n);
    this.vtime = new Float64Array(n);
    this.vLast = new Float64Array(n);
    this.psJobs = configs.map((c) => (c.discipline === 'ps' ? new EventQueue(16) : null));
    this.psSeq = new Float64Array(n).fill(-1);
  }

  /** Jobs at backend `b` (in service + waiting). */
  inSystem(b: number): number {
    return this.ps[b] === 1 ? this.busy[b]! : this.busy[b]! + this.len[b]!;
  }

  /** Brings backend `b`'s busy and queue areas up to now. */
  flush(b: number): void {
    const now = this.clock.t;
    const dt = now - this.lastT[b]!;
    if (dt > 0) {
      const k = this.busy[b]!;
      const c = this.workers[b]!;
      if (this.ps[b] === 1) {
        this.busyArea[b]! += (k < c ? k : c) * dt;
        if (k > c) this.queueArea[b]! += (k - c) * dt;
      } else {
        this.busyArea[b]! += k * dt;
        this.queueArea[b]! += this.len[b]! * dt;
      }
    }
    this.lastT[b] = now;
  }

  /** Flushes every backend to now. */
  flushAll(): void {
    for (let b = 0; b < this.n; b++) this.flush(b);
  }

  /**
   * Job `job` arrives at backend `b` now. Returns false when the backend refuses it (queue limit
   * reached); otherwise its completion will be announced by an event.
   */
  arrive(b: number, job: number): boolean {
    if (this.ps[b] === 1) return this.psArrive(b, job);
    if (this.busy[b]! < this.workers[b]!) {
      this.flush(b);
      this.busy[b]!++;
      this.events.push(this.clock.t + this.jobs.work[job]! / this.speed[b]!, this.fifoDoneKind, job);
      return true;
    }
    const len = this.len[b]!;
    if (len >= this.limit[b]!) return false;
    this.flush(b);
    let ring = this.ringJob[b]!;
    if (len === ring.length) ring = this.growRing(b);
    ring[(this.head[b]! + len) & (ring.length - 1)] = job;
    this.len[b] = len + 1;
    return true;
  }

  /** A FIFO job at backend `b` completed (its event fired): frees the worker, starts the next job. */
  fifoDone(b: number): void {
    this.flush(b);
    const len = this.len[b]!;
    if (len === 0) {
      this.busy[b]!--;
      return;
    }
    const h = this.head[b]!;
    const ring = this.ringJob[b]!;
    const job = ring[h]!;
    this.head[b] = (h + 1) & (ring.length - 1);
    this.len[b] = len - 1;
    this.events.push(this.clock.t + this.jobs.work[job]! / this.speed[b]!, this.fifoDoneKind, job);
  }

  private growRing(b: number): Int32Array {
    const oldJ = this.ringJob[b]!;
    const cap = oldJ.length;
    const j = new Int32Array(cap * 2);
    const h = this.head[b]!;
    for (let i = 0; i < cap; i++) j[i] = oldJ[(h + i) & (cap - 1)]!;
    this.ringJob[b] = j;
    this.head[b] = 0;
    return j;
  }

  // ---------------------------------------------------------------- processor sharing

  /** Rate of virtual time at backend `b` with k jobs present (work units per ms per job). */
  private psRate(b: number, k: number): number {
    const c = this.workers[b]!;
    return k <= c ? this.speed[b]! : (this.speed[b]! * c) / k;
  }

  private advance(b: number): void {
    const now = this.clock.t;
    const k = this.busy[b]!;
    if (k > 0) this.vtime[b]! += this.psRate(b, k) * (now - this.vLast[b]!);
    this.vLast[b] = now;
  }

  private reschedule(b: number): void {
    const k = this.busy[b]!;
    if (k === 0) {
      this.psSeq[b] = -1;
      return;
    }
    const jobs = this.psJobs[b]!;
    const dv = Math.max(0, jobs.peekTime() - this.vtime[b]!);
    this.psSeq[b] = this.events.push(this.clock.t + dv / this.psRate(b, k), this.psDoneKind, b);
  }

  private psArrive(b: number, job: number): boolean {
    const k = this.busy[b]!;
    if (k >= this.workers[b]! + this.limit[b]!) return false;
    this.flush(b);
    this.advance(b);
    this.psJobs[b]!.push(this.vtime[b]! + this.jobs.work[job]!, 0, job);
    this.busy[b] = k + 1;
    this.reschedule(b);
    return true;
  }

  /**
   * A PS completion event for backend `b` with sequence `seq` fired. Returns the finished job, or
   * -1 when the event was superseded (stale).
   */
  psDone(b: number, seq: number): number {
    if (this.psSeq[b] !== seq) return -1;
    this.flush(b);
    this.advance(b);
    const jobs = this.psJobs[b]!;
    jobs.pop();
    if (jobs.time > this.vtime[b]!) this.vtime[b] = jobs.time; // absorb rounding
    this.busy[b]!--;
    this.reschedule(b);
    return jobs.payload;
  }
}
