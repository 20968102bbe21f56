/**
 * The fitted workload as scenario values with one comment each: where the value came from and how
 * well it fits (scenario-writer.ts places them in the document). Also the header lines (source,
 * units read, de-queueing method, the check against the log) and the description lines that carry
 * the check into results files and the report.
 */
import { basename } from 'node:path';
import { scenarioDuration } from '../durations.js';
import { formatCheck, type LogCheck } from './check.js';
import type { FittedDist } from './fit/families.js';
import type { LogFormat } from './format.js';
import type { LogModel } from './model.js';

/** What the writer needs to know about the log import. */
export interface LogSection {
  model: LogModel;
  format: LogFormat;
  files: string[];
  /** `--log-format` text that reads the log again (for the trace-replay alternative). */
  formatSpec: string;
  /** Lines read, lines that did not match. */
  lines: number;
  unparsed: number;
  check?: LogCheck;
}

/** A value and its comment. */
export interface Commented<T> {
  value: T;
  comment: string;
}

function r(x: number, digits = 4): number {
  return Number.isFinite(x) ? +x.toPrecision(digits) : x;
}

/** A fitted distribution as a scenario `service` value (ms). */
export function serviceValue(d: FittedDist): Record<string, unknown> {
  switch (d.dist) {
    case 'lognormal':
      return { dist: 'lognormal', mu: r(d.mu, 5), sigma: r(d.sigma, 4) };
    case 'gamma':
      return { dist: 'gamma', shape: r(d.shape, 4), scale: scenarioDuration(r(d.scale, 4)) };
    case 'mixture':
      return { dist: 'mixture', parts: d.parts.map((p) => ({ weight: r(p.weight, 3), of: { dist: 'lognormal', mu: r(p.of.mu, 5), sigma: r(p.of.sigma, 4) } })) };
    case 'empirical':
      return { dist: 'empirical', samples: d.samples.map((x) => r(x, 4)) };
  }
}

function describeDist(d: FittedDist): string {
  switch (d.dist) {
    case 'lognormal':
      return `lognormal median ${Math.exp(d.mu).toFixed(2)} ms, p99 ${Math.exp(d.mu + 2.3263 * d.sigma).toFixed(1)} ms`;
    case 'gamma':
      return `gamma shape ${d.shape.toFixed(2)}, mean ${(d.shape * d.scale).toFixed(2)} ms`;
    case 'mixture':
      return `mixture: ${d.parts.map((p) => `${(p.weight * 100).toFixed(0)} % around ${Math.exp(p.of.mu).toFixed(1)} ms`).join(', ')}`;
    case 'empirical':
      return `empirical, ${d.samples.length} quantiles`;
  }
}

/** The `clients` section and its comments. */
export function clientsValue(s: LogSection, warmupMs: number): { clients: Record<string, unknown>; comments: Record<string, string> } {
  const m = s.model;
  const a = m.arrivals;
  const src = s.files.map((f) => basename(f)).join(', ');
  const clients: Record<string, unknown> = {};
  const comments: Record<string, string> = {};
  if (a.use === 'bursty' && a.bursty) {
    clients.arrival = 'bursty';
    clients.rate = r(a.bursty.rate, 4);
    clients.burstRate = r(a.bursty.burstRate, 4);
    clients.on = scenarioDuration(Math.round(a.bursty.onMs));
    clients.off = scenarioDuration(Math.round(a.bursty.offMs));
    comments.arrival = ` from ${src}: ${a.note}`;
  } else {
    clients.arrival = 'schedule';
    clients.schedule = a.rates.map((rate, k) => ({ at: scenarioDuration(k === 0 ? 0 : warmupMs + k * a.windowMs), rate: r(rate, 4) }));
    comments.arrival = ` from ${src}: ${a.requests} requests over ${(a.spanMs / 1000).toFixed(0)} s, mean ${a.meanRate.toFixed(1)} req/s, ${a.rates.length} windows of ${a.windowMs / 1000} s; ${a.note}`;
  }
  if (m.keys) {
    clients.keys = { count: m.keys.count, popularity: m.keys.popularity, ...(m.keys.popularity === 'zipf' ? { exponent: m.keys.exponent } : {}) };
    comments.keys = ` hash keys in the log: ${m.keys.note}; top key ${(m.keys.topShare * 100).toFixed(1)} % of requests`;
  }
  if (m.clients) {
    clients.addresses = { count: m.clients.count, popularity: m.clients.popularity, ...(m.clients.popularity === 'zipf' ? { exponent: m.clients.exponent } : {}) };
    comments.addresses = ` client addresses in the log: ${m.clients.note}`;
  }
  if (m.sessions) {
    clients.sessions = { count: m.sessions.count, popularity: m.sessions.popularity, ...(m.sessions.popularity === 'zipf' ? { exponent: m.sessions.exponent } : {}) };
    comments.sessions = ` session cookies in the log: ${m.sessions.note}`;
  }
  if (m.classes.length > 0) {
    clients.classes = m.classes.map((c) => ({ name: c.name, share: c.share, serviceFactor: c.serviceFactor }));
    comments.classes = ` ${m.classNote}`;
  }
  return { clients, comments };
}

