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
 *
 * Tracked mode (only when faults or health probes are simulated; the plain calls above are then
 * not used): FIFO jobs in service are listed per backend with their completion time and event
 * sequence, so a speed change (`slow`, `pause`, `hang` faults: speed × factor, or 0 = no progress)
 * re-times them exactly — the remaining work is `(doneAt − now) × old speed` — and `kill` (a crash)
 * drops every job of a backend, leaving their completion events stale. Processor sharing needs no
 * list: its virtual time is advanced at the old rate before the rate changes. Backends can be
 * added while running (autoscaling).
 */
import { EventQueue } from '../engine/event-queue.js';
import type { SimClock } from '../engine/sim-clock.js';

/** Where the farm reads a job's work (units): the engine's attempt table. */
export interface JobWork {
  /** Work units of job j at index j. */
  readonly work: Float64Array;
}

/** Job fields the farm keeps in tracked mode (the engine's attempt table). */
export interface TrackedJobs extends JobWork {
  /** Work units of job j: its remaining work after a speed change (written by the farm). */
  readonly work: Float64Array;
  /** Scheduled completion of a FIFO job in service (Infinity while its backend is stopped). */
  readonly doneAt: Float64Array;
  /** Sequence number of its completion event, or -1. */
  readonly doneSeq: Float64Array;
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
  n: number;
  /** Integral of busy workers over time (worker·ms), flushed by {@link flush}. */
  busyArea: Float64Array;
  /** Integral of waiting jobs over time (job·ms), flushed by {@link flush}. */
  queueArea: Float64Array;
  /** Workers per backend. */
  workers: Int32Array;

  private speed: Float64Array;
  private ps: Uint8Array;
  private limit: Float64Array; // Infinity = unbounded
  private busy: Int32Array; // FIFO: jobs in service; PS: jobs present (k)
  private lastT: Float64Array;
  // FIFO waiting rings (job ids)
  private ringJob: Int32Array[];
  private head: Int32Array;
  private len: Int32Array;
  // PS virtual time
  private vtime: Float64Array;
  private vLast: Float64Array;
  private readonly psJobs: (EventQueue | null)[];
  private psSeq: Float64Array;
  // tracked mode
  private tracked: TrackedJobs | null = null;
  private baseSpeed: Float64Array;
  private readonly inService: Int32Array[] = []; // FIFO jobs in service per backend (-1 = free slot)
  /** Jobs dropped by the last {@link kill} (the first `count` entries). */
  killed = new Int32Array(64);

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
    private fifoDoneKind: number,
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
    this.baseSpeed = Float64Array.from(this.speed);
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

  /** {@link flush} of a FIFO backend (the hot calls: no discipline test). */
  private flushFifo(b: number): void {
    const now = this.clock.t;
    const dt = now - this.lastT[b]!;
    if (dt > 0) {
      this.busyArea[b]! += this.busy[b]! * dt;
      this.queueArea[b]! += this.len[b]! * dt;
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
      this.flushFifo(b);
      this.busy[b]!++;
      const ev = this.events;
      ev.at = this.clock.t + this.jobs.work[job]! / this.speed[b]!;
      ev.schedule(this.fifoDoneKind, job);
      return true;
    }
    return this.enqueue(b, job);
  }

  /**
   * Removes `job` from backend `b`'s FIFO waiting queue: a cancelled request the server drops before
   * starting it. Returns false when it is not waiting there (in service, or a PS backend). O(queue).
   */
  removeWaiting(b: number, job: number): boolean {
    if (this.ps[b] === 1) return false;
    const len = this.len[b]!;
    const ring = this.ringJob[b]!;
    const mask = ring.length - 1;
    const h = this.head[b]!;
    for (let i = 0; i < len; i++) {
      if (ring[(h + i) & mask] !== job) continue;
      this.flush(b);
      for (let j = i; j < len - 1; j++) ring[(h + j) & mask] = ring[(h + j + 1) & mask]!;
      this.len[b] = len - 1;
      return true;
    }
    return false;
  }

