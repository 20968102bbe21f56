/**
 * The workload: when requests arrive and what each one is (client, hash key, session, class and
 * service demand), drawn with COMMON RANDOM NUMBERS (Law, "Simulation Modeling and Analysis",
 * 5th ed., §11.2): arrivals, classes, each service distribution, network latency and think times
 * each draw from their own named stream forked from the run's seed, and every per-request draw is
 * made AT ARRIVAL, in arrival order. Two strategies run on the same seed therefore see identical
 * arrival times (open loop), keys and service demands; only what the strategy changes differs.
 *
 * Client address, hash key and session key are COUNTER-BASED: request n's values are a function of
 * (n, the run's seed) (`populations.ts`), computed only when something reads them (a hash strategy,
 * a keyed limit), so strategies that ignore them pay nothing and all strategies still agree.
 *
 * Service demand is in work units (ms at speed 1). A request draws one demand per DISTINCT service
 * distribution among the backend groups (usually one), times its class's `serviceFactor`; the
 * backend it lands on serves the demand of its own group's distribution, divided by its speed.
 *
 * {@link WorkloadModel} is built once per scenario (populations and their strings);
 * {@link Workload} is one run's state (streams and samplers, whose cached spares are per run).
 * A retry's network legs draw from a separate stream, so retries never shift first-attempt draws.
 *
 * A trace replay (`arrival: trace`, trace.ts) may take keys, clients, sessions and classes from
 * the log: request n then has the n-th logged request's values (modulo the trace's length when it
 * loops) instead of the counter-based ones.
 */
import { Rng } from '../../core/rng.js';
import type { Scenario } from '../../scenario/types.js';
import { compileDistribution, isZero, VariateBlock, type Sampler } from './distributions.js';
import { arrivalProcess, type ArrivalProcess } from './arrivals.js';
import { clientAddress, hash32, Population } from './populations.js';
import { traceOf, type TraceColumn, type TraceData } from './trace.js';
import type { RequestTable } from '../engine/tables.js';

/** The immutable, per-scenario part of the workload. */
export class WorkloadModel {
  /** Client-address population (`10.a.b.c`). */
  readonly addresses: Population;
  /** Hash-key population (`k0, k1, …`). */
  readonly keys: Population;
  /** Session-key population (`s0, s1, …`). */
  readonly sessions: Population;
  /** Cumulative class shares (normalized), one entry per class. */
  readonly classCdf: Float64Array;
  /** Service factor per class. */
  readonly classFactor: Float64Array;
  /** Distinct service distributions (JSON) among the groups; `serviceIndex` maps groups to them. */
  readonly services: readonly string[];
  /** Index into {@link services} per backend group. */
  readonly serviceIndex: Int32Array;
  /** The replayed trace (arrival `trace`), else null. */
  readonly trace: TraceData | null;
  /**
   * Replayed classes: trace class id (URL pattern) → scenario class index, by name; a pattern that
   * is no class name goes to the class named `other`, else is drawn by share (−1). Null when not replayed.
   */
  readonly traceClass: Int32Array | null;

  constructor(readonly scenario: Scenario) {
    const c = scenario.clients;
    this.addresses = new Population(c.addresses, clientAddress);
    this.keys = new Population(c.keys, (i) => `k${i}`);
    this.sessions = new Population(c.sessions, (i) => `s${i}`);
    const classes = c.classes.length > 0 ? c.classes : [{ name: 'default', share: 1, serviceFactor: 1 }];
    const total = classes.reduce((s, k) => s + k.share, 0);
    this.classCdf = new Float64Array(classes.length);
    this.classFactor = Float64Array.from(classes.map((k) => k.serviceFactor));
    let acc = 0;
    classes.forEach((k, i) => {
      acc += k.share / total;
      this.classCdf[i] = acc;
    });
    this.classCdf[classes.length - 1] = 1;
    const services: string[] = [];
    this.serviceIndex = new Int32Array(scenario.backends.length);
    scenario.backends.forEach((g, i) => {
      const key = JSON.stringify(g.service);
      let j = services.indexOf(key);
      if (j < 0) j = services.push(key) - 1;
      this.serviceIndex[i] = j;
    });
    this.services = services;
    const p = c.process;
    this.trace = p.arrival === 'trace' ? traceOf(p) : null;
    const col = this.trace?.columns.class;
    if (col) {
      const other = classes.findIndex((k) => k.name === 'other');
      this.traceClass = Int32Array.from(col.values.map((v) => {
        const i = classes.findIndex((k) => k.name === v);
        return i >= 0 ? i : other;
      }));
    } else this.traceClass = null;
  }

  /** Mean service factor over the classes (share-weighted). */
  meanServiceFactor(): number {
    let prev = 0;
    let m = 0;
    for (let i = 0; i < this.classCdf.length; i++) {
      m += (this.classCdf[i]! - prev) * this.classFactor[i]!;
      prev = this.classCdf[i]!;
    }
    return m;
  }
}

/** One run's workload generator: its streams and samplers. */
export class Workload {
  /** Next open-loop arrival; null for the closed loop. */
  readonly arrivals: ArrivalProcess | null;
  /** Number of distinct service distributions (demands drawn per request). */
  readonly serviceCount: number;
  /** True when the network latency is constantly 0 (no draws, no network events). */
  readonly netZero: boolean;

