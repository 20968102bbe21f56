/**
 * One emulated backend: a real `node:http` server on 127.0.0.1 that behaves like the simulator's
 * backend model (`src/sim/model/backend-model.ts`), but in real time.
 *
 * - `fifo`: `workers` service slots; a request finding them all busy waits in a FIFO queue; past
 *   `queueLimit` waiting requests it is refused at once with 503 (`x-lbsim-full: 1`).
 * - `ps`: processor sharing over the workers' capacity (Kleinrock 1967): with k requests present each
 *   progresses at rate min(1, workers / k); refused when more than `queueLimit` are present beyond
 *   the workers. One timer for the next completion, recomputed at every arrival and departure.
 * - Service is served by SLEEPING (`setTimeout`), so a backend costs almost no CPU whatever its
 *   utilization. The service time of a request is the demand the load generator drew for this
 *   backend's service distribution (header `x-lbsim-demand`, one value per distinct distribution, so
 *   the live run and the simulator see the same demands: common random numbers), divided by `speed`;
 *   a request without the header draws its own from the distribution (any plain HTTP client works).
 *   Timer resolution: Node's timers fire on libuv's millisecond loop clock, so a sleep of d ms lasts
 *   d ± 1 ms, and on average about 0.3 ms LESS than asked (fractional delays are truncated). That
 *   bias matters near saturation (−0.3 ms on 20 ms services is −1.5 % load, −6 % queueing delay at
 *   80 % load), so each backend learns it: every sleep is shortened by an exponentially weighted
 *   mean (weight 1/50) of the recent timer errors (each clipped to ±1.5 ms, so that event-loop
 *   stalls — real contention, reported — do not steer it). The achieved-minus-demanded service
 *   error is accumulated and reported ({@link BackendSnapshot.serviceError}).
 * - Network latency of the scenario (`balancer.network`) is emulated here too when the load
 *   generator passes the drawn legs (`x-lbsim-net: to,back`): the request enters the backend `to`
 *   ms after it arrives, and the answer leaves `back` ms after the service ends.
 * - Busy time (worker-ms: the integral of min(k, workers)) and queue time (the integral of
 *   max(0, k − workers)) are integrated by the backend itself, so utilization is measured, not
 *   inferred.
 * - Faults (`faults.ts`): crash (stop listening, drop connections and work), hang (accept, never
 *   answer; such requests are cut when the fault ends), pause (services frozen), slow (service ×
 *   factor), errors (a fraction answered with a status after a fraction of their service time).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Rng } from '../core/rng.js';
import { compileDistribution, type Sampler } from '../sim/model/distributions.js';
import type { Distribution } from '../scenario/types.js';

/** What one emulated backend is. */
export interface EmulatedBackendSpec {
  /** Backend id as the simulator names it (`b0`, `slow-1`). */
  id: string;
  workers: number;
  discipline: 'fifo' | 'ps';
  /** Waiting requests beyond the workers before 503; null = unbounded. */
  queueLimit: number | null;
  speed: number;
  /** Service distribution (ms, already time-scaled), used when a request carries no demand. */
  service: Distribution;
  /** Index of this backend's distribution in the `x-lbsim-demand` list. */
  serviceIndex: number;
  /** Seed of the backend's own draws (services without a demand header, error faults). */
  seed: number;
}

/** Counters and integrals of one backend at one instant. */
export interface BackendSnapshot {
  id: string;
  port: number;
  /** Requests received (all). */
  requests: number;
  /** Requests received carrying `x-lbsim-measured: 1`. */
  measured: number;
  /** Requests answered 200. */
  served: number;
  /** Requests refused with 503 (queue full). */
  refused: number;
  /** Requests answered with an error status by an `errors` fault. */
  errors: number;
  /** Busy worker-milliseconds since start. */
  busyArea: number;
  /** Waiting-request-milliseconds since start. */
  queueArea: number;
  /** Requests present now (in service + waiting). */
  inSystem: number;
  workers: number;
  /** Achieved − requested service time, ms, over fifo services: count, mean, max, mean absolute. */
  serviceError: { n: number; mean: number; max: number; meanAbs: number };
}

/** Headers that mark the request (sent by the load generator). */
export const H_DEMAND = 'x-lbsim-demand';
/** Network legs `to,back` in ms. */
export const H_NET = 'x-lbsim-net';
/** `1` when the request arrived in the measured window. */
export const H_MEASURED = 'x-lbsim-measured';
/** Response header naming the backend. */
export const H_BACKEND = 'x-lbsim-backend';
/** Response header on a 503 from a full backend queue. */
export const H_FULL = 'x-lbsim-full';
/** Response header: ms the request spent in the backend (received → answered), network legs included. */
export const H_RESIDENCE = 'x-lbsim-residence';