/** Per-server backend fields (workers, speed, service) with comments, by group name. */
export function backendValues(s: LogSection): Map<string, { fields: Record<string, unknown>; comments: Record<string, string> }> {
  const m = s.model;
  const out = new Map<string, { fields: Record<string, unknown>; comments: Record<string, string> }>();
  const svc = serviceValue(m.base);
  const fit = m.baseFit ?? m.service;
  const fitLine =
    `${describeDist(m.base)}; ${fit.reason}; fitted to ${fit.n} de-queued requests of all servers (each scaled by its speed), ` +
    `5 % KS critical value ${fit.critical.toFixed(3)} for reference`;
  for (const sv of m.servers) {
    const d = sv.demand;
    const workers = Number.isFinite(d.workers) ? d.workers : Math.max(1, Math.ceil((2 * (sv.meanMs * sv.requests)) / Math.max(1, m.spanMs)));
    const workersNote = Number.isFinite(d.workers)
      ? d.queueing
        ? ` estimate (check it): E[R | n in flight] of ${sv.logName} rises from n = ${d.workers}`
        : ` estimate (check it): no queueing seen on ${sv.logName}; at least the 99.9th percentile of its concurrency + 1`
      : ` guess (check it): twice ${sv.logName}'s mean concurrency by Little's law (no millisecond timestamps)`;
    out.set(sv.group, {
      fields: { workers, speed: sv.speed, service: structuredClone(svc) },
      comments: {
        workers: workersNote,
        speed: ` ${sv.speedNote}`,
        service: ` ${sv.logName}: ${sv.requests} requests (${(sv.share * 100).toFixed(1)} %), own KS D ${Number.isFinite(sv.ksD) ? sv.ksD.toFixed(3) : '–'}; ${d.method}`,
      },
    });
  }
  for (const name of m.idleServers) {
    out.set(name, { fields: { workers: 1, speed: 1, service: structuredClone(svc) }, comments: { workers: ' no request in the log: placeholder', speed: ' no request in the log', service: ' no request in the log: the common fit' } });
  }
  // the common fit's line goes on the first server
  const first = out.values().next().value;
  if (first) first.comments.service = ` ${fitLine}.${first.comments.service}`;
  return out;
}

/** `errors` faults for servers that answered errors, with comments. */
export function faultValues(s: LogSection): Commented<Record<string, unknown>>[] {
  return s.model.servers
    .filter((sv) => sv.errors)
    .map((sv) => {
      const e = sv.errors!;
      return {
        value: { kind: 'errors', backends: sv.group, fraction: e.fraction, status: e.status, latency: e.latency },
        comment: ` ${sv.logName} in the log: ${e.fives} 5xx and ${e.failures} failed of ${e.attempts} attempts; latency = mean error time / mean service`,
      };
    });
}

/** Header comment lines for the log part. */
export function headerLines(s: LogSection): string[] {
  const m = s.model;
  const lines = [
    ` Workload fitted from ${s.files.map((f) => basename(f)).join(', ')} (${s.format.name}): ${m.requests} requests over ${(m.spanMs / 1000).toFixed(0)} s` +
      `${s.unparsed > 0 ? `, ${s.unparsed} of ${s.lines} lines did not match the format and were skipped` : ''}.`,
    ` Units read from the format (never guessed): ${s.format.units.join('; ') || 'as mapped'}${m.resolutionMs === 1 ? '; durations are whole milliseconds, so a 0 counts as 0.5 ms' : ''}.`,
    ` Service demand: ${m.dequeue.join(' / ')}.`,
    ` Retries seen in the log: ${m.retries.requests} requests (${(m.retries.fraction * 100).toFixed(2)} %) with ${m.retries.extra} extra attempts.`,
    ` Exact replay instead of the fitted arrivals: clients: { arrival: trace, file: ${basename(s.files[0]!)}, format: ${JSON.stringify(s.formatSpec)} }`,
  ];
  for (const n of m.notes) lines.push(` Note: ${n}`);
  if (s.check) {
    lines.push('');
    for (const l of formatCheck(s.check)) lines.push(` ${l}`);
  }
  return lines;
}

/**
 * Description lines (they travel into results files and the report): the source and method in one
 * line, and the check's verdict (the figures themselves are in the `observed` section).
 */
export function descriptionLines(s: LogSection): string[] {
  const m = s.model;
  const out = [`Workload fitted from the access log ${s.files.map((f) => basename(f)).join(', ')} (${m.requests} requests, ${(m.spanMs / 1000).toFixed(0)} s); service demand ${m.dequeue.join(' / ')}.`];
  if (s.check) out.push(`Checked against the log under ${s.check.strategy}: ${s.check.verdict}.`);
  return out;
}

/** The scenario's `observed` section: the log's percentiles and shares, and the check's verdict. */
export function observedValue(s: LogSection): Record<string, unknown> {
  const o = s.model.observed;
  const ms = (x: number) => scenarioDuration(+x.toPrecision(4));
  return {
    source: s.files.map((f) => basename(f)).join(', '),
    what: o.what,
    p50: ms(o.p50),
    p90: ms(o.p90),
    p99: ms(o.p99),
    shares: Object.fromEntries(Object.entries(o.shares).map(([k, v]) => [k, +v.toFixed(4)])),
    ...(s.check ? { strategy: s.check.strategy, verdict: s.check.verdict } : {}),
  };
}