  private readonly classRng: Rng;
  private readonly clientSalt: number;
  private readonly keySalt: number;
  private readonly sessionSalt: number;
  /** Service demands, one block per distinct distribution (stream `service/j`). */
  private readonly service: VariateBlock[];
  /** First-attempt network legs (stream `network`: to, back, to, back, …). */
  private readonly net: VariateBlock;
  private readonly netRetryRng: Rng;
  /** Network legs of retries and probes (a sampler apart from the blocks': its own cached spare). */
  private readonly netSampler: Sampler;
  /** Think times (stream `think`), closed loop only. */
  private readonly thinkTimes: VariateBlock | null;
  private readonly classCdf: Float64Array;
  private readonly classFactor: Float64Array;
  /** Requests drawn so far (= the next request's arrival number). */
  private drawn = 0;
  private readonly traceN: number;
  private readonly traceKey: TraceColumn | null;
  private readonly traceClient: TraceColumn | null;
  private readonly traceSession: TraceColumn | null;
  private readonly traceClassIds: Int32Array | null;
  private readonly traceClass: Int32Array | null;

  /**
   * @param model the scenario's workload model
   * @param root the run's root stream (streams are forked by name, so their use never interferes)
   */
  constructor(
    readonly model: WorkloadModel,
    root: Rng,
  ) {
    const sc = model.scenario;
    const p = sc.clients.process;
    this.arrivals = p.arrival === 'closed' ? null : arrivalProcess(p, root.fork('arrivals'));
    const attrs = root.fork('attributes');
    this.clientSalt = attrs.nextU32();
    this.keySalt = attrs.nextU32();
    this.sessionSalt = attrs.nextU32();
    this.classRng = root.fork('classes');
    this.serviceCount = model.services.length;
    this.service = model.services.map((s, j) => new VariateBlock(compileDistribution(JSON.parse(s)), root.fork(`service/${j}`)));
    this.net = new VariateBlock(compileDistribution(sc.balancer.network), root.fork('network'));
    this.netRetryRng = root.fork('network-retry');
    this.netSampler = compileDistribution(sc.balancer.network);
    this.netZero = isZero(sc.balancer.network);
    this.thinkTimes = p.arrival === 'closed' ? new VariateBlock(compileDistribution(p.think), root.fork('think')) : null;
    this.classCdf = model.classCdf;
    this.classFactor = model.classFactor;
    const tr = model.trace;
    this.traceN = tr ? tr.n : 1;
    this.traceKey = tr?.columns.key ?? null;
    this.traceClient = tr?.columns.client ?? null;
    this.traceSession = tr?.columns.session ?? null;
    this.traceClassIds = tr?.columns.class?.ids ?? null;
    this.traceClass = model.traceClass;
  }

  /**
   * Draws a new request's class, service demands and first-attempt network latencies into row `r`
   * of the request table (its attributes are counter-based: see {@link clientOf}).
   */
  drawRequest(r: number, t: RequestTable): void {
    const n = this.drawn++;
    let f = this.classFactor[0]!;
    if (this.classCdf.length > 1) {
      let c = -1;
      if (this.traceClass !== null) c = this.traceClass[this.traceClassIds![n % this.traceN]!]!;
      f = this.classFactor[c >= 0 ? c : this.drawClass()]!;
    }
    const S = this.serviceCount;
    const base = r * S;
    for (let j = 0; j < S; j++) t.demand[base + j] = this.service[j]!.take() * f;
    if (!this.netZero) {
      t.netTo[r] = this.net.take();
      t.netBack[r] = this.net.take();
    }
  }

  /** Client address of the request with arrival number `n`. */
  clientOf(n: number): string {
    const tc = this.traceClient;
    if (tc !== null) return tc.values[tc.ids[n % this.traceN]!]!;
    const p = this.model.addresses;
    return p.value(p.index(hash32(hash32(n ^ this.clientSalt) ^ this.clientSalt)));
  }

  /** Hash key of the request with arrival number `n`. */
  keyOf(n: number): string {
    const tk = this.traceKey;
    if (tk !== null) return tk.values[tk.ids[n % this.traceN]!]!;
    const p = this.model.keys;
    return p.value(p.index(hash32(hash32(n ^ this.keySalt) ^ this.keySalt)));
  }

  /** Index in the key population of the hash key of the request with arrival number `n` (caches). */
  keyIndexOf(n: number): number {
    if (this.traceKey !== null) return this.traceKey.ids[n % this.traceN]!;
    return this.model.keys.index(hash32(hash32(n ^ this.keySalt) ^ this.keySalt));
  }

  /** Session key of the request with arrival number `n`. */
  sessionOf(n: number): string {
    const ts = this.traceSession;
    if (ts !== null) return ts.values[ts.ids[n % this.traceN]!]!;
    const p = this.model.sessions;
    return p.value(p.index(hash32(hash32(n ^ this.sessionSalt) ^ this.sessionSalt)));
  }

  private drawClass(): number {
    const cdf = this.classCdf;
    const u = this.classRng.next();
    let c = 0;
    while (c < cdf.length - 1 && u >= cdf[c]!) c++;
    return c;
  }

  /** Network latency of one leg of a retry (own stream, so retries never shift first-attempt draws). */
  retryNet(): number {
    return this.netZero ? 0 : this.netSampler.sample(this.netRetryRng);
  }

  /** One network leg drawn from a caller's own stream (health probes), so it shifts no request draws. */
  sampleNet(rng: Rng): number {
    return this.netZero ? 0 : this.netSampler.sample(rng);
  }

  /** A think time (closed loop); 0 for open-loop workloads. */
  think(): number {
    return this.thinkTimes === null ? 0 : this.thinkTimes.take();
  }
}