interface Job {
  res: ServerResponse;
  /** When the request was received. */
  received: number;
  /** Service time requested, ms. */
  service: number;
  /** Network leg back, ms. */
  back: number;
  /** PS: remaining work at full rate, ms; FIFO: the sleep asked of the timer. */
  remaining: number;
  /** FIFO: when service started. */
  started: number;
  timer: NodeJS.Timeout | undefined;
  epoch: number;
}

/** One emulated backend server; see the module header. */
export class EmulatedBackend {
  readonly server: Server;
  port = 0;
  private readonly sampler: Sampler;
  private readonly rng: Rng;
  private readonly okHeaders: Record<string, string>;
  private readonly limit: number;
  private busy = 0;
  private readonly waiting: Job[] = [];
  private waitHead = 0;
  private readonly ps: Job[] = [];
  private psTimer: NodeJS.Timeout | undefined;
  private last = performance.now();
  private busyArea = 0;
  private queueArea = 0;
  private requests = 0;
  private measured = 0;
  private served = 0;
  private refused = 0;
  private errors = 0;
  private errN = 0;
  private errSum = 0;
  private errAbs = 0;
  private errMax = 0;
  private epoch = 0;
  /** Learned mean timer error (ms): sleeps are shortened by it. */
  private bias = 0;
  private readonly sockets = new Set<Socket>();
  private readonly inService = new Set<Job>();
  private readonly hung = new Set<ServerResponse>();
  private down = false;
  private downs = 0;
  private hangs = 0;
  private pauses = 0;
  private slow = 1;
  private errorFraction = 0;
  private errorStatus = 500;
  private errorLatency = 0;
  private closed = false;

