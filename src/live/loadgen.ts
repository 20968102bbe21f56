/**
 * The load generator of a live run: the scenario's workload sent over real HTTP to the proxy, and
 * measured with the simulator's own {@link Recorder} (same percentiles, CDF, fairness, time series).
 *
 * - Workload: the simulator's {@link Workload} on the same seed, so arrival times, request
 *   attributes and service demands are the ones the simulator draws (common random numbers): the
 *   demands travel to the emulated backends in `x-lbsim-demand`, the hash key in `x-lbsim-key`,
 *   the session in the sticky cookie, the network legs in `x-lbsim-net`.
 * - Open loop (poisson, constant, bursty, schedule): each request is SCHEDULED at its arrival time
 *   and its latency is measured FROM THAT SCHEDULED TIME, whether or not earlier requests have
 *   answered — never "coordinated omission" (Tene, "How NOT to Measure Latency", 2013; wrk2). One
 *   timer fires at the next arrival and sends every request that is due; the lag between the
 *   scheduled and the actual send (timer granularity, a busy loop) is measured and reported, and
 *   counts in the latency. Connections: an undici `Pool` without a connection cap, so a request
 *   never waits for a free connection on the client side.
 * - Closed loop: `users` clients, each sending its next request a think time after its previous
 *   one ended (the first after one think time), as the simulator's engine does.
 * - Client addresses: with `bindClients`, the simulator's client address `10.a.b.c` becomes the
 *   loopback source address `127.a.b.c` (a distinct /24 per client, what `ip-hash` keys on), one
 *   small pool per address; otherwise every request comes from 127.0.0.1.
 * - Window: requests scheduled in [warm-up, warm-up + duration) are measured; the time series'
 *   boundaries read the backends' busy/queue integrals; after the window, requests in flight are
 *   drained (up to `drainMs`, then cut and counted failed).
 */
import { performance } from 'node:perf_hooks';
import { Pool, type Dispatcher } from 'undici';
import type { BackendFarm } from '../sim/model/backend-model.js';
import { Recorder, type RunSummary } from '../sim/engine/recorder.js';
import { meanRate } from '../sim/model/arrivals.js';
import type { Scenario } from '../scenario/types.js';
import { percentileSorted, sortNonNegative } from '../results/stats.js';
import { H_DEMAND, H_FULL, H_MEASURED, H_NET, H_RESIDENCE, type BackendSnapshot } from './backend-server.js';
import type { BackendHost } from './backends.js';
import { LiveDraws } from './draws.js';
import { H_KEY, STICKY_COOKIE } from './proxy.js';

/** Options of {@link runLoad}. */
export interface LoadOptions {
  /** The (time-scaled) scenario. */
  scenario: Scenario;
  /** Proxy base URL. */
  url: string;
  /** The backends (read at the time-series boundaries). */
  backends: BackendHost;
  /** Requests waiting in the balancer queue (for the time series, when the scenario has a queue). */
  queued?: () => Promise<number>;
  /** Send the sticky cookie (the strategy is `sticky`). */
  sticky?: boolean;
  /** Source address per client (ip-hash, client-keyed limits). */
  bindClients?: boolean;
  /** Longest wait for requests in flight after the window, ms (default 10 s). */
  drainMs?: number;
  /** Start this many ms after the call (setup slack; default 100). */
  leadMs?: number;
  /** Called once with the run's time zero on the epoch clock (to arm fault schedules). */
  onStart?: (epochStartMs: number) => Promise<void> | void;
}

/** A growing list of non-negative samples (ms) with its summary by the simulator's percentile code. */
export class Samples {
  private buf: Float64Array;
  private n = 0;
  private sum = 0;

  constructor(capacity = 1024) {
    this.buf = new Float64Array(Math.max(16, capacity));
  }

  /** Adds `x` (negative values count as 0 in the percentiles, as they are in the mean). */
  push(x: number): void {
    if (this.n === this.buf.length) {
      const g = new Float64Array(this.buf.length * 2);
      g.set(this.buf);
      this.buf = g;
    }
    this.buf[this.n++] = x > 0 ? x : 0;
    this.sum += x;
  }

  /** Number of samples. */
  get count(): number {
    return this.n;
  }

  /** Mean, p50, p99 and max (0 when empty). Sorts the samples. */
  summary(): SampleSummary {
    const n = this.n;
    if (n === 0) return { n: 0, mean: 0, p50: 0, p99: 0, max: 0 };
    const sorted = sortNonNegative(this.buf, n);
    return { n, mean: this.sum / n, p50: percentileSorted(sorted, n, 0.5), p99: percentileSorted(sorted, n, 0.99), max: sorted[n - 1]! };
  }
}

/** Summary of {@link Samples}, ms. */
export interface SampleSummary {
  n: number;
  mean: number;
  p50: number;
  p99: number;
  max: number;
}

/** Counts of non-2xx outcomes by kind. */
export interface Outcomes {
  /** 503 from the proxy (`x-lbsim-refused`) or 429. */
  refused: number;
  /** 503 from a backend with a full queue. */
  full: number;
  /** Other 5xx answered (500 from an errors fault, 502, 504, …). */
  errors: number;
  /** Connection errors and requests cut at the end of the drain. */
  transport: number;
}

