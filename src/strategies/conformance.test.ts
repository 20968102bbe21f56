/**
 * Conformance suite: every registered strategy, driven through the real Balancer, automatically.
 * A new strategy added to the registry is checked here without touching this file.
 *
 * Every flavor of a strategy with flavors is checked as a variant of its own (`p2c[nginx]`).
 *
 * Tolerances (stated, fixed seeds): over 100,000 picks, a weighted strategy's share of each backend
 * is within 3 % (relative) of weight/Σweight for deterministic and random strategies, and within
 * 12 % for hash strategies (ring/table/score granularity with 100,000 distinct keys). Flavors whose
 * source does not give shares proportional to weight at one request in flight are exempt, with the
 * reason below; their own tests pin what they do instead.
 */
import { describe, expect, it } from 'vitest';
import { backends } from '../core/backend.js';
import { LeaseError, REFUSED_NO_BACKEND, type Balancer } from '../core/balancer/index.js';
import { ManualClock } from '../core/clock.js';
import { Rng } from '../core/rng.js';
import { requestInfo, type RequestInfo } from '../core/view.js';
import { createBalancer, STRATEGIES } from './index.js';

const HASHED = new Set(['ip-hash', 'consistent-hash', 'maglev', 'rendezvous', 'bounded-load']);

/** Flavors of weighted strategies whose shares are not weight/Σweight at one request in flight, and why. */
const NOT_PROPORTIONAL: Record<string, string> = {
  'least-connections[haproxy]': 'HAProxy fwlc puts every idle server first (key 0) whatever its weight',
  'least-connections[aws]': 'ALB least outstanding requests ignores weights',
  'weighted-random[haproxy]': "HAProxy random(1) draws the 32-bit circle: a server's share is its nodes' arcs (16 per unit of weight)",
  'consistent-hash[haproxy]': 'HAProxy chash: 16 nodes per unit of weight, sdbm of sequential keys clusters',
  'bounded-load[haproxy]': 'HAProxy chash: 16 nodes per unit of weight, sdbm of sequential keys clusters',
  'consistent-hash[envoy]': "Envoy RING_HASH's default 1,024-entry ring: about 103 entries per unit of weight here, so a host's arcs stray ~10 % from its share",
  'bounded-load[envoy]': "its first choice is Envoy RING_HASH's default 1,024-entry ring (see consistent-hash[envoy])",
};

/** Every strategy, and every flavor of a strategy with flavors, as `[label, definition, options]`. */
const VARIANTS = STRATEGIES.flatMap((def) =>
  def.flavors ? def.flavors.list.map((f) => [`${def.name}[${f}]`, def, { flavor: f }] as const) : [[def.name, def, {}] as const],
);

/** Request attributes that vary per request so hash and sticky strategies see a population. */
function varyRequest(req: RequestInfo, k: number, rng: Rng): RequestInfo {
  req.hashKey = `k${k}`;
  req.sessionKey = ''; // no sessions: sticky falls through to its inner strategy
  req.clientAddr = `${10 + rng.int(200)}.${rng.int(256)}.${rng.int(256)}.${rng.int(256)}`;
  req.attempt = 1;
  return req;
}

