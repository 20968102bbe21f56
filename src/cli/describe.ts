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
      return `lognormal(median ${formatMs(Math.exp(d.mu))}, σ ${d.sigma.toFixed(2)})`;
    case 'pareto':
      return `pareto(xm ${formatMs(d.scale)}, α ${d.shape})`;
    case 'gamma':
      return `gamma(k ${d.shape}, θ ${formatMs(d.scale)})`;
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
    .map((g) => `${g.count}×${g.name ?? 'backend'}(${g.workers} worker${g.workers > 1 ? 's' : ''}, ${describeDist(g.service)}${g.weight !== 1 ? `, weight ${g.weight}` : ''})`)
    .join(' + ');
  return `${s.name}: ${clients}; ${backends}; ${s.strategies.length} strategies; ${formatMs(s.durationMs)} measured after ${formatMs(s.warmupMs)} warm-up; seed ${s.seed}; ${s.replications} replication(s)`;
}
