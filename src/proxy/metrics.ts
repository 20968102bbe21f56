/**
 * The proxy's counters and their Prometheus text exposition (format 0.0.4,
 * https://prometheus.io/docs/instrumenting/exposition_formats/).
 *
 * Recording is on the request path, so it only bumps typed arrays: per backend, requests by status
 * code (a 600-slot array) and a latency histogram. Counters are kept by backend id and survive
 * config reloads. A {@link MetricsSnapshot} is plain JSON, so the cluster primary can merge the
 * workers' snapshots (counters add up) before rendering one exposition.
 */

/** Histogram bucket upper bounds in seconds (the Prometheus client defaults, plus 1 ms). */
export const DURATION_BUCKETS: readonly number[] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Label used for requests answered without any backend (refusals). */
export const NO_BACKEND = 'none';

/** The kinds of failed upstream attempts counted separately. */
export const ATTEMPT_ERRORS = ['connect', 'reset', 'timeout'] as const;

/** Counters of one backend (or of {@link NO_BACKEND}). */
export class BackendCounters {
  /** Requests by final status code sent to the client (index = code, 0..599). */
  readonly codes = new Float64Array(600);
  /** Histogram counts per bucket (non-cumulative), plus a last slot for +Inf. */
  readonly buckets: Float64Array;
  /** Sum of observed durations, seconds. */
  sum = 0;
  /** Number of observed durations. */
  count = 0;
  /** Failed attempts by {@link ATTEMPT_ERRORS} kind (connect, reset, timeout). */
  readonly attemptErrors = new Float64Array(ATTEMPT_ERRORS.length);

  constructor(private readonly bounds: readonly number[]) {
    this.buckets = new Float64Array(bounds.length + 1);
  }

  /** Counts one answered request: final `code`, `seconds` from arrival to the last byte. */
  record(code: number, seconds: number): void {
    this.codes[code >= 0 && code < 600 ? code : 0]!++;
    const b = this.bounds;
    let k = 0;
    while (k < b.length && seconds > b[k]!) k++;
    this.buckets[k]!++;
    this.sum += seconds;
    this.count++;
  }
}

/** Per-backend gauges read from the balancer when metrics are collected. */
export interface BackendGauge {
  id: string;
  inflight: number;
  up: number;
  weight: number;
}

/** Plain-JSON form of all metrics (mergeable across cluster workers). */
export interface MetricsSnapshot {
  buckets: number[];
  /** backend id → status code → count */
  requests: Record<string, Record<string, number>>;
  /** backend id → histogram */
  duration: Record<string, { buckets: number[]; sum: number; count: number }>;
  /** backend id → attempt error kind → count */
  attemptErrors: Record<string, Record<string, number>>;
  /** refusal reason → count */
  refused: Record<string, number>;
  /** retries made (second and later attempts) */
  retries: number;
  /** per-backend gauges, in backend order */
  backends: BackendGauge[];
}

/** All counters of one proxy process. */
export class ProxyMetrics {
  private readonly byId = new Map<string, BackendCounters>();
  private readonly refusedBy = new Map<string, number>();
  /** Retries made (second and later attempts). */
  retries = 0;

  constructor(private readonly bounds: readonly number[] = DURATION_BUCKETS) {}

  /** The counters of backend `id` (created on first use; {@link NO_BACKEND} for refusals). */
  backend(id: string): BackendCounters {
    let c = this.byId.get(id);
    if (!c) {
      c = new BackendCounters(this.bounds);
      this.byId.set(id, c);
    }
    return c;
  }

  /** Counts a refusal by reason (`no-backend`, `rate-limited`, …). */
  refused(reason: string): void {
    this.refusedBy.set(reason, (this.refusedBy.get(reason) ?? 0) + 1);
  }

  /** A plain-JSON copy of the counters, with `gauges` read from the balancer by the caller. */
  snapshot(gauges: BackendGauge[]): MetricsSnapshot {
    const s: MetricsSnapshot = {
      buckets: [...this.bounds],
      requests: {},
      duration: {},
      attemptErrors: {},
      refused: Object.fromEntries(this.refusedBy),
      retries: this.retries,
      backends: gauges,
    };
    for (const [id, c] of this.byId) {
      const codes: Record<string, number> = {};
      for (let k = 0; k < 600; k++) if (c.codes[k]! > 0) codes[String(k)] = c.codes[k]!;
      s.requests[id] = codes;
      s.duration[id] = { buckets: Array.from(c.buckets), sum: c.sum, count: c.count };
      const errs: Record<string, number> = {};
      ATTEMPT_ERRORS.forEach((kind, k) => {
        if (c.attemptErrors[k]! > 0) errs[kind] = c.attemptErrors[k]!;
      });
      s.attemptErrors[id] = errs;
    }
    return s;
  }
}

function addInto(dst: Record<string, number>, src: Record<string, number>): void {
  for (const k in src) dst[k] = (dst[k] ?? 0) + src[k]!;
}