  constructor(readonly spec: EmulatedBackendSpec) {
    this.sampler = compileDistribution(spec.service);
    this.rng = new Rng(spec.seed).fork(`live-backend/${spec.id}`);
    this.okHeaders = { 'content-type': 'text/plain', 'content-length': '3', [H_BACKEND]: spec.id, [H_RESIDENCE]: '0' };
    this.limit = spec.queueLimit === null ? Infinity : spec.queueLimit;
    this.server = createServer({ keepAliveTimeout: 10_000 }, this.onRequest);
    this.server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.once('close', () => this.sockets.delete(s));
    });
  }

  /** Starts listening on 127.0.0.1 (`port` 0 = any free port); resolves to the port. */
  listen(port = 0): Promise<number> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error): void => reject(e);
      this.server.once('error', onError);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', onError);
        this.port = (this.server.address() as { port: number }).port;
        resolve(this.port);
      });
    });
  }

  private present(): number {
    return this.spec.discipline === 'ps' ? this.ps.length : this.busy + this.waiting.length - this.waitHead;
  }

  /** Integrates busy and waiting time up to now. */
  private advance(now: number): void {
    const dt = now - this.last;
    if (dt <= 0) return;
    const k = this.present();
    const c = this.spec.workers;
    this.busyArea += Math.min(k, c) * dt;
    if (k > c) this.queueArea += (k - c) * dt;
    if (this.spec.discipline === 'ps' && k > 0 && this.pauses === 0) {
      const rate = Math.min(1, c / k);
      for (const j of this.ps) j.remaining -= rate * dt;
    }
    this.last = now;
  }

  private readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const received = performance.now();
    req.resume(); // no body expected; drain whatever comes
    this.requests++;
    const h = req.headers;
    if (h[H_MEASURED] === '1') this.measured++;
    if (this.down) {
      res.destroy();
      return;
    }
    if (this.hangs > 0) {
      this.hung.add(res);
      res.once('close', () => this.hung.delete(res));
      return;
    }
    let demand = Number.NaN;
    const dh = h[H_DEMAND];
    if (typeof dh === 'string') {
      const parts = dh.split(',');
      demand = Number(parts[this.spec.serviceIndex] ?? parts[0]);
    }
    if (!(demand >= 0)) demand = this.sampler.sample(this.rng);
    const service = (demand / this.spec.speed) * this.slow;
    if (this.errorFraction > 0 && this.rng.next() < this.errorFraction) {
      this.errors++;
      const status = this.errorStatus;
      const answer = (): void => {
        if (res.destroyed || res.writableEnded) return;
        res.writeHead(status, { 'content-type': 'text/plain', 'content-length': '6', [H_BACKEND]: this.spec.id });
        res.end('error\n');
      };
      const after = this.errorLatency * service;
      if (after > 0) setTimeout(answer, this.delay(after));
      else answer();
      return;
    }
    let to = 0;
    let back = 0;
    const nh = h[H_NET];
    if (typeof nh === 'string') {
      const comma = nh.indexOf(',');
      to = Number(nh.slice(0, comma)) || 0;
      back = Number(nh.slice(comma + 1)) || 0;
    }
    const job: Job = { res, received, service, back, remaining: service, started: 0, timer: undefined, epoch: this.epoch };
    if (to > 0) job.timer = setTimeout(() => this.enter(job), this.delay(to));
    else this.enter(job);
  };

  /** The request reaches the backend's queue (after the network leg). */
  private enter(job: Job): void {
    if (job.epoch !== this.epoch) return; // crashed meanwhile
    const now = performance.now();
    this.advance(now);
    const c = this.spec.workers;
    if (this.spec.discipline === 'ps') {
      if (this.ps.length - c >= this.limit) return this.refuse(job);
      this.ps.push(job);
      this.schedulePs(now);
      return;
    }
    if (this.busy < c) this.startService(job, now);
    else if (this.waiting.length - this.waitHead < this.limit) this.waiting.push(job);
    else this.refuse(job);
  }

  private refuse(job: Job): void {
    this.refused++;
    job.res.writeHead(503, { 'content-type': 'text/plain', 'content-length': '5', [H_BACKEND]: this.spec.id, [H_FULL]: '1' });
    job.res.end('full\n');
  }

  private startService(job: Job, now: number): void {
    this.busy++;
    job.started = now;
    this.inService.add(job);
    if (job.service <= 0 && this.pauses === 0) this.fifoDone(job);
    else if (this.pauses > 0) {
      job.remaining = job.service; // frozen: the sleep starts when the pause ends
      job.started = Number.NaN;
    } else {
      job.remaining = this.delay(job.service); // the sleep actually asked for
      job.timer = setTimeout(() => this.fifoDone(job), job.remaining);
    }
  }

  /** The timer delay that lasts `ms` on average (see the module header). */
  private delay(ms: number): number {
    const d = ms - this.bias;
    return d > 0 ? d : 0;
  }

  private fifoDone(job: Job): void {
    if (job.epoch !== this.epoch) return;
    const now = performance.now();
    this.advance(now);
    this.inService.delete(job);
    if (job.service > 0 && !Number.isNaN(job.started)) {
      const achieved = now - job.started;
      const timerErr = achieved - job.remaining;
      this.bias += 0.02 * ((timerErr > 1.5 ? 1.5 : timerErr < -1.5 ? -1.5 : timerErr) - this.bias);
      const err = achieved - job.service;
      this.errN++;
      this.errSum += err;
      this.errAbs += Math.abs(err);
      if (err > this.errMax) this.errMax = err;
    }
    this.busy--;
    if (this.waitHead < this.waiting.length) {
      const next = this.waiting[this.waitHead]!;
      this.waiting[this.waitHead++] = undefined as unknown as Job;
      if (this.waitHead > 1024 && this.waitHead * 2 > this.waiting.length) {
        this.waiting.splice(0, this.waitHead);
        this.waitHead = 0;
      }
      this.startService(next, now);
    }
    this.respond(job);
  }

  /** Re-arms the single PS completion timer (call after {@link advance}). */
  private schedulePs(now: number): void {
    if (this.psTimer !== undefined) clearTimeout(this.psTimer);
    this.psTimer = undefined;
    const k = this.ps.length;
    if (k === 0 || this.pauses > 0) return;
    const rate = Math.min(1, this.spec.workers / k);
    let min = Infinity;
    for (const j of this.ps) if (j.remaining < min) min = j.remaining;
    this.psTimer = setTimeout(this.psTick, this.delay(Math.max(0, min / rate)));
    void now;
  }

  private readonly psTick = (): void => {
    this.psTimer = undefined;
    const now = performance.now();
    this.advance(now);
    const done: Job[] = [];
    for (let i = this.ps.length - 1; i >= 0; i--) {
      if (this.ps[i]!.remaining <= 0.05) done.push(this.ps.splice(i, 1)[0]!);
    }
    this.schedulePs(now);
    for (const j of done) this.respond(j);
  };

  private respond(job: Job): void {
    if (job.back > 0) {
      job.timer = setTimeout(() => {
        if (job.epoch === this.epoch) this.send(job);
      }, this.delay(job.back));
    } else this.send(job);
  }

  private send(job: Job): void {
    const res = job.res;
    if (res.destroyed || res.writableEnded) return;
    this.served++;
    // writeHead serializes the object at once, so one object is reused with its field updated
    this.okHeaders[H_RESIDENCE] = (performance.now() - job.received).toFixed(3);
    res.writeHead(200, this.okHeaders);
    res.end('ok\n');
  }

  // ------------------------------------------------------------------ faults

  /** Starts a crash (windows may overlap: counted): stop listening, drop connections and work. */
  crash(): void {
    if (this.closed || this.downs++ > 0) return;
    this.down = true;
    this.dropWork();
    this.server.close();
    for (const s of this.sockets) s.destroy();
  }

  /** Ends a crash: when no crash window is left open, listens again on the same port. */
  async recover(): Promise<void> {
    if (this.closed || this.downs === 0 || --this.downs > 0) return;
    this.down = false;
    await this.listen(this.port);
  }

  /** Starts (`on`) or ends a hang; when the last one ends, the held requests are cut. */
  setHang(on: boolean): void {
    if (on) this.hangs++;
    else if (this.hangs > 0) this.hangs--;
    if (this.hangs === 0) {
      for (const r of this.hung) r.destroy();
      this.hung.clear();
    }
  }

  /** Starts (`on`) or ends a pause: no service progresses while one is open. */
  setPause(on: boolean): void {
    const now = performance.now();
    this.advance(now);
    if (on) {
      if (this.pauses++ > 0) return;
      for (const j of this.inService) {
        if (j.timer === undefined || Number.isNaN(j.started)) continue;
        clearTimeout(j.timer);
        j.timer = undefined;
        j.remaining = Math.max(0, j.started + j.remaining - now);
        j.started = Number.NaN; // its service time is no longer a timer measurement
      }
      if (this.psTimer !== undefined) clearTimeout(this.psTimer);
      this.psTimer = undefined;
      return;
    }
    if (this.pauses === 0 || --this.pauses > 0) return;
    for (const j of this.inService) {
      if (j.timer !== undefined) continue;
      if (j.remaining <= 0) queueMicrotask(() => this.fifoDone(j));
      else j.timer = setTimeout(() => this.fifoDone(j), this.delay(j.remaining));
    }
    this.schedulePs(now);
  }

  /** Starts (factor > 1) or ends (1 / factor) a `slow` window: service times are multiplied. */
  setSlow(factor: number): void {
    this.slow *= factor;
  }

  /** A fraction of requests answered `status` after `latency` × their service time (fraction 0 = none). */
  setErrors(fraction: number, status = 500, latency = 0): void {
    this.errorFraction = fraction;
    this.errorStatus = status;
    this.errorLatency = latency;
  }

  private dropWork(): void {
    const now = performance.now();
    this.advance(now);
    this.epoch++;
    for (const j of this.inService) clearTimeout(j.timer);
    this.inService.clear();
    for (let i = this.waitHead; i < this.waiting.length; i++) clearTimeout(this.waiting[i]!.timer);
    this.waiting.length = 0;
    this.waitHead = 0;
    for (const j of this.ps) clearTimeout(j.timer);
    this.ps.length = 0;
    if (this.psTimer !== undefined) clearTimeout(this.psTimer);
    this.psTimer = undefined;
    this.busy = 0;
  }

  // ------------------------------------------------------------------ reading, closing

  /** Counters and integrals now. */
  snapshot(): BackendSnapshot {
    this.advance(performance.now());
    return {
      id: this.spec.id,
      port: this.port,
      requests: this.requests,
      measured: this.measured,
      served: this.served,
      refused: this.refused,
      errors: this.errors,
      busyArea: this.busyArea,
      queueArea: this.queueArea,
      inSystem: this.present(),
      workers: this.spec.workers,
      serviceError: {
        n: this.errN,
        mean: this.errN > 0 ? this.errSum / this.errN : 0,
        max: this.errMax,
        meanAbs: this.errN > 0 ? this.errAbs / this.errN : 0,
      },
    };
  }

  /** Stops the server, drops all work and connections; resolves when closed. */
  close(): Promise<void> {
    this.closed = true;
    this.dropWork();
    for (const r of this.hung) r.destroy();
    this.hung.clear();
    return new Promise((resolve) => {
      if (!this.server.listening) {
        for (const s of this.sockets) s.destroy();
        resolve();
        return;
      }
      this.server.close(() => resolve());
      for (const s of this.sockets) s.destroy();
    });
  }
}
