/**
 * Status rows: a point-in-time description of every backend of a balancer, for the proxy's admin
 * page and metrics and for reports. Building them allocates one object per backend, so drivers use
 * `Balancer.backendState` on hot paths instead.
 */
import type { HealthMechanisms, Eligibility } from './eligibility.js';
import { BACKEND_STATES, type BackendState } from './codes.js';
import type { Topology } from './topology.js';

/** A point-in-time description of one backend for status pages and metrics. */
export interface BackendStatus {
  index: number;
  id: string;
  weight: number;
  effectiveWeight: number;
  active: number;
  eligible: boolean;
  state: BackendState;
  passiveDown: boolean;
  ejected: boolean;
  activeDown: boolean;
  draining: boolean;
  requests: number;
  failures: number;
}

/** One row per backend at the view's time; `elig` must have been refreshed at that time. */
export function statusRows(topo: Topology, elig: Eligibility, health: HealthMechanisms): BackendStatus[] {
  const out: BackendStatus[] = [];
  const view = elig.view;
  const now = view.now;
  for (let i = 0; i < topo.n; i++) {
    out.push({
      index: i,
      id: topo.specs[i]!.id,
      weight: topo.weightOf(i),
      effectiveWeight: view.weight[i]!,
      active: view.active[i]!,
      eligible: elig.baseMask[i] === 1,
      state: BACKEND_STATES[elig.stateOf(i)]!,
      passiveDown: health.passive?.isDown(i, now) ?? false,
      ejected: health.outlier?.isEjected(i, now) ?? false,
      activeDown: health.active?.isDown(i) ?? false,
      draining: topo.draining[i] === 1,
      requests: topo.requests[i]!,
      failures: topo.failures[i]!,
    });
  }
  return out;
}
