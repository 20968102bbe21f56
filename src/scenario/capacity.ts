/**
 * The fleet's service capacity in requests per second: Σ over backend groups of
 * count × workers × speed × 1000 / (mean service ms × mean class factor), the rate at which every
 * worker is busy all the time (utilization 1; the stability bound λ < cμ of an M/M/c queue, Kleinrock,
 * "Queueing Systems" vol. 1, §3.5). An autoscaled group counts at its `max`. `clients.load` is a
 * fraction of this figure, and the run header's load factor is the offered rate over it.
 */
import { meanOf } from '../sim/model/distributions.js';
import type { AutoscaleSettings, BackendGroup, RequestClass } from './types.js';

/** Mean service-time multiplier over the request classes (1 without classes). */
export function meanClassFactor(classes: readonly RequestClass[]): number {
  if (classes.length === 0) return 1;
  const total = classes.reduce((s, k) => s + k.share, 0);
  return classes.reduce((s, k) => s + (k.share / total) * k.serviceFactor, 0);
}

/** Capacity (req/s) of `backends` serving requests whose service times are scaled by `classFactor`. */
export function fleetCapacity(backends: readonly BackendGroup[], classFactor: number, autoscale?: AutoscaleSettings): number {
  let capacity = 0;
  backends.forEach((g, gi) => {
    const m = meanOf(g.service) * classFactor;
    const count = autoscale?.group === gi ? autoscale.max : g.count;
    capacity += m > 0 ? (count * g.workers * g.speed * 1000) / m : Infinity;
  });
  return capacity;
}