/** What one load run produced. */
export interface LoadOutcome {
  summary: RunSummary;
  /** Send lag (actual − scheduled send time), ms, over measured requests. */
  sendLag: SampleSummary;
  /**
   * Harness overhead per measured successful request, ms: end-to-end latency minus the time the
   * request spent in the backend (its `x-lbsim-residence`) — send lag, the proxy, the loopback
   * hops and the load generator's own handling.
   */
  overhead: SampleSummary;
  outcomes: Outcomes;
  /** Requests sent (warm-up included). */
  sent: number;
  /** Backends' counters at the end (after the drain). */
  final: BackendSnapshot[];
  /** The run's time zero on the epoch clock (ms). */
  epochStartMs: number;
  /** Wall time of the whole run, ms. */
  wallMs: number;
}

/** A `BackendFarm`-shaped view of backend snapshots, for {@link Recorder.boundaryReached}. */
class SnapshotFarm {
  readonly busyArea: Float64Array;
  readonly queueArea: Float64Array;
  readonly workers: Float64Array;
  private readonly present: Float64Array;

  constructor(n: number) {
    this.busyArea = new Float64Array(n);
    this.queueArea = new Float64Array(n);
    this.workers = new Float64Array(n);
    this.present = new Float64Array(n);
  }

  set(s: readonly BackendSnapshot[]): void {
    s.forEach((b, i) => {
      this.busyArea[i] = b.busyArea;
      this.queueArea[i] = b.queueArea;
      this.workers[i] = b.workers;
      this.present[i] = b.inSystem;
    });
  }

  flushAll(): void {}

  inSystem(b: number): number {
    return this.present[b]!;
  }
}

/**
 * The loopback source address standing for client address `addr`: the simulator's `10.a.b.c`
 * becomes `127.a.b.c` (same /24 structure); anything else maps into 127.0.0.0/8 by a hash.
 */
export function loopbackAddress(addr: string): string {
  if (addr.startsWith('10.')) return `127.${addr.slice(3)}`;
  let h = 2166136261;
  for (let i = 0; i < addr.length; i++) h = Math.imul(h ^ addr.charCodeAt(i), 16777619);
  h >>>= 0;
  return `127.${(h >>> 16) & 255}.${(h >>> 8) & 255}.${1 + ((h & 255) % 254)}`;
}

