/** One-line description of a scenario for `validate` and run headers. */
import { basename } from 'node:path';
import type { Distribution, Scenario } from '../scenario/types.js';
import { formatMs } from '../input/units.js';

/** Describes a distribution briefly, e.g. `exponential(mean 1ms)`. */
export function describeDist(d: Distribution): string {
  switch (d.dist) {
    case 'constant':
      return `constant ${formatMs(d.value)}`;
    case 'exponential':
      return `exponential(mean ${formatMs(d.mean)})`;
    case 'uniform':
      return `uniform(${formatMs(d.min)}–${formatMs(d.max)})`;
    case 'lognormal':
      // the user's own terms: median and p99 when the file gave them, else mu and sigma
      return d.median !== undefined && d.p99 !== undefined
        ? `lognormal(median ${formatMs(d.median)}, p99 ${formatMs(d.p99)})`
        : `lognormal(mu ${+d.mu.toPrecision(4)}, sigma ${+d.sigma.toPrecision(4)})`;
    case 'pareto':
      return d.mean !== undefined ? `pareto(mean ${formatMs(d.mean)}, shape ${d.shape})` : `pareto(scale ${formatMs(d.scale)}, shape ${d.shape})`;
    case 'gamma':
      return d.mean !== undefined ? `gamma(shape ${d.shape}, mean ${formatMs(d.mean)})` : `gamma(shape ${d.shape}, scale ${formatMs(d.scale)})`;
    case 'mixture':
      return `mixture of ${d.parts.length}`;
    case 'empirical':
      return `empirical(${d.samples.length} samples)`;
  }
}

/** A one-line summary: name, clients, backends, strategies, duration. */
export function describeScenario(s: Scenario): string {
  const p = s.clients.process;
  const clients =
    p.arrival === 'closed'
      ? `${p.users} closed-loop users`
      : p.arrival === 'schedule'
        ? `scheduled arrivals (${p.steps.length} steps)`
        : p.arrival === 'trace'
          ? `replay of ${basename(p.file)}${p.speed !== 1 ? ` at ${p.speed}x speed` : ''}${p.loop ? ', looped' : ''}`
          : `${p.arrival} arrivals at ${+p.rate.toPrecision(6)} req/s${s.clients.load !== undefined ? ` (clients.load ${s.clients.load} × capacity)` : ''}`;
  const backends = s.backends
    .map(
      (g) =>
        `${g.count}×${g.name ?? 'backend'}(${g.workers} worker${g.workers > 1 ? 's' : ''}, ${describeDist(g.service)}` +
        `${g.speed !== 1 ? `, speed ×${g.speed}` : ''}${g.weight !== 1 ? `, weight ${g.weight}` : ''}${g.maxConn > 0 ? `, maxConn ${g.maxConn}` : ''})`,
    )
    .join(' + ');
  return `${s.name}: ${clients}; ${backends}; ${s.strategies.length} strategies; ${formatMs(s.durationMs)} measured after ${formatMs(s.warmupMs)} warm-up; seed ${s.seed}; ${s.replications} replication(s)`;
}