describe.each(VARIANTS)('%s conforms', (label, def, options) => {
  const name = def.name;
  const make = (_: string, weights: number[], seed = 1, clock = new ManualClock()): Balancer =>
    createBalancer({ strategy: name, strategyOptions: options, backends: backends(weights.length, weights), clock, timers: clock, rng: new Rng(seed) });

  it('has a kebab-case name, a description, a reference and options that parse from {}', () => {
    expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(def.description.length).toBeGreaterThan(10);
    expect(def.reference.length).toBeGreaterThan(3);
    expect(def.options.safeParse({}).success).toBe(true);
    expect(def.options.safeParse(options).success).toBe(true);
    expect(def.options.safeParse({ noSuchOption: 1 }).success).toBe(false);
  });

  if (def.flavors) {
    it('lists its flavors with the default first, and rejects a flavor it does not have', () => {
      expect(def.flavors!.list[0]).toBe(def.flavors!.default);
      for (const f of def.flavors!.list) expect(def.flavors!.differs[f]!.length).toBeGreaterThan(10);
      const bad = def.options.safeParse({ flavor: 'no-such-flavor' });
      expect(bad.success).toBe(false);
      expect(bad.error!.issues[0]!.message).toContain(def.flavors!.list.join(', '));
    });
  }

  it('picks only eligible backends', () => {
    const clock = new ManualClock();
    const b = make(name, [1, 1, 1, 1, 1, 1], 2, clock);
    b.setDraining('b1', true);
    b.setDraining('b4', true);
    const rng = new Rng(9);
    const req = requestInfo();
    for (let k = 0; k < 5000; k++) {
      const h = b.acquire(varyRequest(req, k, rng));
      expect(h).toBeGreaterThanOrEqual(0);
      const i = b.backendOf(h);
      expect(i === 1 || i === 4).toBe(false);
      b.release(h, 200, 1);
      clock.advance(0.1);
    }
  });

  it('refuses cleanly when no backend is eligible', () => {
    const b = make(name, [1, 1, 1]);
    for (const id of ['b0', 'b1', 'b2']) b.setDraining(id, true);
    expect(b.acquire(requestInfo({ hashKey: 'x', clientAddr: '1.2.3.4', sessionKey: 's' }))).toBe(REFUSED_NO_BACKEND);
    expect(b.leasesOutstanding).toBe(0);
  });

  it('gives the same sequence for the same seed', () => {
    const seq = (seed: number) => {
      const clock = new ManualClock();
      const b = make(name, [3, 1, 2, 1, 1], seed, clock);
      const rng = new Rng(5);
      const req = requestInfo();
      const held: number[] = [];
      const out: number[] = [];
      for (let k = 0; k < 2000; k++) {
        const h = b.acquire(varyRequest(req, k % 300, rng));
        out.push(b.backendOf(h));
        held.push(h);
        if (held.length > 3) b.release(held.shift()!, 200, 1 + (k % 7));
        clock.advance(0.5);
      }
      return out;
    };
    expect(seq(11)).toEqual(seq(11));
  });

  it('returns in-flight counts to zero, failures and timeouts included, and refuses a double release', () => {
    const clock = new ManualClock();
    const b = make(name, [1, 2, 1, 3], 4, clock);
    const rng = new Rng(8);
    const req = requestInfo();
    const held: number[] = [];
    for (let k = 0; k < 3000; k++) {
      const h = b.acquire(varyRequest(req, k, rng));
      if (h >= 0) held.push(h);
      if (held.length > 0 && rng.next() < 0.5) {
        const j = rng.int(held.length);
        const [victim] = held.splice(j, 1);
        const r = rng.next();
        if (r < 0.1) b.release(victim!, 0, 50, 'timeout');
        else if (r < 0.15) b.release(victim!, 503, 2);
        else if (r < 0.2) b.release(victim!, 0, 0, 'cancelled');
        else b.release(victim!, 200, 1 + rng.next() * 5);
      }
      clock.advance(1);
    }
    for (const h of held) b.release(h, 200, 1);
    expect(b.leasesOutstanding).toBe(0);
    for (let i = 0; i < 4; i++) expect(b.activeOf(i)).toBe(0);
    const h = b.acquire(varyRequest(req, 1, rng));
    b.release(h, 200, 1);
    expect(() => b.release(h, 200, 1)).toThrow(LeaseError);
  });

  if (def.weighted && NOT_PROPORTIONAL[label] === undefined) {
    it(`shares follow weights 1:2:3:4 over 100,000 picks (±${HASHED.has(name) ? 12 : 3} % relative)`, () => {
      const weights = [1, 2, 3, 4];
      const clock = new ManualClock();
      const b = make(name, weights, 3, clock);
      const rng = new Rng(6);
      const req = requestInfo();
      const counts = [0, 0, 0, 0];
      const n = 100_000;
      for (let k = 0; k < n; k++) {
        const h = b.acquire(varyRequest(req, k, rng));
        counts[b.backendOf(h)]!++;
        b.release(h, 200, 1);
        clock.advance(0.01);
      }
      const tol = HASHED.has(name) ? 0.12 : 0.03;
      weights.forEach((w, i) => {
        const expected = (w / 10) * n;
        expect(Math.abs(counts[i]! - expected) / expected).toBeLessThan(tol);
      });
    });
  }

  if (def.spreads) {
    it('starves no backend under equal load (each of 8 gets ≥ 60 % of a fair share of 40,000 picks)', () => {
      const clock = new ManualClock();
      const b = make(name, [1, 1, 1, 1, 1, 1, 1, 1], 7, clock);
      const rng = new Rng(12);
      const req = requestInfo();
      const counts = new Array<number>(8).fill(0);
      const held: number[] = [];
      for (let k = 0; k < 40_000; k++) {
        const h = b.acquire(varyRequest(req, k, rng));
        counts[b.backendOf(h)]!++;
        held.push(h);
        // Keep ~4 requests in flight, released in random order with equal latencies.
        if (held.length > 4) b.release(held.splice(rng.int(held.length), 1)[0]!, 200, 1);
        clock.advance(0.25);
      }
      for (const h of held) b.release(h, 200, 1);
      for (const c of counts) expect(c).toBeGreaterThan(0.6 * (40_000 / 8));
    });
  }
});
