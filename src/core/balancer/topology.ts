/**
 * The balancer's pool of backends: who is a member, who is draining, runtime re-weights, and
 * per-backend request/failure counters for status pages.
 *
 * Backends are positions `0 … n-1` that never move: removing a backend only clears its `live` flag,
 * so lease handles, health state and strategy tables indexed by position stay valid. Draining is HAProxy's `drain`
 * state and Envoy's `DRAINING` health status: no new requests, in-flight ones finish.
 */
import type { BackendSpec } from '../backend.js';
import { grow } from './grow.js';

/** Membership, drain state and configured weights of a balancer's backends, by position. */
export class Topology {
  /** Number of backend slots, removed ones included. */
  n = 0;
  /** Descriptors by position (appended to, never replaced). */
  readonly specs: BackendSpec[] = [];
  /** 1 while a member of the pool. */
  live = new Uint8Array(0);
  /** 1 while draining. */
  draining = new Uint8Array(0);
  /** Runtime weight override; 0 = none (the spec's weight applies). */
  reweight = new Float64Array(0);
  /** Leases granted per backend. */
  requests = new Float64Array(0);
  /** Failed attempts (error or 5xx) per backend. */
  failures = new Float64Array(0);

  /** Appends a live, undrained backend and returns its index. */
  push(spec: BackendSpec): number {
    const i = this.n++;
    this.specs.push(spec);
    this.live = grow(this.live, this.n);
    this.draining = grow(this.draining, this.n);
    this.reweight = grow(this.reweight, this.n);
    this.requests = grow(this.requests, this.n);
    this.failures = grow(this.failures, this.n);
    this.live[i] = 1;
    this.draining[i] = 0;
    this.reweight[i] = 0;
    return i;
  }

  /** Index of backend `id`, or -1. */
  indexOf(id: string): number {
    for (let i = 0; i < this.n; i++) if (this.specs[i]!.id === id) return i;
    return -1;
  }

  /** Index of backend `id`; throws when there is none. */
  requireIndex(id: string): number {
    const i = this.indexOf(id);
    if (i < 0) throw new Error(`unknown backend "${id}"`);
    return i;
  }

  /** Weight of backend `i` before slow start: the runtime override if set, else the configured one. */
  weightOf(i: number): number {
    return this.reweight[i]! > 0 ? this.reweight[i]! : this.specs[i]!.weight;
  }
}
