/**
 * A bare, hand-written M/M/1 event loop in plain JS: the ceiling the simulator is measured against
 * (the simulator-speed section's ceiling). Poisson(λ) arrivals, exponential(μ) service, FIFO, one server; its own binary
 * heap over typed arrays (time, kind, sequence number for FIFO ties), the same xoshiro generator as
 * the engine (`src/core/rng.ts`) and the same logarithm (`src/core/math.ts`: the engine computes
 * its own, engine-independent `ln`, so the floor does too), every response time kept in a Float64Array and averaged at the end.
 * No balancer, no recorder, no summary: the least work a discrete-event simulation of the same
 * traffic can do (two events per request). Reference: the M/M/1 queue, mean response 1/(μ − λ).
 */
import { ln } from '../src/core/math.js';
import { Rng } from '../src/core/rng.js';

/** What one bare run reports. */
export interface BareResult {
  /** Requests simulated. */
  requests: number;
  /** Events processed (arrivals + departures). */
  events: number;
  /** Mean response time, ms (theory: 1 / (μ − λ)). */
  meanMs: number;
}

/**
 * Runs `requests` requests through an M/M/1 queue with arrival rate `lambdaPerMs` and service rate
 * `muPerMs` (per ms), seeded with `seed`.
 */
export function bareMM1(requests: number, lambdaPerMs: number, muPerMs: number, seed: number): BareResult {
  const rng = new Rng(seed);
  let cap = 1024;
  let ht = new Float64Array(cap);
  let hk = new Int32Array(cap);
  let hs = new Float64Array(cap);
  let n = 0;
  let seqNo = 0;
  const push = (t: number, k: number): void => {
    if (n === cap) {
      cap *= 2;
      const t2 = new Float64Array(cap);
      const k2 = new Int32Array(cap);
      const s2 = new Float64Array(cap);
      t2.set(ht);
      k2.set(hk);
      s2.set(hs);
      ht = t2;
      hk = k2;
      hs = s2;
    }
    const s = seqNo++;
    let i = n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (ht[p]! < t || (ht[p] === t && hs[p]! < s)) break;
      ht[i] = ht[p]!;
      hk[i] = hk[p]!;
      hs[i] = hs[p]!;
      i = p;
    }
    ht[i] = t;
    hk[i] = k;
    hs[i] = s;
  };
  let popT = 0;
  const pop = (): number => {
    const k0 = hk[0]!;
    popT = ht[0]!;
    const last = --n;
    const lt = ht[last]!;
    const lk = hk[last]!;
    const ls = hs[last]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      if (c + 1 < last && (ht[c + 1]! < ht[c]! || (ht[c + 1] === ht[c] && hs[c + 1]! < hs[c]!))) c++;
      if (lt < ht[c]! || (lt === ht[c] && ls < hs[c]!)) break;
      ht[i] = ht[c]!;
      hk[i] = hk[c]!;
      hs[i] = hs[c]!;
      i = c;
    }
    ht[i] = lt;
    hk[i] = lk;
    hs[i] = ls;
    return k0;
  };
  const ring = 1 << 16; // FIFO ring of requests waiting or in service (far above any M/M/1 queue at 80 %)
  const mask = ring - 1;
  const arrivalsAt = new Float64Array(ring);
  const serviceOf = new Float64Array(ring);
  let head = 0;
  let len = 0;
  const lat = new Float64Array(requests);
  let done = 0;
  let generated = 0;
  let events = 0;
  push(-ln(rng.nextOpen()) / lambdaPerMs, 0);
  while (n > 0) {
    const kind = pop();
    const now = popT;
    events++;
    if (kind === 0) {
      generated++;
      if (generated < requests) push(now - ln(rng.nextOpen()) / lambdaPerMs, 0);
      const s = -ln(rng.nextOpen()) / muPerMs;
      if (len === ring) throw new Error('bareMM1: queue longer than its ring (load too high)');
      const at = (head + len) & mask;
      arrivalsAt[at] = now;
      serviceOf[at] = s;
      len++;
      if (len === 1) push(now + s, 1);
    } else {
      lat[done++] = now - arrivalsAt[head]!;
      head = (head + 1) & mask;
      len--;
      if (len > 0) push(now + serviceOf[head]!, 1);
    }
  }
  let sum = 0;
  for (let i = 0; i < done; i++) sum += lat[i]!;
  return { requests: done, events, meanMs: sum / done };
}