/**
 * Merges worker snapshots: counters and histograms add up, in-flight adds up, `up` is the minimum
 * (a backend counts as up only if every worker sees it up) and weight is the first worker's.
 */
export function mergeSnapshots(list: readonly MetricsSnapshot[]): MetricsSnapshot {
  const out: MetricsSnapshot = { buckets: list[0]?.buckets ?? [...DURATION_BUCKETS], requests: {}, duration: {}, attemptErrors: {}, refused: {}, retries: 0, backends: [] };
  const gauges = new Map<string, BackendGauge>();
  for (const s of list) {
    for (const id in s.requests) addInto((out.requests[id] ??= {}), s.requests[id]!);
    for (const id in s.attemptErrors) addInto((out.attemptErrors[id] ??= {}), s.attemptErrors[id]!);
    for (const id in s.duration) {
      const d = s.duration[id]!;
      const o = (out.duration[id] ??= { buckets: d.buckets.map(() => 0), sum: 0, count: 0 });
      d.buckets.forEach((v, k) => (o.buckets[k] = (o.buckets[k] ?? 0) + v));
      o.sum += d.sum;
      o.count += d.count;
    }
    addInto(out.refused, s.refused);
    out.retries += s.retries;
    for (const g of s.backends) {
      const o = gauges.get(g.id);
      if (!o) {
        const copy = { ...g };
        gauges.set(g.id, copy);
        out.backends.push(copy);
      } else {
        o.inflight += g.inflight;
        o.up = Math.min(o.up, g.up);
      }
    }
  }
  return out;
}

function esc(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function num(v: number): string {
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return Number.isNaN(v) ? 'NaN' : String(v);
}

/** Renders a snapshot as Prometheus text exposition. */
export function renderPrometheus(s: MetricsSnapshot): string {
  const lines: string[] = [];
  const head = (name: string, type: string, help: string): void => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
  };
  head('lbsim_requests_total', 'counter', 'Client requests answered, by the backend of the last attempt ("none" when refused) and the status code sent (499 = client went away).');
  for (const id in s.requests) {
    const codes = s.requests[id]!;
    for (const code in codes) lines.push(`lbsim_requests_total{backend="${esc(id)}",code="${code}"} ${num(codes[code]!)}`);
  }
  head('lbsim_request_duration_seconds', 'histogram', 'Time from request arrival to the last response byte, by backend.');
  for (const id in s.duration) {
    const d = s.duration[id]!;
    let cum = 0;
    s.buckets.forEach((le, k) => {
      cum += d.buckets[k] ?? 0;
      lines.push(`lbsim_request_duration_seconds_bucket{backend="${esc(id)}",le="${num(le)}"} ${num(cum)}`);
    });
    cum += d.buckets[s.buckets.length] ?? 0;
    lines.push(`lbsim_request_duration_seconds_bucket{backend="${esc(id)}",le="+Inf"} ${num(cum)}`);
    lines.push(`lbsim_request_duration_seconds_sum{backend="${esc(id)}"} ${num(d.sum)}`);
    lines.push(`lbsim_request_duration_seconds_count{backend="${esc(id)}"} ${num(d.count)}`);
  }
  head('lbsim_upstream_errors_total', 'counter', 'Failed upstream attempts (retried or not), by backend and kind.');
  for (const id in s.attemptErrors) {
    const e = s.attemptErrors[id]!;
    for (const kind in e) lines.push(`lbsim_upstream_errors_total{backend="${esc(id)}",kind="${kind}"} ${num(e[kind]!)}`);
  }
  head('lbsim_retries_total', 'counter', 'Upstream attempts after the first, over all requests.');
  lines.push(`lbsim_retries_total ${num(s.retries)}`);
  head('lbsim_refused_total', 'counter', 'Requests (and client connections) answered by the proxy itself, by reason: the balancer refusing (no-backend, rate-limited, queue-full, …) or the proxy (bad-request, too-many-headers, method-not-allowed, client-connections, proxy-resources, …).');
  for (const reason in s.refused) lines.push(`lbsim_refused_total{reason="${esc(reason)}"} ${num(s.refused[reason]!)}`);
  head('lbsim_inflight', 'gauge', 'Requests in flight to each backend (leases held).');
  for (const g of s.backends) lines.push(`lbsim_inflight{backend="${esc(g.id)}"} ${num(g.inflight)}`);
  head('lbsim_backend_up', 'gauge', '1 when the backend is up: healthy (passive and active checks), not ejected, not draining.');
  for (const g of s.backends) lines.push(`lbsim_backend_up{backend="${esc(g.id)}"} ${num(g.up)}`);
  head('lbsim_backend_weight', 'gauge', 'Effective weight of the backend (configured or re-weighted, times the slow-start ramp).');
  for (const g of s.backends) lines.push(`lbsim_backend_weight{backend="${esc(g.id)}"} ${num(g.weight)}`);
  return `${lines.join('\n')}\n`;
}