/** Runs the scenario's load against the proxy at `o.url`; see the module header. */
export async function runLoad(o: LoadOptions): Promise<LoadOutcome> {
  const sc = o.scenario;
  const wl = new LiveDraws(sc);
  const n = o.backends.ids.length;
  const warmup = sc.warmupMs;
  const end = sc.warmupMs + sc.durationMs;
  const p = sc.clients.process;
  const expected = p.arrival === 'closed' ? 4096 : Math.max(1, meanRate(p, warmup, end)) * (sc.durationMs / 1000);
  const rec = new Recorder(warmup, sc.durationMs, sc.intervalMs, n, expected, sc.balancer.queue !== false);
  const farm = new SnapshotFarm(n);
  const outcomes: Outcomes = { refused: 0, full: 0, errors: 0, transport: 0 };
  const origin = new URL(o.url).origin;
  const poolOpts = { connections: null, pipelining: 1, keepAliveTimeout: 30_000, headersTimeout: 0, bodyTimeout: 0 } as const;
  const main = new Pool(origin, poolOpts);
  const bound = new Map<string, Pool>();
  const poolFor = (): Pool => {
    if (!o.bindClients) return main;
    const client = wl.client();
    let pool = bound.get(client);
    if (!pool) {
      pool = new Pool(origin, { ...poolOpts, connections: 4, localAddress: loopbackAddress(client) });
      bound.set(client, pool);
    }
    return pool;
  };
  const lag = new Samples(Math.ceil(expected * 1.1));
  const overhead = new Samples(Math.ceil(expected * 1.1));
  let sent = 0;
  let inflight = 0;
  let arrivalsDone = false;
  let finished: () => void = () => undefined;
  const allDone = new Promise<void>((r) => (finished = r));
  const checkDone = (): void => {
    if (arrivalsDone && inflight === 0) finished();
  };

  const leadMs = o.leadMs ?? 100;
  const t0 = performance.now() + leadMs;
  const epochStartMs = performance.timeOrigin + t0;
  const clock = (): number => performance.now() - t0;
  if (o.onStart) await o.onStart(epochStartMs);

  /** Sends one request scheduled at `at` (ms since t0); `user` ≥ 0 for the closed loop. */
  const fire = (at: number, user: number): void => {
    wl.next();
    const measured = at >= warmup && at < end;
    const now = clock();
    if (measured) lag.push(now - at);
    const headers: Record<string, string> = { [H_DEMAND]: wl.demandList(), [H_KEY]: wl.key() };
    if (measured) headers[H_MEASURED] = '1';
    if (!wl.netZero) headers[H_NET] = wl.netList();
    if (o.sticky) headers.cookie = `${STICKY_COOKIE}=${wl.session()}`;
    sent++;
    inflight++;
    const pool = poolFor();
    pool.request({ path: '/', method: 'GET', headers }).then(
      async (res: Dispatcher.ResponseData) => {
        await res.body.dump().catch(() => undefined);
        settle(at, user, measured, res.statusCode, res.headers);
      },
      () => settle(at, user, measured, 0, null),
    );
  };

  const settle = (at: number, user: number, measured: boolean, status: number, headers: Dispatcher.ResponseData['headers'] | null): void => {
    const now = clock();
    inflight--;
    if (status >= 200 && status < 300) {
      rec.complete(now, at, measured);
      const r = headers?.[H_RESIDENCE];
      if (measured && typeof r === 'string') overhead.push(now - at - Number(r));
    } else if (measured) {
      if (status === 429 || (status === 503 && headers !== null && headers['x-lbsim-refused'] !== undefined)) {
        outcomes.refused++;
        rec.rejected++;
      } else if (status === 503 && headers !== null && headers[H_FULL] !== undefined) {
        outcomes.full++;
        rec.rejected++;
      } else if (status === 0) {
        outcomes.transport++;
        rec.failed++;
      } else {
        outcomes.errors++;
        rec.failed++;
      }
    }
    if (user >= 0) {
      const next = now + wl.think();
      if (next < end) scheduleUser(user, next);
    }
    checkDone();
  };

  // ---------------------------------------------------------------- arrivals
  const timers = new Set<NodeJS.Timeout>();
  const at = (t: number, fn: () => void): void => {
    const h = setTimeout(() => {
      timers.delete(h);
      fn();
    }, Math.max(0, Math.ceil(t - clock())));
    timers.add(h);
  };

  let closedUsers = 0;
  const scheduleUser = (user: number, t: number): void => {
    closedUsers++;
    const go = (): void => {
      if (clock() < t) {
        at(t, go); // the timer fired early (ms truncation)
        return;
      }
      closedUsers--;
      fire(t, user);
    };
    at(t, go);
  };

  if (p.arrival === 'closed') {
    for (let u = 0; u < p.users; u++) {
      const t = wl.think();
      if (t < end) scheduleUser(u, t);
    }
    // arrivals end when every user's next start falls after the window: tracked by closedUsers
    const poll = (): void => {
      if (closedUsers === 0 && clock() >= 0) {
        arrivalsDone = true;
        checkDone();
      } else at(clock() + 50, poll);
    };
    at(end, poll);
  } else {
    const arrivals = wl.arrivals!;
    let next = arrivals.next(0);
    const tick = (): void => {
      const now = clock();
      while (next <= now && next < end) {
        fire(next, -1);
        next = arrivals.next(next);
      }
      if (next < end) at(next, tick);
      else {
        arrivalsDone = true;
        checkDone();
      }
    };
    if (next < end) at(next, tick);
    else arrivalsDone = true;
  }

  // ---------------------------------------------------------------- time-series boundaries
  let chain: Promise<void> = Promise.resolve();
  let boundaryError: unknown = null;
  const boundary = (k: number): void => {
    chain = chain.then(async () => {
      try {
        const [snap, q] = await Promise.all([o.backends.snapshot(), rec.balancerQueue && o.queued ? o.queued() : Promise.resolve(0)]);
        farm.set(snap);
        rec.boundaryReached(k, farm as unknown as BackendFarm, q);
      } catch (e) {
        boundaryError ??= e;
      }
    });
  };
  const boundariesDone = new Promise<void>((resolve) => {
    for (let k = 0; k <= rec.slices; k++) {
      const t = rec.boundary(k);
      at(t, () => {
        boundary(k);
        if (k === rec.slices) void chain.then(resolve);
      });
    }
  });

  // ---------------------------------------------------------------- wait, drain, summarize
  try {
    await boundariesDone;
    let drainTimer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      allDone.then(() => true),
      new Promise<boolean>((r) => (drainTimer = setTimeout(() => r(false), o.drainMs ?? 10_000))),
    ]);
    clearTimeout(drainTimer);
    if (!drained) {
      arrivalsDone = true;
      for (const h of timers) clearTimeout(h);
      timers.clear();
      await Promise.all([main.destroy(), ...[...bound.values()].map((b) => b.destroy())]).catch(() => undefined);
      await Promise.race([allDone, new Promise((r) => setTimeout(r, 1_000))]);
    }
    if (boundaryError) throw boundaryError;
    const final = await o.backends.snapshot();
    final.forEach((b, i) => (rec.backendRequests[i] = b.measured));
    const weights: number[] = [];
    for (const g of sc.backends) for (let k = 0; k < g.count; k++) weights.push(g.weight);
    const summary = rec.summarize(o.backends.ids, weights, farm.workers);
    return {
      summary,
      sendLag: lag.summary(),
      overhead: overhead.summary(),
      outcomes,
      sent,
      final,
      epochStartMs,
      wallMs: clock() + leadMs,
    };
  } finally {
    for (const h of timers) clearTimeout(h);
    timers.clear();
    await Promise.all([main.close(), ...[...bound.values()].map((b) => b.close())].map((x) => x.catch(() => undefined)));
  }
}