  /** A FIFO job at backend `b` completed (its event fired): frees the worker, starts the next job. */
  fifoDone(b: number): void {
    this.flushFifo(b);
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
    const ev = this.events;
    ev.at = this.clock.t + this.jobs.work[job]! / this.speed[b]!;
    ev.schedule(this.fifoDoneKind, job);
  }

  /** FIFO job `job` waits at backend `b` (all workers busy); false when its queue is full (refused). */
  private enqueue(b: number, job: number): boolean {
    const len = this.len[b]!;
    if (len >= this.limit[b]!) return false;
    this.flushFifo(b);
    let ring = this.ringJob[b]!;
    if (len === ring.length) ring = this.growRing(b);
    ring[(this.head[b]! + len) & (ring.length - 1)] = job;
    this.len[b] = len + 1;
    return true;
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
    if (k === 0 || this.speed[b] === 0) {
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

  // ---------------------------------------------------------------- tracked mode

  /**
   * Switches to tracked mode (see the module header): from now on use {@link arriveTracked} and
   * {@link fifoDoneTracked}; FIFO completions are pushed with `fifoDoneKind`.
   */
  enableTracking(jobs: TrackedJobs, fifoDoneKind: number): void {
    this.tracked = jobs;
    this.fifoDoneKind = fifoDoneKind;
    for (let b = this.inService.length; b < this.n; b++) this.inService.push(new Int32Array(this.workers[b]!).fill(-1));
  }

  /** Tracked {@link arrive}: same queueing, but FIFO jobs in service are listed and re-timable. */
  arriveTracked(b: number, job: number): boolean {
    const tj = this.tracked!;
    tj.doneSeq[job] = -1;
    if (this.ps[b] === 1) return this.psArrive(b, job);
    if (this.busy[b]! < this.workers[b]!) {
      this.flushFifo(b);
      this.busy[b]!++;
      this.startTracked(b, job);
      return true;
    }
    return this.enqueue(b, job);
  }

  private startTracked(b: number, job: number): void {
    const tj = this.tracked!;
    const list = this.inService[b]!;
    let k = 0;
    while (list[k] !== -1) k++;
    list[k] = job;
    const sp = this.speed[b]!;
    if (sp > 0) {
      const t = this.clock.t + tj.work[job]! / sp;
      tj.doneAt[job] = t;
      tj.doneSeq[job] = this.events.push(t, this.fifoDoneKind, job);
    } else {
      tj.doneAt[job] = Infinity;
      tj.doneSeq[job] = -1;
    }
  }

  /**
   * A tracked FIFO completion event (`seq`) for `job` at backend `b` fired. Returns false when it
   * is stale (the job was re-timed or killed); otherwise frees the worker and starts the next job.
   */
  fifoDoneTracked(b: number, job: number, seq: number): boolean {
    const tj = this.tracked!;
    if (tj.doneSeq[job] !== seq) return false;
    tj.doneSeq[job] = -1;
    const list = this.inService[b]!;
    for (let k = 0; k < list.length; k++) {
      if (list[k] === job) {
        list[k] = -1;
        break;
      }
    }
    this.flush(b);
    const len = this.len[b]!;
    if (len === 0) {
      this.busy[b]!--;
      return true;
    }
    const h = this.head[b]!;
    const ring = this.ringJob[b]!;
    const next = ring[h]!;
    this.head[b] = (h + 1) & (ring.length - 1);
    this.len[b] = len - 1;
    this.startTracked(b, next);
    return true;
  }

  /** Current speed multiplier of backend `b` (1 = as configured, 0 = stopped). */
  speedFactor(b: number): number {
    return this.baseSpeed[b]! > 0 ? this.speed[b]! / this.baseSpeed[b]! : 0;
  }

  /**
   * Sets backend `b`'s speed to its configured speed × `factor` from now on (0 = no progress).
   * Tracked mode only: jobs in service are re-timed on their remaining work.
   */
  setSpeedFactor(b: number, factor: number): void {
    const old = this.speed[b]!;
    const nw = this.baseSpeed[b]! * factor;
    if (old === nw) return;
    this.flush(b);
    if (this.ps[b] === 1) {
      this.advance(b);
      this.speed[b] = nw;
      this.reschedule(b);
      return;
    }
    this.speed[b] = nw;
    const tj = this.tracked!;
    const now = this.clock.t;
    const list = this.inService[b]!;
    for (let k = 0; k < list.length; k++) {
      const job = list[k]!;
      if (job < 0) continue;
      const rem = old > 0 ? Math.max(0, tj.doneAt[job]! - now) * old : tj.work[job]!;
      tj.work[job] = rem;
      if (nw > 0) {
        const t = now + rem / nw;
        tj.doneAt[job] = t;
        tj.doneSeq[job] = this.events.push(t, this.fifoDoneKind, job);
      } else {
        tj.doneAt[job] = Infinity;
        tj.doneSeq[job] = -1;
      }
    }
  }

  /**
   * Drops every job at backend `b` (in service and waiting), as a crash does: their completion
   * events become stale. The dropped jobs are `killed[0 … count-1]`; returns count.
   */
  kill(b: number): number {
    this.flush(b);
    let count = 0;
    const push = (job: number): void => {
      if (count === this.killed.length) {
        const k = new Int32Array(count * 2);
        k.set(this.killed);
        this.killed = k;
      }
      this.killed[count++] = job;
    };
    if (this.ps[b] === 1) {
      const jobs = this.psJobs[b]!;
      for (let i = 0; i < jobs.size; i++) push(jobs.payloadAt(i));
      jobs.clear();
      this.psSeq[b] = -1;
    } else {
      const tj = this.tracked;
      const list = this.inService[b];
      if (list) {
        for (let k = 0; k < list.length; k++) {
          const job = list[k]!;
          if (job < 0) continue;
          push(job);
          if (tj) tj.doneSeq[job] = -1;
          list[k] = -1;
        }
      }
      const ring = this.ringJob[b]!;
      const h = this.head[b]!;
      for (let i = 0; i < this.len[b]!; i++) push(ring[(h + i) & (ring.length - 1)]!);
      this.len[b] = 0;
      this.head[b] = 0;
    }
    this.busy[b] = 0;
    return count;
  }

  /** Adds a backend while running (autoscaling); returns its index. Its areas start now. */
  addBackend(c: BackendConfig): number {
    const b = this.n++;
    const n = this.n;
    const f64 = (a: Float64Array, v = 0): Float64Array => {
      const x = new Float64Array(n).fill(v);
      x.set(a);
      return x;
    };
    const i32 = (a: Int32Array): Int32Array => {
      const x = new Int32Array(n);
      x.set(a);
      return x;
    };
    this.busyArea = f64(this.busyArea);
    this.queueArea = f64(this.queueArea);
    this.workers = i32(this.workers);
    this.workers[b] = c.workers;
    this.speed = f64(this.speed, c.speed);
    this.baseSpeed = f64(this.baseSpeed, c.speed);
    const ps = new Uint8Array(n);
    ps.set(this.ps);
    ps[b] = c.discipline === 'ps' ? 1 : 0;
    this.ps = ps;
    this.limit = f64(this.limit, c.queueLimit === null ? Infinity : c.queueLimit);
    this.busy = i32(this.busy);
    this.lastT = f64(this.lastT, this.clock.t);
    this.ringJob.push(new Int32Array(16));
    this.head = i32(this.head);
    this.len = i32(this.len);
    this.vtime = f64(this.vtime);
    this.vLast = f64(this.vLast, this.clock.t);
    this.psJobs.push(c.discipline === 'ps' ? new EventQueue(16) : null);
    this.psSeq = f64(this.psSeq, -1);
    if (this.tracked) this.inService.push(new Int32Array(c.workers).fill(-1));
    return b;
  }
}
